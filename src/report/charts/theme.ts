// The look shared by every chart: one colour-blind-safe palette (Okabe & Ito), one font, and
// the labels that turn seconds and proportions into what people read (in the words of format.ts).
import type { TopLevelSpec } from "vega-lite";
import type { Metric } from "../../experiment/result.js";
import { formatDuration, formatPercent } from "../../format.js";

/** A Vega-Lite spec as written to charts/*.vl.json. */
export type ChartSpec = TopLevelSpec;

/** A chart and the file stem it is written under (charts/<name>.vl.json, .svg, .png). */
export interface NamedChart {
  name: string;
  /** What the chart answers, one sentence: shown under it in report.html. */
  caption: string;
  spec: ChartSpec;
}

/** The `$schema` of every chart spec: Vega-Lite 6. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable under the common
 * colour-vision deficiencies.
 */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
} as const;

/** Colours by role, so every chart says "measured", "closed form", "listed" the same way. */
export const COLOURS = {
  measured: OKABE_ITO.blue,
  analytic: OKABE_ITO.vermillion,
  advice: OKABE_ITO.orange,
  listed: OKABE_ITO.vermillion,
  clean: OKABE_ITO.skyBlue,
  mean: OKABE_ITO.black,
} as const;

/** Category order for lines and groups: Okabe–Ito without black and yellow (too faint on white). */
export const CATEGORY_RANGE = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.vermillion,
  OKABE_ITO.purple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
];

/**
 * The font the PNGs are rasterised with (fonts-dejavu-core): SVG and PNG must name the same
 * family, or resvg falls back to another font and the layout vega measured no longer fits.
 */
export const FONT = "DejaVu Sans";

export const CONFIG = {
  font: FONT,
  background: "white",
  padding: 8,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: "#444444", anchor: "start", offset: 10 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: "normal",
    titleColor: "#222222",
    gridColor: "#e6e6e6",
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelLimit: 320 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  range: { category: CATEGORY_RANGE },
  view: { stroke: "#dddddd" },
} as const;

/** Width of a single-panel chart in pixels (the report's column is wider than this). */
export const WIDTH = 560;

/**
 * A Vega expression labelling a seconds value in its natural unit, for log time axes whose
 * ticks span seconds to days (d3-format's "~r" drops trailing zeros).
 */
export const DURATION_LABEL_EXPR =
  "datum.value < 60 ? format(datum.value, '.3~r') + ' s'" +
  " : datum.value < 3600 ? format(datum.value / 60, '.3~r') + ' min'" +
  " : datum.value < 86400 ? format(datum.value / 3600, '.3~r') + ' h'" +
  " : format(datum.value / 86400, '.3~r') + ' d'";

/**
 * Ticks for a log time axis within [lo, hi]: the round ladder 1 s, 10 s, 1 min, 10 min, 1 h, 6 h,
 * 1 d, 7 d, or a finer one when the range is too short for three of those.
 */
export function durationTicks(lo: number, hi: number): number[] {
  const inRange = (ticks: number[]) => ticks.filter((t) => t >= lo * 0.999 && t <= hi * 1.001);
  const ladder = inRange([1, 10, 60, 600, 3600, 21_600, 86_400, 604_800]);
  if (ladder.length >= 3) return ladder;
  return inRange([1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 43_200, 86_400, 172_800, 604_800]);
}

export type MetricKind = "percent" | "duration" | "number";

export const METRIC_KIND: Record<Metric, MetricKind> = {
  firstAttemptFailure: "percent",
  resendFailure: "percent",
  messageFailure: "percent",
  bounceRate: "percent",
  attemptsPerMessage: "number",
  deliveryDelayMean: "duration",
  deliveryDelayP50: "duration",
  deliveryDelayP90: "duration",
  deliveryDelayP99: "duration",
  listedFraction: "percent",
};

/** What each metric measures, in words (DESIGN §3), for chart titles and the report table. */
export const METRIC_TITLES: Record<Metric, string> = {
  firstAttemptFailure: "first attempt rejected",
  resendFailure: "user resend rejected",
  messageFailure: "message never delivered",
  bounceRate: "message bounced at least once",
  attemptsPerMessage: "attempts per message",
  deliveryDelayMean: "delivery delay, mean",
  deliveryDelayP50: "delivery delay, median",
  deliveryDelayP90: "delivery delay, 90th percentile",
  deliveryDelayP99: "delivery delay, 99th percentile",
  listedFraction: "relays listed (share of time)",
};

/** A metric value as text: percentages, durations in their unit, or a plain number. */
export function formatMetric(metric: Metric, value: number): string {
  const kind = METRIC_KIND[metric];
  if (kind === "percent") return formatPercent(value);
  if (kind === "duration") return formatDuration(value);
  // Attempts per message sit just above 1: three decimals show the difference that matters.
  return value.toFixed(3);
}

/** "12.5 %–14.0 %" style interval text, or "" when there is none. */
export function formatInterval(metric: Metric, ci: readonly [number, number] | null): string {
  return ci === null ? "" : `${formatMetric(metric, ci[0])} – ${formatMetric(metric, ci[1])}`;
}

/** File-name stem for a metric: "resendFailure" → "resend-failure". */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/**
 * vega-embed's options for every chart on the page: `ast` makes vega interpret its expressions
 * instead of compiling them with Function, which the page's policy forbids (no 'unsafe-eval').
 */
export const EMBED_OPTIONS = { actions: false, renderer: "svg", ast: true } as const;
