// A retry schedule given as a list of ages (`mta.retry: ["5m", "1h", …]`), for MTAs or settings
// that the named schedules do not cover: a retry at each listed age, none after the last.
import type { RetrySchedule } from "./schedule.js";

/** The listed ages, sorted ascending and deduplicated; nextAge is a binary search, O(log n). */
export class ExplicitSchedule implements RetrySchedule {
  readonly ages: Float64Array;

  constructor(ages: readonly number[]) {
    for (const age of ages) {
      if (!(age > 0 && Number.isFinite(age))) {
        throw new RangeError(`retry ages must be finite and > 0 seconds, got ${age}`);
      }
    }
    const sorted = Float64Array.from(ages).sort();
    let n = 0;
    for (let i = 0; i < sorted.length; i++) if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
    this.ages = sorted.slice(0, n);
  }

  /** The first listed age > `age`; Infinity after the last one. */
  nextAge(age: number): number {
    const ages = this.ages;
    let lo = 0;
    let hi = ages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ages[mid] > age) hi = mid;
      else lo = mid + 1;
    }
    return lo < ages.length ? ages[lo] : Number.POSITIVE_INFINITY;
  }
}
