// Checks the Wilson interval against Newcombe (1998) and against its closed forms at the ends.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wilson, Z95 } from "../../src/stats/wilson.js";

describe("wilson", () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 17 (1998)
  // 857-872, Table II, method 3 (score interval without continuity correction), 4 decimals.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("%i/%i → [%s, %s] (Newcombe 1998)", (s, n, lo, hi) => {
    const [l, h] = wilson(s, n);
    expect(l).toBeCloseTo(lo, 4);
    expect(h).toBeCloseTo(hi, 4);
  });

  it("has the closed forms z²/(n + z²) at s = 0 and symmetric ends at s = n/2", () => {
    const z2 = Z95 * Z95;
    expect(wilson(0, 10)).toEqual([0, z2 / (10 + z2)]);
    const [lo, hi] = wilson(10, 10);
    expect(hi).toBe(1);
    expect(lo).toBeCloseTo(10 / (10 + z2), 15);
    const [a, b] = wilson(5, 10);
    expect(a + b).toBeCloseTo(1, 15);
    // (½·10 + z²/2 ± z·√(2.5 + z²/4))/(10 + z²)
    expect(b).toBeCloseTo((5 + z2 / 2 + Z95 * Math.sqrt(2.5 + z2 / 4)) / (10 + z2), 15);
  });

  it("returns [0, 1] for n = 0 and honours z", () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
    const [lo99, hi99] = wilson(30, 100, 2.5758293035489004);
    const [lo95, hi95] = wilson(30, 100);
    expect(lo99).toBeLessThan(lo95);
    expect(hi99).toBeGreaterThan(hi95);
  });

  it("rejects impossible counts", () => {
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(1, Number.NaN)).toThrow(RangeError);
    expect(() => wilson(1, 2, 0)).toThrow(RangeError);
  });

  it("always contains the observed proportion within [0, 1]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e7 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const s = Math.floor(f * n);
        const [lo, hi] = wilson(s, n);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(s / n);
        expect(hi).toBeGreaterThanOrEqual(s / n);
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});
