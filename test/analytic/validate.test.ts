// Checks the shared argument checks of the closed forms.

import { describe, expect, it } from "vitest";
import {
  checkDelay,
  checkPeriod,
  checkPool,
  checkPoolWithListed,
  checkProbability,
} from "../../src/analytic/validate.js";

describe("validate", () => {
  it("accepts valid pools and rejects the rest", () => {
    expect(() => checkPool(1, 0)).not.toThrow();
    expect(() => checkPool(20, 20)).not.toThrow();
    for (const [N, k] of [
      [0, 0],
      [2.5, 1],
      [3, -1],
      [3, 4],
      [Number.NaN, 0],
    ]) {
      expect(() => checkPool(N, k)).toThrow(RangeError);
    }
    expect(() => checkPoolWithListed(3, 0)).toThrow(RangeError);
  });

  it("checks probabilities, periods and delays", () => {
    expect(() => checkProbability("p", 0)).not.toThrow();
    expect(() => checkProbability("p", -0.1)).toThrow(/p must be in/);
    expect(() => checkPeriod(0)).toThrow(RangeError);
    expect(() => checkPeriod(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => checkDelay(0)).not.toThrow();
    expect(() => checkDelay(-1)).toThrow(RangeError);
  });
});
