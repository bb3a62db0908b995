// Combine replication results into the summary of DESIGN §3–4: each metric's mean with a
// replication-clustered 95 % interval (src/stats/interval.ts; conditional Wilson on pooled
// counts when R = 1), resend failure by delay (first resends, and later ones apart), per-server
// counts and the delivery-delay distribution. Results are
// always combined in replication order, so the floating-point sums — and the JSON — are
// the same however the replications were computed.
import { balancerReads } from "../model/balancers/index.js";
import type { Scenario } from "../scenario/schema.js";
import { maxOf } from "../stats/extremes.js";
import { LogHistogram } from "../stats/histogram.js";
import {
  type Bounds,
  type Estimate,
  meanEstimate,
  NON_NEGATIVE,
  PROPORTION,
  ratioEstimate,
} from "../stats/interval.js";
import { VERSION } from "../version.js";
import { type RecipientSummary, summariseRecipients } from "./recipient-metrics.js";
import {
  type Counts,
  METRICS,
  type Metric,
  PROPORTIONS,
  type ReplicationResult,
  type SweepReplication,
} from "./result.js";

/** One metric of summary.json: the mean over replications, its 95 % interval and how it was computed. */
export type MetricSummary = Estimate;

/**
 * One bin of resendFailureByDelay: user resends whose wait fell in [from, to), how many failed,
 * the ratio failures/resends and its replication-clustered 95 % interval (`method`, `n`
 * replications with a resend in the bin, `conditional` with one replication).
 */
export interface DelayBin extends Omit<Estimate, "mean"> {
  /** The bin covers user waits in [from, to) seconds. */
  from: number;
  to: number;
  resends: number;
  failures: number;
  /** The estimate's value (failures ÷ resends), named as summary.json names it. */
  proportion: number | null;
}

/** One relay's share of the work and of the trouble, over all replications. */
export interface ServerSummary {
  server: number;
  attempts: number;
  rejections: number;
  listedFraction: number;
  /** Its listed fraction's mean over replications with a 95 % interval. */
  listedFractionEstimate: Estimate;
  /** Rejected ÷ attempts through it (pooled over replications) with a replication-clustered 95 % interval. */
  rejectionShare: Estimate;
  /** Busy session-seconds ÷ (capacity × counted window); null without a capacity. */
  utilisation: number | null;
  /** Mean wait (seconds) for a free session; null unless sessions are tracked (capacity or least-connections). */
  meanQueueWait: number | null;
}

/** summary.json (DESIGN §4): the same scenario and seed always give the same Summary. */
export interface Summary {
  tool: { name: "relaysim"; version: string };
  scenario: Scenario;
  seed: number;
  replications: number;
  /**
   * True with one replication: every interval then holds only given that replication's
   * placements, listings and subscriptions (DESIGN §3), not for the scenario.
   */
  conditional: boolean;
  metrics: Record<Metric, MetricSummary>;
  /** Counts summed over replications. */
  totals: Counts;
  /** First user resends by the wait before them (the curve that says how long to wait). */
  resendFailureByDelay: DelayBin[];
  /** Second and later user resends by the wait before them. */
  laterResendFailureByDelay: DelayBin[];
  servers: ServerSummary[];
  /** Empirical CDF of delivery delay (seconds), pooled over replications. */
  deliveryDelayCdf: Array<{ delay: number; fraction: number }>;
  /** Each metric's value in each replication, in replication order (null where undefined). */
  perReplication: Record<Metric, Array<number | null>>;
  /** Per-recipient metrics (DESIGN §3); only when messages have several recipients (recipients.perMessage). */
  recipients?: RecipientSummary;
}

/** One bucket of timeseries.csv (`output.timeseries` wide). */
export interface TimeseriesRow {
  /** Start of the bucket, seconds. */
  time: number;
  /** Mean number of servers listed on at least one list (time-averaged in the bucket). */
  listedServers: number;
  /** Mean attempts and rejections per replication in the bucket. */
  attempts: number;
  rejections: number;
}

function sumCounts(results: readonly SweepReplication[]): Counts {
  const totals: Counts = {
    messages: 0,
    firstRejected: 0,
    resends: 0,
    resendRejected: 0,
    delivered: 0,
    failed: 0,
    bounced: 0,
    attempts: 0,
    retries: 0,
  };
  for (const r of results) {
    for (const key of Object.keys(totals) as (keyof Counts)[]) totals[key] += r.counts[key];
  }
  return totals;
}

/** Sum arrays of possibly different lengths element-wise, in order. */
function sumArrays(arrays: readonly number[][]): number[] {
  const length = maxOf(
    arrays.map((a) => a.length),
    0,
  );
  const sum = new Array<number>(length).fill(0);
  for (const a of arrays) for (let i = 0; i < a.length; i++) sum[i] += a[i];
  return sum;
}

/** The range of each metric, to which its interval is clipped. */
export const METRIC_BOUNDS: Record<Metric, Bounds> = {
  firstAttemptFailure: PROPORTION,
  resendFailure: PROPORTION,
  messageFailure: PROPORTION,
  bounceRate: PROPORTION,
  attemptsPerMessage: { lower: 1, upper: Number.POSITIVE_INFINITY },
  deliveryDelayMean: NON_NEGATIVE,
  deliveryDelayP50: NON_NEGATIVE,
  deliveryDelayP90: NON_NEGATIVE,
  deliveryDelayP99: NON_NEGATIVE,
  listedFraction: PROPORTION,
};

function summariseMetric(metric: Metric, values: Array<number | null>, totals: Counts): MetricSummary {
  const pooled = PROPORTIONS[metric];
  return meanEstimate(values, METRIC_BOUNDS[metric], pooled ? pooled(totals) : undefined);
}

/** Bins of a per-replication pair of resend/failure arrays, each with its clustered ratio interval. */
function delayBins(resendsPerRep: readonly number[][], failuresPerRep: readonly number[][], bin: number): DelayBin[] {
  const length = Math.max(0, ...resendsPerRep.map((a) => a.length));
  const bins: DelayBin[] = [];
  for (let i = 0; i < length; i++) {
    const resends = resendsPerRep.map((a) => a[i] ?? 0);
    const failures = failuresPerRep.map((a) => a[i] ?? 0);
    const e = ratioEstimate(failures, resends, { counts: true });
    if (e.mean === null) continue;
    let n = 0;
    let f = 0;
    for (let r = 0; r < resends.length; r++) {
      n += resends[r];
      f += failures[r];
    }
    bins.push({
      from: i * bin,
      to: (i + 1) * bin,
      resends: n,
      failures: f,
      proportion: e.mean,
      ci95: e.ci95,
      n: e.n,
      method: e.method,
      ...(e.conditional ? { conditional: true as const } : {}),
    });
  }
  return bins;
}

/** Sort by replication index and check there is exactly one result per index 0 … R−1. */
export function inReplicationOrder<R extends { replication: number }>(results: readonly R[]): R[] {
  const sorted = [...results].sort((a, b) => a.replication - b.replication);
  sorted.forEach((r, i) => {
    if (r.replication !== i) throw new Error(`replication ${i} is missing or repeated`);
  });
  return sorted;
}

/**
 * What a sweep's point needs of a Summary: all but the per-server table and the delivery-delay
 * distribution, which sweep.json and sweep.csv do not show. The servers' intervals (a bootstrap
 * per server) were three quarters of a summary's time (docs/performance.md, "sim merge: what the
 * partials and the summaries carry").
 */
export type PointSummary = Omit<Summary, "servers" | "deliveryDelayCdf">;

/** summarise without the per-server table and the delivery-delay distribution: see PointSummary. */
export function summarisePoint(scenario: Scenario, seed: number, unordered: readonly SweepReplication[]): PointSummary {
  return pointSummary(scenario, seed, inReplicationOrder(unordered));
}

/**
 * Combine replication results (any order; exactly one per index 0 … R−1) into summary.json's
 * Summary. `scenario` is recorded as given, so pass it with the seed and count actually used.
 */
export function summarise(scenario: Scenario, seed: number, unordered: readonly ReplicationResult[]): Summary {
  const results = inReplicationOrder(unordered);
  const { perReplication, recipients, ...head } = pointSummary(scenario, seed, results);
  const delay = new LogHistogram();
  for (const r of results) delay.merge(LogHistogram.fromJSON(r.delay));
  // summary.json's order of fields: the two parts a point leaves out go before perReplication.
  return {
    ...head,
    servers: serverSummaries(scenario, results),
    deliveryDelayCdf: delay.cdf(200).map((p) => ({ delay: p.value, fraction: p.fraction })),
    perReplication,
    ...(recipients === undefined ? {} : { recipients }),
  };
}

function pointSummary(scenario: Scenario, seed: number, results: readonly SweepReplication[]): PointSummary {
  const totals = sumCounts(results);
  const perReplication = Object.fromEntries(METRICS.map((m) => [m, results.map((r) => r.metrics[m])])) as Record<
    Metric,
    Array<number | null>
  >;
  const metrics = Object.fromEntries(METRICS.map((m) => [m, summariseMetric(m, perReplication[m], totals)])) as Record<
    Metric,
    MetricSummary
  >;

  const bin = scenario.output.delayBin;
  const resendFailureByDelay = delayBins(
    results.map((r) => r.resendsByDelay),
    results.map((r) => r.resendFailuresByDelay),
    bin,
  );
  const laterResendFailureByDelay = delayBins(
    results.map((r) => r.laterResendsByDelay),
    results.map((r) => r.laterResendFailuresByDelay),
    bin,
  );
  const recipients = summariseRecipients(results, totals.messages);
  return {
    tool: { name: "relaysim", version: VERSION },
    scenario,
    seed,
    replications: results.length,
    conditional: results.length === 1,
    metrics,
    totals,
    resendFailureByDelay,
    laterResendFailureByDelay,
    perReplication,
    ...(recipients === undefined ? {} : { recipients }),
  };
}

/** summary.json's per-server table: counts, listed time, rejection share and, with sessions, use and waits. */
function serverSummaries(scenario: Scenario, results: readonly ReplicationResult[]): ServerSummary[] {
  const window = (scenario.horizon - scenario.warmup) * results.length;
  const attempts = sumArrays(results.map((r) => r.servers.attempts));
  const rejections = sumArrays(results.map((r) => r.servers.rejections));
  const listed = sumArrays(results.map((r) => r.servers.listed));
  const sessions = sumArrays(results.map((r) => r.servers.sessions));
  const busy = sumArrays(results.map((r) => r.servers.busy));
  const wait = sumArrays(results.map((r) => r.servers.wait));
  const capacity = scenario.pool.capacity;
  // Sessions are counted under a capacity, or when the balancer reads them (the model keeps them then).
  const tracked = capacity !== null || balancerReads(scenario.pool.balancer).sessions;
  const perReplicationWindow = scenario.horizon - scenario.warmup;
  return attempts.map((a, server) => ({
    server,
    attempts: a,
    rejections: rejections[server],
    listedFraction: listed[server] / window,
    listedFractionEstimate: meanEstimate(
      results.map((r) => r.servers.listed[server] / perReplicationWindow),
      PROPORTION,
    ),
    rejectionShare: ratioEstimate(
      results.map((r) => r.servers.rejections[server]),
      results.map((r) => r.servers.attempts[server]),
      { counts: true },
    ),
    utilisation: capacity === null ? null : busy[server] / (capacity * window),
    meanQueueWait: tracked && sessions[server] > 0 ? wait[server] / sessions[server] : null,
  }));
}

/**
 * The time series of DESIGN §4 before it is averaged: each bucket's server-seconds listed,
 * attempts and rejections summed over replications (in replication order). timeseries.csv is
 * written from these columns, a bucket at a time (report/files.ts), without a row object per
 * bucket: a 7000-day run has 168 000 buckets, and their rows were most of the garbage left after
 * its loop.
 */
export interface TimeseriesSums {
  /** Bucket width (`output.timeseries`) and horizon, seconds. */
  width: number;
  horizon: number;
  replications: number;
  listed: number[];
  attempts: number[];
  rejections: number[];
}

export function timeseriesSums(scenario: Scenario, unordered: readonly ReplicationResult[]): TimeseriesSums {
  const results = inReplicationOrder(unordered);
  return {
    width: scenario.output.timeseries,
    horizon: scenario.horizon,
    replications: results.length,
    listed: sumArrays(results.map((x) => x.timeseries.listed)),
    attempts: sumArrays(results.map((x) => x.timeseries.attempts)),
    rejections: sumArrays(results.map((x) => x.timeseries.rejections)),
  };
}

/** Bucket `b` of the sums averaged over replications: the one place a row's values are computed. */
export function timeseriesRow(sums: TimeseriesSums, b: number): TimeseriesRow {
  const r = sums.replications;
  const bucketLength = Math.min(sums.width, sums.horizon - b * sums.width);
  return {
    time: b * sums.width,
    listedServers: sums.listed[b] / bucketLength / r,
    attempts: sums.attempts[b] / r,
    rejections: sums.rejections[b] / r,
  };
}

/** The time series of DESIGN §4, averaged over replications, as rows (charts, `sim advise`). */
export function timeseries(scenario: Scenario, unordered: readonly ReplicationResult[]): TimeseriesRow[] {
  const sums = timeseriesSums(scenario, unordered);
  return sums.listed.map((_, b) => timeseriesRow(sums, b));
}
