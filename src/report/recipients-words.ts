// The words for messages with several recipients (recipients.perMessage, DESIGN §2–3): the
// scenario's recipients in prose, the per-recipient rows of the summary table, and the sentences
// the headline and the advice add. Nothing here when every message has one recipient.
import type { Advice } from "../experiment/advise.js";
import { RECIPIENT_METRIC_BOUNDS, RECIPIENT_METRICS, type RecipientMetric } from "../experiment/recipient-metrics.js";
import type { Summary } from "../experiment/summary.js";
import { formatPercent } from "../format.js";
import { recipientCountWeights } from "../model/recipients-per-message.js";
import type { RecipientCount } from "../scenario/recipient-count.js";
import type { Scenario } from "../scenario/schema.js";

export const RECIPIENT_METRIC_TITLES: Record<RecipientMetric, string> = {
  recipientsPerMessage: "recipients per message",
  domainsPerMessage: "recipient domains per message",
  recipientFirstFailure: "recipients rejected on their first attempt",
  recipientResendFailure: "resent recipients rejected",
  recipientFailure: "recipients never delivered",
};

/** The mean number of recipients per message under `d`. */
function meanRecipients(d: RecipientCount): number {
  return recipientCountWeights(d).reduce((sum, p, i) => sum + p * (i + 1), 0);
}

/** "3", "2–5", "1.66 on average": how many recipients a message has. */
function recipientCountWords(d: RecipientCount): string {
  if ("fixed" in d) return `${d.fixed}`;
  if ("uniform" in d) return `${d.uniform[0]}–${d.uniform[1]}`;
  return `${Number(meanRecipients(d).toFixed(2))} on average`;
}

/** The scenario's part of the story, or null with one recipient per message. */
export function recipientsStory(s: Scenario): string | null {
  const d = s.recipients.perMessage;
  if (d === undefined || recipientCountWeights(d).length === 1) return null;
  return `each message to ${recipientCountWords(d)} recipients, split by the relay into one transaction per domain`;
}

export function formatRecipientMetric(metric: RecipientMetric, value: number): string {
  return RECIPIENT_METRIC_BOUNDS[metric].upper === 1 ? formatPercent(value) : value.toFixed(2);
}

/** Summary-table rows for the per-recipient metrics (none with one recipient per message). */
export function recipientRows(
  summary: Pick<Summary, "recipients">,
): Array<{ metric: RecipientMetric; title: string; mean: string; ci: string; n: number }> {
  const r = summary.recipients;
  if (!r) return [];
  return RECIPIENT_METRICS.map((metric) => {
    const m = r.metrics[metric];
    const f = (x: number) => formatRecipientMetric(metric, x);
    return {
      metric,
      title: RECIPIENT_METRIC_TITLES[metric],
      mean: m.mean === null ? "n/a" : f(m.mean),
      ci: m.ci95 === null ? "" : `${f(m.ci95[0])} – ${f(m.ci95[1])}${m.conditional ? " (conditional)" : ""}`,
      n: m.n,
    };
  });
}

const pct = (p: number) => formatPercent(p).replace(" %", "\u202f%");

/**
 * The headline's sentences on several recipients: what a message failure means here and how
 * it compares with a single recipient's chance (a message fails when any recipient does).
 */
export function recipientSentences(summary: Summary): string[] {
  const r = summary.recipients;
  if (!r) return [];
  const out: string[] = [];
  const perMessage = r.metrics.recipientsPerMessage.mean;
  const domains = r.metrics.domainsPerMessage.mean;
  const first = summary.metrics.firstAttemptFailure.mean;
  const firstR = r.metrics.recipientFirstFailure.mean;
  if (perMessage !== null && domains !== null && first !== null && firstR !== null) {
    out.push(
      `With ${perMessage.toFixed(1)} recipients per message on ${domains.toFixed(1)} domains, ${pct(first)} of messages have at least one recipient rejected on the first attempt, against ${pct(firstR)} of recipients.`,
    );
  }
  const resend = summary.metrics.resendFailure.mean;
  const resendR = r.metrics.recipientResendFailure.mean;
  if (resend !== null && resendR !== null) {
    out.push(
      `A resend (to the bounced recipients only) fails for at least one of them ${pct(resend)} of the time; ${pct(resendR)} of resent recipients are rejected again.`,
    );
  }
  const lost = summary.metrics.messageFailure.mean;
  const lostR = r.metrics.recipientFailure.mean;
  if (lost !== null && lostR !== null) {
    out.push(
      `${capitalise(pct(lost))} of messages lose at least one recipient for good (${pct(lostR)} of recipients).`,
    );
  }
  return out;
}

/** What several recipients do to the advice's figures (sentences for advice.html), none with one. */
export function recipientAdviceSentences(a: Pick<Advice, "scenario">): string[] {
  const d = a.scenario.recipients.perMessage;
  if (d === undefined || recipientCountWeights(d).length === 1) return [];
  return [
    `Messages here go to ${recipientCountWords(d)} recipients: a resend counts as failed when any of its recipients is rejected again, so the failures above are per message and higher than one recipient's. All the bounced recipients are resent together through one relay, so waiting helps them together or not at all.`,
  ];
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
