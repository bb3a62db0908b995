// Postfix's log lines that calibration needs (the syslog head is in syslog.ts):
//   QID: from=<sender>, size=N, nrcpt=N (queue active)                     postfix/qmgr
//   QID: to=<rcpt>, relay=host[ip]:25, delay=…, dsn=X.Y.Z, status=sent|deferred|bounced (text)   postfix/smtp
//   QID: to=<rcpt>, …, status=expired, returned to sender                  postfix/qmgr
//   QID: removed                                                           postfix/qmgr
// (the formats of Postfix's qmgr_active.c / smtp_trouble.c / log_adhoc.c). The relay is told
// apart by the syslog host, and by the instance in a multi-instance name (postfix-out2/smtp).
//
// This runs on every line of a log, so the line is read by index (indexOf, charCodeAt) without
// regular expressions or intermediate strings; `parsePostfixLineRegex` is the same grammar as
// regular expressions, kept as the reference the fast reader is tested against, and used for the
// rare lines the fast reader does not take (line terminators inside a line).
import type { LineEvent } from "./line-event.js";
import { type SyslogHead, syslogHead } from "./syslog.js";

const QUEUE_ID = /^([0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}): /;
const TO =
  /^to=<([^>]*)>,(?: orig_to=<[^>]*>,)? relay=([^,]*),.*? status=(sent|deferred|bounced|expired)(?: \((.*)\))?/;
const FROM = /^from=<([^>]*)>/;
/** Does the line hold what `.` in TO does not match (then it goes the regular-expression way)? */
function hasTerminator(line: string): boolean {
  return (
    line.indexOf("\r") >= 0 || line.indexOf("\n") >= 0 || line.indexOf("\u2028") >= 0 || line.indexOf("\u2029") >= 0
  );
}
const SCRATCH: SyslogHead = { time: 0, host: "", program: "", textStart: 0 };

/** The relay name for a Postfix program: "postfix-out2/smtp" on host h → "h/postfix-out2". */
function relayName(host: string, program: string): string {
  const slash = program.indexOf("/");
  const syslogName = slash >= 0 ? program.slice(0, slash) : program;
  return syslogName === "postfix" ? host : `${host}/${syslogName}`;
}

// The last line's host and program → its relay name (lines come in runs from one relay).
let lastHost = "";
let lastProgram = "";
let lastRelay = "";
function cachedRelayName(host: string, program: string): string {
  if (host !== lastHost || program !== lastProgram) {
    lastHost = host;
    lastProgram = program;
    lastRelay = relayName(host, program);
  }
  return lastRelay;
}

/**
 * The syslog head of a Postfix line, or null with `event.kind` set: "unparsed" when the line has
 * no syslog head, "ignored" when another program wrote it.
 */
function postfixHead(line: string, event: LineEvent, year: number, parsed: SyslogHead | null): SyslogHead | null {
  const head = parsed ?? syslogHead(line, year, SCRATCH);
  if (head === null) event.kind = "unparsed";
  else if (!head.program.startsWith("postfix")) event.kind = "ignored";
  else return head;
  return null;
}

/**
 * Parse one Postfix line into `event` (kind "ignored" for lines that carry nothing we use):
 * the regular-expression reference. `parsePostfixLine` gives the same events, faster.
 */
export function parsePostfixLineRegex(
  line: string,
  event: LineEvent,
  _fallbackRelay: string,
  year = 1970,
  parsed: SyslogHead | null = null,
): void {
  const head = postfixHead(line, event, year, parsed);
  if (head === null) return;
  const text = line.slice(head.textStart);
  const q = QUEUE_ID.exec(text);
  if (q === null) {
    event.kind = "ignored";
    return;
  }
  const rest = text.slice(q[0].length);
  event.time = head.time;
  event.relay = relayName(head.host, head.program);
  event.scope = event.relay;
  event.relayAddress = "";
  event.message = q[1];
  if (rest.startsWith("to=<")) {
    const m = TO.exec(rest);
    if (m === null) {
      event.kind = "unparsed";
      return;
    }
    // Local and virtual deliveries are not the relay pool's business.
    if (!(head.program.endsWith("/smtp") || head.program.endsWith("/lmtp") || m[3] === "expired")) {
      event.kind = "ignored";
      return;
    }
    event.kind = "attempt";
    event.recipient = m[1].toLowerCase();
    event.status = m[3] as LineEvent["status"];
    event.reply = m[4] ?? "";
    return;
  }
  if (rest.startsWith("from=<")) {
    const m = FROM.exec(rest);
    event.kind = "arrival";
    event.sender = m ? m[1].toLowerCase() : "";
    return;
  }
  event.kind = rest.startsWith("removed") ? "done" : "ignored";
}

/** Is c (a char code) in [0-9A-F]? */
export function isUpperHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70);
}
/** Is c in Postfix's long queue id alphabet [0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z] (no vowels)? */
export function isLongId(c: number): boolean {
  if (c >= 48 && c <= 57) return true;
  const lower = c | 32;
  if (lower < 98 || lower > 122) return false;
  return lower !== 101 && lower !== 105 && lower !== 111 && lower !== 117;
}

/** End of the queue id starting at `start` (QUEUE_ID's grammar: followed by ": "), or −1. */
function queueIdEnd(line: string, start: number): number {
  let hex = true;
  let long = true;
  let i = start;
  const limit = Math.min(line.length, start + 21);
  for (; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c === 58 /* : */) break;
    if (hex && !isUpperHex(c)) hex = false;
    if (long && !isLongId(c)) long = false;
    if (!hex && !long) return -1;
  }
  if (line.charCodeAt(i) !== 58 || line.charCodeAt(i + 1) !== 32) return -1;
  const n = i - start;
  return (hex && n >= 6 && n <= 12) || (long && n >= 10 && n <= 20) ? i : -1;
}

export const STATUSES = ["sent", "deferred", "bounced", "expired"] as const;

/** Parse one Postfix line into `event` (kind "ignored" for lines that carry nothing we use). */
export function parsePostfixLine(
  line: string,
  event: LineEvent,
  fallbackRelay: string,
  year = 1970,
  parsed: SyslogHead | null = null,
): void {
  const head = postfixHead(line, event, year, parsed);
  if (head === null) return;
  const start = head.textStart;
  const idEnd = queueIdEnd(line, start);
  if (idEnd < 0) {
    event.kind = "ignored";
    return;
  }
  const at = idEnd + 2;
  const c = line.charCodeAt(at);
  if (c === 116 /* t */ && line.startsWith("to=<", at)) {
    if (hasTerminator(line)) {
      parsePostfixLineRegex(line, event, fallbackRelay, year, head);
      return;
    }
    // to=<rcpt>,[ orig_to=<…>,] relay=…, … status=WORD[ (reply)]
    const close = line.indexOf(">", at + 4);
    if (close < 0 || line.charCodeAt(close + 1) !== 44 /* , */) {
      postfixUnparsed(line, event, head, idEnd);
      return;
    }
    let p = close + 2;
    if (line.startsWith(" orig_to=<", p)) {
      const origClose = line.indexOf(">", p + 10);
      if (origClose >= 0 && line.charCodeAt(origClose + 1) === 44 && line.startsWith(" relay=", origClose + 2)) {
        p = origClose + 2;
      }
    }
    if (!line.startsWith(" relay=", p)) {
      postfixUnparsed(line, event, head, idEnd);
      return;
    }
    const relayComma = line.indexOf(",", p + 7);
    if (relayComma < 0) {
      postfixUnparsed(line, event, head, idEnd);
      return;
    }
    let statusAt = line.indexOf(" status=", relayComma + 1);
    let status = -1;
    while (statusAt >= 0) {
      for (let s = 0; s < STATUSES.length; s++) {
        if (line.startsWith(STATUSES[s], statusAt + 8)) {
          status = s;
          break;
        }
      }
      if (status >= 0) break;
      statusAt = line.indexOf(" status=", statusAt + 1);
    }
    if (status < 0) {
      postfixUnparsed(line, event, head, idEnd);
      return;
    }
    const word = STATUSES[status];
    postfixCommon(line, event, head, idEnd);
    if (!(head.program.endsWith("/smtp") || head.program.endsWith("/lmtp") || status === 3)) {
      event.kind = "ignored";
      return;
    }
    event.kind = "attempt";
    event.recipient = line.slice(at + 4, close).toLowerCase();
    event.status = word;
    // " (reply)": up to the line's last ")" (TO's greedy `(.*)\)`), or nothing.
    const after = statusAt + 8 + word.length;
    let reply = "";
    if (line.charCodeAt(after) === 32 && line.charCodeAt(after + 1) === 40 /* ( */) {
      const last = line.lastIndexOf(")");
      if (last >= after + 2) reply = line.slice(after + 2, last);
    }
    event.reply = reply;
    return;
  }
  postfixCommon(line, event, head, idEnd);
  if (c === 102 /* f */ && line.startsWith("from=<", at)) {
    const close = line.indexOf(">", at + 6);
    event.kind = "arrival";
    event.sender = close >= 0 ? line.slice(at + 6, close).toLowerCase() : "";
    return;
  }
  event.kind = c === 114 /* r */ && line.startsWith("removed", at) ? "done" : "ignored";
}

/** The fields every line with a queue id sets. */
function postfixCommon(line: string, event: LineEvent, head: SyslogHead, idEnd: number): void {
  event.time = head.time;
  event.relay = cachedRelayName(head.host, head.program);
  event.scope = event.relay;
  event.relayAddress = "";
  event.message = line.slice(head.textStart, idEnd);
}

function postfixUnparsed(line: string, event: LineEvent, head: SyslogHead, idEnd: number): void {
  postfixCommon(line, event, head, idEnd);
  event.kind = "unparsed";
}
