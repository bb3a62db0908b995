// The words of `sim advise`: the verdict in plain sentences (terminal and report.html), the
// policy and operator tables' cells, and the "Advice" section at the top of report.html.
// Every sentence is computed from advice.json's numbers; nothing is written per scenario.
import type { Advice, DifferenceEstimate, Estimate, PolicyAdvice } from "../experiment/advise.js";
import {
  durationWords,
  formatCount,
  formatDuration,
  formatPercent,
  formatPercentRange,
  formatRoundDuration,
  percentDigits,
  percentNumber,
} from "../format.js";
import { maxOf } from "../stats/extremes.js";
import { retryAdviceSentences } from "./advice-retries.js";
import { policyLabel, ruleWords } from "./charts/advice.js";
import { type ChartSpec, EMBED_OPTIONS } from "./charts/theme.js";
import { receiverAdviceNotes } from "./receivers-words.js";
import { recipientAdviceSentences } from "./recipients-words.js";
import { html, inlineScript, joinHtml, type SafeHtml, scriptJson, trustedHtml } from "./safe-html.js";
import { RECEIVER_FORMATS } from "./story.js";

/** "12.4 %". */
export function percentText(e: Estimate | null): string {
  return e?.mean == null ? "n/a" : formatPercent(e.mean, percentDigits([e.mean]));
}

/** "95 % CI 10.2–14.6 %", or "" without an interval. */
export function percentCi(ci: readonly [number, number] | null): string {
  return ci ? `95 % CI ${formatPercentRange(ci[0], ci[1])}` : "";
}

/** "3.7 % (95 % CI 1.6–5.8 %)". */
export function percentWithCi(e: Estimate | null): string {
  const ci = percentCi(e?.ci95 ?? null);
  return ci && e?.ci95 && e.ci95[0] !== e.ci95[1] ? `${percentText(e)} (${ci})` : percentText(e);
}

/** "95 % CI 19.9 s – 21.8 s", or "" without an interval. */
export function ciText(ci: readonly [number, number] | null, format: (x: number) => string): string {
  return ci ? `95 % CI ${format(ci[0])} – ${format(ci[1])}` : "";
}

/** A table cell: "12.4 % (10.2–14.6)", one number of decimals for all three; no interval when it has no width. */
export function percentCell(e: Estimate | null): string {
  if (e?.mean == null) return "n/a";
  const digits = percentDigits([e.mean, ...(e.ci95 ?? [])]);
  if (!e.ci95 || e.ci95[0] === e.ci95[1]) return formatPercent(e.mean, digits);
  return `${formatPercent(e.mean, digits)} (${percentNumber(e.ci95[0], digits)}–${percentNumber(e.ci95[1], digits)})`;
}

/** A table cell of another unit: "143 (136–150)". */
export function estimateCell(e: Estimate | null, format: (x: number) => string): string {
  if (e?.mean == null) return "n/a";
  if (!e.ci95 || e.ci95[0] === e.ci95[1]) return format(e.mean);
  return `${format(e.mean)} (${format(e.ci95[0])}–${format(e.ci95[1])})`;
}

function signed(x: number, format: (x: number) => string): string {
  return x < 0 ? `−${format(-x)}` : format(x);
}

/** A difference with its interval: "143 (136–150)"; `unit` follows the numbers ("pp"). */
export function differenceCell(d: DifferenceEstimate | null, format: (x: number) => string, unit = ""): string {
  if (d?.difference == null) return "n/a";
  const value = `${signed(d.difference, format)}${unit}`;
  if (!d.ci95 || d.ci95[0] === d.ci95[1]) return value;
  return `${value} (${signed(d.ci95[0], format)}–${signed(d.ci95[1], format)})`;
}

/** A difference of proportions in percentage points, two significant digits: "3.0", "0.045". */
const points = (x: number) => percentNumber(x);

/** A wait in words for sentences: "10 minutes", "90 seconds", "7.5 min". */
export function waitWords(seconds: number): string {
  const words = durationWords(seconds);
  // "570 seconds" reads worse than "9.5 min".
  return seconds >= 120 && words.endsWith("seconds") ? formatDuration(seconds) : words;
}

/** A wait for tables: "0 s", "1 min", "7.5 min", "2 h". */
export function waitCell(seconds: number): string {
  return seconds === 0 ? "0 (at once)" : formatRoundDuration(seconds);
}

/** Counts per day: "143", "1.8", "0.05". */
export function perDayText(x: number): string {
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 100) return formatCount(x);
  if (a >= 1) return x.toFixed(1);
  return x.toPrecision(2);
}

/** The policy table's "shortest good wait" cell. */
export function shortestWaitCell(p: PolicyAdvice): string {
  if (p.verdict === "wait" && p.shortestGoodWait !== null) return formatRoundDuration(p.shortestGoodWait);
  if (p.verdict === "resend-at-once") return "at once";
  if (p.verdict === "waiting-does-not-help") return "none";
  return "n/a";
}

/** The policy table's "does waiting help?" cell. */
export function helpsCell(p: PolicyAdvice): string {
  switch (p.verdict) {
    case "wait":
      return p.adviceReachesPlateau
        ? "yes — the advice is enough"
        : `yes — wait at least ${formatRoundDuration(p.shortestGoodWait ?? 0)}`;
    case "resend-at-once":
      return "no — resending at once is as good";
    case "waiting-does-not-help":
      return "no — waiting does not help (same route)";
    default:
      return "no resends to judge";
  }
}

function gridEnd(a: Advice): string {
  return waitWords(maxOf(a.grid?.delays ?? [0]));
}

/** The verdict as sentences, most important first. */
export function adviceHeadline(a: Advice): string[] {
  const rule = ruleWords(a.resendAfter);
  const withCi = percentWithCi;
  const out: string[] = [];
  switch (a.verdict) {
    case "nothing-listed":
      return [
        "Nothing is listed: no relay is ever on a blacklist and none gets compromised, so no mail bounces and the question is moot.",
        ...retryAdviceSentences(a),
      ];
    case "no-bounces":
      return [
        `No resend to judge: relays were listed, but no user resent anything in ${a.replications} replications (no recipient domain consults the lists, or 4xx replies kept the mail queued at the relays).`,
        ...retryAdviceSentences(a),
      ];
    case "wait": {
      const wait = waitWords(a.shortestGoodWait ?? 0);
      out.push(
        `Wait at least ${wait}: resending at once fails ${percentText(a.atOnce)} of the time; after ${wait}, ${withCi(a.shortestGoodWaitFailure)}.`,
      );
      if (a.adviceReachesPlateau) {
        out.push(`The advice — wait ${rule} — is enough: resends then fail ${withCi(a.advice)}.`);
      } else if (a.adviceHelps) {
        out.push(
          `The advice — wait ${rule} — helps but is not enough: resends then fail ${withCi(a.advice)}, against ${percentText(a.plateau)} at best.`,
        );
      } else {
        out.push(`The advice — wait ${rule} — does not help: resends then fail ${withCi(a.advice)}.`);
      }
      out.push(
        `No wait up to ${gridEnd(a)} does better than ${percentText(a.plateau)} (after ${waitWords(a.plateau?.delay ?? 0)}).`,
      );
      break;
    }
    case "resend-at-once":
      out.push(
        `Resend at once: waiting does not help. Resending at once fails ${withCi(a.atOnce)}; waiting ${rule}, ${withCi(a.advice)}; no wait up to ${gridEnd(a)} does better than ${percentText(a.plateau)}.`,
      );
      break;
    case "waiting-does-not-help":
      out.push(
        `Waiting does not help: a resend fails ${percentText(a.atOnce)} of the time at once and still ${percentText(a.plateau)} at best after any wait up to ${gridEnd(a)}: it takes the same route as the mail that bounced. Only delisting or another route (relay) helps.`,
      );
      break;
  }
  const cost = a.cost?.advice;
  // Only a cost the replications can tell from zero is worth a sentence.
  if (a.verdict !== "waiting-does-not-help" && cost?.difference != null && cost.ci95 && cost.ci95[0] > 0) {
    out.push(
      `Following the advice adds ${formatDuration(cost.difference)} to the mean delivery delay of delivered mail (${ciText(cost.ci95, formatDuration)}), compared with resending at once.`,
    );
  }
  const others = a.policies.filter((p) => !p.own);
  if (others.length > 0) {
    const by = (v: PolicyAdvice["verdict"]) =>
      others
        .filter((p) => p.verdict === v)
        .map((p) => p.policy)
        .join(", ");
    const parts = [
      by("wait") && `waiting helps with ${by("wait")}`,
      by("resend-at-once") && `resending at once is as good with ${by("resend-at-once")}`,
      by("waiting-does-not-help") && `waiting does not help with ${by("waiting-does-not-help")}`,
    ].filter(Boolean);
    if (parts.length > 0) out.push(`With the same pool balanced otherwise, ${parts.join("; ")}.`);
  }
  const op = a.operator;
  if (op?.rejectionsPerDay.mean != null && op.bouncedForGoodPerDay.mean != null) {
    const saved = op.healthCheck.saved;
    const every = formatDuration(op.healthCheck.checkEvery);
    const check = op.healthCheck.inScenario
      ? `The health check every ${every} already saves`
      : `Checking the relays every ${every} and taking listed ones out of rotation would save`;
    out.push(
      `For the operator: listed relays cost ${perDayText(op.rejectionsPerDay.mean)} rejected attempts and ${perDayText(op.bouncedForGoodPerDay.mean)} messages bounced for good a day. ${check} ${perDayText(saved.rejectionsPerDay.difference ?? 0)} rejections and ${perDayText(saved.bouncedForGoodPerDay.difference ?? 0)} lost messages a day.`,
    );
  }
  out.push(...receiverAdviceNotes(a.scenario.blacklists, RECEIVER_FORMATS));
  out.push(...recipientAdviceSentences(a));
  out.push(...retryAdviceSentences(a));
  return out;
}

/** Rows of the policy table: policy, at once, the scenario's rule, shortest good wait, does waiting help? */
export function policyRows(a: Advice): string[][] {
  return a.policies.map((p) => [
    policyLabel(p),
    percentCell(p.atOnce),
    percentCell(p.advice),
    shortestWaitCell(p),
    helpsCell(p),
  ]);
}

export function policyHeader(a: Advice): string[] {
  return [
    "balancing",
    "resend at once",
    `wait ${ruleWords(a.resendAfter)}`,
    "shortest good wait",
    "does waiting help?",
  ];
}

/** Rows of the operator table: quantity, this pool, with/without the health check, saved. */
export function operatorRows(a: Advice): { header: string[]; rows: string[][] } | null {
  const op = a.operator;
  if (!op) return null;
  const h = op.healthCheck;
  const every = formatDuration(h.checkEvery);
  const count = (e: Estimate) => estimateCell(e, perDayText);
  return {
    header: [
      "per day",
      h.inScenario ? `without a health check` : "this pool",
      h.inScenario ? `this pool (check every ${every})` : `with a check every ${every}`,
      "saved by the check (paired)",
    ],
    rows: [
      [
        "rejected attempts",
        count(h.without.rejectionsPerDay),
        count(h.with.rejectionsPerDay),
        differenceCell(h.saved.rejectionsPerDay, perDayText),
      ],
      [
        "messages bounced for good",
        count(h.without.bouncedForGoodPerDay),
        count(h.with.bouncedForGoodPerDay),
        differenceCell(h.saved.bouncedForGoodPerDay, perDayText),
      ],
      [
        "first attempts rejected",
        percentCell(h.without.firstAttemptFailure),
        percentCell(h.with.firstAttemptFailure),
        differenceCell(h.saved.firstAttemptFailure, points, " pp"),
      ],
      [
        "messages never delivered",
        percentCell(h.without.messageFailure),
        percentCell(h.with.messageFailure),
        differenceCell(h.saved.messageFailure, points, " pp"),
      ],
    ],
  };
}

/** How the verdict was reached, in words (the rules of experiment/advise.ts). */
export function methodSentences(a: Advice): string[] {
  const t = a.toleranceRule;
  const tolerance = [
    t.absolute > 0
      ? `${Number((t.absolute * 100).toPrecision(3))} percentage point${t.absolute === 0.01 ? "" : "s"}`
      : "",
    t.relative > 0 ? `${Number((t.relative * 100).toPrecision(3))} % of the lowest failure` : "",
  ]
    .filter(Boolean)
    .join(" or ");
  const grid = a.grid
    ? a.grid.given
      ? `the waits given with --delays (${a.grid.delays.length})`
      : `${a.grid.delays.length} fixed waits from 0 to ${gridEnd(a)}, fitted to the pool (${a.grid.scale.kind === "none" ? "no time scale of its own: 10 minutes" : `${a.grid.scale.kind.replace("-", " ")}: ${waitWords(a.grid.scale.seconds)}`})`
    : "";
  return [
    `Each user waits exactly the same time before resending, for each of ${grid}; every wait and every balancing policy runs on the same mail, recipients and listings (common random numbers, seed ${a.seed}).`,
    `The plateau is the lowest failure on the grid, cross-fitted: the wait is chosen on half of the replications and its failure read on the other half, both ways, so that the lowest of noisy means does not bias it low or fake a verdict. A wait is good when its failure is not shown (paired 95 % interval) to exceed the plateau by more than the tolerance, ${tolerance}${a.tolerance !== null ? ` (here ${points(a.tolerance)} percentage points)` : ""}, whichever is larger; the shortest good wait is the first from which every wait up to the plateau is good.`,
    `Waiting helps when resending at once fails more than the tolerance above the plateau (paired 95 % interval). When it does not and resends still fail at least ${formatPercent(a.stuckFailure)} of the time, they are stuck on the same route.`,
  ];
}

function htmlTable(header: string[], rows: string[][], caption: string): SafeHtml {
  const head = header.map((h) => html`<th scope="col">${h}</th>`);
  const body = rows.map(
    (r) => html`<tr><th scope="row">${r[0]}</th>${r.slice(1).map((c) => html`<td>${c}</td>`)}</tr>`,
  );
  return html`<table class="summary">
<caption>${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${joinHtml(body, "\n")}
</tbody>
</table>`;
}

/** Browsers without DejaVu Sans fall back to a similar sans-serif (as the report's other charts). */
const BROWSER_FONTS = '"DejaVu Sans", Verdana, "Helvetica Neue", Arial, sans-serif';

/** Table cells stay on one line: "15.1 % (13.3–16.9)" broken in two is hard to read. */
const ADVICE_STYLE = trustedHtml("<style>.advice td { white-space: nowrap; }</style>");

/**
 * The inside of report.html's Advice section: the verdict, the advice chart (its SVG inline, made
 * interactive by vega-embed once the page's inlined libraries have loaded), the policy and
 * operator tables, and how it was judged.
 */
export function adviceHtml(a: Advice, chart: { spec: ChartSpec; svg: string } | null): SafeHtml {
  const [first, ...rest] = adviceHeadline(a);
  const parts: SafeHtml[] = [
    ADVICE_STYLE,
    html`<div class="headline"><p><strong>${first}</strong></p>${rest.map((s) => html`<p>${s}</p>`)}</div>`,
  ];
  if (chart) {
    const spec = { ...chart.spec, config: { ...(chart.spec.config ?? {}), font: BROWSER_FONTS } };
    // vega's SVG writer escapes every text and attribute it writes (test/report/advice-html.test.ts).
    const svg = trustedHtml(chart.svg.replace(/^<\?xml[^>]*>\s*/, ""));
    parts.push(html`<figure>
<div class="chart" id="advice-chart" data-chart="advice">${svg}</div>
<figcaption>Resend failure when every user waits exactly that long, under this pool's balancing and the others (same mail, recipients and listings). The shaded band is the scenario's own resend rule; diamonds mark each policy's shortest good wait.</figcaption>
</figure>
${inlineScript(`
addEventListener("DOMContentLoaded", () => {
  if (typeof vegaEmbed !== "function") return;
  vegaEmbed(document.getElementById("advice-chart"), ${scriptJson(spec)}, ${scriptJson(EMBED_OPTIONS)}).catch((error) => console.error("advice chart failed:", error));
});
`)}`);
  }
  if (a.policies.length > 0) {
    parts.push(
      htmlTable(
        policyHeader(a),
        policyRows(a),
        "Resend failure (95 % CI) under each balancing policy, the same pool, listings, recipients and mail",
      ),
    );
  }
  const op = operatorRows(a);
  if (op) {
    parts.push(
      htmlTable(
        op.header,
        op.rows,
        `The operator's view at the scenario's own resend rule: means over ${a.operator?.healthCheck.replications} replications (95 % CI)`,
      ),
    );
  }
  if (a.verdict !== "nothing-listed") {
    parts.push(
      html`<details>
<summary>How this was judged</summary>
${joinHtml(
  methodSentences(a).map((s) => html`<p>${s}</p>`),
  "\n",
)}
</details>`,
    );
  }
  return joinHtml(parts, "\n");
}
