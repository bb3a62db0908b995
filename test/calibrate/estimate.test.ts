import { describe, expect, it } from "vitest";
import { chao1, clusteredRatio, zipfFit } from "../../src/calibrate/estimate.js";
import { successorCycle } from "../../src/calibrate/policy.js";

describe("chao1", () => {
  it("is the count seen when nothing was seen once, and skips holes", () => {
    const counts: number[] = [];
    counts[0] = 5;
    counts[3] = 2;
    expect(chao1(counts)).toMatchObject({ estimate: 2, ci95: [2, 2], evidence: 7 });
  });
  it("adds f1²/(2 f2) unseen, with an interval around it above the count seen", () => {
    const c = chao1([1, 1, 1, 1, 2, 2, 5]);
    expect(c.estimate).toBeCloseTo(7 + 16 / 4, 12);
    const [lo, hi] = c.ci95 as [number, number];
    expect(lo).toBeGreaterThan(7);
    expect(hi).toBeGreaterThan(c.estimate as number);
  });
});

describe("zipfFit", () => {
  it("recovers the exponent of exact Zipf frequencies", () => {
    const D = 500;
    for (const s of [0.5, 1, 1.3]) {
      const freq = Array.from({ length: D }, (_, r) => Math.round(1e6 * (r + 1) ** -s));
      const fit = zipfFit(freq);
      expect(Math.abs((fit.estimate as number) - s)).toBeLessThan(0.01);
      const [lo, hi] = fit.ci95 as [number, number];
      expect(lo <= (fit.estimate as number) && (fit.estimate as number) <= hi).toBe(true);
    }
  });
});

describe("clusteredRatio", () => {
  it("is the pooled ratio with an interval inside [0, 1]", () => {
    const r = clusteredRatio([
      { y: 3, m: 3 },
      { y: 0, m: 5 },
      { y: 1, m: 2 },
    ]);
    expect(r.estimate).toBeCloseTo(0.4, 12);
    const [lo, hi] = r.ci95 as [number, number];
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });
});

describe("successorCycle", () => {
  it("follows the most frequent successor through every relay, or gives up", () => {
    const t: [number, number][] = [
      [0, 2],
      [2, 1],
      [1, 3],
      [3, 0],
      [0, 1], // noise, outvoted below
      [0, 2],
    ];
    expect(successorCycle(t, 4)).toEqual([0, 2, 1, 3]);
    expect(
      successorCycle(
        [
          [0, 1],
          [1, 0],
        ],
        3,
      ),
    ).toBeNull();
  });
});
