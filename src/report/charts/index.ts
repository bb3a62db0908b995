// Every chart of a run or a sweep, named and in reading order: the one list that
// charts/*.vl.json, the SVG/PNG files and report.html are all made from.
import type { Summary, TimeseriesRow } from "../../experiment/summary.js";
import { deliveryDelayChart } from "./delivery-delay.js";
import { listingsOverTimeChart } from "./listings-over-time.js";
import { replicationsChart } from "./replications.js";
import { resendByDelayChart } from "./resend-by-delay.js";
import { serversChart } from "./servers.js";
import { SWEEP_METRICS, type SweepFile, sweepHeatmap, sweepLineChart } from "./sweep.js";
import { kebab, type NamedChart } from "./theme.js";

/** Every chart of a run (report.html's order): resend failure by delay, servers, delay, listings, replications. */
export function summaryCharts(summary: Summary, series: readonly TimeseriesRow[]): NamedChart[] {
  const charts: NamedChart[] = [
    {
      name: "resend-failure-vs-delay",
      caption:
        "How often a resend bounces again, by how long the user waited. Dots are simulated (with their 95 % interval); the dashed line is the closed form where one exists; the shaded band is the usual advice.",
      spec: resendByDelayChart(summary),
    },
    {
      name: "servers",
      caption: "Which relays carried the mail and which had it rejected: rejections come only from listed relays.",
      spec: serversChart(summary),
    },
    {
      name: "delivery-delay",
      caption: "How long mail took to arrive, counted from its first submission (resends and retries included).",
      spec: deliveryDelayChart(summary),
    },
  ];
  if (series.length > 0) {
    charts.push({
      name: "listings-over-time",
      caption: "Relays on a blacklist over the simulated period and the share of attempts they cost.",
      spec: listingsOverTimeChart(summary, series),
    });
  }
  charts.push({
    name: "replications",
    caption: "How much each result varies from one simulated run to the next, with the mean and its 95 % interval.",
    spec: replicationsChart(summary),
  });
  return charts;
}

/** Every chart of a sweep (sweep.json's shape): a line chart per metric, and heatmaps for two parameters. */
export function sweepCharts(sweep: SweepFile): NamedChart[] {
  if (sweep.parameters.length === 0) return [];
  const charts: NamedChart[] = [];
  for (const metric of SWEEP_METRICS) {
    if (!sweep.points.some((p) => p.metrics[metric]?.mean != null)) continue;
    charts.push({
      name: `sweep-${kebab(metric)}`,
      caption: "Each point is a scenario variant; the band is the 95 % confidence interval of its mean.",
      spec: sweepLineChart(sweep, metric),
    });
    if (sweep.parameters.length === 2) {
      charts.push({
        name: `sweep-heatmap-${kebab(metric)}`,
        caption: "The same grid as a heatmap: each cell's label is the mean over replications.",
        spec: sweepHeatmap(sweep, metric),
      });
    }
  }
  return charts;
}
