// Checks the Student-t CDF and quantile against 50-digit mpmath values, and the t intervals
// against hand computations.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalQuantile } from "../../src/stats/normal.js";
import { pairedInterval, tCdf, tInterval, tQuantile } from "../../src/stats/student.js";

function expectRelClose(actual: number, expected: number, tol: number): void {
  const scale = expected === 0 ? 1 : Math.abs(expected);
  expect(Math.abs(actual - expected) / scale).toBeLessThanOrEqual(tol);
}

// [p, df, t] with mpmath.findroot on betainc at 50 digits; p the double nearest the literal.
const QUANTILES: Array<[number, number, number]> = [
  [0.975, 1, 12.706204736174692],
  [0.975, 2, 4.302652729749462],
  [0.975, 3, 3.182446305283708],
  [0.975, 4, 2.7764451051977934],
  [0.975, 5, 2.5705818356363146],
  [0.975, 10, 2.2281388519862744],
  [0.975, 30, 2.0422724563012378],
  [0.975, 100, 1.9839715185235518],
  [0.975, 1000, 1.962339080826408],
  // Either side of the switch from the continued fraction to the Cornish–Fisher expansion.
  [0.975, 99999, 1.9599877077718444],
  [0.975, 100001, 1.9599877072973788],
  [0.975, 1e6, 1.9599663568141068],
  [0.975, 1e9, 1.959963986912325],
  [1e-6, 3, -103.29946778041933],
  [1e-6, 7.5, -13.052169759815303],
  [1e-6, 50, -5.376673401740477],
  [0.6, 4, 0.27072229470759734],
  [0.9, 0.5, 10.270324410234512],
  [0.995, 2.5, 7.163728138948783],
  [1e-12, 200, -7.503247657072683],
  [1e-12, 2e5, -7.034927759960158],
];

// [x, df, P(T ≤ x)], mpmath betainc at 50 digits.
const CDF: Array<[number, number, number]> = [
  [-3, 1, 0.10241638234956674],
  [-3, 2, 0.04773298313335456],
  [2.5, 3, 0.9561466764959672],
  [-1.5, 7.5, 0.08724028529323212],
  [0.7, 20, 0.7540048911710848],
  [-40, 5, 9.205981085886477e-8],
  [-6, 1e4, 1.0208092364613077e-9],
  [-6, 2e5, 9.882749439674029e-10],
  [1.96, 1e7, 0.9750020909873429],
  [-0.2, 0.7, 0.4419976692709596],
];

describe("tQuantile", () => {
  it("matches the textbook table (9 digits)", () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736, 8);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.30265273, 8);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138852, 8);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042272456, 8);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 6);
  });

  it.each(QUANTILES)("t⁻¹(%s; df %s) = %s to 1e-11 relative", (p, df, expected) => {
    expectRelClose(tQuantile(p, df), expected, 1e-11);
  });

  it("is antisymmetric, 0 at ½, ±∞ at 0 and 1, normal at df = ∞", () => {
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(tQuantile(0.25, 7)).toBe(-tQuantile(0.75, 7));
    expect(tQuantile(0, 3)).toBe(Number.NEGATIVE_INFINITY);
    expect(tQuantile(1, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.975));
  });

  it("gives each (p, df) its own answer when asked again, in any order and past its memo's bounds", () => {
    // tQuantile keeps its Newton solutions by p and df: a memo keyed by one of them alone, or
    // not cleared right, would hand one pair another's quantile.
    const ps = [0.975, 0.025, 0.9, 0.995, 0.6];
    const dfs = Array.from({ length: 1100 }, (_, k) => 3 + k);
    const first = new Map<string, number>();
    for (const df of dfs) for (const p of ps) first.set(`${p} ${df}`, tQuantile(p, df));
    for (const df of [...dfs].reverse()) {
      for (const p of [...ps].reverse()) {
        const t = tQuantile(p, df);
        expect(t).toBe(first.get(`${p} ${df}`));
        const tail = Math.min(p, 1 - p);
        expectRelClose(p < 0.5 ? tCdf(t, df) : 1 - tCdf(t, df), tail, 1e-9);
      }
    }
  });

  it("rejects bad arguments", () => {
    expect(() => tQuantile(1.5, 3)).toThrow(RangeError);
    expect(() => tQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => tQuantile(0.5, Number.NaN)).toThrow(RangeError);
  });

  it("inverts tCdf across p and df", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        fc.double({ min: 1, max: 1e8, noNaN: true }),
        (p, df) => {
          const t = tQuantile(p, df);
          const tail = Math.min(p, 1 - p);
          const back = p < 0.5 ? tCdf(t, df) : 1 - tCdf(t, df);
          expectRelClose(back, tail, 1e-9);
        },
      ),
      { seed: 7, numRuns: 1000 },
    );
  });
});

describe("tCdf", () => {
  it.each(CDF)("P(T ≤ %s; df %s) = %s to 1e-11 relative", (x, df, expected) => {
    expectRelClose(tCdf(x, df), expected, 1e-11);
  });

  it("matches the closed forms for df = 1 (Cauchy) and df = 2", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        // Lower tails written without cancellation: atan(1/|x|)/π and
        // 1/((√(2 + x²) + |x|)·√(2 + x²)).
        const ax = Math.abs(x);
        const r = Math.sqrt(2 + x * x);
        const cauchyLower = Math.atan(1 / ax) / Math.PI;
        const df2Lower = 1 / ((r + ax) * r);
        expectRelClose(tCdf(x, 1), x < 0 ? cauchyLower : 1 - cauchyLower, 1e-12);
        expectRelClose(tCdf(x, 2), x < 0 ? df2Lower : 1 - df2Lower, 1e-12);
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it("handles the ends", () => {
    expect(tCdf(0, 5)).toBe(0.5);
    expect(tCdf(Number.POSITIVE_INFINITY, 5)).toBe(1);
    expect(tCdf(Number.NEGATIVE_INFINITY, 5)).toBe(0);
    expect(Number.isNaN(tCdf(Number.NaN, 5))).toBe(true);
    expect(() => tCdf(1, -1)).toThrow(RangeError);
  });
});

describe("tInterval", () => {
  it("computes mean ± t(0.975, n−1)·s/√n", () => {
    // s² = 2.5, s/√n = √0.5, t(0.975, 4) = 2.7764451051977934.
    const { mean, ci95, n } = tInterval([1, 2, 3, 4, 5]);
    expect(mean).toBe(3);
    expect(n).toBe(5);
    const half = 2.7764451051977934 * Math.SQRT1_2;
    expectRelClose(ci95[0], 3 - half, 1e-14);
    expectRelClose(ci95[1], 3 + half, 1e-14);
  });

  it("honours the level (90 %: t(0.95, 4)·√0.5 = 1.5074433190623229)", () => {
    const { ci95 } = tInterval(Float64Array.of(1, 2, 3, 4, 5), 0.9);
    expectRelClose(ci95[1] - 3, 1.5074433190623229, 1e-13);
  });

  it("gives NaN for no values and a point for one value", () => {
    const empty = tInterval([]);
    expect(empty.n).toBe(0);
    expect(empty.mean).toBeNaN();
    expect(empty.ci95[0]).toBeNaN();
    expect(empty.ci95[1]).toBeNaN();
    expect(tInterval([0.25])).toEqual({ mean: 0.25, ci95: [0.25, 0.25], n: 1 });
    expect(tInterval([2, 2, 2])).toEqual({ mean: 2, ci95: [2, 2], n: 3 });
  });

  it("stays accurate for a large common offset (two-pass variance)", () => {
    const { mean, ci95 } = tInterval([1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5]);
    expect(mean).toBe(1e9 + 3);
    // ci95 itself is rounded to the ulp of 1e9 (1.2e-7), so compare at 1e-7.
    expectRelClose(ci95[1] - mean, 2.7764451051977934 * Math.SQRT1_2, 1e-7);
  });

  it("rejects a level outside (0, 1)", () => {
    expect(() => tInterval([1, 2], 1)).toThrow(RangeError);
    expect(() => tInterval([1, 2], 0)).toThrow(RangeError);
  });
});

describe("pairedInterval", () => {
  it("is tInterval of b − a, with Welch's interval alongside", () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 3, 7];
    const paired = pairedInterval(a, b);
    const direct = tInterval([1, 2, 0, 3]);
    expect(paired.mean).toBe(1.5);
    expect(paired.n).toBe(4);
    expect(paired.ci95).toEqual(direct.ci95);
    // Welch: s²a = 5/3, s²b = 14/3, se² = 19/12, df = 361·3/221; t(0.975, df)·se from scipy.
    expectRelClose(paired.unpairedCi95[1] - 1.5, 3.2544413264772305, 1e-12);
    expectRelClose(1.5 - paired.unpairedCi95[0], 3.2544413264772305, 1e-12);
  });

  it("is narrower than Welch's when a and b are positively correlated", () => {
    const a = [10, 20, 30, 40, 50];
    const b = [11, 22, 31, 41, 52];
    const { ci95, unpairedCi95 } = pairedInterval(a, b);
    expect(ci95[1] - ci95[0]).toBeLessThan((unpairedCi95[1] - unpairedCi95[0]) / 10);
  });

  it("throws when lengths differ", () => {
    expect(() => pairedInterval([1, 2], [1])).toThrow(RangeError);
  });

  it("gives points for one pair and NaN for none", () => {
    expect(pairedInterval([1], [3])).toEqual({
      mean: 2,
      ci95: [2, 2],
      n: 1,
      unpairedCi95: [2, 2],
    });
    expect(pairedInterval([], []).unpairedCi95[0]).toBeNaN();
  });
});
