// Every chart of a run and of a sweep compiles with vega-lite and renders to an SVG with marks.
import { describe, expect, it } from "vitest";
import { summaryCharts, sweepCharts } from "../../../src/report/charts/index.js";
import { renderSvg } from "../../../src/report/render.js";
import { smallRun, twoParameterSweep } from "../fixtures.js";

describe("summaryCharts and sweepCharts", () => {
  const { summary, series } = smallRun();
  const charts = [...summaryCharts(summary, series), ...sweepCharts(twoParameterSweep())];

  it("name every chart uniquely, in reading order", () => {
    const names = charts.map((c) => c.name);
    expect(names.slice(0, 5)).toEqual([
      "resend-failure-vs-delay",
      "servers",
      "delivery-delay",
      "listings-over-time",
      "replications",
    ]);
    expect(names).toContain("sweep-resend-failure");
    expect(names).toContain("sweep-heatmap-resend-failure");
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(charts.map((c) => [c.name, c] as const))("%s renders to SVG with marks and a title", async (_, chart) => {
    const svg = await renderSvg(chart.spec);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toMatch(/class="mark-(symbol|rect|line|area|rule|text)/);
    expect(svg).toMatch(/role-title-text/);
    expect(svg).toContain('font-family="DejaVu Sans"');
  });
});
