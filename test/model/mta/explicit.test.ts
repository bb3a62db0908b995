// Checks explicit retry lists: the listed ages, sorted and deduplicated, none after the last.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExplicitSchedule } from "../../../src/model/mta/explicit.js";
import { retryAges } from "../../../src/model/mta/index.js";

describe("explicit schedule", () => {
  it("retries at the listed ages in order, once each", () => {
    const schedule = new ExplicitSchedule([3600, 300, 900, 300]);
    expect(retryAges(schedule, Number.POSITIVE_INFINITY)).toEqual([300, 900, 3600]);
    expect(retryAges(schedule, 3600)).toEqual([300, 900]);
    expect(schedule.nextAge(0)).toBe(300);
    expect(schedule.nextAge(300)).toBe(900);
    expect(schedule.nextAge(301)).toBe(900);
    expect(schedule.nextAge(3600)).toBe(Number.POSITIVE_INFINITY);
  });

  it("rejects ages that are not positive and finite", () => {
    expect(() => new ExplicitSchedule([0])).toThrow(RangeError);
    expect(() => new ExplicitSchedule([Number.NaN])).toThrow(RangeError);
    expect(() => new ExplicitSchedule([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it("returns the first listed age after any age, or Infinity", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 2_000_000, noNaN: true }),
        (ages, age) => {
          const expected = Math.min(...ages.filter((a) => a > age), Number.POSITIVE_INFINITY);
          expect(new ExplicitSchedule(ages).nextAge(age)).toBe(expected);
          expect(retryAges(new ExplicitSchedule(ages), Number.POSITIVE_INFINITY)).toEqual(
            [...new Set(ages)].sort((a, b) => a - b),
          );
        },
      ),
      { seed: 1 },
    );
  });
});
