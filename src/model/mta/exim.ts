// Exim's default retry rule `F,2h,15m; G,16h,1h,1.5; F,4d,6h` (Exim spec, chapter "Retry
// configuration", and src/retry.c `retry_update`), computed once as a table of retry ages.
import type { RetrySchedule } from "./schedule.js";

/** One retry parameter set: `F,cutoff,interval` or `G,cutoff,start,multiplier` (seconds). */
export type EximRule =
  | { algorithm: "F"; cutoff: number; interval: number }
  | { algorithm: "G"; cutoff: number; start: number; multiplier: number };

/** The catch-all rule of Exim's default configuration (`* * F,2h,15m; G,16h,1h,1.5; F,4d,6h`). */
export const EXIM_DEFAULT_RULES: readonly EximRule[] = [
  { algorithm: "F", cutoff: 2 * 3600, interval: 15 * 60 },
  { algorithm: "G", cutoff: 16 * 3600, start: 3600, multiplier: 1.5 },
  { algorithm: "F", cutoff: 4 * 86_400, interval: 6 * 3600 },
];

/** Exim's `retry_interval_max` default, 24 h (spec, "Retry parameters"); the default rule never reaches it. */
const RETRY_INTERVAL_MAX = 86_400;

/**
 * The ages of the retries of a message whose first attempt (age 0) and every retry fail, each
 * retry made exactly when due, up to and including the first one past the last rule's cutoff.
 * What retry.c does after each failure at age `now`:
 *
 * - The rule is the first whose cutoff is not passed: `failing_interval <= rule->timeout`. The
 *   cutoff counts from the first failure (spec: "measured from the time that the first failure
 *   … was detected"); retry.c uses the message's age instead when it is larger, for errors that
 *   are not host errors (a 4xx to RCPT is an address error). Here both are the age: the first
 *   attempt fails at age 0.
 * - F: next = now + interval.
 * - G: next = now + (lastgap < start ? start : lastgap·multiplier), with lastgap the previous
 *   gap (min of predicted and actual; equal when retries are on time; 0 at the first failure).
 *   So the first G interval is `start` (1 h) after the failure at which G first applies, as the
 *   spec's example says ("After the first hour there is a delay of one hour, then two hours…").
 *   retry.c stores the multiplier ×1000 and computes in integer seconds, so 18225·1.5 = 27337.
 * - The gap is capped at retry_interval_max.
 *
 * Because the test is `<=`, the failure at exactly 2 h still uses F: the default rule retries at
 * 15, 30, …, 120 min, then 135 min (8100 s), and only then starts G with 1 h: 11700, 17100,
 * 25200, 37350, 55575, 82912 s; 82912 s (23.03 h) is past 16 h, so F,6h follows: 104512, …,
 * 342112 s, and 363712 s is the first retry past 4 d.
 */
export function eximRetryAges(rules: readonly EximRule[]): number[] {
  if (rules.length === 0) throw new RangeError("expected at least one Exim retry rule");
  const finalCutoff = rules[rules.length - 1].cutoff;
  const ages: number[] = [];
  let now = 0;
  let lastGap = 0;
  while (now <= finalCutoff) {
    const rule = rules.find((r) => now <= r.cutoff) as EximRule;
    let gap: number;
    if (rule.algorithm === "F") gap = rule.interval;
    else gap = lastGap < rule.start ? rule.start : Math.trunc((lastGap * Math.round(rule.multiplier * 1000)) / 1000);
    gap = Math.min(gap, RETRY_INTERVAL_MAX);
    if (!(gap > 0)) throw new RangeError(`Exim retry rule ${JSON.stringify(rule)} gives a gap of ${gap} s`);
    now += gap;
    lastGap = gap;
    ages.push(now);
  }
  return ages;
}

/**
 * The Exim schedule as a lookup: the first tabulated age after `age` (binary search, O(log n)),
 * so an attempt made a little late (a queued session) keeps the schedule anchored at arrival.
 * Past the table, the last rule "continues to operate for ever" (retry.c), every 6 h; the
 * message times out at the queue lifetime, which the caller applies (default 4 d, the last
 * cutoff).
 *
 * Ignored: Exim retries only when a queue runner passes (spec: "Retry times are hints rather
 * than promises"; Debian's default QUEUEINTERVAL is 30 min), and a message past the final
 * cutoff gets one more attempt at the next queue run before it bounces.
 */
export class EximSchedule implements RetrySchedule {
  readonly ages: Float64Array;
  private readonly lastAge: number;
  private readonly finalInterval: number;

  constructor(rules: readonly EximRule[] = EXIM_DEFAULT_RULES) {
    const last = rules[rules.length - 1];
    if (last === undefined || last.algorithm !== "F") {
      throw new RangeError("expected Exim retry rules ending with an F rule");
    }
    this.ages = Float64Array.from(eximRetryAges(rules));
    this.lastAge = this.ages[this.ages.length - 1];
    this.finalInterval = Math.min(last.interval, RETRY_INTERVAL_MAX);
  }

  nextAge(age: number): number {
    if (age >= this.lastAge) {
      return this.lastAge + this.finalInterval * (Math.floor((age - this.lastAge) / this.finalInterval) + 1);
    }
    const ages = this.ages;
    let lo = 0;
    let hi = ages.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ages[mid] > age) hi = mid;
      else lo = mid + 1;
    }
    return ages[lo];
  }
}
