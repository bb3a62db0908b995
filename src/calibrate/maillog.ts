// Simulated attempts as the log lines a real MTA writes (`sim run --maillog`), so that
// `sim calibrate` can be tested on a pool whose truth is known. Formats as documented:
// Postfix qmgr/smtp lines behind an RFC 5424-style syslog head, Exim's main log with
// +millisec and +outgoing_interface (I=[…]), qmail-send via splogger (Unix time first).
// Rejection texts are the classifier's real wordings for each list. Browser-safe formatting.
import { listById } from "../classify/lists.js";
import type { AttemptRecord } from "../model/sink.js";

/** The formats `sim run --maillog` writes. */
export const MAILLOG_FORMATS = ["postfix", "exim", "qmail"] as const;
/** One of MAILLOG_FORMATS. */
export type MaillogFormat = (typeof MAILLOG_FORMATS)[number];

/** Simulated time 0 in the logs: 2026-03-02T00:00:00Z. */
export const MAILLOG_EPOCH = Date.UTC(2026, 2, 2) / 1000;

/** A relay's outgoing address: documentation ranges (RFC 5737) first, then 10/8. */
export function relayAddress(server: number): string {
  if (server < 240) return `192.0.2.${10 + server}`;
  if (server < 480) return `203.0.113.${server - 230}`;
  return `10.${(server >> 8) & 255}.${server & 255}.1`;
}

const relayHost = (server: number) => `relay${String(server).padStart(2, "0")}`;
const mxAddress = (domain: number) => `198.51.100.${(domain % 250) + 1}`;

/** Scenario list names that are not list ids but mean one. */
const ALIASES: Record<string, string> = {
  spamhaus: "spamhaus-zen",
  zen: "spamhaus-zen",
  uceprotect: "uceprotect-1",
  abuseat: "cbl",
};

/** postgrey's default greylisting reply as Postfix sends it (DOMAIN.md, "Greylisting"). */
function greylistText(rcpt: string, domain: number): string {
  return `451 4.7.1 <${rcpt}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/d${domain}.example.html`;
}

/** The rejection text a receiver consulting `listName` sends for relay address `ip`. */
export function rejectionText(listName: string, ip: string, permanent: boolean): string {
  const id = listById(listName)?.id ?? ALIASES[listName];
  const code = permanent ? "554 5.7.1" : "451 4.7.1";
  switch (id) {
    case "spamcop":
      return `${code} Service unavailable; Client host [${ip}] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?${ip}`;
    case "barracuda":
      return `${permanent ? "554" : "450 4.7.1"} Service unavailable; Client host [${ip}] blocked using Barracuda Reputation; http://bbl.barracudacentral.com/q.cgi?ip=${ip}`;
    case "microsoft":
      return `${permanent ? "550" : "451"} 5.7.606 Access denied, banned sending IP [${ip}]. To request removal from this list please visit https://sender.office.com/ and follow the directions.`;
    case undefined:
      break;
    default: {
      const zone = listById(id)?.zones[0];
      if (zone) return `${code} Service unavailable; Client host [${ip}] blocked using ${zone}`;
      break;
    }
  }
  const zone = listName.includes(".")
    ? listName
    : `${listName.toLowerCase().replace(/[^a-z0-9-]/g, "-")}.dnsbl.example`;
  return `${code} Service unavailable; Client host [${ip}] blocked using ${zone}`;
}

const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function base62(n: number, width: number): string {
  let s = "";
  let x = Math.floor(n);
  for (let i = 0; i < width; i++) {
    s = B62[x % 62] + s;
    x = Math.floor(x / 62);
  }
  return s;
}

function isoStamp(t: number): string {
  const ms = Math.floor(t * 1000);
  const micros = String(Math.floor((t * 1e6) % 1e6)).padStart(6, "0");
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}+00:00`;
}

function eximStamp(t: number): string {
  return new Date(Math.floor(t * 1000)).toISOString().slice(0, 23).replace("T", " ");
}

/** Messages whose relay the writer remembers (a retry on another relay moves the message): bounded. */
const MAX_HELD = 1_000_000;

/**
 * Formats one replication's attempts as log lines of one MTA. A blocklist 5xx the MTA requeues
 * (`mta.onBlocklist: "requeue"`, `requeueBlocklist`) is logged as that MTA logs a deferral
 * (Postfix status=deferred, Exim ==, qmail deferral:) with the list's 5xx reply, not as a bounce.
 * A retry through another relay than the last attempt's (a requeue, `mta.retryFrom: "pool"`, a
 * moved queue) leaves the first relay's queue and arrives in the other's, as each logs it.
 */
export class MaillogFormatter {
  private delivery = 0;
  /** The relay holding each message between a deferral and its retry (insertion order: oldest first). */
  private readonly holder = new Map<number, number>();

  constructor(
    readonly format: MaillogFormat,
    /** The scenario's list names, in `blacklists` order. */
    readonly lists: readonly string[],
    readonly epoch = MAILLOG_EPOCH,
    /** `mta.onBlocklist: "requeue"`: a blocklist 5xx is deferred (and retried elsewhere), not bounced. */
    readonly requeueBlocklist = false,
  ) {}

  /** The lines for one attempt, in order (an arrival line first for a new submission). */
  lines(r: Readonly<AttemptRecord>): string[] {
    const t = this.epoch + r.time;
    const submission = r.message * 16 + Math.min(15, r.submission);
    const sender = `s${r.sender}@customers.example`;
    const rcpt = `u${r.message}@d${r.domain}.example`;
    const mx = `mx.d${r.domain}.example`;
    const mxIp = mxAddress(r.domain);
    const ip = relayAddress(r.server);
    const delivered = r.outcome === "delivered";
    const rejected5xx = r.outcome === "rejected-5xx";
    // A requeued blocklist 5xx: the list's 5xx reply, logged as a deferral.
    const requeued = rejected5xx && this.requeueBlocklist && r.list >= 0;
    const permanent = rejected5xx && !requeued;
    const reply = delivered
      ? ""
      : r.outcome === "greylisted"
        ? greylistText(rcpt, r.domain)
        : rejectionText(this.lists[r.list] ?? "blocklist", ip, rejected5xx);
    const final = delivered || permanent;
    const out: string[] = [];
    // A retry through another relay: the message left the holder's queue and arrives in this one's.
    const from = r.kind === "retry" ? this.holder.get(r.message) : undefined;
    const moved = from !== undefined && from !== r.server;
    if (moved) out.push(...this.leave(r, from as number, t, submission));
    const newSubmission = r.kind !== "retry" || moved;
    this.holder.delete(r.message);
    if (!final) {
      if (this.holder.size >= MAX_HELD) this.holder.delete(this.holder.keys().next().value as number);
      this.holder.set(r.message, r.server);
    }
    switch (this.format) {
      case "postfix": {
        const head = `${isoStamp(t)} ${relayHost(r.server)}`;
        const qid = submission.toString(16).toUpperCase().padStart(10, "0");
        if (newSubmission)
          out.push(
            `${head} postfix/qmgr[${2000 + r.server}]: ${qid}: from=<${sender}>, size=2048, nrcpt=1 (queue active)`,
          );
        // (A requeued 5xx: Postfix's soft_bounce way, the DSN class 4 and the server's 5xx reply.)
        const dsn = delivered ? "2.0.0" : permanent ? "5.7.1" : "4.7.1";
        const status = delivered ? "sent" : permanent ? "bounced" : "deferred";
        const text = delivered
          ? `250 2.0.0 Ok: queued as ${base62(submission, 8)}`
          : `host ${mx}[${mxIp}] said: ${reply} (in reply to RCPT TO command)`;
        out.push(
          `${head} postfix/smtp[${3000 + r.server}]: ${qid}: to=<${rcpt}>, relay=${mx}[${mxIp}]:25, delay=1.2, delays=0.01/0.01/0.5/0.7, dsn=${dsn}, status=${status} (${text})`,
        );
        if (final) out.push(`${head} postfix/qmgr[${2000 + r.server}]: ${qid}: removed`);
        return out;
      }
      case "exim": {
        const stamp = eximStamp(t);
        const id = `${base62(submission, 6)}-${base62(r.server, 6)}-${base62(r.submission, 2)}`;
        if (newSubmission) {
          out.push(
            `${stamp} ${id} <= ${sender} H=webmail.customers.example [192.0.2.250] P=esmtpa S=2048 id=${submission}@customers.example`,
          );
        }
        const where = `R=dnslookup T=remote_smtp H=${mx} [${mxIp}] I=[${ip}]`;
        if (delivered)
          out.push(`${stamp} ${id} => ${rcpt} ${where} X=TLS1.3:TLS_AES_256_GCM_SHA384:256 C="250 2.0.0 OK"`);
        else if (permanent)
          out.push(
            `${stamp} ${id} ** ${rcpt} ${where}: SMTP error from remote mail server after RCPT TO:<${rcpt}>: ${reply}`,
          );
        else
          out.push(
            `${stamp} ${id} == ${rcpt} R=dnslookup T=remote_smtp defer (-44) H=${mx} [${mxIp}] I=[${ip}]: SMTP error from remote mail server after RCPT TO:<${rcpt}>: ${reply}`,
          );
        if (final) out.push(`${stamp} ${id} Completed`);
        return out;
      }
      default: {
        const head = `${isoStamp(t)} ${relayHost(r.server)} qmail: ${t.toFixed(6)}`;
        const msg = submission;
        const d = ++this.delivery;
        if (newSubmission) {
          out.push(`${head} new msg ${msg}`);
          out.push(`${head} info msg ${msg}: bytes 2048 from <${sender}> qp ${1000 + (msg % 30000)} uid 89`);
        }
        out.push(`${head} starting delivery ${d}: msg ${msg} to remote ${rcpt}`);
        const said = (text: string) => text.replace(/ /g, "_");
        if (delivered) out.push(`${head} delivery ${d}: success: ${mxIp}_accepted_message./Remote_host_said:_250_ok/`);
        else if (permanent)
          out.push(
            `${head} delivery ${d}: failure: ${mxIp}_does_not_like_recipient./Remote_host_said:_${said(reply)}/Giving_up_on_${mxIp}./`,
          );
        else
          out.push(
            `${head} delivery ${d}: deferral: ${mxIp}_does_not_like_recipient./Remote_host_said:_${said(reply)}/`,
          );
        if (final) out.push(`${head} end msg ${msg}`);
        return out;
      }
    }
  }

  /** The line(s) of relay `server` when the message leaves its queue at `t` (moved to another relay). */
  private leave(r: Readonly<AttemptRecord>, server: number, t: number, submission: number): string[] {
    switch (this.format) {
      case "postfix": {
        const qid = submission.toString(16).toUpperCase().padStart(10, "0");
        return [`${isoStamp(t)} ${relayHost(server)} postfix/qmgr[${2000 + server}]: ${qid}: removed`];
      }
      case "exim": {
        const id = `${base62(submission, 6)}-${base62(server, 6)}-${base62(r.submission, 2)}`;
        return [`${eximStamp(t)} ${id} Completed`];
      }
      default:
        return [`${isoStamp(t)} ${relayHost(server)} qmail: ${t.toFixed(6)} end msg ${submission}`];
    }
  }
}
