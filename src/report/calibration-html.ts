// report.html's "Calibrated from logs" section: the estimates `sim calibrate` put in a scenario's
// `calibration` block, each with its 95 % interval, evidence count and method. The block comes
// from a file (summary.json, the scenario) and is hostile: every field is read defensively (a
// missing or mistyped field shows as "?", never throws) and every text goes through `html`.
import { enUsNumber, formatCount, formatDuration, formatPercent } from "../format.js";
import { html, joinHtml, type SafeHtml } from "./safe-html.js";

/** Rows shown at most for the lists (the schema allows 30 lists; a crafted block may hold more). */
const MAX_LISTS = 30;
/** Longest text shown from the block (methods are short; a crafted one may not be). */
const MAX_TEXT = 300;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const field = (v: unknown, key: string): unknown => (isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined);
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A text field as text (cut), a number as itself, anything else as "?". */
function text(v: unknown): string {
  if (typeof v === "string") return v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v;
  if (finite(v)) return String(v);
  return "?";
}

type Show = (x: number) => string;
const plain: Show = (x) => enUsNumber(Number(x.toPrecision(3)));
const whole: Show = (x) => formatCount(x);
const percent: Show = (x) => formatPercent(x);
const duration: Show = (x) => formatDuration(x);

/** One estimate row: name, value, [low, high], evidence, method. */
function intervalRow(name: string, interval: unknown, show: Show, unit = ""): SafeHtml {
  const estimate = field(interval, "estimate");
  const ci = field(interval, "ci95");
  const value = finite(estimate) ? `${show(estimate)}${unit}` : "?";
  const range =
    Array.isArray(ci) && ci.length === 2 && finite(ci[0]) && finite(ci[1])
      ? `${show(ci[0])} – ${show(ci[1])}${unit}`
      : "—";
  const evidence = field(interval, "evidence");
  return html`<tr><th scope="row">${name}</th><td>${value}</td><td>${range}</td><td>${finite(evidence) ? whole(evidence) : "?"}</td><td class="method">${text(field(interval, "method"))}</td></tr>`;
}

/** A row without an interval (the balancing policy, the retry schedule). */
function plainRow(name: string, value: string, evidence: unknown, method: string): SafeHtml {
  return html`<tr><th scope="row">${name}</th><td>${value}</td><td>\u2014</td><td>${finite(evidence) ? whole(evidence) : "?"}</td><td class="method">${method}</td></tr>`;
}

/**
 * The section for a scenario's calibration block, or null when there is none (or it is not an
 * object). Only `html` builds it: nothing from the block can become markup.
 */
export function calibrationHtml(calibration: unknown): SafeHtml | null {
  if (!isObject(calibration)) return null;
  const source = field(calibration, "source");
  const files = field(source, "files");
  const unparsed = field(field(source, "unparsed"), "count");
  const intro = html`<p>The scenario was estimated by <code>sim calibrate</code> from ${Array.isArray(files) ? whole(files.length) : "?"} log file(s): ${finite(field(source, "lines")) ? whole(field(source, "lines") as number) : "?"} lines, ${finite(field(source, "attempts")) ? whole(field(source, "attempts") as number) : "?"} delivery attempts, ${text(field(source, "start"))} to ${text(field(source, "end"))}; ${finite(unparsed) ? whole(unparsed) : "?"} lines not understood. Intervals are 95&nbsp;%; evidence is what each estimate rests on (picks, domains, retries, bounces).</p>`;

  const rows: SafeHtml[] = [];
  const relays = field(calibration, "relays");
  rows.push(intervalRow("relays (N)", field(relays, "count"), whole));
  const policy = field(calibration, "policy");
  const period = field(policy, "period");
  const reasons = field(policy, "reasons");
  rows.push(
    plainRow(
      "balancing",
      `${text(field(policy, "policy"))}${finite(period) ? ` (${duration(period)})` : ""}`,
      field(field(policy, "evidence"), "picks"),
      Array.isArray(reasons) && reasons.length > 0 ? reasons.slice(0, 6).map(text).join(" ") : "policy test",
    ),
  );
  const lists = field(calibration, "lists");
  if (Array.isArray(lists)) {
    for (const list of lists.slice(0, MAX_LISTS)) {
      const name = text(field(list, "name"));
      const subscribers = field(list, "subscribers");
      rows.push(intervalRow(`${name}: share of domains consulting it`, field(subscribers, "byDomain"), percent));
      rows.push(intervalRow(`${name}: share of mail to them`, field(subscribers, "byMail"), percent));
      rows.push(intervalRow(`${name}: typical listing`, field(list, "listedSeconds"), duration));
      const windows = field(list, "windows");
      rows.push(
        plainRow(
          `${name}: listing windows`,
          Array.isArray(windows) ? whole(windows.length) : "?",
          field(list, "rejections"),
          `from the rejection record; replies ${text(field(list, "reply"))}`,
        ),
      );
    }
  }
  const traffic = field(calibration, "traffic");
  rows.push(intervalRow("senders", field(traffic, "senders"), whole));
  rows.push(intervalRow("mail per sender per day", field(traffic, "ratePerSenderPerDay"), plain));
  const recipients = field(calibration, "recipients");
  rows.push(intervalRow("recipient domains", field(recipients, "domains"), whole));
  rows.push(intervalRow("domain popularity (Zipf exponent)", field(recipients, "zipf"), plain));
  const retry = field(calibration, "retry");
  rows.push(
    plainRow(
      "MTA retry schedule",
      text(field(retry, "schedule")),
      field(retry, "evidence"),
      text(field(retry, "method")),
    ),
  );
  const resend = field(calibration, "resend");
  rows.push(intervalRow("users resending after a bounce", field(resend, "probability"), percent));

  return html`<section id="calibration" class="calibration">
<h2>Calibrated from logs</h2>
${intro}
<table class="summary calibration">
<thead><tr><th scope="col">estimate</th><th scope="col">value</th><th scope="col">95&nbsp;% CI</th><th scope="col">evidence</th><th scope="col">method</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody>
</table>
</section>`;
}
