// Chart 3 of issue 4: the empirical CDF of delivery delay (delivery − first submission), on a
// log time axis because delays run from the 2-second session to days of MTA retries.
import type { Summary } from "../../experiment/summary.js";
import { formatCount, formatDuration, formatPercent } from "../../format.js";
import { minOf } from "../../stats/extremes.js";
import {
  type ChartSpec,
  COLOURS,
  CONFIG,
  DURATION_LABEL_EXPR,
  durationTicks,
  VEGA_LITE_SCHEMA,
  WIDTH,
} from "./theme.js";

/**
 * The lower end of the y axis: 0 unless nearly all mail is delivered at once, when a full 0–100 %
 * axis would squash the whole story (the tail) into the top pixels. Rounded down to 5 %.
 */
export function cdfFloor(fractions: readonly number[]): number {
  const lowest = minOf(fractions, 1);
  return lowest < 0.5 ? 0 : Math.floor(lowest * 20 + 1e-9) / 20;
}

/** The delivery-delay CDF (first submission to delivery, resends and retries included). */
export function deliveryDelayChart(summary: Summary): ChartSpec {
  const points = summary.deliveryDelayCdf
    .filter((p) => p.delay > 0 && Number.isFinite(p.delay))
    .map((p) => ({
      delay: p.delay,
      fraction: p.fraction,
      delayText: formatDuration(p.delay),
      fractionText: formatPercent(p.fraction),
    }));
  const lo = points.length > 0 ? points[0].delay : 1;
  const hi = points.length > 0 ? points[points.length - 1].delay : 60;
  const domainLo = Math.min(lo, 1);
  const domainHi = Math.max(hi * 1.5, 60);
  const floor = cdfFloor(points.map((p) => p.fraction));
  const subtitle = [
    `Share of delivered messages that arrived within a given time of their first submission (${formatCount(summary.totals.delivered)} messages)`,
  ];
  if (floor > 0)
    subtitle.push(`The y axis starts at ${formatPercent(floor)}: most mail goes through on the first attempt`);

  const x = {
    field: "delay",
    type: "quantitative" as const,
    title: "time from first submission to delivery (log scale)",
    scale: { type: "log" as const, domain: [domainLo, domainHi], nice: false },
    axis: { values: durationTicks(domainLo, domainHi), labelExpr: DURATION_LABEL_EXPR, grid: true },
  };
  const y = {
    field: "fraction",
    type: "quantitative" as const,
    title: "delivered within this time",
    scale: { domain: [floor, 1] },
    axis: { format: floor >= 0.9 ? ".1%" : ".0%" },
  };
  const tooltip = [
    { field: "delayText", title: "within" },
    { field: "fractionText", title: "delivered" },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "How long delivery took", subtitle },
    width: WIDTH,
    height: 260,
    data: { values: points },
    layer: [
      {
        mark: { type: "line", interpolate: "step-after", color: COLOURS.measured, strokeWidth: 2.5, clip: true },
        encoding: { x, y },
      },
      {
        mark: { type: "point", filled: true, size: 30, color: COLOURS.measured, clip: true },
        encoding: { x, y, tooltip },
      },
    ],
    config: CONFIG,
  } as ChartSpec;
}
