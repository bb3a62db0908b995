// Driving a calibration: the log lines through the parsers into the evidence (one pass when the
// lines come in time order, else a second one), then the estimates and the calibrated scenario. Browser-safe: lines come from the caller, either as
// arrays (`calibrateLines`, for notebooks and tests) or streamed from files by reader.ts
// (`calibrateFiles`, which `sim calibrate` uses), so both go through this one implementation.
import { parseScenario } from "../scenario/parse.js";
import { type Calibration, calibrate, calibratedScenario } from "./estimate.js";
import { Evidence } from "./evidence.js";
import { LineReader, LOG_FORMATS, type LogFormat } from "./formats.js";
import { type LineEvent, newLineEvent } from "./line-event.js";
import { fillEvent, type PostfixSpans } from "./postfix-bytes.js";

/** Longest line kept whole, as reader.ts cuts lines read from files. */
const MAX_LINE = 64 * 1024;

/** Options of a calibration; the defaults are those of `sim calibrate`. */
export interface CalibrateOptions {
  /** Log format; "auto" (the default) decides per line. */
  format?: LogFormat;
  /** Year of classic syslog stamps, which have none (default: this year, UTC). */
  year?: number;
  /** The calibrated scenario's name (default "calibrated"). */
  name?: string;
  /**
   * Read the lines twice even when they come in time order (default false): the reference way,
   * which one pass must agree with (tests compare the two).
   */
  twoPasses?: boolean;
}

/** What a calibration gives: the estimates, and a scenario of the pool (schema-valid JSON) that carries them. */
export interface CalibrateResult {
  calibration: Calibration;
  /** Plain JSON as `sim calibrate --out` writes it: give it to `parseScenario`, `runScenario` or `advise`. */
  scenario: Record<string, unknown>;
}

/** Options or logs a calibration cannot use: no delivery attempt found, a bad name, year or format. */
export class CalibrateError extends Error {
  override name = "CalibrateError";
}

/** The relay a file's lines belong to when the lines do not say: "relay3/current" → "relay3"; "mail.log.2.gz" → "mail.log". */
export function relayFromPath(file: string): string {
  const parts = file.split(/[/\\]+/).filter((p) => p !== "");
  const name = parts.at(-1) ?? file;
  if (name === "current" || name.startsWith("@")) return parts.at(-2) ?? name;
  return name.replace(/(\.gz)$/, "").replace(/([.-]\d+|[.-]\d{8})$/, "") || name;
}

function checkedOptions(options: CalibrateOptions): Required<CalibrateOptions> {
  const format = options.format ?? "auto";
  if (!(LOG_FORMATS as readonly string[]).includes(format))
    throw new CalibrateError(`format ${String(format)}: expected one of ${LOG_FORMATS.join(", ")}`);
  const name = options.name ?? "calibrated";
  if (typeof name !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(name))
    throw new CalibrateError(`name ${String(name)}: expected lower-case letters, digits, '.', '_' and '-'`);
  const year = options.year ?? new Date().getUTCFullYear();
  if (!Number.isSafeInteger(year) || year < 1970 || year > 9999)
    throw new CalibrateError(`year ${String(options.year)}: expected a year`);
  return { format, name, year, twoPasses: options.twoPasses === true };
}

/**
 * One calibration in progress: call `line` for every line of every file; then, if
 * `needsSecondPass()`, call `secondPass()` and `line` for the same lines again; then `finish()`.
 */
export class Calibrator {
  private readonly options: Required<CalibrateOptions>;
  private readonly evidence = new Evidence();
  private reader: LineReader;
  private readonly event: LineEvent = newLineEvent();
  private formats: Record<string, number> | null = null;
  private readonly fallbacks = new Map<string, string>();

  constructor(options: CalibrateOptions = {}) {
    this.options = checkedOptions(options);
    this.reader = new LineReader(this.options.format, this.options.year);
  }

  /** The log format it reads (what a reading thread must parse: reader.ts's readLogs). */
  get format(): LogFormat {
    return this.options.format;
  }

  /** Feed one line of `file` (1-based `number`, no terminator). A garbled line is counted, never thrown. */
  line(file: string, text: string, number: number): void {
    if (text === "") return;
    const event = this.event;
    try {
      event.kind = "ignored";
      this.reader.read(text, event, this.fallbackRelay(file));
    } catch {
      event.kind = "unparsed";
    }
    if (event.kind === "unparsed") this.evidence.noteUnparsed(file, number, text);
    else this.evidence.add(event);
  }

  /** The relay a line without a host of its own belongs to: the one its file's name suggests. */
  private fallbackRelay(file: string): string {
    let fallback = this.fallbacks.get(file);
    if (fallback === undefined) {
      fallback = relayFromPath(file);
      this.fallbacks.set(file, fallback);
    }
    return fallback;
  }

  private secondNeeded: boolean | null = null;
  private secondStarted = false;

  /**
   * End the first pass: must the same lines be read again? Only when they came out of time order
   * (or `twoPasses` was asked for); else the evidence is complete.
   */
  needsSecondPass(): boolean {
    if (this.secondNeeded === null) {
      this.formats = { ...this.reader.byFormat };
      this.secondNeeded = this.options.twoPasses || this.evidence.endPass1();
    }
    return this.secondNeeded;
  }

  /**
   * Feed the line text.slice(start, end) of an ASCII chunk without CR, whose bytes are `bytes`
   * (the same offsets): the same as `line(file, text.slice(start, end), number)`, faster.
   */
  lineAt(file: string, bytes: Uint8Array, text: string, start: number, end: number, number: number): void {
    if (start === end) return;
    const event = this.event;
    try {
      event.kind = "ignored";
      this.reader.readAt(bytes, text, start, end, event, this.fallbackRelay(file));
    } catch {
      event.kind = "unparsed";
    }
    if (event.kind === "unparsed") this.evidence.noteUnparsed(file, number, text.slice(start, end));
    else this.evidence.add(event);
  }

  /**
   * Feed a line the Postfix byte reader took on another thread (batch.ts): its fields as offsets
   * into `text`, the line text.slice(start, end); `counted` when `lineAt` would have counted it
   * as Postfix's; `name` the index of an arrival's sender (`senderIndex`), of an attempt's
   * recipient domain (`domainIndex`), or NAME_UNKNOWN. The same as `lineAt` on that line.
   */
  spansAt(
    file: string,
    spans: PostfixSpans,
    counted: boolean,
    text: string,
    start: number,
    end: number,
    number: number,
    name: number,
  ): void {
    if (counted) this.reader.byFormat.postfix++;
    const event = this.event;
    fillEvent(spans, text, event);
    if (event.kind === "unparsed") this.evidence.noteUnparsed(file, number, text.slice(start, end));
    else this.evidence.add(event, name);
  }

  /** The index the evidence gives a sender (lower-cased): what `spansAt` takes as an arrival's `name`. */
  senderIndex(sender: string): number {
    return this.evidence.senderIndex(sender);
  }

  /** The index the evidence gives a recipient domain (lower-cased): what `spansAt` takes as an attempt's `name`. */
  domainIndex(domain: string): number {
    return this.evidence.domainIndex(domain);
  }

  /** Feed a line a parser threw on (on another thread: batch.ts): counted as not understood, as `lineAt` does. */
  unparsedLine(file: string, text: string, number: number): void {
    this.evidence.noteUnparsed(file, number, text);
  }

  /** Start the second pass over the same lines (the parsers start afresh). */
  secondPass(): void {
    if (!this.needsSecondPass()) throw new Error("Calibrator: secondPass() when one pass was enough");
    if (this.secondStarted) throw new Error("Calibrator: secondPass() called twice");
    this.secondStarted = true;
    this.evidence.startPass2();
    this.reader = new LineReader(this.options.format, this.options.year);
  }

  /** The estimates and the scenario; throws CalibrateError when the logs held no delivery attempt. */
  finish(files: readonly string[]): CalibrateResult {
    if (this.needsSecondPass() && !this.secondStarted) throw new Error("Calibrator: finish() before secondPass()");
    if (this.formats === null) throw new Error("Calibrator: no formats");
    const e = this.evidence;
    if (e.attempts === 0) {
      throw new CalibrateError(
        `${files.join(", ")}: no delivery attempts found in ${e.lines} lines (${e.unparsed.count} not understood${e.unparsed.samples.length ? `, e.g. ${JSON.stringify(e.unparsed.samples[0].text)}` : ""}); expected Postfix smtp, Exim or qmail-send lines`,
      );
    }
    const calibration = calibrate(e, [...files], this.formats);
    const scenario = calibratedScenario(calibration, this.options.name);
    // The scenario must be one `sim run` accepts: validate it before anyone writes or runs it.
    parseScenario(scenario, `calibrated scenario ${this.options.name}`);
    return { calibration, scenario };
  }
}

/** Split a log text into lines (LF or CRLF). */
function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/**
 * Calibrate from log lines in memory: one log (a text or its lines, read as file "log") or
 * several (file name → text or lines; the name stands for the relay when the lines do not say).
 */
export function calibrateLines(
  logs: string | readonly string[] | Readonly<Record<string, string | readonly string[]>>,
  options: CalibrateOptions = {},
): CalibrateResult {
  const named: Record<string, string | readonly string[]> =
    typeof logs === "string" || Array.isArray(logs)
      ? { log: logs as string | readonly string[] }
      : (logs as Record<string, string | readonly string[]>);
  const files = Object.keys(named);
  const lines = files.map((f) => {
    const v = named[f];
    return typeof v === "string" ? linesOf(v) : v;
  });
  const c = new Calibrator(options);
  const pass = () => {
    files.forEach((file, i) => {
      lines[i].forEach((line, j) => {
        c.line(file, line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line, j + 1);
      });
    });
  };
  pass();
  if (c.needsSecondPass()) {
    c.secondPass();
    pass();
  }
  return c.finish(files);
}
