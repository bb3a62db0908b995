// writeChartsAndReport: three files per chart plus report.html, into whatever folder writer it is given.
import { describe, expect, it } from "vitest";
import { renderReportFiles, writeChartsAndReport } from "../../src/report/write-report.js";
import { smallRun, twoParameterSweep } from "./fixtures.js";

describe("writeChartsAndReport", () => {
  it("writes each chart as .vl.json, .svg and .png, and report.html", async () => {
    const { summary, series } = smallRun();
    const written = new Map<string, string | Uint8Array>();
    await writeChartsAndReport({ write: (name, content) => written.set(name, content) }, summary, series);
    const names = [...written.keys()];
    const stems = names.filter((n) => n.endsWith(".vl.json")).map((n) => n.slice("charts/".length, -".vl.json".length));
    expect(stems).toContain("resend-failure-vs-delay");
    for (const stem of stems) {
      expect(names).toContain(`charts/${stem}.svg`);
      expect(names).toContain(`charts/${stem}.png`);
      expect(JSON.parse(String(written.get(`charts/${stem}.vl.json`))).$schema).toMatch(/vega-lite\/v6/);
    }
    expect(names).toContain("report.html");
    expect(names).toHaveLength(3 * stems.length + 1);
  });

  it("renders a sweep without a run summary", async () => {
    const files = await renderReportFiles(null, [], { sweep: twoParameterSweep() });
    expect([...files.keys()].filter((n) => n.endsWith(".vl.json"))).toContain(
      "charts/sweep-heatmap-resend-failure.vl.json",
    );
    expect(String(files.get("report.html"))).toContain("Sweep");
  });
});
