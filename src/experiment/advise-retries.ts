// `sim advise`'s view of the retry mechanisms (DESIGN §2 "Where retries go", "Greylisting"):
// when a scenario has greylisting or writes mta.retryFrom / mta.onBlocklist, its own run is
// paired (same seed and replications: common random numbers) with the variant that flips the
// mechanism, so the advice can say what rotation costs under greylisting ("with greylisting,
// rotation costs N minutes per message") or what requeueing a blocklist 5xx saves. Numbers only;
// the words are in report/advice-retries.ts. Scenarios without these keys get no view (null),
// so their advice.json is as before.
import { greylisting as closed } from "../analytic/index.js";
import { retryAges, retrySchedule } from "../model/mta/index.js";
import type { Scenario } from "../scenario/schema.js";
import { type Estimate, meanEstimate, NON_NEGATIVE, PROPORTION } from "../stats/interval.js";
import { pairedDifference } from "./compare.js";
import type { ReplicationResult } from "./result.js";
import { applyPoint } from "./sweep-values.js";

/** One arm of a paired comparison. */
export interface RetryArm {
  value: string;
  deliveryDelayMean: Estimate;
  deliveryDelayP99: Estimate;
  attemptsPerMessage: Estimate;
  firstAttemptFailure: Estimate;
  bounceRate: Estimate;
  messageFailure: Estimate;
}

export interface RetryDifference {
  difference: number | null;
  ci95: [number, number] | null;
  n: number;
}

/** The scenario's own setting of `path` against the other one, paired. */
export interface RetryComparison {
  path: "mta.retryFrom" | "mta.onBlocklist";
  own: RetryArm;
  other: RetryArm;
  /** other − own. */
  difference: {
    deliveryDelayMean: RetryDifference;
    attemptsPerMessage: RetryDifference;
    bounceRate: RetryDifference;
    messageFailure: RetryDifference;
  };
}

/** advice.json's `retries`: greylisting's closed forms and the paired comparisons of the retry settings. */
export interface RetryView {
  /** The greylisting the scenario has, with its closed forms for a fresh triplet; null without. */
  greylisting: {
    domains: number;
    delay: number;
    /** Age of the first retry at or after the delay (retries from the same relay); null: none before the lifetime. */
    sameRelayAge: number | null;
    /** Mean age of the delivering retry when retries are re-picked uniformly over the pool; null without a closed form. */
    uniformPoolAge: number | null;
  } | null;
  comparisons: RetryComparison[];
}

/** Which variants the view needs for a scenario: [path, other value]; empty when none applies. */
export function retryVariants(s: Scenario): Array<["mta.retryFrom" | "mta.onBlocklist", string]> {
  const variants: Array<["mta.retryFrom" | "mta.onBlocklist", string]> = [];
  if (s.greylisting !== undefined || s.mta.retryFrom !== undefined) {
    variants.push(["mta.retryFrom", (s.mta.retryFrom ?? "same") === "same" ? "pool" : "same"]);
  }
  if (s.mta.onBlocklist !== undefined && s.blacklists.some((b) => b.reply === "5xx")) {
    variants.push(["mta.onBlocklist", s.mta.onBlocklist === "bounce" ? "requeue" : "bounce"]);
  }
  return variants;
}

/** The scenario with `path` set to `value`, validated as a sweep point is. */
export function retryVariant(s: Scenario, path: string, value: string, source: string): Scenario {
  return applyPoint(s, [{ path, values: [] }], [value], `${source} (${path}=${value})`);
}

function arm(value: string, rs: readonly ReplicationResult[]): RetryArm {
  const m = (name: keyof ReplicationResult["metrics"], bounds = NON_NEGATIVE) =>
    meanEstimate(
      rs.map((r) => r.metrics[name]),
      bounds,
    );
  return {
    value,
    deliveryDelayMean: m("deliveryDelayMean"),
    deliveryDelayP99: m("deliveryDelayP99"),
    attemptsPerMessage: m("attemptsPerMessage"),
    firstAttemptFailure: m("firstAttemptFailure", PROPORTION),
    bounceRate: m("bounceRate", PROPORTION),
    messageFailure: m("messageFailure", PROPORTION),
  };
}

function paired(
  name: keyof ReplicationResult["metrics"],
  own: readonly ReplicationResult[],
  other: readonly ReplicationResult[],
): RetryDifference {
  const bounds = name === "bounceRate" || name === "messageFailure" ? PROPORTION : NON_NEGATIVE;
  // pairedDifference gives its second series minus its first: other − own.
  const d = pairedDifference(
    name,
    own.map((r) => r.metrics[name]),
    other.map((r) => r.metrics[name]),
    bounds,
  );
  return { difference: d.difference, ci95: d.ci95, n: d.n };
}

/** The view from the own rule's replications and each variant's (in retryVariants order). */
export function retryView(s: Scenario, own: readonly ReplicationResult[], variants: ReplicationResult[][]): RetryView {
  const comparisons = retryVariants(s).map(([path, value], i): RetryComparison => {
    const other = variants[i];
    const ownValue = path === "mta.retryFrom" ? (s.mta.retryFrom ?? "same") : (s.mta.onBlocklist ?? "bounce");
    return {
      path,
      own: arm(ownValue, own),
      other: arm(value, other),
      difference: {
        deliveryDelayMean: paired("deliveryDelayMean", own, other),
        attemptsPerMessage: paired("attemptsPerMessage", own, other),
        bounceRate: paired("bounceRate", own, other),
        messageFailure: paired("messageFailure", own, other),
      },
    };
  });
  let greylisting: RetryView["greylisting"] = null;
  const g = s.greylisting;
  if (g !== undefined) {
    const ages = retryAges(retrySchedule(s.mta.retry), s.mta.queueLifetime);
    const same = closed.sameRelayDelivery(ages, g.delay);
    const N = s.pool.servers;
    const uniform =
      closed.gapsAtLeast(ages, g.delay) && N <= ages.length ? closed.poolRetryMeans(N, ages, g.delay, 0).delay : null;
    greylisting = { domains: g.domains, delay: g.delay, sameRelayAge: same?.age ?? null, uniformPoolAge: uniform };
  }
  return { greylisting, comparisons };
}
