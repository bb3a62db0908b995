// Checks Postfix's per-message backoff (qmgr_active.c): the wait is the time in queue, clamped
// to [minimal_backoff_time, maximal_backoff_time] = [300 s, 4000 s].

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryAges } from "../../../src/model/mta/index.js";
import { MAXIMAL_BACKOFF_TIME, MINIMAL_BACKOFF_TIME, PostfixSchedule } from "../../../src/model/mta/postfix.js";

const postfix = new PostfixSchedule();

describe("postfix schedule", () => {
  it("doubles the age from minimal_backoff_time until the wait reaches maximal_backoff_time", () => {
    expect(MINIMAL_BACKOFF_TIME).toBe(300);
    expect(MAXIMAL_BACKOFF_TIME).toBe(4000);
    expect(retryAges(postfix, 20_000)).toEqual([300, 600, 1200, 2400, 4800, 8800, 12_800, 16_800]);
  });

  it("retries every 4000 s after that, up to maximal_queue_lifetime", () => {
    const ages = retryAges(postfix, 5 * 86_400);
    // 4800 + 4000·106 = 428800 < 432000 ≤ 432800: 5 doubling retries and 106 capped ones.
    expect(ages).toHaveLength(111);
    expect(ages[ages.length - 1]).toBe(428_800);
  });

  it("waits the message's time in queue after an attempt made off schedule", () => {
    expect(postfix.nextAge(0)).toBe(300);
    expect(postfix.nextAge(100)).toBe(400);
    expect(postfix.nextAge(1000)).toBe(2000);
    expect(postfix.nextAge(5000)).toBe(9000);
  });

  it("always moves forward by 300 to 4000 s, never decreasing with the age", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (a, d) => {
          const next = postfix.nextAge(a);
          expect(next - a).toBeGreaterThanOrEqual(300 * (1 - 1e-12));
          expect(next - a).toBeLessThanOrEqual(4000 * (1 + 1e-12));
          expect(postfix.nextAge(a + d)).toBeGreaterThanOrEqual(next);
        },
      ),
      { seed: 1 },
    );
  });
});
