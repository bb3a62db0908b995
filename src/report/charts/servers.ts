// Chart 2 of issue 4, "where the mail failed": attempts, rejections and time listed per relay,
// with the relays that were ever on a blacklist highlighted, so the operator sees which IPs cost
// them mail. The time-listed row tells relays apart when every one was listed at some time.
import type { Summary } from "../../experiment/summary.js";
import { formatCount, formatPercent } from "../../format.js";
import { type ChartSpec, COLOURS, CONFIG, VEGA_LITE_SCHEMA, WIDTH } from "./theme.js";

export const LISTED = "listed on a blacklist at some time";
export const NEVER_LISTED = "never listed";

/** Attempts and rejections per relay, coloured by whether it was ever listed. */
export function serversChart(summary: Summary): ChartSpec {
  const rows = summary.servers.map((s) => ({
    server: s.server,
    attempts: s.attempts,
    rejections: s.rejections,
    status: s.listedFraction > 0 ? LISTED : NEVER_LISTED,
    listedFraction: s.listedFraction,
    listedShare: formatPercent(s.listedFraction),
    rejectedShare: s.attempts > 0 ? formatPercent(s.rejections / s.attempts) : "no attempts",
  }));
  // With random placement every replication lists different relays, so over many replications
  // most relays were listed some of the time: say so, or the picture looks like a bug.
  const randomPlacement = summary.scenario.listed.some((l) => !l.indices) || summary.scenario.compromise !== null;
  const subtitle = [
    `Attempts, blacklist rejections and time listed per relay, over ${summary.replications} replication${summary.replications === 1 ? "" : "s"}`,
  ];
  if (randomPlacement && summary.replications > 1) {
    subtitle.push(
      "Which relays are listed is drawn anew in each replication, so many relays were listed in some of them",
    );
  }
  const x = {
    field: "server",
    type: "ordinal" as const,
    title: "relay server",
    axis: { labelAngle: 0, labelOverlap: true },
  };
  const colour = {
    field: "status",
    type: "nominal" as const,
    title: null,
    scale: { domain: [LISTED, NEVER_LISTED], range: [COLOURS.listed, COLOURS.clean] },
    legend: { orient: "top" as const, direction: "horizontal" as const, labelLimit: 400, columnPadding: 20 },
  };
  const tooltip = [
    { field: "server", title: "relay" },
    { field: "attempts", title: "attempts", format: "," },
    { field: "rejections", title: "rejections", format: "," },
    { field: "rejectedShare", title: "share rejected" },
    { field: "listedShare", title: "time listed" },
    { field: "status", title: "status" },
  ];
  const total = summary.servers.reduce((a, s) => a + s.rejections, 0);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Where the mail failed", subtitle },
    data: { values: rows },
    vconcat: [
      {
        width: WIDTH,
        height: 150,
        mark: { type: "bar" },
        encoding: {
          x: { ...x, axis: { ...x.axis, title: null, labels: false, ticks: false } },
          y: { field: "attempts", type: "quantitative", title: "attempts", axis: { format: ",.0f" } },
          color: colour,
          tooltip,
        },
      },
      {
        width: WIDTH,
        height: 150,
        title: {
          text: `rejections (${formatCount(total)} in all)`,
          fontSize: 12,
          fontWeight: "normal",
          anchor: "start",
        },
        mark: { type: "bar" },
        encoding: {
          x: { ...x, axis: { ...x.axis, title: null, labels: false, ticks: false } },
          y: { field: "rejections", type: "quantitative", title: "rejections", axis: { format: ",.0f" } },
          color: colour,
          tooltip,
        },
      },
      {
        width: WIDTH,
        height: 90,
        title: { text: "share of the time listed", fontSize: 12, fontWeight: "normal", anchor: "start" },
        mark: { type: "bar" },
        encoding: {
          x,
          y: {
            field: "listedFraction",
            type: "quantitative",
            title: "time listed",
            axis: { format: ".0%", tickCount: 3 },
          },
          color: colour,
          tooltip,
        },
      },
    ],
    spacing: 8,
    config: CONFIG,
  } as ChartSpec;
}
