// Checks Welford's accumulator and Chan's merge against two-pass results on the same data.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RunningStats } from "../../src/stats/running.js";

function twoPass(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

function of(xs: number[]): RunningStats {
  const r = new RunningStats();
  for (const x of xs) r.add(x);
  return r;
}

describe("RunningStats", () => {
  it("gives NaN until it has enough values", () => {
    const r = new RunningStats();
    expect(r.count).toBe(0);
    expect(r.mean).toBeNaN();
    expect(r.variance).toBeNaN();
    r.add(4);
    expect(r.mean).toBe(4);
    expect(r.variance).toBeNaN();
  });

  it("computes the sample mean and variance", () => {
    const r = of([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.count).toBe(8);
    expect(r.mean).toBe(5);
    expect(r.variance).toBeCloseTo(32 / 7, 14);
  });

  it("is stable under a large offset", () => {
    const r = of([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(r.mean).toBe(1e9 + 10);
    expect(r.variance).toBeCloseTo(30, 6);
  });

  it("merges like one accumulator over the concatenation (Chan et al.)", () => {
    const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 50 });
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        const merged = of(xs).merge(of(ys));
        const all = [...xs, ...ys];
        expect(merged.count).toBe(all.length);
        if (all.length === 0) return;
        const { mean, variance } = twoPass(all);
        expect(merged.mean).toBeCloseTo(mean, 6);
        if (all.length > 1) {
          expect(Math.abs(merged.variance - variance)).toBeLessThanOrEqual(1e-9 * Math.max(1, variance));
        }
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it("leaves the merged-in accumulator unchanged", () => {
    const a = of([1, 2]);
    const b = of([3, 4, 5]);
    a.merge(b);
    expect(b.count).toBe(3);
    expect(b.mean).toBe(4);
    expect(a.mean).toBe(3);
  });
});
