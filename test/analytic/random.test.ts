// Checks the random-balancer closed forms of DESIGN §5 on hand-computed values.

import { describe, expect, it } from "vitest";
import { firstAttemptFailure, messageFailure, resendFailure } from "../../src/analytic/random.js";

describe("random balancer", () => {
  it("matches DESIGN §5 for 2 of 20 listed, 30 % subscribed", () => {
    expect(firstAttemptFailure(20, 2, 0.3)).toBeCloseTo(0.03, 15);
    expect(resendFailure(20, 2)).toBe(0.1);
    // 0.3·0.1³
    expect(messageFailure(20, 2, 0.3, 3)).toBeCloseTo(3e-4, 15);
    expect(messageFailure(20, 2, 0.3, 1)).toBe(firstAttemptFailure(20, 2, 0.3));
  });

  it("handles the extremes", () => {
    expect(firstAttemptFailure(5, 0, 1)).toBe(0);
    expect(messageFailure(5, 5, 1, 4)).toBe(1);
  });

  it("validates its inputs", () => {
    expect(() => resendFailure(0, 0)).toThrow(RangeError);
    expect(() => resendFailure(3, 4)).toThrow(RangeError);
    expect(() => resendFailure(3, 1.5)).toThrow(RangeError);
    expect(() => firstAttemptFailure(3, 1, 1.2)).toThrow(RangeError);
    expect(() => messageFailure(3, 1, 0.5, 0)).toThrow(RangeError);
  });
});
