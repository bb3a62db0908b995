// The words of report.html: a scenario told as a sentence ("20 relays, timer balancing with a
// 10-minute period, …") and a headline computed from the results, never written by hand.
import type { Metric } from "../experiment/result.js";
import type { DelayBin, Summary } from "../experiment/summary.js";
import { durationWords, formatCount, formatDuration, formatPercent, formatRoundDuration } from "../format.js";
import { policyNamed } from "../scenario/policies/index.js";
import type { Dist, Scenario } from "../scenario/schema.js";
import { retryStoryParts } from "./advice-retries.js";
import { ADVICE_WINDOW, closedFormResendFailure } from "./charts/resend-by-delay.js";
import { formatMetric } from "./charts/theme.js";
import { lateListingWords, receiverAdviceNotes, subscriberWords } from "./receivers-words.js";
import { recipientSentences, recipientsStory } from "./recipients-words.js";

/** A duration in prose: "10 min", "2 h" (round values stay round). */
const d = formatRoundDuration;

/** A distribution of durations in words: "5–15 min", "about 2 h (exponential)". */
export function distributionWords(dist: Dist): string {
  if ("fixed" in dist) return d(dist.fixed);
  if ("uniform" in dist) return rangeWords(dist.uniform[0], dist.uniform[1]);
  if ("exponential" in dist) return `an exponential time averaging ${d(dist.exponential)}`;
  if ("lognormal" in dist) return `a lognormal time around ${d(dist.lognormal.median)}`;
  return `one of ${dist.empirical.map(d).join(", ")}`;
}

/** "5–15 min" rather than "5 min–15 min" when both ends share a unit. */
export function rangeWords(from: number, to: number, format: (s: number) => string = d): string {
  const a = format(from);
  const b = format(to);
  const [na, ua] = a.split(" ");
  return ua === b.split(" ")[1] ? `${na}–${b}` : `${a}–${b}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function balancerWords(s: Scenario): string {
  const b = s.pool.balancer;
  // A summary read from a file may name a policy this version does not know.
  return policyNamed(b.policy)?.words(b, { roundDuration: d, durationWords }) ?? `${b.policy} balancing`;
}

/** The formatters the receiver side's words (report/receivers-words.ts) use. */
export const RECEIVER_FORMATS = { percent: formatPercent, duration: d, distribution: distributionWords };

/** The scenario's key parameters as one plain sentence (DESIGN §1 in words). */
export function scenarioStory(s: Scenario): string {
  const parts: string[] = [`${plural(s.pool.servers, "relay")}, ${balancerWords(s)}`];
  if (s.pool.avoidListed)
    parts.push(`listed relays taken out of rotation (checked every ${d(s.pool.avoidListed.checkEvery)})`);
  if (s.pool.capacity !== null) parts.push(`at most ${s.pool.capacity} sessions per relay at once`);
  for (const entry of s.listed) {
    const which = entry.indices
      ? `relay${entry.indices.length === 1 ? "" : "s"} ${entry.indices.join(", ")}`
      : plural(entry.servers ?? 0, "relay");
    const when =
      entry.from === 0 && entry.until === null
        ? ""
        : entry.until === null
          ? ` from ${d(entry.from)} on`
          : ` from ${d(entry.from)} to ${d(entry.until)}`;
    parts.push(`${which} listed on ${entry.on.join(" and ")}${when}`);
  }
  if (s.compromise) {
    const years = 1 / s.compromise.ratePerServer;
    parts.push(
      `each relay compromised about once every ${formatDuration(years)}, cleaned up after ${distributionWords(s.compromise.cleanup)}`,
    );
  }
  for (const b of s.blacklists) {
    const reply = b.reply === "4xx" ? " (temporary 4xx refusals, retried by the relay)" : "";
    parts.push(`${subscriberWords(b.subscribers, RECEIVER_FORMATS)} consult ${b.name}${reply}`);
    const late = lateListingWords(b, RECEIVER_FORMATS);
    if (late) parts.push(late);
  }
  parts.push(...retryStoryParts(s));
  const recipients = recipientsStory(s);
  parts.push(
    `${plural(s.traffic.senders, "sender")} sending ${formatCount(s.traffic.rate * 86_400)} messages a day each to ${plural(s.recipients.domains, "domain")}`,
  );
  if (recipients !== null) parts.push(recipients);
  const r = s.resend;
  if (r.maxAttempts <= 1 || r.probability === 0) parts.push("users never resend");
  else {
    const who = r.probability < 1 ? `${formatPercent(r.probability)} of users resend` : "users resend";
    parts.push(`${who} after ${distributionWords(r.after)}, up to ${plural(r.maxAttempts, "send")}`);
  }
  parts.push(`${durationWords(s.horizon)} of mail simulated`);
  return `${parts.join(", ")}.`;
}

/**
 * Pool resend bins into one proportion. Its interval is the resend-weighted average of the bins'
 * own (replication-clustered) interval ends: the standard error of a weighted mean is at most the
 * weighted mean of the standard errors whatever the bins' correlation (Minkowski), so this is
 * conservative without the per-replication counts, which summary.json does not keep.
 */
function pooled(bins: readonly DelayBin[]): { p: number; ci: [number, number] | null; n: number } | null {
  const n = bins.reduce((a, b) => a + b.resends, 0);
  if (n === 0) return null;
  const f = bins.reduce((a, b) => a + b.failures, 0);
  if (bins.some((b) => b.ci95 === null)) return { p: f / n, ci: null, n };
  const lo = bins.reduce((a, b) => a + b.resends * (b.ci95 as [number, number])[0], 0) / n;
  const hi = bins.reduce((a, b) => a + b.resends * (b.ci95 as [number, number])[1], 0) / n;
  return { p: f / n, ci: [Math.min(lo, f / n), Math.max(hi, f / n)], n };
}

const pct = (p: number) => formatPercent(p).replace(" %", "\u202f%");
const ci = (c: readonly [number, number]) => `95\u202f% CI ${pct(c[0]).replace("\u202f%", "")}–${pct(c[1])}`;
const binWords = (b: DelayBin) => rangeWords(b.from, b.to, formatRoundDuration);

/**
 * The report's plain-language headline, from resendFailureByDelay and the metrics: how often a
 * resend in the 5–15 min window fails, how that compares with resending sooner (or the closed
 * form's "at once" when no one resent sooner) and later, and what share of mail is lost.
 */
export function headline(summary: Summary): string[] {
  const sentences: string[] = [];
  const bins = summary.resendFailureByDelay.filter((b) => b.resends > 0);
  const [lo, hi] = ADVICE_WINDOW;
  const inside = bins.filter((b) => b.from >= lo && b.to <= hi);
  const before = bins.filter((b) => b.to <= lo);
  const after = bins.filter((b) => b.from >= hi);
  const metric = (m: Metric) => summary.metrics[m];
  const resend = metric("resendFailure");

  if (bins.length === 0) {
    sentences.push(
      summary.totals.resends === 0
        ? "No user resent anything in this run: no mail bounced, or the scenario's users never resend."
        : "User resends happened, but none fell into a delay bin.",
    );
  } else if (inside.length > 0) {
    // When every resend is a first resend in the window, quote the table's figure (mean over
    // replications and its interval); otherwise pool the window's first-resend bins.
    const all =
      inside.length === bins.length && resend.mean !== null && (summary.laterResendFailureByDelay ?? []).length === 0;
    const window = pooled(inside);
    const value = all ? resend.mean : window?.p;
    const interval = all ? resend.ci95 : (window?.ci ?? null);
    if (value != null) {
      sentences.push(
        `Resending after 5–15 min fails ${pct(value)} of the time${interval ? ` (${ci(interval)})` : ""}.`,
      );
    }
    if (inside.length >= 2) {
      const first = inside[0];
      const last = inside[inside.length - 1];
      if (first.proportion !== null && last.proportion !== null) {
        sentences.push(
          `Within that window it goes from ${pct(first.proportion)} after ${binWords(first)} to ${pct(last.proportion)} after ${binWords(last)}.`,
        );
      }
    }
  } else if (resend.mean !== null) {
    sentences.push(
      `User resends fail ${pct(resend.mean)} of the time${resend.ci95 ? ` (${ci(resend.ci95)})` : ""}; none fell in the 5–15 min window.`,
    );
  }

  const early = pooled(before.slice(0, 1));
  if (early && before.length > 0) {
    sentences.push(
      `Resending within ${formatRoundDuration(before[0].to)} fails ${pct(early.p)}${early.ci ? ` (${ci(early.ci)})` : ""}.`,
    );
  } else if (bins.length > 0) {
    const closed = closedFormResendFailure(summary.scenario);
    if (closed) sentences.push(`By the closed form, resending at once would fail ${pct(closed.at(0))} of the time.`);
  }
  const late = pooled(after);
  if (late && after.length > 0) {
    sentences.push(
      `Waiting ${formatRoundDuration(after[0].from)} or more, it fails ${pct(late.p)}${late.ci ? ` (${ci(late.ci)})` : ""}.`,
    );
  }

  const first = metric("firstAttemptFailure").mean;
  const lost = metric("messageFailure").mean;
  if (first !== null && lost !== null) {
    sentences.push(
      `${capitalise(pct(first))} of messages bounce on the first attempt; ${pct(lost)} are never delivered.`,
    );
  }
  // What receivers that skip the list or see it late do to the advice (report/receivers-words.ts).
  sentences.push(...receiverAdviceNotes(summary.scenario.blacklists, RECEIVER_FORMATS));
  sentences.push(...recipientSentences(summary));
  if (summary.conditional) sentences.push(CONDITIONAL_NOTE);
  return sentences;
}

/** What an interval from one replication means (DESIGN §3). */
export const CONDITIONAL_NOTE =
  "With one replication, every interval is conditional: it holds for this replication's placement of listed relays, listings and subscriptions, not for the scenario; run 10 or more for intervals over them.";

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Summary-table rows: metric label, mean, 95 % CI and the number of replications it is defined in. */
export function summaryRows(summary: Summary): Array<{ metric: Metric; mean: string; ci: string; n: number }> {
  return (Object.keys(summary.metrics) as Metric[]).map((metric) => {
    const m = summary.metrics[metric];
    return {
      metric,
      mean: m.mean === null ? "n/a" : formatMetric(metric, m.mean),
      ci:
        m.ci95 === null
          ? ""
          : `${formatMetric(metric, m.ci95[0])} – ${formatMetric(metric, m.ci95[1])}${m.conditional ? " (conditional)" : ""}`,
      n: m.n,
    };
  });
}
