// Checks that the analytic index exposes every family under its own name.

import { describe, expect, it } from "vitest";
import * as analytic from "../../src/analytic/index.js";

describe("analytic index", () => {
  it("re-exports the balancer families as namespaces and the queue formulas flat", () => {
    expect(analytic.random.resendFailure(20, 2)).toBe(0.1);
    expect(analytic.sticky.resendFailure(20, 2)).toBe(1);
    expect(analytic.timer.shuffleResendFailure(20, 2, 600, 600)).toBe(0.1);
    expect(analytic.erlangC(2, 1, 1)).toBeCloseTo(1 / 3, 15);
    expect(typeof analytic.mmcMeanSojourn).toBe("function");
  });
});
