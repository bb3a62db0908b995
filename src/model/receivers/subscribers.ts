// Who consults a list (DESIGN §2, "Recipients"): beyond a plain share of domains, a rule by rank
// (`exceptTop`: the largest mailbox providers run their own reputation systems rather than
// public DNSBLs, DOMAIN.md "Who consults a list") or by share of mail (`mailShare`).
import type { Random } from "../../engine/index.js";
import type { Blacklist } from "../../scenario/schema.js";

/** A list's `subscribers` as normalised: a share of domains, or a rule by rank or by mail. */
export type SubscriberRule = Blacklist["subscribers"];
export type RankRule = Exclude<SubscriberRule, number>;

/**
 * The per-domain probability drawn for each list by recipients.ts's drawSubscriptions: the plain
 * share, a rule's `share`, or 0 for a `mailShare` rule. Every list draws for every domain, so a
 * rule on one list leaves the other lists' subscriptions as they were (common random numbers),
 * and `{"share": p}` subscribes exactly the domains that `p` does.
 */
export function perDomainShares(rules: readonly SubscriberRule[]): number[] {
  return rules.map((r) => (typeof r === "number" ? r : (r.share ?? 0)));
}

/** The rules that need more than the plain draws, by list index; null when every list is plain. */
export function rankRules(rules: readonly SubscriberRule[]): Array<RankRule | null> | null {
  const out = rules.map((r) => (typeof r === "number" ? null : r));
  return out.some((r) => r !== null) ? out : null;
}

/**
 * Apply the rules to masks drawn with {@link perDomainShares}: the top `exceptTop` domains
 * (domain i is the i-th most popular) never consult the list; a `mailShare` rule then subscribes
 * domains outside the top in a random order (drawn from `random`, its own stream) until their
 * Zipf weights reach the share, the one that would cross it with the probability that makes the
 * expected share exact (one stream, made on first need, for all such lists in order). Only lists
 * with a rule are touched.
 */
export function applySubscriberRules(
  masks: Int32Array,
  rules: ReadonlyArray<RankRule | null>,
  zipf: number,
  random: () => Random,
): void {
  const domains = masks.length;
  let weights: Float64Array | null = null;
  let stream: Random | null = null;
  rules.forEach((rule, b) => {
    if (rule === null) return;
    const keep = ~(1 << b);
    const top = Math.min(rule.exceptTop, domains);
    for (let d = 0; d < top; d++) masks[d] &= keep;
    if (rule.mailShare === undefined) return;
    for (let d = top; d < domains; d++) masks[d] &= keep;
    weights ??= zipfShares(domains, zipf);
    stream ??= random();
    for (const d of byMail(weights, top, rule.mailShare, stream)) masks[d] |= 1 << b;
  });
}

/** Each domain's share of all mail under Zipf popularity 1/(i+1)^zipf. */
export function zipfShares(domains: number, zipf: number): Float64Array {
  const w = new Float64Array(domains);
  let total = 0;
  for (let i = domains - 1; i >= 0; i--) {
    w[i] = (i + 1) ** -zipf;
    total += w[i];
  }
  for (let i = 0; i < domains; i++) w[i] /= total;
  return w;
}

/**
 * Domains from `top` on, in a uniformly random order, taken while their shares stay within
 * `share`; the first that would pass it is taken with probability (share − taken)/w, so the
 * expected share taken is exactly `share` (conditional on the order).
 */
export function byMail(shares: Float64Array, top: number, share: number, random: Random): number[] {
  const order = Array.from({ length: shares.length - top }, (_, i) => top + i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen: number[] = [];
  let taken = 0;
  // A relative slack so that asking for all the mail outside the top takes every domain.
  const target = share * (1 + 1e-12);
  for (const d of order) {
    const w = shares[d];
    if (taken + w <= target) {
      chosen.push(d);
      taken += w;
      continue;
    }
    if (random.next() * w < share - taken) chosen.push(d);
    break;
  }
  return chosen;
}
