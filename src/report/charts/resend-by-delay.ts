// Chart 1 of issue 4, the one the whole tool exists for: how often a user's resend is rejected
// again, by how long they waited — with the closed form of DESIGN §5 where one exists.
import { subscribedMailShare } from "../../analytic/receivers.js";
import type { Summary } from "../../experiment/summary.js";
import { DAY, formatCount, formatDuration, formatPercent, HOUR, MINUTE, type TimeUnit } from "../../format.js";
import type { ClosedForm } from "../../model/balancers/index.js";
import { policyNamed } from "../../scenario/policies/index.js";
import type { Scenario } from "../../scenario/schema.js";
import { maxOf } from "../../stats/extremes.js";
import { type ChartSpec, COLOURS, CONFIG, VEGA_LITE_SCHEMA, WIDTH } from "./theme.js";

/** The support desk's advice the chart tests: "wait 5–15 minutes and resend" (DESIGN, the story). */
export const ADVICE_WINDOW: readonly [number, number] = [300, 900];

export type { ClosedForm };

/**
 * The DESIGN §5 formula for this scenario's resend failure, or null when none applies: it needs
 * static listings (listed from the start, forever, one `listed` entry) on a single 5xx list, no
 * compromise, no health check, and a policy with a closed form (model/balancers/: random
 * unweighted, sticky, timer).
 */
export function closedFormResendFailure(scenario: Scenario): ClosedForm | null {
  if (scenario.compromise !== null || scenario.pool.avoidListed !== null) return null;
  if (scenario.blacklists.length !== 1 || scenario.blacklists[0].reply !== "5xx") return null;
  if (scenario.listed.length !== 1) return null;
  const entry = scenario.listed[0];
  if (entry.from !== 0 || entry.until !== null) return null;
  const N = scenario.pool.servers;
  const k = entry.indices?.length ?? entry.servers ?? 0;
  if (k < 1 || k > N) return null;
  const b = scenario.pool.balancer;
  return (
    policyNamed(b.policy)?.closedForm(b, {
      servers: N,
      listed: k,
      indices: entry.indices ?? null,
      traffic: {
        senderRate: scenario.traffic.rate,
        subscribers: subscribedMailShare(
          scenario.blacklists[0].subscribers,
          scenario.recipients.domains,
          scenario.recipients.zipf,
        ),
        resendProbability: scenario.resend.probability,
        maxAttempts: scenario.resend.maxAttempts,
      },
    }) ?? null
  );
}

/** The x unit for delays up to `maxSeconds`: minutes up to 10 h, then hours, then days. */
export function delayUnit(maxSeconds: number): TimeUnit {
  if (maxSeconds <= 10 * 3600) return MINUTE;
  if (maxSeconds <= 5 * 86_400) return HOUR;
  return DAY;
}

const MEASURED = "simulated first resends, 95 % interval over replications";

/**
 * First-resend failure by the user's wait (resendFailureByDelay: later resends land in slots
 * already used and are not on the closed form's curve), with its replication-clustered 95 %
 * intervals as a band, the closed form and the advice window.
 */
export function resendByDelayChart(summary: Summary): ChartSpec {
  const bins = summary.resendFailureByDelay.filter((b) => b.proportion !== null);
  const closed = closedFormResendFailure(summary.scenario);
  // Show the advice window and a little beyond it even when resends all fall inside it.
  const maxSeconds = maxOf(
    bins.map((b) => b.to),
    ADVICE_WINDOW[1] * (4 / 3),
  );
  const unit = delayUnit(maxSeconds);
  const x = (s: number) => s / unit.seconds;

  const points = bins.map((b) => ({
    series: MEASURED,
    delay: x((b.from + b.to) / 2),
    wait: `${formatDuration(b.from)} – ${formatDuration(b.to)}`,
    resends: b.resends,
    failures: b.failures,
    proportion: b.proportion,
    lo: b.ci95?.[0] ?? b.proportion,
    hi: b.ci95?.[1] ?? b.proportion,
    ci: b.ci95 ? `${formatPercent(b.ci95[0])} – ${formatPercent(b.ci95[1])}` : "",
  }));

  const xEnc = {
    field: "delay",
    type: "quantitative" as const,
    title: `wait before resending (${unit.label})`,
    scale: { domain: [0, x(maxSeconds)], nice: false },
  };
  const yScale = { domain: [0, 1] };
  const yAxis = { format: ".0%", title: "resends rejected again" };
  const seriesDomain = closed ? [MEASURED, closed.label] : [MEASURED];
  const colour = {
    field: "series",
    type: "nominal" as const,
    title: null,
    scale: { domain: seriesDomain, range: [COLOURS.measured, COLOURS.analytic] },
    legend: { orient: "bottom" as const, direction: "horizontal" as const, labelLimit: 420, columnPadding: 24 },
  };

  const layers: object[] = [
    {
      data: { values: [{ from: x(ADVICE_WINDOW[0]), to: x(ADVICE_WINDOW[1]) }] },
      mark: { type: "rect", color: COLOURS.advice, opacity: 0.16 },
      encoding: {
        x: { field: "from", type: "quantitative", scale: xEnc.scale },
        x2: { field: "to" },
        tooltip: { value: "the support desk's advice: wait 5–15 minutes, then resend" },
      },
    },
    {
      data: { values: [{ at: x((ADVICE_WINDOW[0] + ADVICE_WINDOW[1]) / 2), y: 1 }] },
      mark: { type: "text", text: "advice: wait 5–15 min", baseline: "top", dy: 6, fontSize: 12, color: "#7a5200" },
      encoding: { x: { field: "at", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    },
  ];
  if (points.length > 0) {
    layers.push(
      {
        data: { values: points },
        mark: { type: "area", opacity: 0.25, color: COLOURS.measured, interpolate: "linear" },
        encoding: { x: xEnc, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 45, opacity: 1 },
        encoding: {
          x: xEnc,
          y: { field: "proportion", type: "quantitative", scale: yScale, axis: yAxis },
          color: colour,
          tooltip: [
            { field: "wait", title: "waited" },
            { field: "resends", title: "resends", format: "," },
            { field: "failures", title: "rejected again", format: "," },
            { field: "proportion", title: "share rejected", format: ".1%" },
            { field: "ci", title: "95 % CI" },
          ],
        },
      },
    );
  } else {
    layers.push({
      data: { values: [{ at: x(maxSeconds) / 2, y: 0.5 }] },
      mark: { type: "text", text: "no user resends in this run", fontSize: 13, color: "#444444" },
      encoding: { x: { field: "at", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    });
  }
  if (closed) {
    const ds = new Set<number>([0, maxSeconds, ...closed.kinks(0, maxSeconds)]);
    for (let i = 1; i < 100; i++) ds.add((maxSeconds * i) / 100);
    const curve = [...ds]
      .sort((a, b) => a - b)
      .map((d) => ({ series: closed.label, delay: x(d), proportion: closed.at(d), wait: formatDuration(d) }));
    layers.push({
      data: { values: curve },
      mark: { type: "line", strokeWidth: 2.5, strokeDash: [7, 4] },
      encoding: {
        x: xEnc,
        y: { field: "proportion", type: "quantitative", scale: yScale, axis: yAxis },
        color: colour,
        tooltip: [
          { field: "wait", title: "wait" },
          { field: "proportion", title: "closed form", format: ".1%" },
        ],
      },
    });
  }

  const t = summary.totals;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "Does waiting before resending help?",
      subtitle: [
        "Share of user resends rejected again, by how long the user waited after the bounce",
        `${summary.scenario.name} · ${summary.replications} replication${summary.replications === 1 ? " (intervals conditional on it)" : "s"} · ${formatCount(bins.reduce((a, b) => a + b.resends, 0))} first resends of ${formatCount(t.resends)}`,
      ],
    },
    width: WIDTH,
    height: 300,
    layer: layers,
    resolve: { scale: { color: "shared" } },
    config: CONFIG,
  } as ChartSpec;
}
