// Exim's main log (Exim spec, chapter "Log files"): "YYYY-MM-DD HH:MM:SS[.mmm] [+zone] [pid] ID FLAG …"
// with flags <= (arrival), => (delivery), -> (further recipient in the same delivery),
// ** (permanent failure), == (deferral), and "ID Completed". Fields: H=host [ip] (remote),
// I=[ip] (the outgoing interface, with log_selector = +outgoing_interface), R= router, T= transport,
// then ": SMTP error from remote mail server after …: 550 …" or C="250 …". Lines may also come
// through syslog ("… host exim[pid]: 2024-…" or without the inner stamp).
import type { LineEvent } from "./line-event.js";
import { type SyslogHead, syslogHead, utcSeconds } from "./syslog.js";

const SCRATCH: SyslogHead = { time: 0, host: "", program: "", textStart: 0 };

const STAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d{1,6})?(?: ([+-]\d{4}))?(?: \[\d+\])? /;
const ID = /^([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) (<=|=>|->|\*\*|==|Completed)/;
const INTERFACE = / I=\[([0-9a-fA-F.:]+)\]/;

/** Parse one Exim main-log line into `event`. */
export function parseEximLine(
  line: string,
  event: LineEvent,
  fallbackRelay: string,
  year = 1970,
  parsed: SyslogHead | null = null,
): void {
  let text = line;
  let relay = fallbackRelay;
  let time = Number.NaN;
  let m = STAMP.exec(text);
  if (m === null) {
    const head = parsed ?? syslogHead(line, year, SCRATCH);
    if (head === null || !head.program.startsWith("exim")) {
      event.kind = head === null ? "unparsed" : "ignored";
      return;
    }
    relay = head.host;
    text = line.slice(head.textStart);
    m = STAMP.exec(text);
    time = head.time;
    if (m !== null) text = text.slice(m[0].length);
  } else {
    text = text.slice(m[0].length);
  }
  if (m !== null) {
    time = utcSeconds(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[8] ?? "") + (m[7] ? Number(m[7]) : 0);
  }
  if (Number.isNaN(time)) {
    event.kind = "unparsed";
    return;
  }
  const id = ID.exec(text);
  if (id === null) {
    event.kind = "ignored";
    return;
  }
  event.time = time;
  event.message = id[1];
  event.relay = relay;
  event.scope = relay;
  event.relayAddress = "";
  const flag = id[2];
  if (flag === "Completed") {
    event.kind = "done";
    return;
  }
  const rest = text.slice(id[0].length + 1);
  const space = rest.indexOf(" ");
  const address = (space >= 0 ? rest.slice(0, space) : rest).replace(/^<|>$/g, "");
  if (flag === "<=") {
    event.kind = "arrival";
    event.sender = address === "<>" ? "" : address.toLowerCase();
    return;
  }
  // Deliveries to local mailboxes and pipes are not the relay pool's business: only those with H=.
  if (rest.indexOf(" H=") < 0) {
    event.kind = "ignored";
    return;
  }
  const iface = INTERFACE.exec(rest);
  event.relayAddress = iface ? iface[1] : "";
  if (iface) event.relay = iface[1];
  event.kind = "attempt";
  event.recipient = address.toLowerCase();
  event.status = flag === "**" ? "bounced" : flag === "==" ? "deferred" : "sent";
  const colon = rest.indexOf(": ");
  const c = / C="([^"]*)"/.exec(rest);
  event.reply = flag === "=>" || flag === "->" ? (c ? c[1] : "") : colon >= 0 ? rest.slice(colon + 2) : "";
}
