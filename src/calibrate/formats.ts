// Which parser reads a line: a fixed format, or "auto", which dispatches per line on its shape
// (a multilog "@4000…" stamp → qmail; "YYYY-MM-DD HH:MM:SS" → Exim; a syslog head → the program
// named in it), so that an aggregate of several MTAs' logs is read too.
import { parseEximLine } from "./exim.js";
import type { LineEvent } from "./line-event.js";
import { parsePostfixLine } from "./postfix.js";
import { NOT_TAKEN, OTHER, PostfixBytes } from "./postfix-bytes.js";
import { parseQmailLine, QmailState } from "./qmail.js";
import { type SyslogHead, syslogHead } from "./syslog.js";

/** The log formats `sim calibrate --format` takes; "auto" decides per line. */
export const LOG_FORMATS = ["auto", "postfix", "exim", "qmail"] as const;
/** One of LOG_FORMATS. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Reads lines of one format (or any, with "auto"); keeps the little state qmail needs. */
export class LineReader {
  private readonly qmail = new QmailState();
  private readonly head: SyslogHead = { time: 0, host: "", program: "", textStart: 0 };
  private readonly bytes = new PostfixBytes();
  /** Lines read by each parser (auto), for the report. */
  readonly byFormat = { postfix: 0, exim: 0, qmail: 0 };

  /**
   * Read the line text.slice(start, end) of an ASCII chunk without CR whose bytes are `bytes`
   * (same offsets): Postfix lines with RFC 3339 stamps go the byte-level fast path
   * (postfix-bytes.ts), every other line the string path (`read`), with the same events.
   */
  readAt(bytes: Uint8Array, text: string, start: number, end: number, event: LineEvent, fallbackRelay: string): void {
    if (this.format === "auto" || this.format === "postfix") {
      const taken = this.bytes.read(bytes, text, start, end, event);
      if (taken !== NOT_TAKEN) {
        if (taken !== OTHER || this.format === "postfix") this.byFormat.postfix++;
        return;
      }
    }
    this.read(text.slice(start, end), event, fallbackRelay);
  }

  constructor(
    readonly format: LogFormat,
    /** Year for RFC 3164 syslog stamps, which have none. */
    readonly year: number,
  ) {}

  read(line: string, event: LineEvent, fallbackRelay: string): void {
    switch (this.format) {
      case "postfix":
        this.byFormat.postfix++;
        parsePostfixLine(line, event, fallbackRelay, this.year);
        return;
      case "exim":
        this.byFormat.exim++;
        parseEximLine(line, event, fallbackRelay, this.year);
        return;
      case "qmail":
        this.byFormat.qmail++;
        parseQmailLine(line, event, fallbackRelay, this.qmail, this.year);
        return;
      default:
        this.auto(line, event, fallbackRelay);
    }
  }

  private auto(line: string, event: LineEvent, fallbackRelay: string): void {
    const c = line.charCodeAt(0);
    if (c === 64 /* @ */) {
      this.byFormat.qmail++;
      parseQmailLine(line, event, fallbackRelay, this.qmail, this.year);
      return;
    }
    if (c >= 48 && c <= 57 && line.charCodeAt(10) === 32) {
      // "2024-03-01 10:00:00": Exim's own stamp; "1487706780.690765 …": qmail via splogger.
      if (line.charCodeAt(4) === 45) {
        this.byFormat.exim++;
        parseEximLine(line, event, fallbackRelay, this.year);
        return;
      }
      this.byFormat.qmail++;
      parseQmailLine(line, event, fallbackRelay, this.qmail, this.year);
      return;
    }
    const head = syslogHead(line, this.year, this.head);
    if (head === null) {
      event.kind = "unparsed";
      return;
    }
    if (head.program.startsWith("postfix")) {
      this.byFormat.postfix++;
      parsePostfixLine(line, event, fallbackRelay, this.year, head);
      return;
    }
    if (head.program.startsWith("qmail")) {
      this.byFormat.qmail++;
      parseQmailLine(line, event, fallbackRelay, this.qmail, this.year, head);
      return;
    }
    if (head.program.startsWith("exim")) {
      this.byFormat.exim++;
      parseEximLine(line, event, fallbackRelay, this.year, head);
      return;
    }
    event.kind = "ignored";
  }
}
