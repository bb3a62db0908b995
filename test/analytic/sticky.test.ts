// Checks the sticky-balancer closed forms of DESIGN §5.

import { describe, expect, it } from "vitest";
import { firstAttemptFailure, messageFailure, resendFailure } from "../../src/analytic/sticky.js";

describe("sticky balancer", () => {
  it("fails every resend after a rejection", () => {
    expect(resendFailure(20, 2)).toBe(1);
    expect(firstAttemptFailure(20, 2, 0.5)).toBe(0.05);
    expect(messageFailure(20, 2, 0.5, 3)).toBe(0.05);
  });

  it("needs a listed server for a resend to exist", () => {
    expect(() => resendFailure(20, 0)).toThrow(RangeError);
    expect(() => messageFailure(20, 2, 0.5, 0)).toThrow(RangeError);
  });
});
