// How many recipients a message has (recipients.perMessage, DESIGN §2): the count's
// probabilities and the table the model draws them from.
import { AliasTable as Alias } from "../engine/alias.js";
import type { AliasTable } from "../engine/index.js";
import type { RecipientCount } from "../scenario/recipient-count.js";

/**
 * The probability of each count 1 … max (entry i: i + 1 recipients), trailing zeros dropped:
 * what the model samples from and what closed forms average over.
 */
export function recipientCountWeights(d: RecipientCount): number[] {
  let w: number[];
  if ("fixed" in d) {
    w = new Array(d.fixed).fill(0);
    w[d.fixed - 1] = 1;
  } else if ("uniform" in d) {
    w = new Array(d.uniform[1]).fill(0);
    for (let n = d.uniform[0]; n <= d.uniform[1]; n++) w[n - 1] = 1;
  } else if ("empirical" in d) {
    // A loop, not Math.max(...): the list may hold more values than the stack has room for.
    let most = 0;
    for (const n of d.empirical) most = Math.max(most, n);
    w = new Array(most).fill(0);
    for (const n of d.empirical) w[n - 1]++;
  } else {
    w = [...d.shares];
  }
  while (w.length > 1 && w[w.length - 1] === 0) w.pop();
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** The table the model draws counts from; null when every message has exactly one recipient (today's flow). */
export function recipientsPerMessageTable(d: RecipientCount | undefined): AliasTable | null {
  if (d === undefined) return null;
  const w = recipientCountWeights(d);
  return w.length === 1 ? null : new Alias(w);
}
