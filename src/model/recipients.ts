// Recipient domains (DESIGN §2, "Recipients"): Zipf popularity, and which blacklists each
// domain consults — drawn once per replication and kept, so a domain that rejected a
// message still consults the same lists when the user resends.
import { AliasTable, type Random } from "../engine/index.js";

/** Zipf popularity over `domains` domains: the i-th most popular has weight 1/(i+1)^exponent. */
export function zipfTable(domains: number, exponent: number): AliasTable {
  const weights = new Float64Array(domains);
  for (let i = 0; i < domains; i++) weights[i] = (i + 1) ** -exponent;
  return new AliasTable(weights);
}

/** Bit b of entry d is set when domain d consults list b (lists in `blacklists` order). */
export function drawSubscriptions(domains: number, subscribers: readonly number[], random: Random): Int32Array {
  const masks = new Int32Array(domains);
  for (let d = 0; d < domains; d++) {
    let mask = 0;
    for (let b = 0; b < subscribers.length; b++) if (random.next() < subscribers[b]) mask |= 1 << b;
    masks[d] = mask;
  }
  return masks;
}
