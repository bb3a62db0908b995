// Chart 6 of issue 4, for `sim sweep`: a metric against a swept parameter with CI bands (one line
// per value of a second parameter) and a heatmap for two-parameter grids. Reads DIR/sweep.json.
import type { Metric } from "../../experiment/result.js";
import { formatPercent, formatRoundDuration, type TimeUnit, unitFor } from "../../format.js";
import { maxOf, minOf } from "../../stats/extremes.js";
import type { Estimate } from "../../stats/interval.js";
import {
  type ChartSpec,
  COLOURS,
  CONFIG,
  formatMetric,
  METRIC_KIND,
  METRIC_TITLES,
  VEGA_LITE_SCHEMA,
  WIDTH,
} from "./theme.js";

/** One metric at one sweep point, as in summary.json. */
export type SweepMetric = Pick<Estimate, "mean" | "ci95" | "n">;

/** DIR/sweep.json as `sim sweep` writes it. Durations are in seconds. */
export interface SweepFile {
  /** The base scenario (normalised); only name and description are read here. */
  scenario: { name: string; description?: string } & Record<string, unknown>;
  seed: number;
  replications: number;
  parameters: Array<{ path: string; values: unknown[] }>;
  points: Array<{ values: Record<string, unknown>; metrics: Partial<Record<Metric, SweepMetric>> }>;
}

/** Parameter paths whose values are durations in seconds (DESIGN §1). */
const DURATION_PATH = /(after|period|horizon|warmup|delay|delistafter|sessiontime|checkevery|ttl|cleanup|from|until)$/i;
/** Parameter paths whose values are probabilities. */
const PROBABILITY_PATH = /(subscribers|probability)$/i;

/** Words for the parameters people sweep most; others are shown by their path. */
const PARAMETER_WORDS: Array<[RegExp, string]> = [
  [/^resend\.after$/, "wait before resending"],
  [/^resend\.maxAttempts$/, "sends allowed"],
  [/^resend\.probability$/, "users who resend"],
  [/^pool\.servers$/, "relays"],
  [/^pool\.balancer\.period$/, "timer period"],
  [/^pool\.balancer\.policy$/, "balancing policy"],
  [/^pool\.balancer\.assignment$/, "timer assignment"],
  [/^pool\.balancer$/, "balancer"],
  [/^pool\.avoidListed\.checkEvery$/, "health-check interval"],
  [/subscribers$/, "domains consulting the list"],
  [/^listed\.\d+\.servers$|^listed\[\d+\]\.servers$/, "relays listed"],
];

/** How one swept parameter is shown: its title, and each raw value as a number or a label. */
export interface ParameterAxis {
  path: string;
  title: string;
  /** Numbers (in `unit`, or proportions) when every value is numeric, else text labels. */
  quantitative: boolean;
  unit: TimeUnit | null;
  percent: boolean;
  show: (value: unknown) => number | string;
}

/** A duration value in seconds, also when written as a fixed distribution {"fixed": s}. */
function asSeconds(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "fixed" in value && typeof value.fixed === "number") return value.fixed;
  return null;
}

function labelOf(value: unknown, unit: TimeUnit | null): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return unit ? formatRoundDuration(value) : String(value);
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    const d = (x: unknown) => (typeof x === "number" ? formatRoundDuration(x) : String(x));
    if (Array.isArray(v.uniform)) return `${d(v.uniform[0])}–${d(v.uniform[1])}`;
    if (typeof v.exponential === "number") return `exp. mean ${d(v.exponential)}`;
    if (typeof v.fixed === "number") return d(v.fixed);
    if (typeof v.policy === "string") return v.policy;
  }
  return JSON.stringify(value);
}

export function parameterAxis(parameter: { path: string; values: unknown[] }): ParameterAxis {
  const { path, values } = parameter;
  const words = PARAMETER_WORDS.find(([re]) => re.test(path))?.[1] ?? path;
  const isDuration = DURATION_PATH.test(path);
  const percent = PROBABILITY_PATH.test(path);
  const seconds = values.map(asSeconds);
  const numeric = isDuration ? seconds.every((s) => s !== null) : values.every((v) => typeof v === "number");
  if (numeric && isDuration) {
    const unit = unitFor(
      maxOf(
        seconds.map((s) => s ?? 0),
        0,
      ),
      2,
    );
    return {
      path,
      title: `${words} (${unit.label})`,
      quantitative: true,
      unit,
      percent: false,
      show: (v) => (asSeconds(v) ?? 0) / unit.seconds,
    };
  }
  if (numeric) {
    return { path, title: words, quantitative: true, unit: null, percent, show: (v) => v as number };
  }
  return {
    path,
    title: words,
    quantitative: false,
    unit: null,
    percent: false,
    show: (v) => labelOf(v, isDuration ? unitFor(0) : null),
  };
}

/** The metric's y-axis format and title suffix. */
function metricAxis(metric: Metric): { format: string; unit: TimeUnit | null } {
  const kind = METRIC_KIND[metric];
  if (kind === "percent") return { format: ".0%", unit: null };
  if (kind === "duration") return { format: "~r", unit: null };
  return { format: "~r", unit: null };
}

interface SweepRow {
  x: number | string;
  group: string;
  mean: number;
  lo: number;
  hi: number;
  meanText: string;
  ciText: string;
  xText: string;
}

function sweepRows(sweep: SweepFile, metric: Metric, xAxis: ParameterAxis, groupPaths: string[], scale: number) {
  const rows: SweepRow[] = [];
  for (const point of sweep.points) {
    const m = point.metrics[metric];
    if (!m || m.mean === null) continue;
    const group = groupPaths
      .map((p) => {
        const axis = parameterAxis(sweep.parameters.find((q) => q.path === p) ?? { path: p, values: [] });
        return `${axis.title.replace(/ \(.*\)$/, "")} = ${labelOf(point.values[p], axis.unit)}`;
      })
      .join(", ");
    rows.push({
      x: xAxis.show(point.values[xAxis.path]),
      group: group || "all",
      mean: m.mean / scale,
      lo: (m.ci95?.[0] ?? m.mean) / scale,
      hi: (m.ci95?.[1] ?? m.mean) / scale,
      meanText: formatMetric(metric, m.mean),
      ciText: m.ci95 ? `${formatMetric(metric, m.ci95[0])} – ${formatMetric(metric, m.ci95[1])}` : "n/a",
      xText: labelOf(point.values[xAxis.path], xAxis.unit),
    });
  }
  return rows;
}

/**
 * `metric` against the first swept parameter, its 95 % interval as a band (error bars when the
 * parameter is categorical), one line per combination of the other swept parameters.
 */
export function sweepLineChart(sweep: SweepFile, metric: Metric): ChartSpec {
  const [first, ...rest] = sweep.parameters;
  const xAxis = parameterAxis(first ?? { path: "point", values: [] });
  const groupPaths = rest.map((p) => p.path);
  const kind = METRIC_KIND[metric];
  const allMeans = sweep.points.map((p) => p.metrics[metric]?.mean).filter((v): v is number => typeof v === "number");
  const yUnit = kind === "duration" ? unitFor(maxOf(allMeans, 0)) : null;
  const rows = sweepRows(sweep, metric, xAxis, groupPaths, yUnit?.seconds ?? 1);
  const { format } = metricAxis(metric);
  const yTitle = yUnit ? `${METRIC_TITLES[metric]} (${yUnit.label})` : METRIC_TITLES[metric];
  const x = {
    field: "x",
    type: xAxis.quantitative ? ("quantitative" as const) : ("ordinal" as const),
    title: xAxis.title,
    sort: null,
    axis: xAxis.percent ? { format: ".0%" } : xAxis.quantitative ? { format: "~r" } : { labelAngle: 0 },
  };
  const y = {
    field: "mean",
    type: "quantitative" as const,
    title: yTitle,
    axis: { format },
    scale: kind === "percent" ? { zero: true } : { zero: false },
  };
  const grouped = groupPaths.length > 0;
  const colour = grouped
    ? { field: "group", type: "nominal" as const, title: null, legend: { orient: "bottom" as const, labelLimit: 400 } }
    : { value: COLOURS.measured };
  const tooltip = [
    { field: "xText", title: xAxis.title },
    ...(grouped ? [{ field: "group", title: "with" }] : []),
    { field: "meanText", title: METRIC_TITLES[metric] },
    { field: "ciText", title: "95 % CI" },
  ];
  const band = xAxis.quantitative
    ? {
        mark: { type: "area", opacity: 0.2 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color: colour },
      }
    : {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color: colour },
      };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `${capitalise(METRIC_TITLES[metric])} by ${xAxis.title.replace(/ \(.*\)$/, "")}`,
      subtitle: `Sweep of ${sweep.scenario.name}: mean over ${sweep.replications} replications per point, band: 95 % confidence interval`,
    },
    width: WIDTH,
    height: 280,
    data: { values: rows },
    layer: [
      band,
      { mark: { type: "line", strokeWidth: 2 }, encoding: { x, y, color: colour } },
      { mark: { type: "point", filled: true, size: 50 }, encoding: { x, y, color: colour, tooltip } },
    ],
    config: CONFIG,
  } as ChartSpec;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A two-parameter grid as a heatmap of `metric`'s mean, each cell labelled. Needs exactly two parameters. */
export function sweepHeatmap(sweep: SweepFile, metric: Metric): ChartSpec {
  if (sweep.parameters.length !== 2) {
    throw new Error(`a heatmap needs exactly two swept parameters, got ${sweep.parameters.length}`);
  }
  const [a, b] = sweep.parameters.map(parameterAxis);
  const rows = sweep.points.flatMap((point) => {
    const m = point.metrics[metric];
    if (!m || m.mean === null) return [];
    return [
      {
        x: labelOf(point.values[a.path], a.unit),
        y: labelOf(point.values[b.path], b.unit),
        mean: m.mean,
        meanText: formatMetric(metric, m.mean),
        ciText: m.ci95 ? `${formatMetric(metric, m.ci95[0])} – ${formatMetric(metric, m.ci95[1])}` : "n/a",
      },
    ];
  });
  const order = (axis: ParameterAxis, values: unknown[]) => values.map((v) => labelOf(v, axis.unit));
  const xs = order(a, sweep.parameters[0].values);
  const ys = order(b, sweep.parameters[1].values);
  const means = rows.map((r) => r.mean);
  const mid = means.length > 0 ? (minOf(means) + maxOf(means)) / 2 : 0;
  const percent = METRIC_KIND[metric] === "percent";
  const strip = (t: string) => t.replace(/ \(.*\)$/, "");
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: `${capitalise(METRIC_TITLES[metric])} by ${strip(a.title)} and ${strip(b.title)}`,
      subtitle: `Sweep of ${sweep.scenario.name}: mean over ${sweep.replications} replications per cell`,
    },
    width: Math.min(WIDTH, Math.max(240, 70 * xs.length)),
    height: Math.min(420, Math.max(120, 36 * ys.length)),
    data: { values: rows },
    encoding: {
      x: { field: "x", type: "ordinal", title: a.title, sort: xs, axis: { labelAngle: 0 } },
      y: { field: "y", type: "ordinal", title: b.title, sort: ys },
    },
    layer: [
      {
        mark: { type: "rect" },
        encoding: {
          color: {
            field: "mean",
            type: "quantitative",
            title: METRIC_TITLES[metric],
            // viridis: perceptually uniform and readable with colour-vision deficiencies.
            scale: { scheme: "viridis", ...(percent ? { domainMin: 0 } : {}) },
            legend: { format: percent ? ".0%" : "~r", orient: "right", gradientLength: 160 },
          },
          tooltip: [
            { field: "x", title: a.title },
            { field: "y", title: b.title },
            { field: "meanText", title: METRIC_TITLES[metric] },
            { field: "ciText", title: "95 % CI" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "meanText" },
          color: { condition: { test: `datum.mean > ${mid}`, value: "black" }, value: "white" },
        },
      },
    ],
    config: CONFIG,
  } as ChartSpec;
}

/** The metrics a sweep report charts, most telling first. */
export const SWEEP_METRICS: Metric[] = ["resendFailure", "firstAttemptFailure", "messageFailure", "deliveryDelayMean"];

/** Used by report.html for a sweep's headline: the point where `metric` is lowest. */
export function bestPoint(sweep: SweepFile, metric: Metric): { label: string; value: string } | null {
  let best: { label: string; mean: number } | null = null;
  for (const p of sweep.points) {
    const m = p.metrics[metric];
    if (!m || m.mean === null) continue;
    if (best === null || m.mean < best.mean) {
      const label = sweep.parameters
        .map((q) => {
          const axis = parameterAxis(q);
          return `${axis.title.replace(/ \(.*\)$/, "")} ${labelOf(p.values[q.path], axis.unit)}`;
        })
        .join(", ");
      best = { label, mean: m.mean };
    }
  }
  if (best === null) return null;
  return {
    label: best.label,
    value: METRIC_KIND[metric] === "percent" ? formatPercent(best.mean) : formatMetric(metric, best.mean),
  };
}
