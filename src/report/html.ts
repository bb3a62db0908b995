// report.html: one self-contained page — the scenario's story, a computed headline, the summary
// table and every chart, interactive through vega-embed inlined from node_modules (no network).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Metric } from "../experiment/result.js";
import type { Summary } from "../experiment/summary.js";
import { enUsNumber } from "../format.js";
import type { Scenario } from "../scenario/schema.js";
import { calibrationHtml } from "./calibration-html.js";
import { bestPoint, parameterAxis, type SweepFile } from "./charts/sweep.js";
import { EMBED_OPTIONS, METRIC_TITLES, type NamedChart } from "./charts/theme.js";
import { contentSecurityPolicy } from "./csp.js";
import { recipientRows } from "./recipients-words.js";
import { escapeHtml, html, inlineScript, joinHtml, type SafeHtml, scriptJson, trustedHtml } from "./safe-html.js";
import { headline, scenarioStory, summaryRows } from "./story.js";

export { escapeHtml };

/** Advice to show above everything else (filled by `sim advise` with adviceHtml's markup). */
export interface AdviceSection {
  html: SafeHtml;
}

export interface ReportPage {
  /** A run's summary; absent for a report of a sweep alone. */
  summary?: Summary;
  sweep?: SweepFile;
  charts: NamedChart[];
  advice?: AdviceSection;
}

/** Browsers without DejaVu Sans fall back to a similar sans-serif rather than the default serif. */
const BROWSER_FONTS = '"DejaVu Sans", Verdana, "Helvetica Neue", Arial, sans-serif';

let libraries: string[] | null = null;

/**
 * The browser builds of vega, vega-lite and vega-embed, in load order. Their package exports
 * hide build/, so each is found beside a file the package does export.
 */
export function inlinedLibraries(): string[] {
  if (libraries) return libraries;
  const require = createRequire(import.meta.url);
  const files = [
    join(dirname(require.resolve("vega/vega-schema.json")), "vega.min.js"),
    join(dirname(require.resolve("vega-lite/vega-lite-schema.json")), "vega-lite.min.js"),
    join(dirname(require.resolve("vega-embed")), "vega-embed.min.js"),
  ];
  libraries = files.map((f) => readFileSync(f, "utf8"));
  return libraries;
}

let libraryElements: SafeHtml | null = null;

/** The libraries' <script> elements, made (and hashed) once per process. */
function libraryScripts(): SafeHtml {
  libraryElements ??= joinHtml(inlinedLibraries().map(inlineScript), "\n");
  return libraryElements;
}

/** A count as "12,345" when it is one; anything else a crafted file holds is shown as it is (escaped). */
function count(value: unknown): string {
  return typeof value === "number" ? enUsNumber(value) : String(value);
}

function summaryTable(summary: Summary): SafeHtml {
  const rows = summaryRows(summary).map(
    (r) =>
      html`<tr><th scope="row">${METRIC_TITLES[r.metric as Metric] ?? r.metric}</th><td>${r.mean}</td><td>${r.ci}</td><td>${r.n}</td></tr>`,
  );
  for (const r of recipientRows(summary)) {
    rows.push(html`<tr><th scope="row">${r.title}</th><td>${r.mean}</td><td>${r.ci}</td><td>${r.n}</td></tr>`);
  }
  const t = summary.totals;
  return html`<table class="summary">
<caption>${summary.replications} replication${summary.replications === 1 ? "" : "s"}, seed ${summary.seed}, ${count(t.messages)} messages, ${count(t.resends)} user resends</caption>
<thead><tr><th scope="col">metric</th><th scope="col">mean</th><th scope="col">95&nbsp;% CI</th><th scope="col">replications</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody>
</table>`;
}

function sweepSection(sweep: SweepFile): SafeHtml {
  const params = sweep.parameters.map((p) => {
    const axis = parameterAxis(p);
    const values = p.values.map((v) => String(axis.show(v))).join(", ");
    return html`<li><strong>${axis.title}</strong> (<code>${p.path}</code>): ${values}</li>`;
  });
  const best = bestPoint(sweep, "resendFailure");
  const lead = best && html`<p class="headline">Resends fail least (${best.value}) with ${best.label}.</p>`;
  return html`<section class="sweep">
<h2>Sweep</h2>
${lead}
<p>${sweep.points.length} scenario variants, ${sweep.replications} replications each, seed ${sweep.seed}, varying:</p>
<ul>
${joinHtml(params, "\n")}
</ul>
</section>`;
}

function isScenario(value: unknown): value is Scenario {
  return typeof value === "object" && value !== null && "pool" in value && "traffic" in value && "resend" in value;
}

/** The page's style sheet: a constant, inserted as is (html`` would escape its quotes). */
const STYLE = trustedHtml(`<style>
body { font-family: ${BROWSER_FONTS}; color: #222; margin: 0; background: #fafafa; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; background: white; }
h1 { font-size: 26px; margin: 0 0 4px; }
h1 .tool { color: #666; font-weight: normal; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.description { color: #444; font-size: 14px; line-height: 1.45; }
p.story { font-size: 15px; line-height: 1.5; }
.headline { font-size: 18px; line-height: 1.5; background: #fff6e0; border-left: 5px solid #E69F00; padding: 12px 16px; margin: 16px 0; }
.headline p { margin: 4px 0; }
.advice { border: 2px solid #009E73; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
table.summary { border-collapse: collapse; font-size: 14px; margin: 8px 0; }
table.summary caption { text-align: left; color: #555; padding-bottom: 6px; }
table.summary th, table.summary td { padding: 4px 12px; border-bottom: 1px solid #eee; }
table.summary td { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th[scope=row] { text-align: left; font-weight: normal; }
table.summary thead th:first-child { text-align: left; }
table.calibration td.method { text-align: left; color: #555; font-size: 12px; max-width: 360px; }
figure { margin: 28px 0; }
figcaption { color: #555; font-size: 13px; max-width: 720px; margin-top: 4px; }
.chart-error { color: #b00; font-family: monospace; }
footer { color: #777; font-size: 12px; margin-top: 40px; }
</style>`);

/** Draw each chart into its container with vega-embed, or say in the page why it could not. */
function chartsScript(specs: Array<{ id: string; spec: unknown }>): SafeHtml {
  return inlineScript(`
const charts = ${scriptJson(specs)};
for (const { id, spec } of charts) {
  const el = document.getElementById(id);
  vegaEmbed(el, spec, ${scriptJson(EMBED_OPTIONS)}).catch((error) => {
    console.error("chart " + id + " failed:", error);
    el.className = "chart chart-error";
    el.textContent = "This chart could not be drawn: " + error;
  });
}
`);
}

export function reportHtml(page: ReportPage): string {
  const scenario = page.summary?.scenario ?? page.sweep?.scenario;
  const name = scenario?.name ?? "relaysim";
  const description = scenario?.description ?? "";
  const story = isScenario(scenario) ? scenarioStory(scenario) : "";
  const lead = page.summary ? headline(page.summary) : [];
  const advice = page.advice
    ? html`<section id="advice" class="advice" data-slot="advice">\n<h2>Advice</h2>\n${page.advice.html}\n</section>`
    : html`<!-- advice slot: \`sim advise\` puts its section here -->\n<section id="advice" class="advice" data-slot="advice" hidden></section>`;
  const figures = page.charts.map(
    (c, i) => html`<figure>
<div class="chart" id="chart-${i}" data-chart="${c.name}"></div>
<figcaption>${c.caption}</figcaption>
</figure>`,
  );
  const specs = page.charts.map((c, index) => ({
    id: `chart-${index}`,
    spec: { ...c.spec, config: { ...(c.spec.config ?? {}), font: BROWSER_FONTS } },
  }));
  const scripts = libraryScripts();
  const body = html`<body>
<main>
<header>
<h1><span class="tool">relaysim:</span> ${name}</h1>
${story && html`<p class="story">${story}</p>`}
</header>
${advice}
${
  lead.length > 0 &&
  html`<section class="headline" id="headline">\n${joinHtml(
    lead.map((s) => html`<p>${s}</p>`),
    "\n",
  )}\n</section>`
}
${page.sweep && sweepSection(page.sweep)}
${page.summary && html`<h2>Results</h2>\n${summaryTable(page.summary)}`}
${isScenario(scenario) && calibrationHtml(scenario.calibration)}
<h2>Charts</h2>
<p>Hover over a point, bar or cell for its numbers.</p>
${joinHtml(figures, "\n")}
${description && html`<h2>About this scenario</h2>\n<p class="description">${description}</p>`}
<footer>Made by relaysim${page.summary && html` ${page.summary.tool?.version}`}. This page works offline: the chart libraries (vega, vega-lite, vega-embed) are inside it.</footer>
</main>
${scripts}
${chartsScript(specs)}
</body>`;
  // The policy goes first in <head>, before anything it governs; it allows exactly the scripts above.
  return `${html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(body.scripts)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>relaysim: ${name}</title>
${STYLE}
</head>
${body}
</html>
`}`;
}
