// What `sim run` and `sim report` call: render every chart to charts/<name>.vl.json, .svg and
// .png and write report.html, into a folder writer (the run's staging folder, or DIR itself).
import type { Summary, TimeseriesRow } from "../experiment/summary.js";
import { summaryCharts, sweepCharts } from "./charts/index.js";
import type { SweepFile } from "./charts/sweep.js";
import type { NamedChart } from "./charts/theme.js";
import { type AdviceSection, reportHtml } from "./html.js";
import { renderChart } from "./render.js";

/** Where files go: the staged output folder (cli/output-folder.ts) satisfies this. */
export interface ReportTarget {
  write(name: string, content: string | Uint8Array): void;
}

export interface ReportOptions {
  /** A sweep's results (DIR/sweep.json), charted after the run's own charts. */
  sweep?: SweepFile;
  /** Filled by `sim advise`: shown at the top of report.html. */
  advice?: AdviceSection;
}

/** A report's charts, rendered in memory (charts/<name>.vl.json, .svg, .png), before its report.html. */
export interface RenderedCharts {
  summary: Summary | null;
  charts: NamedChart[];
  files: Map<string, string | Uint8Array>;
}

/**
 * Render a run's and/or a sweep's charts. Apart from reportFiles so that `sim advise` can draw
 * the run's charts while the policy table still simulates (the advice section comes last).
 */
export async function renderCharts(
  summary: Summary | null,
  series: readonly TimeseriesRow[],
  sweep?: SweepFile,
): Promise<RenderedCharts> {
  const charts: NamedChart[] = [
    ...(summary ? summaryCharts(summary, series) : []),
    ...(sweep ? sweepCharts(sweep) : []),
  ];
  // Asked for all at once: the SVGs are drawn one at a time, each PNG off this thread while the
  // next SVG is drawn (render.ts); the files keep the charts' order.
  const rendered = await Promise.all(charts.map((chart) => renderChart(chart.spec)));
  const files = new Map<string, string | Uint8Array>();
  charts.forEach((chart, i) => {
    files.set(`charts/${chart.name}.vl.json`, `${JSON.stringify(chart.spec, null, 2)}\n`);
    files.set(`charts/${chart.name}.svg`, rendered[i].svg);
    files.set(`charts/${chart.name}.png`, rendered[i].png);
  });
  return { summary, charts, files };
}

/** The rendered charts' files and report.html, by relative path (`options.sweep` as renderCharts had it). */
export function reportFiles(rendered: RenderedCharts, options: ReportOptions = {}): Map<string, string | Uint8Array> {
  const files = new Map(rendered.files);
  files.set(
    "report.html",
    reportHtml({
      summary: rendered.summary ?? undefined,
      sweep: options.sweep,
      charts: rendered.charts,
      advice: options.advice,
    }),
  );
  return files;
}

/** Every file of the charts and the report, by relative path, rendered in memory. */
export async function renderReportFiles(
  summary: Summary | null,
  series: readonly TimeseriesRow[],
  options: ReportOptions = {},
): Promise<Map<string, string | Uint8Array>> {
  return reportFiles(await renderCharts(summary, series, options.sweep), options);
}

/** Write charts/*.vl.json, charts/*.svg, charts/*.png and report.html for a run. */
export async function writeChartsAndReport(
  out: ReportTarget,
  summary: Summary,
  series: readonly TimeseriesRow[],
  options: ReportOptions = {},
): Promise<void> {
  for (const [name, content] of await renderReportFiles(summary, series, options)) out.write(name, content);
}
