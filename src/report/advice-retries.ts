// The words for greylisting and where retries go (DESIGN §2): a phrase per mechanism for the
// scenario's story, and sentences for `sim advise` and report.html from advice.json's retry view
// (experiment/advise-retries.ts) — "with greylisting, rotation costs N minutes per message".
// Every sentence is computed from the numbers; nothing is written per scenario.
import type { Advice } from "../experiment/advise.js";
import type { RetryComparison, RetryDifference } from "../experiment/advise-retries.js";
import { formatDuration, formatPercent, formatRoundDuration } from "../format.js";
import type { Scenario } from "../scenario/schema.js";

/** The mechanisms as phrases for the scenario's one-sentence story; empty when none is on. */
export function retryStoryParts(s: Scenario): string[] {
  const parts: string[] = [];
  const g = s.greylisting;
  if (g !== undefined) {
    const except = g.exceptTop > 0 ? ` (never the ${g.exceptTop} most popular)` : "";
    const client = g.lookup === "subnet" ? "the pool seen as one /24" : "each relay a client of its own";
    parts.push(
      `${formatPercent(g.domains)} of recipient domains greylist${except}: ${formatRoundDuration(g.delay)} delay, ${client}`,
    );
  }
  if (s.mta.retryFrom === "pool") parts.push("MTA retries re-picked by the balancer (one shared queue)");
  if (s.mta.onBlocklist === "requeue") parts.push("a blocklist refusal requeued on another relay instead of bounced");
  if (s.pool.avoidListed?.moveDeferred === true)
    parts.push("the health check hands an excluded relay's deferred mail to the others");
  return parts;
}

/** "+2.4 min (95 % CI 2.3–2.5 min)", or null when the replications cannot tell it from zero. */
function shownDifference(d: RetryDifference, format: (x: number) => string): string | null {
  if (d.difference === null || d.ci95 === null) return null;
  if (d.ci95[0] <= 0 && d.ci95[1] >= 0) return null;
  const [lo, hi] = [Math.abs(d.ci95[0]), Math.abs(d.ci95[1])].sort((x, y) => x - y);
  return `${format(Math.abs(d.difference))} (95 % CI ${format(lo)}–${format(hi)})`;
}

function retryFromSentence(c: RetryComparison, greylisting: boolean): string | null {
  // Positive: the pool (rotation) delays more than the same relay.
  const sign = c.own.value === "pool" ? -1 : 1;
  const d = c.difference.deliveryDelayMean;
  if (d.difference === null) return null;
  const rotationCost: RetryDifference = {
    difference: sign * d.difference,
    ci95: d.ci95 === null ? null : sign > 0 ? d.ci95 : [-d.ci95[1], -d.ci95[0]],
    n: d.n,
  };
  const shown = shownDifference(rotationCost, formatDuration);
  const why = greylisting ? "With greylisting, " : "";
  if (shown === null) {
    return `${why}retrying from the pool instead of the same relay makes no difference the replications can tell to the mean delivery delay.`;
  }
  const worse = (rotationCost.difference ?? 0) > 0;
  return worse
    ? `${why}rotation costs ${shown} per message on average: a retry from another relay ${greylisting ? "is a new triplet and is greylisted again" : "lands on a relay that defers it again"}; retries from the same relay avoid it.`
    : `${why}retrying from the pool saves ${shown} per message on average over retrying from the same relay: the next relay is usually not the one that deferred it.`;
}

function onBlocklistSentence(c: RetryComparison): string | null {
  const requeueArm = c.own.value === "requeue" ? c.own : c.other;
  const bounceArm = c.own.value === "requeue" ? c.other : c.own;
  if (requeueArm.bounceRate.mean === null || bounceArm.bounceRate.mean === null) return null;
  const lost = (e: typeof c.own) => formatPercent(e.messageFailure.mean ?? 0);
  const delay = (e: typeof c.own) => formatDuration(e.deliveryDelayMean.mean ?? 0);
  return `Requeueing a blocklist 5xx on another relay instead of bouncing it: ${formatPercent(requeueArm.bounceRate.mean)} of messages bounce (against ${formatPercent(bounceArm.bounceRate.mean)}), ${lost(requeueArm)} are lost (against ${lost(bounceArm)}), mean delivery delay ${delay(requeueArm)} (against ${delay(bounceArm)}); users need not resend at all.`;
}

/** The retry view as sentences, for the advice headline; empty without one. */
export function retryAdviceSentences(a: Advice): string[] {
  const view = a.retries;
  if (view === undefined) return [];
  const out: string[] = [];
  const g = view.greylisting;
  if (g !== null) {
    const same =
      g.sameRelayAge === null
        ? "never, within the queue lifetime"
        : `at the MTA's first retry at or after ${formatRoundDuration(g.delay)}, ${formatDuration(g.sameRelayAge)} after the first attempt`;
    const pool =
      g.uniformPoolAge === null
        ? ""
        : `; re-picked at random from the pool, after ${formatDuration(g.uniformPoolAge)} on average (closed form)`;
    out.push(
      `${formatPercent(g.domains)} of recipient domains greylist: a message to a new correspondent is delivered, from the same relay, ${same}${pool}.`,
    );
  }
  for (const c of view.comparisons) {
    const sentence = c.path === "mta.retryFrom" ? retryFromSentence(c, g !== null) : onBlocklistSentence(c);
    if (sentence !== null) out.push(sentence);
  }
  return out;
}
