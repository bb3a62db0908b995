// maxOf/minOf, and the data-sized lists that used to go through Math.max(...xs): 160 days of
// one-minute buckets (230 400 rows) and a 300 000-value empirical distribution (issue 10).
import { describe, expect, it } from "vitest";
import { supremum } from "../../src/engine/distributions.js";
import { distributionRange } from "../../src/experiment/advise-grid.js";
import { runScenario } from "../../src/experiment/run.js";
import { timeseries } from "../../src/experiment/summary.js";
import { summaryCharts } from "../../src/report/charts/index.js";
import { parseScenario } from "../../src/scenario/load.js";
import { maxOf, minOf } from "../../src/stats/extremes.js";
import { smallScenario } from "../helpers/cli.js";

/** More arguments than any engine's stack takes in one call. */
const MANY = 300_000;

describe("maxOf and minOf", () => {
  it("agree with Math.max/min on small lists, with the floor or ceiling for an empty one", () => {
    expect(maxOf([3, -1, 7])).toBe(7);
    expect(minOf([3, -1, 7])).toBe(-1);
    expect(maxOf([], 1)).toBe(1);
    expect(minOf([], 1)).toBe(1);
    expect(maxOf([0.5], 1)).toBe(1);
    expect(maxOf([])).toBe(Number.NEGATIVE_INFINITY);
    expect(minOf([])).toBe(Number.POSITIVE_INFINITY);
  });

  it("take lists far longer than a spread could", () => {
    const values = Array.from({ length: MANY }, (_, i) => (i * 7919) % MANY);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(maxOf(values)).toBe(MANY - 1);
    expect(minOf(values)).toBe(0);
  });
});

describe("data-sized lists", () => {
  it("an empirical distribution of 300 000 values has a range and a supremum", () => {
    const empirical = Array.from({ length: MANY }, (_, i) => 60 + (i % 1000));
    expect(distributionRange({ empirical })).toEqual([60, 1059]);
    expect(supremum({ empirical })).toBe(1059);
  });

  it("160 days in one-minute buckets give 230 400 timeseries rows and every chart's spec", () => {
    const scenario = parseScenario(
      smallScenario({
        replications: 1,
        horizon: "160d",
        traffic: { senders: 1, rate: "1/d" },
        output: { timeseries: "1m" },
      }),
    );
    const { summary, results } = runScenario(scenario);
    const rows = timeseries(scenario, results);
    expect(rows).toHaveLength(230_400);
    const charts = summaryCharts(summary, rows);
    expect(charts.map((c) => c.name)).toContain("listings-over-time");
  });
});
