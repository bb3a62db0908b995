// The bench's rows that are a loop's speed relative to the static pool's (bench/run.mjs): measured
// in alternating pairs, each loop in a process of its own, the order swapping each pair
// (alternate.mjs), and read per pair from CPU seconds. One static run as the denominator of every
// row let a single slow spell of this VM move three rows at once (a loop row of 11.3 M/s read
// capacity at 1.13× and least-connections at 0.90×, against ~0.5× in the pairs around it).
import { sidesOf } from "./alternate.mjs";
import { median } from "./median.mjs";

/** Pairs a relative row takes: the median of 3 survives one slow run. */
export const PAIRS = 3;

/**
 * The speed of `other` relative to `base` from pairs of runs ({messages, cpu} each): per pair,
 * other's messages per CPU second over base's; the median of those ratios, and each.
 */
export function relativeSpeed(pairs) {
  if (pairs.length === 0) throw new Error("relativeSpeed: no pairs");
  const ratios = pairs.map(({ base, other }) => other.messages / other.cpu / (base.messages / base.cpu));
  return { value: median(ratios), ratios };
}

/**
 * `pairs` pairs of `run(name)` for `base` and `other`, alternating which runs first (base first in
 * the first pair): [{ base, other }] in pair order, each side the run's result.
 */
export function alternatePairs(pairs, run, base, other) {
  const out = [];
  for (let p = 0; p < pairs; p++) {
    const pair = {};
    for (const side of sidesOf(p)) pair[side === "old" ? "base" : "other"] = run(side === "old" ? base : other);
    out.push(pair);
  }
  return out;
}
