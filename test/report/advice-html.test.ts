// The words of `sim advise`: one verdict sentence per verdict, computed from the numbers, the
// table cells, and the report's Advice section with its chart and tables.
import { beforeAll, describe, expect, it } from "vitest";
import type { Advice } from "../../src/experiment/advise.js";
import { adviceHeadline, adviceHtml, helpsCell, percentCell, policyRows } from "../../src/report/advice-html.js";
import { adviceChart } from "../../src/report/charts/advice.js";
import { renderSvg } from "../../src/report/render.js";
import { smallAdvice } from "./fixtures.js";

let advice: Advice;
beforeAll(async () => {
  advice = await smallAdvice();
});

describe("adviceHeadline", () => {
  it("leads with the verdict, quoting the measured numbers", () => {
    const [first] = adviceHeadline(advice);
    expect(advice.verdict).toBe("wait");
    expect(first).toMatch(/^Wait at least /);
    expect(first).toContain(`${((advice.atOnce?.mean ?? 0) * 100).toFixed(1)} %`);
  });

  it("has a sentence for every other verdict", () => {
    const as = (verdict: Advice["verdict"]) => adviceHeadline({ ...advice, verdict })[0];
    expect(as("resend-at-once")).toMatch(/^Resend at once: waiting does not help/);
    expect(as("waiting-does-not-help")).toMatch(/^Waiting does not help: .*same route/);
    expect(as("nothing-listed")).toMatch(/moot/);
    expect(as("no-bounces")).toMatch(/^No resend to judge/);
  });
});

describe("cells", () => {
  it("formats estimates with one number of decimals", () => {
    expect(percentCell({ mean: 0.037, ci95: [0.016, 0.058], n: 10, method: "bootstrap-t" })).toBe("3.7 % (1.6–5.8)");
    expect(percentCell({ mean: 1, ci95: [1, 1], n: 10, method: "bootstrap-t" })).toBe("100.0 %");
    expect(percentCell({ mean: 0.00045, ci95: [0.00027, 0.00063], n: 10, method: "bootstrap-t" })).toBe(
      "0.045 % (0.027–0.063)",
    );
    expect(percentCell(null)).toBe("n/a");
  });

  it("answers 'does waiting help?' per policy", () => {
    const sticky = advice.policies.find((p) => p.policy === "sticky");
    expect(sticky && helpsCell(sticky)).toBe("no — waiting does not help (same route)");
    expect(policyRows(advice)[0][0]).toBe("timer (this pool)");
  });
});

describe("adviceHtml", () => {
  it("holds the verdict, the chart and both tables, escaped", () => {
    const html = String(adviceHtml(advice, { spec: { mark: "point" } as never, svg: "<svg><text>&lt;x</text></svg>" }));
    expect(html).toMatch(/<div class="headline"><p><strong>Wait at least/);
    expect(html).toContain('<div class="chart" id="advice-chart" data-chart="advice"><svg>');
    expect(html).toContain("does waiting help?");
    expect(html).toContain("rejected attempts");
    expect(html).not.toContain("</script><");
  });

  it("inlines vega's SVG of the advice chart with a crafted name only as text", async () => {
    const markup = `"'><img src=x onerror=alert(1)></script><script>alert(2)</script>`;
    const crafted = { ...advice, scenario: { ...advice.scenario, name: markup } } as Advice;
    const spec = adviceChart(crafted);
    const svg = await renderSvg(spec);
    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;");
    const section = adviceHtml(crafted, { spec, svg });
    expect(String(section)).not.toContain("<img");
    expect(String(section)).not.toContain("<script>alert");
    // One script, the one that makes the chart interactive, allowed by its hash.
    expect(String(section).match(/<script>/g)).toHaveLength(1);
    expect(section.scripts).toHaveLength(1);
  });
});
