// The per-recipient metrics of DESIGN §3 ("Several recipients"), present only when messages have
// several recipients (recipients.perMessage), so one-recipient summaries stay as they were: each
// replication's counts and ratios, and their summary with the same Estimate as every metric.
import type { RecipientTally } from "../model/tally.js";
import { type Bounds, type Estimate, meanEstimate, PROPORTION } from "../stats/interval.js";

/** The per-recipient metrics of DESIGN §3, in the order summaries and tables list them. */
export const RECIPIENT_METRICS = [
  "recipientsPerMessage",
  "domainsPerMessage",
  "recipientFirstFailure",
  "recipientResendFailure",
  "recipientFailure",
] as const;
/** A per-recipient metric's name. */
export type RecipientMetric = (typeof RECIPIENT_METRICS)[number];

/** One replication's per-recipient counts (counted messages only); sums over replications in a summary. */
export interface RecipientCounts {
  recipients: number;
  domains: number;
  firstRejected: number;
  resent: number;
  resentRejected: number;
  delivered: number;
  failed: number;
}

/** One replication's per-recipient counts and metric values (null where undefined). */
export interface RecipientResult {
  counts: RecipientCounts;
  metrics: Record<RecipientMetric, number | null>;
}

/** summary.json's `recipients` block. */
export interface RecipientSummary {
  metrics: Record<RecipientMetric, Estimate>;
  totals: RecipientCounts;
  perReplication: Record<RecipientMetric, Array<number | null>>;
}

/** The counts of RecipientCounts, in its order. */
export const COUNT_KEYS = [
  "recipients",
  "domains",
  "firstRejected",
  "resent",
  "resentRejected",
  "delivered",
  "failed",
] as const;

/** Each metric as numerator and denominator of the counts (messages from the per-message counts). */
const RATIOS: Record<RecipientMetric, (c: RecipientCounts, messages: number) => [number, number]> = {
  recipientsPerMessage: (c, messages) => [c.recipients, messages],
  domainsPerMessage: (c, messages) => [c.domains, messages],
  recipientFirstFailure: (c) => [c.firstRejected, c.recipients],
  recipientResendFailure: (c) => [c.resentRejected, c.resent],
  recipientFailure: (c) => [c.failed, c.recipients],
};

const MEAN_COUNT: Bounds = { lower: 1, upper: Number.POSITIVE_INFINITY };
export const RECIPIENT_METRIC_BOUNDS: Record<RecipientMetric, Bounds> = {
  recipientsPerMessage: MEAN_COUNT,
  domainsPerMessage: MEAN_COUNT,
  recipientFirstFailure: PROPORTION,
  recipientResendFailure: PROPORTION,
  recipientFailure: PROPORTION,
};

/** Whether a metric is a proportion (its bounds are [0, 1]) rather than a mean count ≥ 1. */
export const isProportion = (m: RecipientMetric) => RECIPIENT_METRIC_BOUNDS[m] === PROPORTION;

/** A finished replication's per-recipient result; `messages` is its count of counted messages. */
export function recipientResult(t: RecipientTally, messages: number): RecipientResult {
  const counts: RecipientCounts = {
    recipients: t.recipients,
    domains: t.domains,
    firstRejected: t.firstRejected,
    resent: t.resent,
    resentRejected: t.resentRejected,
    delivered: t.delivered,
    failed: t.failed,
  };
  const metrics = Object.fromEntries(
    RECIPIENT_METRICS.map((m) => {
      const [a, b] = RATIOS[m](counts, messages);
      return [m, b > 0 ? a / b : null];
    }),
  ) as Record<RecipientMetric, number | null>;
  return { counts, metrics };
}

/**
 * The `recipients` block of a summary from the replications' results (in replication order)
 * and their summed message count; undefined when the results have none (one recipient each).
 */
export function summariseRecipients(
  results: ReadonlyArray<{ recipients?: RecipientResult }>,
  messages: number,
): RecipientSummary | undefined {
  if (results.length === 0 || results.some((r) => r.recipients === undefined)) return undefined;
  const all = results.map((r) => r.recipients as RecipientResult);
  const totals = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as unknown as RecipientCounts;
  for (const r of all) for (const k of COUNT_KEYS) totals[k] += r.counts[k];
  const perReplication = Object.fromEntries(RECIPIENT_METRICS.map((m) => [m, all.map((r) => r.metrics[m])])) as Record<
    RecipientMetric,
    Array<number | null>
  >;
  const metrics = Object.fromEntries(
    RECIPIENT_METRICS.map((m) => [
      m,
      meanEstimate(
        perReplication[m],
        RECIPIENT_METRIC_BOUNDS[m],
        isProportion(m) ? RATIOS[m](totals, messages) : undefined,
      ),
    ]),
  ) as Record<RecipientMetric, Estimate>;
  return { metrics, totals, perReplication };
}
