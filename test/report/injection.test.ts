// report.html never runs what a crafted file smuggles in (issue 10, serious 3). A script/markup
// payload goes into every leaf of a real summary.json, sweep.json and partial in turn; each
// variant is either refused or gives a page where, in Chromium, the payload is plain text:
// nothing ran, no dialog opened, no element or handler was injected and the page's own scripts
// raised no Content-Security-Policy violation. The same through `sim report` and `sim merge`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asPartial, mergePartials, runShard, sweepShard } from "../../src/experiment/shard.js";
import { timeseries } from "../../src/experiment/summary.js";
import { sweepJson } from "../../src/experiment/sweep.js";
import { adviceHtml } from "../../src/report/advice-html.js";
import { adviceChart } from "../../src/report/charts/advice.js";
import { summaryCharts, sweepCharts } from "../../src/report/charts/index.js";
import type { SweepFile } from "../../src/report/charts/sweep.js";
import { timeseriesCsv } from "../../src/report/files.js";
import { inlinedLibraries, reportHtml } from "../../src/report/html.js";
import { renderSvg } from "../../src/report/render.js";
import { escapeHtml, trustedHtml } from "../../src/report/safe-html.js";
import { parseScenario } from "../../src/scenario/load.js";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";
import { smallAdvice, smallRun } from "./fixtures.js";
import { type CraftedRun, craftedPages, outsideScripts, PAYLOAD, pathText, withLeaf } from "./payloads.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
/** The page's own scripts: vega, vega-lite, vega-embed and the one that draws the charts. */
const SCRIPTS = inlinedLibraries().length + 1;

interface PageFindings {
  pwned: unknown;
  dialogs: string[];
  /** Console messages about the Content-Security-Policy (a blocked script, handler or fetch). */
  policy: string[];
  /** Elements carrying an on… attribute, and <img>, <iframe>, <object>, <embed> elements. */
  injected: string[];
  scripts: number;
  requests: string[];
  text: string;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Ids of the elements vega-embed drew a chart into. */
  embedded: string[];
  /** How many hovers showed a tooltip (whose markup the checks above then cover). */
  tooltips: number;
}

/**
 * Open `file` in a fresh page, let its charts draw (or fail), with `hover` point at the first and
 * last marks of each chart so that vega-tooltip shows their fields, and report what happened.
 */
async function open(browser: Browser, file: string, hover = false): Promise<PageFindings> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const findings: PageFindings = {
    pwned: null,
    dialogs: [],
    policy: [],
    injected: [],
    scripts: 0,
    requests: [],
    text: "",
    tooltips: 0,
    errors: [],
    embedded: [],
  };
  try {
    page.on("dialog", (dialog) => {
      findings.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("console", (message) => {
      if (/Content.Security.Policy/i.test(message.text())) findings.policy.push(message.text());
      else if (message.type() === "error") findings.errors.push(message.text());
    });
    page.on("pageerror", (error) => findings.errors.push(error.message));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file://") || url.startsWith("data:")) return route.continue();
      findings.requests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page
      .waitForFunction(
        () =>
          [...document.querySelectorAll(".chart")].every(
            (el) => el.querySelector("svg.marks") !== null || el.classList.contains("chart-error"),
          ),
        undefined,
        { timeout: 15_000 },
      )
      .catch(() => {
        // A payload may keep a chart from drawing; what matters is what ran meanwhile.
      });
    if (hover) {
      for (const chart of await page.locator(".chart").all()) {
        const marks = chart.locator(".role-mark path, .role-mark line");
        const n = await marks.count();
        for (const i of new Set([0, n - 1].filter((k) => k >= 0))) {
          // A payload can move a mark off the chart (a NaN coordinate): hover what can be hovered.
          const hovered = await marks
            .nth(i)
            .hover({ force: true, timeout: 2000 })
            .then(() => true)
            .catch(() => false);
          if (!hovered) continue;
          findings.tooltips += await page.locator("#vg-tooltip-element.visible").count();
        }
      }
    }
    const state = await page.evaluate(() => ({
      pwned: (window as { __pwned?: unknown }).__pwned ?? null,
      injected: [...document.querySelectorAll("*")]
        .filter(
          (el) =>
            ["IMG", "IFRAME", "OBJECT", "EMBED"].includes(el.tagName.toUpperCase()) ||
            [...el.attributes].some((a) => /^on/i.test(a.name)),
        )
        .map((el) => el.outerHTML.slice(0, 120)),
      scripts: document.scripts.length,
      embedded: [...document.querySelectorAll(".vega-embed")].map((el) => el.id),
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, without the scripts' source
      text: document.body.innerText,
    }));
    return { ...findings, ...state };
  } finally {
    await page.close();
  }
}

function expectInert(found: PageFindings, label: string, scripts: number): void {
  expect(found.pwned, `${label}: the payload ran`).toBeNull();
  expect(found.dialogs, `${label}: a dialog opened`).toEqual([]);
  expect(found.injected, `${label}: markup got in`).toEqual([]);
  expect(found.scripts, `${label}: a script element got in`).toBe(scripts);
  expect(found.policy, `${label}: a policy violation`).toEqual([]);
  expect(found.requests, `${label}: a request left the machine`).toEqual([]);
}

describe.skipIf(!available && !process.env.CI)("report.html with crafted inputs, in Chromium", () => {
  const folder = tempDir("relaysim-injection-");
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"],
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Load each crafted page of a walk; the payload is shown as text wherever the page shows it. */
  async function expectWalkInert<T>(name: string, run: CraftedRun<T>): Promise<void> {
    for (const [i, page] of run.pages.entries()) {
      const file = join(folder, `${name}-${i}.html`);
      writeFileSync(file, page.html);
      const label = `${name} with the payload in ${page.paths.map(pathText).join(", ")}`;
      const found = await open(browser, file, true);
      expectInert(found, label, SCRIPTS);
      expect(found.tooltips, `${label}: no tooltip showed`).toBeGreaterThan(0);
      if (outsideScripts(page.html).includes(escapeHtml(PAYLOAD))) expect(found.text).toContain(PAYLOAD);
    }
  }

  it("the policy stops a handler, a script and a fetch that escaping would have let through", async () => {
    const { summary } = smallRun();
    const file = join(folder, "policy.html");
    const smuggled = trustedHtml(
      `<img src="https://example.invalid/x.png" onerror="window.__pwned=1"><script>window.__pwned=2</script>` +
        `<svg><image href="https://example.invalid/y.svg"/></svg>`,
    );
    writeFileSync(file, reportHtml({ summary, charts: [], advice: { html: smuggled } }));
    const found = await open(browser, file);
    expect(found.pwned).toBeNull();
    expect(found.requests).toEqual([]);
    // The inline script and the blocked image (whose handler would run) are reported.
    expect(found.policy.some((m) => /inline script/i.test(m))).toBe(true);
    expect(found.policy.some((m) => /img-src|load the image/i.test(m))).toBe(true);
  });

  it("the advice section's chart becomes interactive under the policy, without errors", async () => {
    const { summary, series } = smallRun();
    const advice = await smallAdvice();
    const spec = adviceChart(advice);
    const section = adviceHtml(advice, { spec, svg: await renderSvg(spec) });
    const file = join(folder, "advice.html");
    writeFileSync(file, reportHtml({ summary, charts: summaryCharts(summary, series), advice: { html: section } }));
    const found = await open(browser, file);
    expectInert(found, "advice", SCRIPTS + 1);
    expect(found.errors).toEqual([]);
    // vega-embed marks the element it drew into; the inline SVG it replaced had no such class.
    expect(found.embedded).toContain("advice-chart");
  }, 60_000);

  it("a payload in any field of summary.json stays text", async () => {
    const { summary, series } = smallRun();
    const clean = JSON.parse(JSON.stringify(summary)) as typeof summary;
    const run = craftedPages(clean, (s) => reportHtml({ summary: s, charts: summaryCharts(s, series) }), true);
    // The fields of the issue reach the page (as text) or are refused, never dropped unseen.
    const seen = new Set([...run.refused, ...run.pages.flatMap((p) => p.paths)].map(pathText));
    for (const field of ["replications", "seed", "totals.messages", "metrics.resendFailure.n", "scenario.name"]) {
      expect(seen, field).toContain(field);
    }
    expect(run.pages.length).toBeGreaterThan(0);
    await expectWalkInert("summary", run);
  }, 60_000);

  it("a payload in any field of sweep.json stays text", async () => {
    const scenario = parseScenario(smallScenario({ replications: 2, horizon: "6h" }), "small");
    const parameters = [{ path: "resend.after", values: ["5m", "30m"] }];
    const partial = await sweepShard(scenario, parameters, { index: 0, count: 1 }, { workers: 1 });
    const merged = mergePartials([{ source: "sweep.part.json", partial }]);
    if (merged.kind !== "sweep") throw new Error("expected a sweep");
    const clean = JSON.parse(JSON.stringify(sweepJson(merged.sweep))) as SweepFile;
    const run = craftedPages(clean, (s) => reportHtml({ sweep: s, charts: sweepCharts(s) }), true);
    const seen = new Set(run.pages.flatMap((p) => p.paths).map(pathText));
    for (const field of ["replications", "seed", "scenario.name", "parameters[0].path"])
      expect(seen, field).toContain(field);
    await expectWalkInert("sweep", run);
  }, 60_000);

  it("a payload in any field of a partial stays text after merging", async () => {
    const scenario = parseScenario(smallScenario({ replications: 2, horizon: "6h" }), "small");
    const partial = JSON.parse(JSON.stringify(await runShard(scenario, { index: 0, count: 1 }, { workers: 1 })));
    const run = craftedPages(
      partial,
      (p) => {
        const merged = mergePartials([{ source: "part.json", partial: asPartial(p, "part.json") }]);
        if (merged.kind !== "run") throw new Error("not a run");
        const series = timeseries(merged.summary.scenario, merged.results);
        return reportHtml({ summary: merged.summary, charts: summaryCharts(merged.summary, series) });
      },
      true,
    );
    const reached = new Set([...run.refused, ...run.pages.flatMap((p) => p.paths)].map(pathText));
    for (const field of ["scenario.name", "scenario.description", "replications", "seed"]) {
      expect(reached, field).toContain(field);
    }
    await expectWalkInert("partial", run);
  }, 60_000);

  it("sim report refuses a crafted summary.json or writes a page where the payload is text", async () => {
    const { summary, series } = smallRun();
    const dir = join(folder, "report");
    mkdirSync(dir);
    let crafted = JSON.parse(JSON.stringify(summary));
    for (const path of [["replications"], ["seed"], ["totals", "messages"], ["scenario", "description"]]) {
      crafted = withLeaf(crafted, path, PAYLOAD);
    }
    for (const metric of Object.keys(summary.metrics)) crafted = withLeaf(crafted, ["metrics", metric, "n"], PAYLOAD);
    writeFileSync(join(dir, "summary.json"), JSON.stringify(crafted));
    writeFileSync(join(dir, "timeseries.csv"), timeseriesCsv(series));
    const result = await sim("report", dir);
    expect([0, 2], result.stderr).toContain(result.code);
    if (result.code === 2) {
      expect(existsSync(join(dir, "report.html"))).toBe(false);
      return;
    }
    const found = await open(browser, join(dir, "report.html"));
    expectInert(found, "sim report", SCRIPTS);
    expect(found.text).toContain(`${PAYLOAD} replications, seed ${PAYLOAD}, ${PAYLOAD} messages`);
  }, 60_000);

  it("sim merge refuses a crafted partial or writes a page where the payload is text", async () => {
    const scenario = parseScenario(smallScenario({ replications: 2, horizon: "6h" }), "small");
    let partial = JSON.parse(JSON.stringify(await runShard(scenario, { index: 0, count: 1 }, { workers: 1 })));
    const fields = [
      ["scenario", "description"],
      ["scenario", "blacklists", 0, "name"],
      ["tool", "version"],
      // A replication's message count becomes totals.messages, which the summary table showed unescaped.
      ["results", 0, "result", "counts", "messages"],
    ];
    for (const path of fields) {
      partial = withLeaf(partial, path, PAYLOAD);
    }
    const file = join(folder, "crafted.part.json");
    writeFileSync(file, JSON.stringify(partial));
    const out = join(folder, "merged");
    const result = await sim("merge", file, "--out", out);
    expect([0, 2], result.stderr).toContain(result.code);
    if (result.code === 2) {
      expect(existsSync(out)).toBe(false);
      return;
    }
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(outsideScripts(html)).toContain(escapeHtml(PAYLOAD));
    const found = await open(browser, join(out, "report.html"));
    expectInert(found, "sim merge", SCRIPTS);
    expect(found.text).toContain(PAYLOAD);
  }, 60_000);
});
