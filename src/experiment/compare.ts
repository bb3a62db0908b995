// Paired comparisons (`sim compare`): several scenarios run with common random numbers (the
// same seed and replication indices, so the same mail, recipients and listings wherever the
// scenarios agree), and each metric's difference from the first scenario with a paired 95 %
// interval (the replication bootstrap-t of src/stats/interval.ts on the paired differences).
// The Welch interval that ignores the pairing is kept for reference: the gap between the two
// is what common random numbers buy.
import type { Scenario } from "../scenario/schema.js";
import { type Bounds, type DifferenceEstimate, type Estimate, meanEstimate, UNBOUNDED } from "../stats/interval.js";
import { pairedInterval } from "../stats/student.js";
import { VERSION } from "../version.js";
import { type AnyScenario, checkOptions, runSize, validScenario } from "./inputs.js";
import { type ExperimentOptions, runConfigurations } from "./parallel.js";
import type { PrecisionReport } from "./precision.js";
import { RECIPIENT_METRIC_BOUNDS, RECIPIENT_METRICS, type RecipientMetric } from "./recipient-metrics.js";
import { METRICS, type Metric, type ReplicationResult } from "./result.js";
import { METRIC_BOUNDS } from "./summary.js";

/** A metric's mean over replications with its 95 % interval (null with fewer than two). */
export type MeanSummary = Estimate;

/** One scenario against the first: its mean and the paired difference from the first's. */
export interface Difference extends DifferenceEstimate {
  /** The compared scenario's label. */
  scenario: string;
  /** Its mean over the paired replications. */
  mean: number | null;
  /** Welch 95 % interval, ignoring the pairing (for reference). */
  unpairedCi95: [number, number] | null;
}

/** One metric: the first scenario's mean and each other scenario's difference from it. */
export interface MetricComparison {
  baseline: MeanSummary;
  differences: Difference[];
}

/** compare.json. */
export interface Comparison {
  tool: { name: "relaysim"; version: string };
  seed: number;
  replications: number;
  scenarios: Array<{ label: string; scenario: Scenario }>;
  /** Per metric: the first scenario's mean and each other scenario's difference from it. */
  metrics: Record<Metric, MetricComparison>;
  /**
   * The per-recipient metrics (DESIGN §3) the same way; only when every compared scenario's
   * messages have several recipients (recipients.perMessage), as in summary.json.
   */
  recipients?: Record<RecipientMetric, MetricComparison>;
  precision?: PrecisionReport;
}

function baselineSummary(values: Array<number | null>, bounds: Bounds): MeanSummary {
  const e = meanEstimate(values, bounds);
  return e.n >= 2 ? e : { mean: e.mean, ci95: null, n: e.n, method: "none" };
}

/** Bounds of b − a for quantities within `bounds`. */
function differenceBounds(bounds: Bounds): Bounds {
  return { lower: bounds.lower - bounds.upper, upper: bounds.upper - bounds.lower };
}

/** The difference b − a over the replications where both are defined (`bounds`: those of a and b). */
export function pairedDifference(
  label: string,
  a: ReadonlyArray<number | null>,
  b: ReadonlyArray<number | null>,
  bounds: Bounds = UNBOUNDED,
): Difference {
  const xs: number[] = [];
  const ys: number[] = [];
  a.forEach((x, i) => {
    const y = b[i];
    if (x !== null && y !== null) {
      xs.push(x);
      ys.push(y);
    }
  });
  const n = xs.length;
  const mean = meanEstimate(b, bounds).mean;
  if (n === 0) return { scenario: label, mean, difference: null, ci95: null, method: "none", unpairedCi95: null, n };
  const p = pairedInterval(xs, ys);
  const diffs = ys.map((y, i) => y - xs[i]);
  const d = meanEstimate(diffs, differenceBounds(bounds));
  return {
    scenario: label,
    mean,
    difference: d.mean,
    ci95: n >= 2 ? d.ci95 : null,
    method: n >= 2 ? d.method : "none",
    unpairedCi95: n >= 2 ? p.unpairedCi95 : null,
    n,
  };
}

/** Build the comparison from each scenario's results for replications 0 … R−1. */
export function comparison(
  scenarios: ReadonlyArray<{ label: string; scenario: Scenario }>,
  seed: number,
  results: readonly ReplicationResult[][],
  precision: PrecisionReport | null = null,
): Comparison {
  // Each scenario's per-replication values of one metric, and the metric compared across them.
  const compared = (values: (s: number) => Array<number | null>, bounds: Bounds): MetricComparison => ({
    baseline: baselineSummary(values(0), bounds),
    differences: scenarios.slice(1).map((s, k) => pairedDifference(s.label, values(0), values(k + 1), bounds)),
  });
  const metrics = Object.fromEntries(
    METRICS.map((m) => [m, compared((s) => results[s].map((r) => r.metrics[m]), METRIC_BOUNDS[m])]),
  ) as Comparison["metrics"];
  const everyHasRecipients = results.every((rs) => rs.length > 0 && rs.every((r) => r.recipients !== undefined));
  const recipients = everyHasRecipients
    ? (Object.fromEntries(
        RECIPIENT_METRICS.map((m) => [
          m,
          compared((s) => results[s].map((r) => r.recipients?.metrics[m] ?? null), RECIPIENT_METRIC_BOUNDS[m]),
        ]),
      ) as Record<RecipientMetric, MetricComparison>)
    : undefined;
  return {
    tool: { name: "relaysim", version: VERSION },
    seed,
    replications: results[0].length,
    scenarios: scenarios.map((s) => ({ label: s.label, scenario: s.scenario })),
    metrics,
    ...(recipients === undefined ? {} : { recipients }),
    ...(precision ? { precision } : {}),
  };
}

/** Labels: the scenarios' names, or, where names repeat, `name#k`. */
export function scenarioLabels(scenarios: readonly Scenario[]): string[] {
  const counts = new Map<string, number>();
  for (const s of scenarios) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return scenarios.map((s) => {
    if (counts.get(s.name) === 1) return s.name;
    const k = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, k);
    return `${s.name}#${k}`;
  });
}

/**
 * Run the scenarios with common random numbers — the seed and number of replications are the
 * first scenario's unless overridden — and compare each with the first.
 */
export async function compare(
  inputs: readonly AnyScenario[],
  options: ExperimentOptions & { labels?: string[] } = {},
): Promise<Comparison> {
  if (inputs.length < 2) throw new RangeError("compare: expected at least two scenarios");
  const scenarios = inputs.map((s, i) => validScenario(s, `scenarios.${i}`));
  checkOptions(options);
  const labels = options.labels ?? scenarioLabels(scenarios);
  const size = runSize(scenarios[0], options);
  const run = await runConfigurations(scenarios, { ...options, ...size });
  return comparison(
    scenarios.map((scenario, i) => ({ label: labels[i], scenario })),
    size.seed,
    run.results,
    run.precision,
  );
}
