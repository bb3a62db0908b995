// Chart 5 of issue 4: each metric's value in every replication beside its mean and 95 % interval,
// so users see how much one simulated week differs from the next (listed relays are redrawn).
import { METRICS, type Metric } from "../../experiment/result.js";
import type { Summary } from "../../experiment/summary.js";
import { type TimeUnit, unitFor } from "../../format.js";
import { maxOf, minOf } from "../../stats/extremes.js";
import {
  type ChartSpec,
  COLOURS,
  CONFIG,
  formatMetric,
  METRIC_KIND,
  METRIC_TITLES,
  VEGA_LITE_SCHEMA,
} from "./theme.js";

/** How a metric's values are put on an axis: a divisor for durations, a format and a unit title. */
function axisFor(metric: Metric, values: readonly number[]): { unit: TimeUnit | null; format: string; title: string } {
  const kind = METRIC_KIND[metric];
  if (kind === "percent") return { unit: null, format: ".2~%", title: "" };
  if (kind === "duration") {
    const unit = unitFor(maxOf(values.map(Math.abs), 0));
    return { unit, format: "~r", title: unit.words };
  }
  return { unit: null, format: "~r", title: "" };
}

/**
 * Six significant digits: per-replication quantiles carry floating-point noise (1.999999999992 s)
 * that would otherwise become the axis' tick labels.
 */
function tidy(v: number): number {
  return Number(v.toPrecision(6));
}

/**
 * An explicit axis range when every value is (nearly) the same, so a constant metric sits in the
 * middle of a readable axis instead of on a degenerate one; undefined lets vega choose.
 */
export function flatDomain(values: readonly number[], percent: boolean): [number, number] | undefined {
  const lo = minOf(values);
  const hi = maxOf(values);
  const size = Math.max(Math.abs(lo), Math.abs(hi));
  if (hi - lo > 1e-6 * size && hi > lo) return undefined;
  if (size === 0) return percent ? [0, 0.01] : [0, 1];
  if (percent) return [0, Math.min(1, hi * 2)];
  return [lo - 0.1 * size, hi + 0.1 * size];
}

/** Each metric's value in every replication, with the mean and its 95 % interval. */
export function replicationsChart(summary: Summary): ChartSpec {
  const rows: object[] = [];
  for (const metric of METRICS) {
    const values = (summary.perReplication[metric] ?? []).filter((v): v is number => v !== null);
    if (values.length === 0) continue;
    const m = summary.metrics[metric];
    const { unit, format, title } = axisFor(metric, values);
    const scale = (v: number) => tidy(unit ? v / unit.seconds : v);
    const label = METRIC_TITLES[metric];
    const replicationRows = (summary.perReplication[metric] ?? [])
      .map((v, replication) => ({ v, replication }))
      .filter((r): r is { v: number; replication: number } => r.v !== null)
      .map((r) => ({ metric: label, value: scale(r.v), replication: r.replication, text: formatMetric(metric, r.v) }));
    const summaryRow =
      m.mean === null
        ? []
        : [
            {
              metric: label,
              mean: scale(m.mean),
              lo: scale(m.ci95?.[0] ?? m.mean),
              hi: scale(m.ci95?.[1] ?? m.mean),
              text: formatMetric(metric, m.mean),
              ci: m.ci95 ? `${formatMetric(metric, m.ci95[0])} – ${formatMetric(metric, m.ci95[1])}` : "n/a",
            },
          ];
    const percent = METRIC_KIND[metric] === "percent";
    const domain = flatDomain(
      [...replicationRows.map((r) => r.value), ...summaryRow.flatMap((r) => [r.lo, r.hi])],
      percent,
    );
    // Proportions start at 0 (a rate's distance from zero matters); other metrics zoom in.
    const x = (field: string) => ({
      field,
      type: "quantitative" as const,
      title: title || null,
      scale: domain ? { domain } : percent ? { zero: true } : { zero: false, padding: 8 },
      axis: { format, tickCount: 6, titleFontSize: 11 },
    });
    const y = {
      field: "metric",
      type: "nominal" as const,
      title: null,
      axis: { labelLimit: 300, labelFontSize: 12, ticks: false, domain: false, minExtent: 220 },
    };
    rows.push({
      width: 420,
      height: 26,
      layer: [
        {
          data: { values: replicationRows },
          mark: { type: "tick", color: COLOURS.measured, opacity: 0.6, thickness: 2, size: 20 },
          encoding: {
            x: x("value"),
            y,
            tooltip: [
              { field: "replication", title: "replication" },
              { field: "text", title: "value" },
            ],
          },
        },
        {
          data: { values: summaryRow },
          mark: { type: "rule", color: COLOURS.mean, strokeWidth: 3 },
          encoding: { x: x("lo"), x2: { field: "hi" }, y },
        },
        {
          data: { values: summaryRow },
          mark: { type: "point", filled: true, color: COLOURS.mean, size: 70 },
          encoding: {
            x: x("mean"),
            y,
            tooltip: [
              { field: "metric", title: "metric" },
              { field: "text", title: "mean" },
              { field: "ci", title: "95 % CI" },
            ],
          },
        },
      ],
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "From one replication to the next",
      subtitle: [
        `Blue ticks: each of ${summary.replications} replications. Black dot and bar: mean and its 95 % confidence interval`,
        "Each row has its own scale",
      ],
    },
    vconcat: rows,
    spacing: 14,
    config: CONFIG,
  } as ChartSpec;
}
