// Numbers as people read them on a terminal: percentages, durations in their natural unit.
import type { Metric } from "../experiment/result.js";
import type { MetricSummary, Summary } from "../experiment/summary.js";

const PERCENT_METRICS = new Set<Metric>([
  "firstAttemptFailure",
  "resendFailure",
  "messageFailure",
  "bounceRate",
  "listedFraction",
]);
const DELAY_METRICS = new Set<Metric>([
  "deliveryDelayMean",
  "deliveryDelayP50",
  "deliveryDelayP90",
  "deliveryDelayP99",
]);

export const METRIC_LABELS: Record<Metric, string> = {
  firstAttemptFailure: "first attempt rejected",
  resendFailure: "user resend rejected",
  messageFailure: "message never delivered",
  bounceRate: "message bounced at least once",
  attemptsPerMessage: "attempts per message",
  deliveryDelayMean: "delivery delay, mean",
  deliveryDelayP50: "delivery delay, median",
  deliveryDelayP90: "delivery delay, 90th pct",
  deliveryDelayP99: "delivery delay, 99th pct",
  listedFraction: "servers listed (time share)",
};

export function formatPercent(p: number): string {
  const pct = p * 100;
  const digits = pct !== 0 && Math.abs(pct) < 0.1 ? 3 : pct !== 0 && Math.abs(pct) < 1 ? 2 : 1;
  return `${pct.toFixed(digits)} %`;
}

/** Seconds as "2.0 s", "12.5 min", "3.2 h", "1.5 d". */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a < 120) return `${s.toFixed(1)} s`;
  if (a < 7200) return `${(s / 60).toFixed(1)} min`;
  if (a < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export function formatMetricValue(metric: Metric, value: number): string {
  if (PERCENT_METRICS.has(metric)) return formatPercent(value);
  if (DELAY_METRICS.has(metric)) return formatSeconds(value);
  return value.toFixed(3);
}

function formatInterval(metric: Metric, m: MetricSummary): string {
  if (m.ci95 === null) return "";
  return `${formatMetricValue(metric, m.ci95[0])} – ${formatMetricValue(metric, m.ci95[1])}`;
}

/** Left-aligned first column, right-aligned others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function summaryTable(summary: Summary): string {
  const metrics = Object.keys(summary.metrics) as Metric[];
  const rows = metrics.map((metric) => {
    const m = summary.metrics[metric];
    return [
      METRIC_LABELS[metric],
      m.mean === null ? "n/a" : formatMetricValue(metric, m.mean),
      formatInterval(metric, m),
    ];
  });
  const t = summary.totals;
  const head = `${summary.scenario.name}: ${summary.replications} replication${summary.replications === 1 ? "" : "s"}, seed ${summary.seed}, ${t.messages} messages, ${t.resends} user resends`;
  return `${head}\n\n${table(["metric", "mean", "95 % CI"], rows)}\n`;
}
