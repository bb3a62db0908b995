// The replications chart: every defined metric, its per-replication values, mean and CI.
import { describe, expect, it } from "vitest";
import { METRICS } from "../../../src/experiment/result.js";
import { flatDomain, replicationsChart } from "../../../src/report/charts/replications.js";
import { METRIC_TITLES } from "../../../src/report/charts/theme.js";
import { smallRun } from "../fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
type Any = any;

describe("replicationsChart", () => {
  const { summary } = smallRun();
  const spec = replicationsChart(summary) as Any;

  it("has a row per defined metric with ticks, the CI rule and the mean", () => {
    const defined = METRICS.filter((m) => summary.perReplication[m].some((v) => v !== null));
    expect(spec.vconcat).toHaveLength(defined.length);
    spec.vconcat.forEach((row: Any, i: number) => {
      const [ticks, rule, mean] = row.layer;
      expect(ticks.mark.type).toBe("tick");
      expect(rule.mark.type).toBe("rule");
      expect(mean.mark.type).toBe("point");
      expect(ticks.data.values[0].metric).toBe(METRIC_TITLES[defined[i]]);
    });
  });

  it("formats proportions as percentages and delays in a time unit", () => {
    const byMetric = (m: string) => spec.vconcat.find((r: Any) => r.layer[0].data.values[0].metric === m);
    expect(byMetric(METRIC_TITLES.resendFailure).layer[0].encoding.x.axis.format).toMatch(/%$/);
    expect(byMetric(METRIC_TITLES.deliveryDelayP50).layer[0].encoding.x.title).toBe("seconds");
  });

  it("gives constant metrics a readable axis", () => {
    expect(flatDomain([0.1, 0.1], true)).toEqual([0, 0.2]);
    const [lo, hi] = flatDomain([2, 2.0000000000001], false) ?? [];
    expect(lo).toBeCloseTo(1.8, 9);
    expect(hi).toBeCloseTo(2.2, 9);
    expect(flatDomain([1, 2], false)).toBeUndefined();
  });
});
