// Tables for the terminal. Numbers are formatted as in the charts and report
// (report/charts/theme.ts): percentages, durations in their natural unit.
import type { Metric } from "../experiment/result.js";
import type { Summary } from "../experiment/summary.js";
import { formatInterval, formatMetric, METRIC_TITLES } from "../report/charts/theme.js";
import { recipientRows } from "../report/recipients-words.js";
import { maxOf } from "../stats/extremes.js";

/**
 * Text for a terminal with its control characters (C0, DEL, C1) shown as "\uFFFD": a swept value
 * or a path read from a crafted sweep.json must not move the cursor, retitle the window or
 * write to the clipboard through escape sequences.
 */
export function terminalText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "\uFFFD");
}

/** Left-aligned first column, right-aligned others; control characters neutralised (terminalText). */
export function table(header: string[], rows: string[][]): string {
  header = header.map(terminalText);
  rows = rows.map((r) => r.map(terminalText));
  const widths = header.map((h, i) =>
    maxOf(
      rows.map((r) => r[i].length),
      h.length,
    ),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The human summary `sim run` prints: one row per metric with its mean and 95 % interval. */
export function summaryTable(summary: Summary): string {
  const metrics = Object.keys(summary.metrics) as Metric[];
  const rows = metrics.map((metric) => {
    const m = summary.metrics[metric];
    return [
      METRIC_TITLES[metric],
      m.mean === null ? "n/a" : formatMetric(metric, m.mean),
      formatInterval(metric, m.ci95),
    ];
  });
  for (const r of recipientRows(summary)) rows.push([r.title, r.mean, r.ci]);
  const t = summary.totals;
  const head = `${summary.scenario.name}: ${summary.replications} replication${summary.replications === 1 ? "" : "s"}, seed ${summary.seed}, ${t.messages} messages, ${t.resends} user resends`;
  const note = summary.conditional
    ? "\nOne replication: the intervals are conditional on its placement, listings and subscriptions, not for the scenario.\n"
    : "";
  return `${head}\n\n${table(["metric", "mean", "95 % CI"], rows)}\n${note}`;
}
