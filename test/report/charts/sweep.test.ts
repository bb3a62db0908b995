// Sweep charts from a hand-made sweep.json: lines with CI bands per second parameter, heatmaps.
import { describe, expect, it } from "vitest";
import { bestPoint, parameterAxis, sweepHeatmap, sweepLineChart } from "../../../src/report/charts/sweep.js";
import { policySweep, twoParameterSweep } from "../fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
type Any = any;

describe("parameterAxis", () => {
  it("shows durations in a time unit and names known parameters in words", () => {
    const axis = parameterAxis({ path: "resend.after", values: [60, 600, 1800] });
    expect(axis.title).toBe("wait before resending (min)");
    expect(axis.quantitative).toBe(true);
    expect(axis.show(600)).toBe(10);
    expect(parameterAxis({ path: "resend.after", values: [{ fixed: 7200 }] }).show({ fixed: 7200 })).toBe(2);
  });

  it("keeps categories and distributions as labels", () => {
    expect(parameterAxis({ path: "pool.balancer.policy", values: ["random"] }).quantitative).toBe(false);
    const dist = parameterAxis({ path: "resend.after", values: [{ uniform: [300, 900] }] });
    expect(dist.quantitative).toBe(false);
    expect(dist.show({ uniform: [300, 900] })).toBe("5 min–15 min");
    expect(parameterAxis({ path: "blacklists.0.subscribers", values: [0.1, 0.3] }).percent).toBe(true);
  });
});

describe("sweepLineChart", () => {
  it("draws one line per value of the second parameter with a CI band", () => {
    const spec = sweepLineChart(twoParameterSweep(), "resendFailure") as Any;
    const [band, line, points] = spec.layer;
    expect(band.mark.type).toBe("area");
    expect(band.encoding.y.field).toBe("lo");
    expect(band.encoding.y2.field).toBe("hi");
    expect(line.encoding.color.field).toBe("group");
    expect(new Set(spec.data.values.map((r: Any) => r.group)).size).toBe(2);
    expect(points.encoding.y.axis.format).toBe(".0%");
    expect(points.encoding.x.title).toBe("wait before resending (min)");
  });

  it("uses error bars on a categorical parameter", () => {
    const spec = sweepLineChart(policySweep(), "resendFailure") as Any;
    expect(spec.layer[0].mark.type).toBe("rule");
    expect(spec.layer[1].encoding.x.type).toBe("ordinal");
    expect(spec.data.values.map((r: Any) => r.x)).toEqual(["random", "timer", "sticky"]);
  });
});

describe("sweepHeatmap", () => {
  it("labels every cell of a two-parameter grid", () => {
    const spec = sweepHeatmap(twoParameterSweep(), "resendFailure") as Any;
    expect(spec.data.values).toHaveLength(6);
    expect(spec.layer[0].mark.type).toBe("rect");
    expect(spec.layer[0].encoding.color.scale.scheme).toBe("viridis");
    expect(spec.layer[1].encoding.text.field).toBe("meanText");
    expect(spec.encoding.x.sort).toEqual(["1 min", "10 min", "30 min"]);
  });

  it("refuses grids that are not two-dimensional", () => {
    expect(() => sweepHeatmap(policySweep(), "resendFailure")).toThrow(/exactly two/);
  });
});

describe("bestPoint", () => {
  it("finds the point with the lowest value", () => {
    expect(bestPoint(twoParameterSweep(), "resendFailure")?.label).toMatch(/wait before resending 30 min/);
  });
});
