// The advice chart of `sim advise` (charts/advice.*): resend failure against a fixed wait, one
// line per balancer policy with its 95 % band, the scenario's own resend window shaded and the
// shortest good wait marked — the whole verdict in one picture.
import type { Advice, PolicyAdvice } from "../../experiment/advise.js";
import { distributionRange } from "../../experiment/advise-grid.js";
import { formatDuration, formatPercent, formatRoundDuration } from "../../format.js";
import type { Dist } from "../../scenario/schema.js";
import { maxOf, minOf } from "../../stats/extremes.js";
import { distributionWords } from "../story.js";
import { delayUnit } from "./resend-by-delay.js";
import { CATEGORY_RANGE, type ChartSpec, CONFIG, VEGA_LITE_SCHEMA, WIDTH } from "./theme.js";

/** The scenario's resend rule in words: "5–15 min", "0–15 min", "10 min". */
export function ruleWords(after: Dist): string {
  if ("uniform" in after && after.uniform[0] === 0 && after.uniform[1] > 0) {
    return `0–${formatRoundDuration(after.uniform[1])}`;
  }
  return distributionWords(after);
}

/** How a policy is named in the legend: the scenario's own one says so. */
export function policyLabel(p: Pick<PolicyAdvice, "policy" | "own">): string {
  return p.own ? `${p.policy} (this pool)` : p.policy;
}

/** Everything beyond the own policy's grid is cut off: the chart shows the range that pool was judged on. */
export function adviceChart(advice: Advice): ChartSpec {
  const own = advice.policies.find((p) => p.own);
  const maxSeconds = maxOf(own?.grid.delays ?? [1], 1);
  const unit = delayUnit(maxSeconds);
  const x = (s: number) => s / unit.seconds;
  const labels = advice.policies.map(policyLabel);
  const colour = {
    field: "policy",
    type: "nominal" as const,
    title: "balancing",
    sort: labels,
    scale: { domain: labels, range: CATEGORY_RANGE.slice(0, labels.length) },
    // Every layer shares this legend; a line swatch at full opacity, not the faint band's.
    legend: { orient: "right" as const, labelLimit: 200, symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 3 },
  };
  const xScale = { domain: [0, x(maxSeconds)], nice: false, zero: true };
  const xEnc = {
    field: "wait",
    type: "quantitative" as const,
    title: `fixed wait before resending (${unit.label})`,
    scale: xScale,
  };
  // Headroom above 100 % for the advice label, so a flat line at 100 % (sticky) stays visible under it.
  const top = 1.08;
  const yScale = { domain: [0, top], nice: false };
  const yAxis = {
    format: ".0%",
    title: "resends rejected again",
    values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  };

  // Each policy's points within the own grid, and its first point beyond, so that its line and
  // band run on to the chart's edge (clipped there). Points farther out are not drawn at all:
  // nothing of them is visible, and resvg aborts the process on some marks clipped away whole.
  const within = (points: PolicyAdvice["points"]) => {
    const beyond = points.findIndex((pt) => pt.delay > maxSeconds);
    return beyond < 0 ? points : points.slice(0, beyond + 1);
  };
  const rows = advice.policies.flatMap((p) =>
    within(p.points)
      .filter((pt) => pt.mean !== null)
      .map((pt) => ({
        policy: policyLabel(p),
        wait: x(pt.delay),
        mean: pt.mean,
        lo: pt.ci95?.[0] ?? pt.mean,
        hi: pt.ci95?.[1] ?? pt.mean,
        waitText: formatDuration(pt.delay),
        meanText: formatPercent(pt.mean as number),
        ciText: pt.ci95 ? `${formatPercent(pt.ci95[0])} – ${formatPercent(pt.ci95[1])}` : "n/a",
        replications: pt.n,
      })),
  );

  const [from, to] = distributionRange(advice.resendAfter);
  const adviceWords = `the scenario's rule: wait ${ruleWords(advice.resendAfter)}`;
  const layers: object[] = [
    {
      data: { values: [{ from: x(from), to: x(Math.max(to, from)) }] },
      mark: { type: "rect", color: CATEGORY_RANGE[1], opacity: 0.14, clip: true },
      encoding: {
        x: { field: "from", type: "quantitative", scale: xScale },
        x2: { field: "to" },
        tooltip: { value: adviceWords },
      },
    },
    {
      data: { values: [{ at: x((from + to) / 2), y: top }] },
      mark: {
        type: "text",
        text: `the advice: wait ${ruleWords(advice.resendAfter)}`,
        baseline: "top",
        dy: 4,
        fontSize: 11,
        color: "#7a5200",
      },
      encoding: {
        x: { field: "at", type: "quantitative", scale: xScale },
        y: { field: "y", type: "quantitative", scale: yScale },
      },
    },
    {
      data: { values: rows },
      mark: { type: "area", opacity: 0.15, clip: true },
      encoding: {
        x: xEnc,
        y: { field: "lo", type: "quantitative", scale: yScale },
        y2: { field: "hi" },
        color: colour,
      },
    },
    {
      data: { values: rows },
      mark: { type: "line", strokeWidth: 2, clip: true },
      encoding: { x: xEnc, y: { field: "mean", type: "quantitative", scale: yScale, axis: yAxis }, color: colour },
    },
    {
      data: { values: rows.filter((r) => r.wait <= x(maxSeconds)) },
      mark: { type: "point", filled: true, size: 28, clip: true },
      encoding: {
        x: xEnc,
        y: { field: "mean", type: "quantitative", scale: yScale },
        color: colour,
        tooltip: [
          { field: "policy", title: "balancing" },
          { field: "waitText", title: "wait" },
          { field: "meanText", title: "rejected again" },
          { field: "ciText", title: "95 % CI" },
          { field: "replications", title: "replications" },
        ],
      },
    },
  ];

  // The shortest good wait of each policy where waiting helps: a diamond on its line; the own
  // policy's also as a labelled rule, since it is the headline number.
  const marks = advice.policies.flatMap((p) => {
    if (p.verdict !== "wait" || p.shortestGoodWait === null || p.shortestGoodWaitFailure?.mean == null) return [];
    if (p.shortestGoodWait > maxSeconds) return [];
    return [
      {
        policy: policyLabel(p),
        wait: x(p.shortestGoodWait),
        mean: p.shortestGoodWaitFailure.mean,
        text: `shortest good wait: ${formatDuration(p.shortestGoodWait)}`,
      },
    ];
  });
  if (marks.length > 0) {
    layers.push({
      data: { values: marks },
      mark: { type: "point", shape: "diamond", filled: true, size: 170, stroke: "white", strokeWidth: 1 },
      encoding: {
        x: { field: "wait", type: "quantitative", scale: xScale },
        y: { field: "mean", type: "quantitative", scale: yScale },
        color: colour,
        tooltip: [
          { field: "policy", title: "balancing" },
          { field: "text", title: "" },
        ],
      },
    });
  }
  if (own && own.verdict === "wait" && own.shortestGoodWait !== null) {
    const at = x(own.shortestGoodWait);
    layers.push(
      {
        // Stops at 100 %, below the advice label.
        data: { values: [{ at, y: 0, y2: 1 }] },
        mark: { type: "rule", strokeDash: [5, 3], color: "#333333" },
        encoding: {
          x: { field: "at", type: "quantitative", scale: xScale },
          y: { field: "y", type: "quantitative", scale: yScale },
          y2: { field: "y2" },
        },
      },
      {
        data: { values: [{ at, y: 0.55 }] },
        mark: { type: "text", align: "left", dx: 5, fontSize: 11, color: "#333333" },
        encoding: {
          x: { field: "at", type: "quantitative", scale: xScale },
          y: { field: "y", type: "quantitative", scale: yScale },
          text: { value: `wait at least ${formatDuration(own.shortestGoodWait)}` },
        },
      },
    );
  }
  if (own?.plateau && own.tolerance !== null) {
    const level = Math.min(1, own.plateau.mean as number) + own.tolerance;
    layers.push({
      data: { values: [{ y: level, text: `lowest failure + tolerance (${formatPercent(level)})` }] },
      mark: { type: "rule", strokeDash: [2, 3], color: "#777777" },
      encoding: {
        y: { field: "y", type: "quantitative", scale: yScale },
        tooltip: { field: "text", type: "nominal" },
      },
    });
  }

  const reps = [...new Set(advice.policies.map((p) => p.replications))];
  const worlds = advice.policies.some((p) => (p.placements ?? null) !== null);
  const repText =
    (reps.length === 1 ? `${reps[0]} replications per wait` : `${minOf(reps)}–${maxOf(reps)} replications per wait`) +
    (worlds ? " (a rotating policy's replications each over every placement class of the listed relays)" : "");
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: "How long should a user wait before resending?",
      subtitle: [
        "Share of resends rejected again when every user waits exactly that long; band: 95 % interval",
        `${advice.scenario.name} · ${repText} · ◆ shortest good wait · dotted: lowest failure + tolerance`,
      ],
    },
    width: WIDTH,
    height: 300,
    layer: layers,
    resolve: { scale: { color: "shared" } },
    config: CONFIG,
  } as ChartSpec;
}
