// Precision targets: add replications until every named metric's 95 % half-width is at or
// below its target. This is the sequential procedure for absolute precision of Law & Kelton,
// "Simulation Modeling and Analysis" (5th ed., §9.4.1): from n0 ≥ 10 replications (their n0;
// fewer give a variance estimate so rough that the rule stops early on a lucky pair), stop at
// the first n whose half-width is ≤ β — the half-width of the interval summary.json reports
// (src/stats/interval.ts), not a plain t one. Replications run in batches for speed,
// but the stopping point is found by scanning every n in order, so it is exactly the
// one-at-a-time procedure's n: it depends on the seed only, never on batch size or workers.

import { minOf } from "../stats/extremes.js";
import { meanEstimate } from "../stats/interval.js";
import { METRICS, type Metric, type ReplicationResult } from "./result.js";
import { METRIC_BOUNDS } from "./summary.js";

/** Law & Kelton's n0: the sequential rule never stops before this many replications (DESIGN §3). */
export const DEFAULT_MIN_REPLICATIONS = 10;

/** The target 95 % half-width of each named metric (in the metric's unit, seconds for delays). */
export type PrecisionTargets = Partial<Record<Metric, number>>;

/** Precision targets and the most replications to spend meeting them. */
export interface PrecisionOptions {
  targets: PrecisionTargets;
  /** Stop here even if a target is not met. */
  maxReplications: number;
  /** Never stop before this many (default DEFAULT_MIN_REPLICATIONS; capped by maxReplications). */
  minReplications?: number;
  /**
   * A higher floor that enough resends lift: below `replications` (capped by maxReplications, at
   * which the targets alone decide, as with minReplications) the rule stops at n only where
   * every configuration's first n replications hold at least `each` resends rejected and `each`
   * not (resendsCounted). A resend failure's interval over fewer undercovers: on the coverage
   * harness, 84.7 % with about 2.4 rejected (advise's policy-table curves whose placement cannot
   * vary a replication, curvePrecision; README "Intervals").
   */
  countedFloor?: CountedFloor;
}

/** PrecisionOptions.countedFloor. */
export interface CountedFloor {
  replications: number;
  each: number;
}

/**
 * Whether every configuration's first n replications hold at least `each` resends rejected and
 * `each` not; one without any resend yet does not count (as in observedSeries).
 */
export function resendsCounted(series: readonly (readonly ReplicationResult[])[], n: number, each: number): boolean {
  for (const results of series) {
    let rejected = 0;
    let resends = 0;
    for (let i = 0; i < n; i++) {
      rejected += results[i].counts.resendRejected;
      resends += results[i].counts.resends;
    }
    if (resends > 0 && (rejected < each || resends - rejected < each)) return false;
  }
  return true;
}

/** The rule's counted floor, its replications capped by maxReplications (where the targets alone decide), as startingCount caps the minimum. */
export function cappedCountedFloor(options: PrecisionOptions): CountedFloor | undefined {
  const floor = options.countedFloor;
  return floor && { ...floor, replications: Math.min(floor.replications, options.maxReplications) };
}

/** The first n the rule may stop at: max(minReplications, 2), at most maxReplications. */
export function startingCount(options: PrecisionOptions, initial: number): number {
  const min = Math.max(options.minReplications ?? DEFAULT_MIN_REPLICATIONS, 2);
  return Math.min(Math.max(initial, min), options.maxReplications);
}

/** How a precision run ended, for stdout and run.json. */
export interface PrecisionReport {
  targets: PrecisionTargets;
  /** Replications used: the first n at which every target was met, or maxReplications. */
  replications: number;
  reached: boolean;
  /** The largest half-width over configurations (sweep points) of each named metric at that n. */
  halfWidths: Partial<Record<Metric, number | null>>;
  /**
   * Named metrics that no replication of any configuration observed (resendFailure when nothing
   * is ever resent): nothing to measure, so they did not hold the rule up. Absent when none.
   */
  unobserved?: Metric[];
}

/** Check that targets name metrics and are positive, finite numbers; returns the problem or null. */
export function precisionProblem(targets: PrecisionTargets): string | null {
  const names = Object.keys(targets);
  if (names.length === 0) return "expected at least one METRIC=HALFWIDTH target";
  for (const name of names) {
    if (!(METRICS as readonly string[]).includes(name)) {
      return `unknown metric "${name}" (expected one of ${METRICS.join(", ")})`;
    }
    const target = targets[name as Metric] as number;
    if (!(Number.isFinite(target) && target > 0)) return `${name}: expected a half-width > 0, got ${target}`;
  }
  return null;
}

/**
 * The 95 % half-width of a metric over the first n results: the larger distance from the mean
 * to an end of the interval summary.json reports (so a met target is met in the summary too);
 * null with fewer than two defined values.
 */
export function halfWidthAt(results: readonly ReplicationResult[], metric: Metric, n: number): number | null {
  // The same (results, metric, n) is asked for by the scan, the next batch's estimate and the
  // report (the report on a trimmed copy): a bootstrap interval each time, about a sixth of
  // advise's. The answer depends only on the first n results, so it is kept with the last of
  // them and served again when the n results are the same objects.
  const last = n >= 1 ? results[n - 1] : undefined;
  if (last === undefined) return computeHalfWidth(results, metric, n);
  let kept = halfWidthsKept.get(last);
  if (!kept) {
    kept = [];
    halfWidthsKept.set(last, kept);
  }
  for (const k of kept) if (k.metric === metric && samePrefix(k.results, results, n)) return k.halfWidth;
  const halfWidth = computeHalfWidth(results, metric, n);
  // A copy: a caller that later changed its array in place must not change what was kept.
  kept.push({ metric, results: results.slice(0, n), halfWidth });
  return halfWidth;
}

/** Half-widths already computed, by the last result they cover (see halfWidthAt). */
const halfWidthsKept = new WeakMap<
  ReplicationResult,
  { metric: Metric; results: readonly ReplicationResult[]; halfWidth: number | null }[]
>();

/** Whether the first n results of a and b are the same objects. */
function samePrefix(a: readonly ReplicationResult[], b: readonly ReplicationResult[], n: number): boolean {
  if (a.length < n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function computeHalfWidth(results: readonly ReplicationResult[], metric: Metric, n: number): number | null {
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = results[i].metrics[metric];
    if (v !== null) values.push(v);
  }
  if (values.length < 2) return null;
  const { mean, ci95 } = meanEstimate(values, METRIC_BOUNDS[metric]);
  if (mean === null || ci95 === null) return null;
  return Math.max(mean - ci95[0], ci95[1] - mean);
}

/**
 * The configurations whose first n results hold a value of the metric. One with none (no resend
 * at all, so no resendFailure) has nothing to make precise: it does not hold the rule up, or every
 * replication up to the maximum would run for nothing. One with a single value does (a second may
 * come and give a half-width).
 */
function observedSeries(
  series: readonly (readonly ReplicationResult[])[],
  metric: Metric,
  n: number,
): (readonly ReplicationResult[])[] {
  return series.filter((results) => observedIn(results, metric, n));
}

/** Whether one of the first n results holds a value of the metric. */
function observedIn(results: readonly ReplicationResult[], metric: Metric, n: number): boolean {
  for (let i = 0; i < n; i++) if (results[i].metrics[metric] !== null) return true;
  return false;
}

/**
 * The first n in [from, available] at which every configuration meets every target (and, below
 * `floor`'s replications, holds its resends: resendsCounted), or null. `series` holds each
 * configuration's results for replications 0, 1, … (common random numbers: all configurations
 * stop at the same n, so a sweep's points stay paired).
 */
export function firstPreciseCount(
  series: readonly (readonly ReplicationResult[])[],
  targets: PrecisionTargets,
  from: number,
  floor?: CountedFloor,
): number | null {
  const available = minOf(series.map((s) => s.length));
  // Every (metric, configuration) must meet its target at n, so the order of the checks cannot
  // change the answer; trying first the one that failed last (the noisiest wait, mostly) makes
  // a failing n cost one bootstrap interval instead of one per configuration before it.
  const checks = (Object.entries(targets) as [Metric, number][]).flatMap(([metric, target]) =>
    series.map((results) => ({ metric, target, results })),
  );
  for (let n = Math.max(from, 2); n <= available; n++) {
    if (floor && n < floor.replications && !resendsCounted(series, n, floor.each)) continue;
    let met = true;
    for (let k = 0; k < checks.length; k++) {
      const { metric, target, results } = checks[k];
      // A configuration without any value of the metric yet does not hold the rule up (observedSeries).
      if (!observedIn(results, metric, n)) continue;
      const h = halfWidthAt(results, metric, n);
      if (h === null || h > target) {
        met = false;
        if (k > 0) checks.unshift(...checks.splice(k, 1));
        break;
      }
    }
    if (met) return n;
  }
  return null;
}

/**
 * How many replications to have after the next batch: the classic estimate n·(h/β)² of the
 * replications needed (Law & Kelton §9.4.1), at most double the current number (the variance
 * estimate is rough early on), at least `minBatch` more, and never above the maximum.
 */
export function nextReplicationCount(
  series: readonly (readonly ReplicationResult[])[],
  targets: PrecisionTargets,
  options: { current: number; minBatch: number; maxReplications: number },
): number {
  const { current, minBatch, maxReplications } = options;
  let wanted = current + 1;
  for (const [metric, target] of Object.entries(targets) as [Metric, number][]) {
    for (const results of observedSeries(series, metric, current)) {
      const h = halfWidthAt(results, metric, current);
      const estimate = h === null ? 2 * current : Math.ceil(current * (h / target) ** 2);
      wanted = Math.max(wanted, estimate);
    }
  }
  const next = Math.max(current + minBatch, Math.min(wanted, 2 * current));
  return Math.min(next, maxReplications);
}

/** The report at n replications. */
export function precisionReport(
  series: readonly (readonly ReplicationResult[])[],
  options: PrecisionOptions,
  n: number,
  reached: boolean,
): PrecisionReport {
  const halfWidths: Partial<Record<Metric, number | null>> = {};
  const unobserved: Metric[] = [];
  for (const metric of Object.keys(options.targets) as Metric[]) {
    let worst: number | null = null;
    const observed = observedSeries(series, metric, n);
    if (observed.length === 0) unobserved.push(metric);
    for (const results of observed) {
      const h = halfWidthAt(results, metric, n);
      if (h === null) {
        worst = null;
        break;
      }
      worst = Math.max(worst ?? 0, h);
    }
    halfWidths[metric] = worst;
  }
  return {
    targets: options.targets,
    replications: n,
    reached,
    halfWidths,
    ...(unobserved.length > 0 ? { unobserved } : {}),
  };
}
