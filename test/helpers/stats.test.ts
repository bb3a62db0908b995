// The helpers' bounds against published values: a wrong bound would make every statistical test meaningless.
import { describe, expect, it } from "vitest";
import {
  chiSquareBound,
  chiSquareStatistic,
  chiSquareSurvival,
  expectFrequencies,
  expectMeanNear,
  expectProportion,
  zBound,
} from "./stats.js";

describe("chi-square helpers", () => {
  it.each([
    // Abramowitz & Stegun table 26.8 / any χ² table.
    [1, 0.05, 3.841459],
    [10, 0.05, 18.307038],
    [10, 0.001, 29.588298],
    [99, 0.01, 134.6416],
    [1, 1e-6, 23.928127],
  ])("df %i, α = %s → %s", (df, alpha, quantile) => {
    expect(chiSquareBound(df, alpha)).toBeCloseTo(quantile, 3);
    expect(chiSquareSurvival(quantile, df)).toBeCloseTo(alpha, 6);
  });

  it("computes Pearson's statistic and treats a non-empty zero-probability cell as infinite", () => {
    expect(chiSquareStatistic([10, 30], [20, 20])).toBe(10);
    expect(chiSquareStatistic([1, 9], [0, 10])).toBe(Number.POSITIVE_INFINITY);
    expect(chiSquareStatistic([0, 10], [0, 10])).toBe(0);
  });

  it("two-sided z bound for 1e-6 is 4.8916", () => {
    expect(zBound()).toBeCloseTo(4.891638, 5);
  });

  it("the expect* helpers reject what is clearly wrong", () => {
    expect(() => expectFrequencies([600, 400], [1, 1])).toThrow();
    expect(() => expectFrequencies([500, 500], [1, 1])).not.toThrow();
    expect(() => expectFrequencies([1, 999], [0, 1])).toThrow();
    expect(() => expectMeanNear(0.6, 0.5, 0.29, 10_000)).toThrow();
    expect(() => expectProportion(5300, 10_000, 0.5)).toThrow();
    expect(() => expectProportion(5010, 10_000, 0.5)).not.toThrow();
  });
});
