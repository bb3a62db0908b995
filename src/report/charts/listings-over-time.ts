// Chart 4 of issue 4: how many relays were listed and what share of attempts was rejected, per
// `output.timeseries` bucket — where listings come and go (compromise) the two move together.
import type { Summary, TimeseriesRow } from "../../experiment/summary.js";
import { DAY, formatDuration, formatRoundDuration, HOUR, type TimeUnit } from "../../format.js";
import { maxOf } from "../../stats/extremes.js";
import { type ChartSpec, COLOURS, CONFIG, VEGA_LITE_SCHEMA, WIDTH } from "./theme.js";

/** Hours up to three days of simulated time, days beyond. */
export function timeUnit(horizonSeconds: number): TimeUnit {
  return horizonSeconds <= 3 * 86_400 ? HOUR : DAY;
}

/** Relays listed and the share of attempts rejected, per time-series bucket. */
export function listingsOverTimeChart(summary: Summary, series: readonly TimeseriesRow[]): ChartSpec {
  const scenario = summary.scenario;
  const width = scenario.output.timeseries;
  const end = Math.max(scenario.horizon, series.length * width);
  const unit = timeUnit(end);
  const measured = series.map((r) => ({
    time: r.time / unit.seconds,
    end: Math.min(r.time + width, end) / unit.seconds,
    from: formatDuration(r.time),
    listed: r.listedServers,
    attempts: r.attempts,
    rejections: r.rejections,
    rate: r.attempts > 0 ? r.rejections / r.attempts : null,
  }));
  // Steps start at each bucket; a copy of the last bucket at its end draws that bucket's step too.
  const last = measured[measured.length - 1];
  const rows = last ? [...measured, { ...last, time: last.end }] : measured;
  const x = {
    field: "time",
    type: "quantitative" as const,
    title: `simulated time (${unit.words})`,
    scale: { domain: [0, end / unit.seconds], nice: false },
    axis: { format: "~r", tickMinStep: 1 },
  };
  const tooltip = [
    { field: "from", title: "bucket from" },
    { field: "listed", title: "relays listed", format: ".2f" },
    { field: "attempts", title: "attempts (mean)", format: ",.1f" },
    { field: "rejections", title: "rejections (mean)", format: ",.1f" },
    { field: "rate", title: "share rejected", format: ".1%" },
  ];
  const maxListed = maxOf(
    rows.map((r) => r.listed),
    1,
  );
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Listings over time",
      subtitle: `Relays on a blacklist and the share of attempts rejected, per ${formatRoundDuration(width)}, mean of ${summary.replications} replication${summary.replications === 1 ? "" : "s"}`,
    },
    data: { values: rows },
    vconcat: [
      {
        width: WIDTH,
        height: 130,
        mark: {
          type: "area",
          interpolate: "step-after",
          color: COLOURS.listed,
          opacity: 0.35,
          line: { color: COLOURS.listed, strokeWidth: 2 },
        },
        encoding: {
          x: { ...x, axis: { ...x.axis, title: null, labels: false, ticks: false } },
          y: {
            field: "listed",
            type: "quantitative",
            title: "relays listed",
            scale: { domain: [0, Math.ceil(maxListed * 1.15)] },
            axis: { tickMinStep: 1, format: "d" },
          },
          tooltip,
        },
      },
      {
        width: WIDTH,
        height: 130,
        transform: [{ filter: "datum.rate !== null" }],
        mark: { type: "line", interpolate: "step-after", color: COLOURS.measured, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: "rate", type: "quantitative", title: "attempts rejected", axis: { format: ".1~%" } },
          tooltip,
        },
      },
    ],
    spacing: 10,
    config: CONFIG,
  } as ChartSpec;
}
