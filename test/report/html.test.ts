// report.html is one self-contained page: the libraries inlined, nothing fetched from a network.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { summaryCharts, sweepCharts } from "../../src/report/charts/index.js";
import { escapeHtml, inlinedLibraries, reportHtml } from "../../src/report/html.js";
import { trustedHtml } from "../../src/report/safe-html.js";
import { smallRun, twoParameterSweep } from "./fixtures.js";

describe("reportHtml", () => {
  const { summary, series } = smallRun();
  const charts = summaryCharts(summary, series);
  const html = reportHtml({ summary, charts });

  it("inlines vega, vega-lite and vega-embed and loads nothing from the network", () => {
    const [vega, vegaLite, embed] = inlinedLibraries();
    expect(html).toContain(vega.slice(0, 200));
    expect(html).toContain(vegaLite.slice(0, 200));
    expect(html).toContain(embed.slice(0, 200));
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/<(img|iframe)[^>]+src=["']?https?:/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    // only the libraries' own </script> text may not end a script early
    expect(html.match(/<\/script>/g)?.length).toBe(4);
  });

  it("tells the story, the headline, the table and holds a container per chart", () => {
    expect(html).toContain("<title>relaysim: 18of20</title>");
    expect(html).toContain("20 relays, timer balancing with a 10-minute period");
    expect(html).toMatch(/<section class="headline" id="headline">\n<p>Resending after 5–15 min fails/);
    expect(html).toContain('<table class="summary">');
    for (let i = 0; i < charts.length; i++) expect(html).toContain(`id="chart-${i}"`);
    expect(html).toContain('vegaEmbed(el, spec, {"actions":false,"renderer":"svg","ast":true})');
  });

  it("leaves a marked, empty advice slot at the top, or fills it", () => {
    expect(html).toMatch(/<section id="advice"[^>]*hidden><\/section>/);
    expect(html.indexOf('id="advice"')).toBeLessThan(html.indexOf('id="headline"'));
    const advised = reportHtml({ summary, charts, advice: { html: trustedHtml("<p>Use shuffle.</p>") } });
    expect(advised).toMatch(/<section id="advice"[^>]*>\n<h2>Advice<\/h2>\n<p>Use shuffle.<\/p>/);
  });

  it("reports a sweep alone", () => {
    const sweep = twoParameterSweep();
    const page = reportHtml({ sweep, charts: sweepCharts(sweep) });
    expect(page).toContain("6 scenario variants");
    expect(page).toContain("Resends fail least");
    expect(page).not.toContain(`<table class="summary">`);
  });

  it("escapes the counts a crafted summary.json turns into markup (issue 10)", () => {
    const markup = "<img src=x onerror=alert(1)>";
    const crafted = JSON.parse(JSON.stringify(summary));
    crafted.replications = markup;
    crafted.seed = markup;
    crafted.totals.messages = markup;
    crafted.totals.resends = markup;
    for (const m of Object.values(crafted.metrics) as Array<{ n: unknown }>) m.n = markup;
    crafted.tool.version = markup;
    const page = reportHtml({ summary: crafted, charts: [] });
    expect(page).not.toContain(markup);
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt; replications, seed &lt;img");
  });

  it("escapes a crafted sweep.json's counts", () => {
    const sweep = { ...twoParameterSweep(), replications: "<b>r</b>", seed: "<b>s</b>" } as never;
    const page = reportHtml({ sweep, charts: [] });
    expect(page).not.toMatch(/<b>[rs]<\/b>/);
    expect(page).toContain("&lt;b&gt;r&lt;/b&gt; replications each, seed &lt;b&gt;s&lt;/b&gt;");
  });

  it("allows exactly its own scripts by hash, and nothing from anywhere", () => {
    const attribute = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.[1] ?? "";
    const policy = attribute.replaceAll("&#39;", "'");
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script"));
    expect(policy).toContain("default-src 'none'");
    const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
      (m) => `'sha256-${createHash("sha256").update(m[1]).digest("base64")}'`,
    );
    expect(hashes).toHaveLength(4);
    expect(policy.match(/script-src ([^;]*)/)?.[1].split(" ")).toEqual(hashes);
    // Advice scripts are allowed too; markup smuggled in as trusted is not.
    const advised = reportHtml({ summary, charts, advice: { html: trustedHtml("<script>alert(1)</script>") } });
    expect(advised).not.toContain(`'sha256-${createHash("sha256").update("alert(1)").digest("base64")}'`);
  });

  it("escapes text and keeps spec JSON from closing the script", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
    const evil = { ...summary, scenario: { ...summary.scenario, name: "x</script><script>alert(1)" } };
    const page = reportHtml({ summary: evil, charts: summaryCharts(evil, series).slice(0, 1) });
    expect(page).not.toContain("</script><script>alert(1)");
  });
});
