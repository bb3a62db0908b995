// Checks the normal CDF and quantile against 50-digit mpmath values.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { erfc, normalCdf, normalQuantile } from "../../src/stats/normal.js";

/** |actual − expected| ≤ tol·|expected| (tol absolute at expected = 0). */
function expectRelClose(actual: number, expected: number, tol: number): void {
  const scale = expected === 0 ? 1 : Math.abs(expected);
  expect(Math.abs(actual - expected) / scale).toBeLessThanOrEqual(tol);
}

// mpmath.findroot on erfc(-x/√2)/2 = p with 50 digits, p the double nearest the literal.
const QUANTILES: Array<[number, number]> = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965326],
  [1e-20, -9.262340089798407],
  [1e-10, -6.361340902404057],
  [1e-5, -4.264890793922825],
  [0.001, -3.0902323061678136],
  [0.02425, -1.9729610513118847],
  [0.025, -1.9599639845400543],
  [0.1, -1.2815515655446004],
  [0.3, -0.5244005127080408],
  [0.5, 0],
  [0.6, 0.2533471031357997],
  [0.975, 1.9599639845400538],
  [0.999, 3.090232306167813],
];

// mpmath erfc(-x/√2)/2, 50 digits.
const CDF: Array<[number, number]> = [
  [-37, 5.725571222524577e-300],
  [-20, 2.7536241186062337e-89],
  [-10, 7.619853024160525e-24],
  [-5, 2.866515718791939e-7],
  [-1, 0.15865525393145705],
  [-0.3, 0.3820885778110474],
  [0, 0.5],
  [0.3, 0.6179114221889527],
  [1, 0.8413447460685429],
  [3, 0.9986501019683699],
  [8, 0.9999999999999993],
];

describe("normalQuantile", () => {
  it.each(QUANTILES)("Φ⁻¹(%s) = %s to 1e-13 relative", (p, expected) => {
    expectRelClose(normalQuantile(p), expected, 1e-13);
  });

  it("gives ±∞ at 0 and 1 and rejects p outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });

  it("is antisymmetric and inverts normalCdf", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 0.5, noNaN: true }), (p) => {
        // 1 − p rounds; 1 − (1 − p) is the probability that 1 − p really mirrors.
        const upper = 1 - p;
        // (+ 0 folds −0 into +0 at p = ½.)
        expect(normalQuantile(upper) + 0).toBe(-normalQuantile(1 - upper) + 0);
        const x = normalQuantile(p);
        expectRelClose(normalCdf(x), p, 1e-14 * Math.max(1, x * x));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("normalCdf", () => {
  // Φ's condition number at x is about x², so rounding x/√2 alone costs ~x²·1e-16.
  it.each(CDF)("Φ(%s) = %s to 1e-14·max(1, x²) relative", (x, expected) => {
    expectRelClose(normalCdf(x), expected, 1e-14 * Math.max(1, x * x));
  });

  it("saturates far out", () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(Number.isNaN(normalCdf(Number.NaN))).toBe(true);
  });
});

describe("erfc", () => {
  it("is 1 at 0, 2 − erfc(−x) by symmetry, and matches known values", () => {
    expect(erfc(0)).toBe(1);
    // erfc(1) and erfc(5), mpmath.
    expectRelClose(erfc(1), 0.15729920705028513, 1e-15);
    expectRelClose(erfc(5), 1.537459794428035e-12, 1e-14);
    expectRelClose(erfc(-1), 2 - 0.15729920705028513, 1e-15);
  });
});
