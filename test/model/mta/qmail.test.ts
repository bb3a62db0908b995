// Checks qmail's schedule against qmail-send.c's nextretry(): ages (20k)² s for remote mail.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryAges } from "../../../src/model/mta/index.js";
import { QmailSchedule } from "../../../src/model/mta/qmail.js";

const qmail = new QmailSchedule();

describe("qmail schedule", () => {
  it("retries at ages (20k)² s from the first attempt", () => {
    expect(retryAges(qmail, 10_001)).toEqual([400, 1600, 3600, 6400, 10_000]);
    const week = retryAges(qmail, 604_800);
    // (20·38)² = 577600 < 7 d < (20·39)² = 608400: 38 retries within qmail's queuelifetime.
    expect(week).toHaveLength(38);
    expect(week).toEqual(week.map((_, i) => (20 * (i + 1)) ** 2));
  });

  it("applies qmail-send's formula to an attempt made off schedule", () => {
    expect(qmail.nextAge(0)).toBe(400);
    expect(qmail.nextAge(-5)).toBe(400); // "if (birth > recent) n = 0"
    expect(qmail.nextAge(401)).toBe(1600); // ⌊√401⌋ = 20
    expect(qmail.nextAge(1599)).toBe(59 * 59); // ⌊√1599⌋ = 39
    expect(qmail.nextAge(1600 - 1e-9)).toBe(59 * 59); // exact integer square root, not rounded
  });

  it("always moves forward, never decreasing with the age", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (a, d) => {
          const next = qmail.nextAge(a);
          expect(next).toBeGreaterThan(a);
          expect(qmail.nextAge(a + d)).toBeGreaterThanOrEqual(next);
        },
      ),
      { seed: 1 },
    );
  });
});
