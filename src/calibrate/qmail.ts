// qmail-send's log (qmail-log(5)): "new msg N", "info msg N: bytes B from <s> qp P uid U",
// "starting delivery D: msg N to remote r", "delivery D: success|failure|deferral: text",
// "end msg N". Lines carry a TAI64N stamp (multilog: "@4000…"), a fractional Unix time
// (splogger: "1487706780.690765"), and/or a syslog head. qmail-remote writes its text with
// spaces as underscores and "/" between lines. qmail does not log the local address.
import { detach, type LineEvent } from "./line-event.js";
import { type SyslogHead, syslogHead } from "./syslog.js";

const SCRATCH: SyslogHead = { time: 0, host: "", program: "", textStart: 0 };

const NEW_MSG = /^(?:new|end) msg (\d+)/;
const INFO = /^info msg (\d+): bytes \d+ from <([^>]*)>/;
const START = /^starting delivery (\d+): msg (\d+) to (remote|local) (\S+)/;
const DELIVERY = /^delivery (\d+): (success|failure|deferral): ?(.*)$/;

/** TAI64N label "@4000000063f1c2a312345678" → Unix seconds (TAI − 10 s, as tai64nlocal does). */
export function tai64n(label: string): number | null {
  if (label.length < 25 || label.charCodeAt(0) !== 64 || label[1] !== "4") return null;
  const seconds = Number.parseInt(label.slice(2, 17), 16);
  const nanos = Number.parseInt(label.slice(17, 25), 16);
  if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return null;
  return seconds - 10 + nanos / 1e9;
}

/** Per-relay state: delivery numbers map to (message, recipient) between start and result. */
export class QmailState {
  readonly deliveries = new Map<string, { message: string; recipient: string }>();
  /** Bound on open deliveries (a log cut mid-way never grows this without limit). */
  static readonly MAX_OPEN = 100_000;
}

/** Parse one qmail-send line into `event`. `state` joins "delivery D" results to their start. */
export function parseQmailLine(
  line: string,
  event: LineEvent,
  fallbackRelay: string,
  state: QmailState,
  year = 1970,
  parsed: SyslogHead | null = null,
): void {
  let text = line;
  let relay = fallbackRelay;
  let time = Number.NaN;
  if (text.charCodeAt(0) === 64) {
    const space = text.indexOf(" ");
    const t = tai64n(space > 0 ? text.slice(0, space) : text);
    if (t === null) {
      event.kind = "unparsed";
      return;
    }
    time = t;
    text = text.slice(space + 1);
  } else {
    const head = parsed ?? syslogHead(text, year, SCRATCH);
    if (head !== null) {
      if (!head.program.startsWith("qmail")) {
        event.kind = "ignored";
        return;
      }
      relay = head.host;
      time = head.time;
      text = text.slice(head.textStart);
    }
  }
  // splogger and some multilog setups put the Unix time first.
  const unix = /^(\d{9,10}\.\d{1,9}) /.exec(text);
  if (unix) {
    time = Number(unix[1]);
    text = text.slice(unix[0].length);
  }
  if (Number.isNaN(time)) {
    event.kind = "unparsed";
    return;
  }
  event.time = time;
  event.relay = relay;
  event.scope = relay;
  event.relayAddress = "";
  const c = text.charCodeAt(0);
  if (c === 100 /* d */) {
    const m = DELIVERY.exec(text);
    if (m === null) {
      event.kind = text.startsWith("delivery") ? "unparsed" : "ignored";
      return;
    }
    const key = `${relay} ${m[1]}`;
    const open = state.deliveries.get(key);
    if (open === undefined) {
      event.kind = "ignored";
      return;
    }
    state.deliveries.delete(key);
    event.kind = "attempt";
    event.message = open.message;
    event.recipient = open.recipient;
    event.status = m[2] === "success" ? "sent" : m[2] === "failure" ? "bounced" : "deferred";
    // "/" ends qmail-remote's lines ("…accepted_message./Remote_host_said:…/"); inside URLs it stays.
    event.reply = m[3]
      .replace(/_/g, " ")
      .replace(/\/(?=[A-Z]|$)/g, " ")
      .trim();
    return;
  }
  if (c === 115 /* s */) {
    const m = START.exec(text);
    if (m === null || m[3] !== "remote") {
      event.kind = m === null && text.startsWith("starting") ? "unparsed" : "ignored";
      return;
    }
    if (state.deliveries.size >= QmailState.MAX_OPEN) {
      const oldest = state.deliveries.keys().next().value;
      if (oldest !== undefined) state.deliveries.delete(oldest);
    }
    // Copies: the state outlives the line (see detach).
    state.deliveries.set(`${relay} ${m[1]}`, { message: detach(m[2]), recipient: detach(m[4].toLowerCase()) });
    event.kind = "ignored";
    return;
  }
  if (c === 105 /* i */) {
    const m = INFO.exec(text);
    if (m === null) {
      event.kind = "ignored";
      return;
    }
    event.kind = "arrival";
    event.message = m[1];
    event.sender = m[2].toLowerCase();
    return;
  }
  const m = NEW_MSG.exec(text);
  if (m !== null && text.startsWith("end")) {
    event.kind = "done";
    event.message = m[1];
    return;
  }
  event.kind =
    m !== null || /^(status|running|exiting|alert|warning|bounce|triple)/.test(text) ? "ignored" : "unparsed";
}
