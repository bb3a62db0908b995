// One replication's outcome as plain data (JSON- and structured-clone-safe), so it can
// cross worker threads and shard files and still combine into byte-identical summaries.
import type { ShadowResult } from "../model/shadow-resends.js";
import type { Tally } from "../model/tally.js";
import type { LogHistogram } from "../stats/histogram.js";
import { type RecipientResult, recipientResult } from "./recipient-metrics.js";

/** The per-replication metrics of DESIGN §3, in the order summaries and tables list them. */
export const METRICS = [
  "firstAttemptFailure",
  "resendFailure",
  "messageFailure",
  "bounceRate",
  "attemptsPerMessage",
  "deliveryDelayMean",
  "deliveryDelayP50",
  "deliveryDelayP90",
  "deliveryDelayP99",
  "listedFraction",
] as const;
/** A metric's name: `firstAttemptFailure`, `resendFailure`, …, `listedFraction`. */
export type Metric = (typeof METRICS)[number];

/** Metrics that are proportions of counts: with one replication they get a Wilson interval. */
export const PROPORTIONS: Partial<Record<Metric, (c: Counts) => [number, number]>> = {
  firstAttemptFailure: (c) => [c.firstRejected, c.messages],
  resendFailure: (c) => [c.resendRejected, c.resends],
  messageFailure: (c) => [c.failed, c.messages],
  bounceRate: (c) => [c.bounced, c.messages],
};

/** Raw counts of one replication (or, in a summary's `totals`, summed over replications). */
export interface Counts {
  messages: number;
  firstRejected: number;
  resends: number;
  resendRejected: number;
  delivered: number;
  failed: number;
  bounced: number;
  attempts: number;
  retries: number;
}

/** Everything one replication contributes to a summary, as plain data. */
export interface ReplicationResult {
  replication: number;
  events: number;
  counts: Counts;
  /** The metric values of DESIGN §3; null where undefined (e.g. no resends). */
  metrics: Record<Metric, number | null>;
  delay: ReturnType<LogHistogram["toJSON"]>;
  /** First user resends and their failures per `delayBin` of the wait. */
  resendsByDelay: number[];
  resendFailuresByDelay: number[];
  /** Second and later user resends, likewise. */
  laterResendsByDelay: number[];
  laterResendFailuresByDelay: number[];
  /** Per server: attempts, rejections, seconds listed; sessions, busy seconds and queue-wait seconds (tracked with capacity or least-connections). */
  servers: {
    attempts: number[];
    rejections: number[];
    listed: number[];
    sessions: number[];
    busy: number[];
    wait: number[];
  };
  timeseries: { listed: number[]; attempts: number[]; rejections: number[] };
  /** Per-recipient counts and metrics; only when messages have several recipients (recipients.perMessage). */
  recipients?: RecipientResult;
  /** advise's grid waits shadowed in this run (model/shadow-resends.ts); only when asked for. */
  shadow?: ShadowResult & { delivered: number; delaySum: number };
}

/**
 * What a sweep keeps of a replication: all but its time series, its per-server counts and its
 * delay histogram, which only a plain run's timeseries.csv, server table and delay distribution
 * read (summary.ts, PointSummary). A sweep's partial files hold these (four fifths smaller).
 */
export type SweepReplication = Omit<ReplicationResult, "timeseries" | "servers" | "delay">;

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Turn a finished replication's counters into its result; `window` is horizon − warmup. */
export function replicationResult(
  replication: number,
  events: number,
  tally: Tally,
  servers: number,
  window: number,
): ReplicationResult {
  const counts: Counts = {
    messages: tally.messages,
    firstRejected: tally.firstRejected,
    resends: tally.resends,
    resendRejected: tally.resendRejected,
    delivered: tally.delivered,
    failed: tally.failed,
    bounced: tally.bounced,
    attempts: tally.attempts,
    retries: tally.retries,
  };
  const delay = tally.delay;
  const quantile = (q: number) => (delay.count > 0 ? delay.quantile(q) : null);
  let listed = 0;
  for (const seconds of tally.serverListed) listed += seconds;
  return {
    replication,
    events,
    counts,
    metrics: {
      firstAttemptFailure: ratio(counts.firstRejected, counts.messages),
      resendFailure: ratio(counts.resendRejected, counts.resends),
      messageFailure: ratio(counts.failed, counts.messages),
      bounceRate: ratio(counts.bounced, counts.messages),
      attemptsPerMessage: ratio(counts.attempts, counts.messages),
      deliveryDelayMean: ratio(delay.sum, delay.count),
      deliveryDelayP50: quantile(0.5),
      deliveryDelayP90: quantile(0.9),
      deliveryDelayP99: quantile(0.99),
      listedFraction: listed / (servers * window),
    },
    delay: delay.toJSON(),
    resendsByDelay: [...tally.resendsByDelay],
    resendFailuresByDelay: [...tally.resendFailuresByDelay],
    laterResendsByDelay: [...tally.laterResendsByDelay],
    laterResendFailuresByDelay: [...tally.laterResendFailuresByDelay],
    servers: {
      attempts: [...tally.serverAttempts],
      rejections: [...tally.serverRejections],
      listed: [...tally.serverListed],
      sessions: [...tally.serverSessions],
      busy: [...tally.serverBusy],
      wait: [...tally.serverWait],
    },
    timeseries: {
      listed: [...tally.bucketListed],
      attempts: [...tally.bucketAttempts],
      rejections: [...tally.bucketRejections],
    },
    ...(tally.recipients === null ? {} : { recipients: recipientResult(tally.recipients, counts.messages) }),
  };
}
