// Checks the Exim default rule F,2h,15m; G,16h,1h,1.5; F,4d,6h as retry.c applies it to a
// message whose every attempt fails, on time.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXIM_DEFAULT_RULES, EximSchedule, eximRetryAges } from "../../../src/model/mta/exim.js";
import { retryAges } from "../../../src/model/mta/index.js";

const exim = new EximSchedule();
const MIN = 60;
const HOUR = 3600;

describe("exim schedule", () => {
  it("retries every 15 min up to and including 2 h, then once more (the cutoff test is <=)", () => {
    const ages = retryAges(exim, 4 * 86_400);
    expect(ages.slice(0, 9)).toEqual([15, 30, 45, 60, 75, 90, 105, 120, 135].map((m) => m * MIN));
  });

  it("then grows the interval from 1 h by ×1.5 in integer seconds until past 16 h", () => {
    const ages = retryAges(exim, 4 * 86_400);
    expect(ages.slice(8, 15)).toEqual([8100, 11_700, 17_100, 25_200, 37_350, 55_575, 82_912]);
    const gaps = ages.slice(9, 15).map((a, i) => a - ages[8 + i]);
    expect(gaps).toEqual([HOUR, 1.5 * HOUR, 2.25 * HOUR, 12_150, 18_225, 27_337]);
  });

  it("then retries every 6 h while the age is within 4 d", () => {
    const ages = retryAges(exim, 4 * 86_400);
    const tail = ages.slice(14);
    expect(tail[0]).toBe(82_912);
    expect(tail.slice(1).map((a, i) => a - tail[i])).toEqual(tail.slice(1).map(() => 6 * HOUR));
    expect(ages[ages.length - 1]).toBe(342_112);
    expect(ages).toHaveLength(14 + 12 + 1);
  });

  it("tabulates up to the first retry past the last cutoff and keeps the last rule for ever", () => {
    const table = eximRetryAges(EXIM_DEFAULT_RULES);
    expect(table[table.length - 1]).toBe(363_712);
    expect(table[table.length - 2]).toBe(342_112);
    expect(exim.nextAge(363_712)).toBe(363_712 + 6 * HOUR);
    expect(exim.nextAge(400_000)).toBe(363_712 + 2 * 6 * HOUR);
  });

  it("keeps the schedule anchored at arrival for attempts made off schedule", () => {
    expect(exim.nextAge(0)).toBe(900);
    expect(exim.nextAge(902)).toBe(1800);
    expect(exim.nextAge(8000)).toBe(8100);
  });

  it("applies a G rule's start after the last F retry, as in the spec's example F,1h,15m; G,2d,1h,2", () => {
    const ages = eximRetryAges([
      { algorithm: "F", cutoff: HOUR, interval: 15 * MIN },
      { algorithm: "G", cutoff: 2 * 86_400, start: HOUR, multiplier: 2 },
    ]);
    // "After the first hour there is a delay of one hour, then two hours, then four hours".
    const gaps = ages.map((a, i) => a - (i === 0 ? 0 : ages[i - 1]));
    expect(gaps.slice(0, 8)).toEqual([900, 900, 900, 900, 900, HOUR, 2 * HOUR, 4 * HOUR]);
  });

  it("always moves forward, never decreasing with the age", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (a, d) => {
          const next = exim.nextAge(a);
          expect(next).toBeGreaterThan(a);
          expect(exim.nextAge(a + d)).toBeGreaterThanOrEqual(next);
        },
      ),
      { seed: 1 },
    );
  });
});
