// Checks the timer-balancer resend formulas: DESIGN §5's piecewise forms, hand values, and the
// placement average of the fixed-indices form by exhaustive enumeration.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  plateauDelay,
  rotateResendFailure,
  rotateResendFailureFixed,
  shuffleResendFailure,
  slotShiftDistribution,
} from "../../src/analytic/timer.js";

/** DESIGN §5, rotate: valid for d ≤ (N − 1)·T. */
function designRotate(N: number, k: number, T: number, d: number): number {
  const other = (k - 1) / (N - 1);
  return d < T ? 1 - d / T + (d / T) * other : other;
}

/** DESIGN §5, shuffle. */
function designShuffle(N: number, k: number, T: number, d: number): number {
  return d < T ? 1 - d / T + ((d / T) * k) / N : k / N;
}

/** All k-subsets of {0, …, N−1}. */
function subsets(N: number, k: number): number[][] {
  if (k === 0) return [[]];
  if (N < k) return [];
  const without = subsets(N - 1, k);
  const withLast = subsets(N - 1, k - 1).map((s) => [...s, N - 1]);
  return [...without, ...withLast];
}

const pool = fc.integer({ min: 2, max: 60 }).chain((N) => fc.tuple(fc.constant(N), fc.integer({ min: 1, max: N })));
const period = fc.double({ min: 1, max: 86400, noNaN: true });

describe("slotShiftDistribution", () => {
  it("splits d/T into whole and fractional slots", () => {
    expect(slotShiftDistribution(600, 0)).toEqual([{ shift: 0, probability: 1 }]);
    expect(slotShiftDistribution(600, 150)).toEqual([
      { shift: 0, probability: 0.75 },
      { shift: 1, probability: 0.25 },
    ]);
    expect(slotShiftDistribution(600, 1200)).toEqual([{ shift: 2, probability: 1 }]);
  });
});

describe("rotateResendFailure", () => {
  it("has DESIGN's values for 2 of 20 listed, 10-minute period", () => {
    expect(rotateResendFailure(20, 2, 600, 0)).toBe(1);
    expect(rotateResendFailure(20, 2, 600, 300)).toBeCloseTo(0.5 + 0.5 / 19, 15);
    expect(rotateResendFailure(20, 2, 600, 600)).toBeCloseTo(1 / 19, 15);
    expect(rotateResendFailure(20, 2, 600, 19 * 600)).toBeCloseTo(1 / 19, 15);
  });

  it("comes back to the same server after N slots", () => {
    expect(rotateResendFailure(20, 2, 600, 20 * 600)).toBe(1);
    expect(rotateResendFailure(20, 2, 600, 19.5 * 600)).toBeCloseTo(0.5 / 19 + 0.5, 15);
  });

  it("is always 1 for a single server", () => {
    expect(rotateResendFailure(1, 1, 600, 1234)).toBe(1);
  });

  it("equals DESIGN's piecewise form for d ≤ (N − 1)·T", () => {
    fc.assert(
      fc.property(pool, period, fc.double({ min: 0, max: 1, noNaN: true }), ([N, k], T, u) => {
        const d = u * (N - 1) * T;
        expect(rotateResendFailure(N, k, T, d)).toBeCloseTo(designRotate(N, k, T, d), 9);
      }),
      { seed: 1, numRuns: 2000 },
    );
  });

  it("validates its inputs", () => {
    expect(() => rotateResendFailure(5, 6, 600, 0)).toThrow(RangeError);
    expect(() => rotateResendFailure(0, 0, 600, 0)).toThrow(RangeError);
    expect(() => rotateResendFailure(5, 0, 600, 0)).toThrow(RangeError);
    expect(() => rotateResendFailure(5, 2, 0, 0)).toThrow(RangeError);
    expect(() => rotateResendFailure(5, 2, 600, -1)).toThrow(RangeError);
  });
});

describe("rotateResendFailureFixed", () => {
  it("counts listed neighbours m places ahead", () => {
    // Neighbours 3, 4: shift 1 takes 3 → 4 (listed) and 4 → 5 (clean).
    expect(rotateResendFailureFixed(20, [3, 4], 600, 600)).toBe(0.5);
    expect(rotateResendFailureFixed(20, [3, 10], 600, 600)).toBe(0);
    expect(rotateResendFailureFixed(20, [3, 10], 600, 7 * 600)).toBe(0.5);
    // Half a slot: shift 0 (fails) or 1 (fails for one of the two).
    expect(rotateResendFailureFixed(20, [3, 4], 600, 300)).toBe(0.75);
    // Wraps around: 19 + 1 ≡ 0.
    expect(rotateResendFailureFixed(20, [19, 0], 600, 600)).toBe(0.5);
  });

  it("averaged over all placements equals rotateResendFailure (exhaustive, N ≤ 7)", () => {
    const T = 600;
    const delays = [0, 90, 300, 600, 750, 1800, 2400, 3300, 4200, 6000, 9000];
    for (let N = 1; N <= 7; N++) {
      for (let k = 1; k <= N; k++) {
        const placements = subsets(N, k);
        for (const d of delays) {
          const mean = placements.reduce((acc, s) => acc + rotateResendFailureFixed(N, s, T, d), 0) / placements.length;
          expect(mean).toBeCloseTo(rotateResendFailure(N, k, T, d), 12);
        }
      }
    }
  });

  it("rejects bad index lists", () => {
    expect(() => rotateResendFailureFixed(5, [], 600, 0)).toThrow(RangeError);
    expect(() => rotateResendFailureFixed(5, [1, 1], 600, 0)).toThrow(RangeError);
    expect(() => rotateResendFailureFixed(5, [5], 600, 0)).toThrow(RangeError);
    expect(() => rotateResendFailureFixed(5, [1.5], 600, 0)).toThrow(RangeError);
  });
});

describe("shuffleResendFailure", () => {
  it("has DESIGN's values", () => {
    expect(shuffleResendFailure(20, 2, 600, 0)).toBe(1);
    expect(shuffleResendFailure(20, 2, 600, 300)).toBeCloseTo(0.5 + 0.05, 15);
    expect(shuffleResendFailure(20, 2, 600, 600)).toBe(0.1);
    expect(shuffleResendFailure(20, 2, 600, 1e6)).toBe(0.1);
  });

  it("equals DESIGN's piecewise form for every d", () => {
    fc.assert(
      fc.property(pool, period, fc.double({ min: 0, max: 10, noNaN: true }), ([N, k], T, u) => {
        const d = u * T;
        expect(shuffleResendFailure(N, k, T, d)).toBeCloseTo(designShuffle(N, k, T, d), 9);
      }),
      { seed: 2, numRuns: 2000 },
    );
  });
});

describe("plateauDelay", () => {
  it("is the period, where both curves stop falling", () => {
    expect(plateauDelay(20, 2, 600)).toBe(600);
    const T = 600;
    const p = plateauDelay(20, 2, T);
    expect(rotateResendFailure(20, 2, T, p)).toBe(rotateResendFailure(20, 2, T, 5 * T));
    expect(rotateResendFailure(20, 2, T, p * 0.999)).toBeGreaterThan(rotateResendFailure(20, 2, T, p));
    expect(shuffleResendFailure(20, 2, T, p * 0.999)).toBeGreaterThan(shuffleResendFailure(20, 2, T, p));
  });

  it("is 0 when every server is listed (flat curves)", () => {
    expect(plateauDelay(5, 5, 600)).toBe(0);
    expect(rotateResendFailure(5, 5, 600, 300)).toBe(1);
    expect(shuffleResendFailure(5, 5, 600, 300)).toBe(1);
  });

  it("validates its inputs", () => {
    expect(() => plateauDelay(5, 6, 600)).toThrow(RangeError);
    expect(() => plateauDelay(5, 2, -1)).toThrow(RangeError);
  });
});
