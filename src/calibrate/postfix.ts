// Postfix's log lines that calibration needs (the syslog head is in syslog.ts):
//   QID: from=<sender>, size=N, nrcpt=N (queue active)                     postfix/qmgr
//   QID: to=<rcpt>, relay=host[ip]:25, delay=…, dsn=X.Y.Z, status=sent|deferred|bounced (text)   postfix/smtp
//   QID: to=<rcpt>, …, status=expired, returned to sender                  postfix/qmgr
//   QID: removed                                                           postfix/qmgr
// (the formats of Postfix's qmgr_active.c / smtp_trouble.c / log_adhoc.c). The relay is told
// apart by the syslog host, and by the instance in a multi-instance name (postfix-out2/smtp).
import type { LineEvent } from "./line-event.js";
import { type SyslogHead, syslogHead } from "./syslog.js";

const QUEUE_ID = /^([0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,20}): /;
const TO =
  /^to=<([^>]*)>,(?: orig_to=<[^>]*>,)? relay=([^,]*),.*? status=(sent|deferred|bounced|expired)(?: \((.*)\))?/;
const FROM = /^from=<([^>]*)>/;
const SCRATCH: SyslogHead = { time: 0, host: "", program: "", textStart: 0 };

/** The relay name for a Postfix program: "postfix-out2/smtp" on host h → "h/postfix-out2". */
function relayName(host: string, program: string): string {
  const slash = program.indexOf("/");
  const syslogName = slash >= 0 ? program.slice(0, slash) : program;
  return syslogName === "postfix" ? host : `${host}/${syslogName}`;
}

/** Parse one Postfix line into `event` (kind "ignored" for lines that carry nothing we use). */
export function parsePostfixLine(
  line: string,
  event: LineEvent,
  _fallbackRelay: string,
  year = 1970,
  parsed: SyslogHead | null = null,
): void {
  const head = parsed ?? syslogHead(line, year, SCRATCH);
  if (head === null) {
    event.kind = "unparsed";
    return;
  }
  if (!head.program.startsWith("postfix")) {
    event.kind = "ignored";
    return;
  }
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
