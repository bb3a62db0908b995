// `sim explain` as a library function: from a parsed bounce to plain words — which relay and
// which list caused it, permanent or temporary, the list's lookup page and typical listing, and
// (given `sim advise`'s verdict on the user's pool) whether to resend now, wait, or ask the provider.
// Browser-safe: no I/O; the advice is computed by the caller.
import { type Classification, classifyReply } from "../classify/replies.js";
import type { Advice } from "../experiment/advise.js";
import { formatPercent, formatPercentRange, formatRoundDuration } from "../format.js";
import type { Bounce } from "./bounce.js";

/** What to do, for scripts. */
export type Action =
  | "resend-now"
  | "wait-then-resend"
  | "ask-provider"
  | "nothing-server-retries"
  | "check-address"
  | "ask-recipient"
  | "unknown";

/** One recipient of a bounce in plain words: list, relay, permanence, lookup page, what to do. */
export interface ExplainedRecipient {
  recipient: string | null;
  remoteMta: string | null;
  status: string | null;
  diagnostic: string | null;
  classification: Classification;
  /** Plain sentences. */
  sentences: string[];
  action: Action;
  /** With `wait-then-resend`: the wait in seconds. */
  waitSeconds: number | null;
}

/** What `sim explain --json` prints: every recipient explained, with the pool's advice when given. */
export interface Explanation {
  kind: Bounce["kind"];
  reportingMta: string | null;
  recipients: ExplainedRecipient[];
  /** The pool the advice came from, if any. */
  scenario: string | null;
}

const CLASS_WORDS: Record<Classification["class"], string> = {
  blocklist: "a DNS blocklist listing the sending relay's address",
  "provider-block": "the recipient's mailbox provider blocking the sending relay's address",
  greylist: "greylisting (the receiver asks every new sender to come back later)",
  "rate-limit": "a rate limit at the receiver",
  "unknown-user": "an unknown recipient address",
  "mailbox-full": "a full mailbox",
  content: "the message's content or the receiver's security policy",
  authentication: "failed sender authentication (SPF, DKIM or DMARC)",
  other: "a reason the classifier does not recognise",
};

const percent = (x: number | null) => (x === null ? "?" : formatPercent(x));
const interval = (ci: [number, number] | null) => (ci ? ` (95 % CI ${formatPercentRange(ci[0], ci[1])})` : "");

/** Whether the scenario's pool knows the list that caused the bounce. */
function scenarioHasList(advice: Advice, list: string | null): boolean {
  return list !== null && advice.scenario.blacklists.some((b) => b.name === list);
}

/** A calibrated pool knows its relays' addresses and listing windows: say which relay this was. */
function calibratedRelay(advice: Advice, ip: string | null): string | null {
  const calibration = advice.scenario.calibration as
    | {
        relays?: { list?: { key: string; address: string | null; server: number }[] };
        lists?: { name: string; windows: { relayKey: string; end: { estimate: number | null } }[] }[];
      }
    | undefined;
  const relay = calibration?.relays?.list?.find((r) => r.address === ip);
  if (!calibration || !relay || ip === null) return null;
  const windows = (calibration.lists ?? []).flatMap((l) =>
    l.windows.filter((w) => w.relayKey === relay.key).map((w) => ({ list: l.name, ongoing: w.end.estimate === null })),
  );
  const listed = windows.length
    ? `its logs show it listed on ${[...new Set(windows.map((w) => w.list))].join(", ")}${windows.some((w) => w.ongoing) ? ", still at the end of the logs" : ""}`
    : "its logs show no listing";
  return `${ip} is relay ${relay.server} (${relay.key}) of pool "${advice.scenario.name}": ${listed}.`;
}

function adviceSentences(
  advice: Advice,
  c: Classification,
): { sentences: string[]; action: Action; wait: number | null } {
  const pool = `In pool "${advice.scenario.name}" (${advice.scenario.pool.servers} relays, ${advice.scenario.pool.balancer.policy} balancing)`;
  const sentences: string[] = [];
  const relay = calibratedRelay(advice, c.ip);
  if (relay) sentences.push(relay);
  if (c.list !== null && !scenarioHasList(advice, c.list)) {
    sentences.push(
      `${pool} no list is named "${c.list}"; the advice below is for the pool's own lists (${advice.scenario.blacklists.map((b) => b.name).join(", ") || "none"}).`,
    );
  }
  switch (advice.verdict) {
    case "wait": {
      const wait = advice.shortestGoodWait ?? 0;
      sentences.push(
        `${pool} resending at once is rejected again ${percent(advice.atOnce?.mean ?? null)} of the time${interval(advice.atOnce?.ci95 ?? null)}; after waiting ${formatRoundDuration(wait)} or more, ${percent(advice.shortestGoodWaitFailure?.mean ?? null)}${interval(advice.shortestGoodWaitFailure?.ci95 ?? null)}. Wait ${formatRoundDuration(wait)}, then resend.`,
      );
      return { sentences, action: "wait-then-resend", wait };
    }
    case "resend-at-once":
      sentences.push(
        `${pool} a resend goes out through another relay often enough: resending now is rejected again ${percent(advice.atOnce?.mean ?? null)} of the time${interval(advice.atOnce?.ci95 ?? null)}, and waiting does not do better. Resend now.`,
      );
      return { sentences, action: "resend-now", wait: 0 };
    case "waiting-does-not-help":
      sentences.push(
        `${pool} resends take the same listed relay whatever the wait (rejected again ${percent(advice.plateau?.mean ?? null)} of the time${interval(advice.plateau?.ci95 ?? null)}). Ask the provider to fix or take the relay out of the pool.`,
      );
      return { sentences, action: "ask-provider", wait: null };
    case "nothing-listed":
      sentences.push(
        `${pool} no relay is ever listed, so the pool's model cannot say how to resend; ask the provider.`,
      );
      return { sentences, action: "ask-provider", wait: null };
    case "no-bounces":
      sentences.push(
        `${pool} no resend happened in the simulation (the lists' subscribers or replies keep mail queued); ask the provider.`,
      );
      return { sentences, action: "ask-provider", wait: null };
  }
}

function explainRecipient(
  r: Bounce["recipients"][number],
  permanentHint: boolean | null,
  advice: Advice | null,
): ExplainedRecipient {
  const text = r.diagnostic ?? r.status ?? "";
  const fromStatus = r.status ? r.status.startsWith("5") : null;
  const c = classifyReply(text, fromStatus ?? permanentHint);
  const sentences: string[] = [];
  const who = r.recipient ? `Mail to ${r.recipient}` : "The mail";
  const by = r.remoteMta ? ` by ${r.remoteMta}` : "";
  const kind =
    c.permanent === true ? "permanently (5xx)" : c.permanent === false ? "temporarily (4xx)" : "(no reply code given)";
  sentences.push(`${who} was refused${by} ${kind} because of ${CLASS_WORDS[c.class]}.`);
  const isBlock = c.class === "blocklist" || c.class === "provider-block";
  let action: Action = "unknown";
  let wait: number | null = null;
  if (isBlock) {
    const listName = c.listInfo?.name ?? (c.list ? `the list at ${c.list}` : "an unnamed list");
    sentences.push(
      `The list: ${listName}. The relay address it names: ${c.ip ?? "not given in the reply (ask the provider which relay sent it)"}.`,
    );
    if (c.lookupUrl) sentences.push(`Look the address up at ${c.lookupUrl}.`);
    if (c.listInfo) sentences.push(`Typical listing: ${c.listInfo.typicalListing}.`);
    if (c.permanent === false) {
      sentences.push(
        "A temporary refusal: the relay keeps the message and retries it itself, from the same address, until it is delivered or its queue lifetime runs out; you need not resend unless it finally bounces.",
      );
      action = "nothing-server-retries";
    } else if (advice) {
      const a = adviceSentences(advice, c);
      sentences.push(...a.sentences);
      action = a.action;
      wait = a.wait;
    } else {
      sentences.push(
        "Whether resending helps depends on how the provider's pool picks a relay: if it picks per message, a resend probably leaves through a clean relay; if it pins you to one relay, it fails again until the listing ends. Run with --scenario (or a pool calibrated with `sim calibrate`) for numbers, and ask the provider to have the relay delisted.",
      );
      action = "ask-provider";
    }
  } else if (c.class === "greylist" || c.class === "rate-limit") {
    sentences.push("Nothing to do: the sending server retries by itself and the mail normally gets through.");
    action = "nothing-server-retries";
  } else if (c.class === "unknown-user" || c.class === "mailbox-full") {
    sentences.push("Resending will not help: check the address, or reach the recipient another way.");
    action = "check-address";
  } else if (c.class === "content" || c.class === "authentication") {
    sentences.push(
      "Resending the same message will not help: the sending relay is not the cause. Ask the recipient's administrator, or (authentication) the provider to fix SPF/DKIM/DMARC.",
    );
    action = "ask-recipient";
  } else {
    sentences.push("The reply names no list relaysim knows; show it to the provider.");
  }
  if (c.source) sentences.push(`(Matched the ${c.pattern} pattern; source: ${c.source}.)`);
  return {
    recipient: r.recipient,
    remoteMta: r.remoteMta,
    status: r.status,
    diagnostic: r.diagnostic,
    classification: c,
    sentences,
    action,
    waitSeconds: wait,
  };
}

/** Explain every recipient of a bounce; `advice` is `sim advise`'s verdict on the user's pool, if known. */
export function explainBounce(bounce: Bounce, advice: Advice | null = null): Explanation {
  return {
    kind: bounce.kind,
    reportingMta: bounce.reportingMta,
    recipients: bounce.recipients.map((r) => explainRecipient(r, bounce.permanentHint, advice)),
    scenario: advice?.scenario.name ?? null,
  };
}

/** Whether a bounce needs the pool's advice (a permanent block): only then is advise worth running. */
export function needsAdvice(bounce: Bounce): boolean {
  return bounce.recipients.some((r) => {
    const fromStatus = r.status ? r.status.startsWith("5") : null;
    const c = classifyReply(r.diagnostic ?? r.status ?? "", fromStatus ?? bounce.permanentHint);
    return (c.class === "blocklist" || c.class === "provider-block") && c.permanent !== false;
  });
}

/** The explanation as terminal text. */
export function explanationText(e: Explanation): string {
  const lines: string[] = [];
  const what =
    e.kind === "dsn" ? "a delivery status notification" : e.kind === "qmail" ? "a qmail bounce" : "a reply line";
  lines.push(`Read ${what}${e.reportingMta ? ` from ${e.reportingMta}` : ""}.`, "");
  for (const r of e.recipients) {
    if (r.diagnostic) lines.push(`  ${r.diagnostic}`, "");
    for (const s of r.sentences) lines.push(s);
    lines.push(`What to do: ${r.action}${r.waitSeconds ? ` (${formatRoundDuration(r.waitSeconds)})` : ""}`, "");
  }
  return `${lines.join("\n")}`;
}
