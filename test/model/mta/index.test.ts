// Checks that retrySchedule picks the schedule `mta.retry` names and that retryAges stops at
// the queue lifetime.

import { describe, expect, it } from "vitest";
import { retryAges, retrySchedule } from "../../../src/model/mta/index.js";

describe("retrySchedule", () => {
  it("maps each spec to its schedule", () => {
    expect(retrySchedule("qmail").nextAge(0)).toBe(400);
    expect(retrySchedule("postfix").nextAge(0)).toBe(300);
    expect(retrySchedule("exim").nextAge(0)).toBe(900);
    expect(retrySchedule([60, 120]).nextAge(60)).toBe(120);
    expect(() => retrySchedule("sendmail" as "qmail")).toThrow(RangeError);
  });

  it("lists retries strictly below the lifetime, ascending", () => {
    expect(retryAges(retrySchedule("qmail"), 3600)).toEqual([400, 1600]);
    expect(retryAges(retrySchedule("qmail"), 3601)).toEqual([400, 1600, 3600]);
    expect(retryAges(retrySchedule([10, 20]), 5)).toEqual([]);
  });

  it("refuses a schedule that does not move forward", () => {
    expect(() => retryAges({ nextAge: (age) => age }, 100)).toThrow();
  });
});
