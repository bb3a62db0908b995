// Reading a log in one thread and keeping the evidence in another (reader.ts runs the first in a
// worker): the reading side splits lines and runs Postfix's byte reader (postfix-bytes.ts) on
// them, writing each line as a record of numbers (its kind, stamp, relay and where its fields lie
// in the chunk's text); the other side gets the chunk's text with its records and cuts from it
// exactly the strings `Calibrator.lineAt` would have cut. Lines the byte reader does not take go
// over as lines and take the string path there. So the events, their order and the calibration
// are those of reading in one thread (test/calibrate/batch.test.ts compares them). Browser-safe.

import { LIMITS, NAME_UNKNOWN } from "./evidence.js";
import type { LogFormat } from "./formats.js";
import { ByteNames } from "./names.js";
import { NOT_TAKEN, OTHER, PostfixBytes, PostfixSpans, SPAN_ARRIVAL, SPAN_BARE_IGNORED } from "./postfix-bytes.js";
import type { Calibrator } from "./run.js";

/** Record codes past PostfixSpans' codes (0–5): a line for the string path, cut from a text or given whole; a line the byte reader threw on. */
const LINE_AT = 10;
const LINE = 11;
const UNPARSED_AT = 12;

/** Numbers per record. */
const STRIDE = 15;
// Offsets in a record.
const CODE = 0;
const NUMBER = 1;
/** The line: text offsets (LINE_AT, UNPARSED_AT and spans), or its index in `lines` (LINE). */
const START = 2;
const END = 3;
const TEXT = 4;
const TIME = 5;
const RELAY = 6;
const ID_START = 7;
const ID_END = 8;
const FIELD_START = 9;
const FIELD_END = 10;
/** fieldUpper (1) | counted as a Postfix line (2) | status × 4. */
const FLAGS = 11;
const REPLY_START = 12;
const REPLY_END = 13;
/**
 * An arrival's sender number in the writer's table (−1: not numbered). Recipient domains are
 * not numbered here: looking them up on the evidence's side balances the two threads' work.
 */
const NAME = 14;

/** One chunk's worth of lines as records: what crosses between the threads (`records` is transferable). */
export interface Batch {
  /** Index of the file in the pass's list. */
  file: number;
  /** STRIDE numbers per line, `count` lines. */
  records: Float64Array;
  count: number;
  /**
   * The ASCII bytes of the chunks whose text the records' offsets point into (copies the reader
   * may transfer; the text is their Latin-1, here ASCII, decoding).
   */
  sources: Uint8Array[];
  /** Lines given whole (from chunks that are not ASCII, or that were carried across chunks). */
  lines: string[];
  /** Relays first named in this batch: [relay number, name, …]. */
  relays: (number | string)[];
  /** Senders first numbered in this batch: [number, name, …]. */
  senders: (number | string)[];
}

/** The reading side: lines in, batches out. One per pass (the byte reader starts afresh, as a Calibrator's does). */
export class BatchWriter {
  private readonly bytes = new PostfixBytes();
  private readonly fast: boolean;
  private records: Float64Array;
  private count = 0;
  /** The chunks' bytes (views, copied at `take`) and the text last seen. */
  private views: Uint8Array[] = [];
  private lastText: string | null = null;
  /** Records arrays handed back by the other side, for the next batches. */
  private spareRecords: Float64Array[] = [];
  /** Buffers handed back by the other side, for the next copies. */
  private spare: ArrayBuffer[] = [];
  private lines: string[] = [];
  private relays: (number | string)[] = [];
  private senders: (number | string)[] = [];
  private readonly senderNames = new ByteNames(LIMITS.keys);
  /** Relay numbers already sent. */
  private readonly named: boolean[] = [];
  private file = 0;

  constructor(
    private readonly format: LogFormat,
    records: Float64Array = new Float64Array(STRIDE * 4096),
  ) {
    this.fast = format === "auto" || format === "postfix";
    this.records = records;
  }

  /** The file the next lines belong to (its index in the pass's list); call `take` before changing it. */
  setFile(file: number): void {
    this.file = file;
  }

  /** Lines written since the last `take`. */
  get pending(): number {
    return this.count;
  }

  /** Reuse a records array the other side is done with (else a new one is allocated). */
  recycle(records: Float64Array, sources: readonly Uint8Array[] = []): void {
    for (const s of sources) if (this.spare.length < 8) this.spare.push(s.buffer as ArrayBuffer);
    if (this.spareRecords.length < 8) this.spareRecords.push(records);
  }

  /** A line as forEachLine's `onAscii` gives it: what `Calibrator.lineAt(file, …)` takes. */
  lineAt(bytes: Uint8Array, text: string, start: number, end: number, number: number): void {
    if (start === end) return;
    const r = this.slot(number, text, bytes);
    const records = this.records;
    records[r + START] = start;
    records[r + END] = end;
    if (!this.fast) {
      records[r + CODE] = LINE_AT;
      return;
    }
    let taken: number;
    try {
      taken = this.bytes.scan(bytes, text, start, end);
    } catch {
      records[r + CODE] = UNPARSED_AT;
      return;
    }
    if (taken === NOT_TAKEN) {
      records[r + CODE] = LINE_AT;
      return;
    }
    const s = this.bytes.spans;
    records[r + CODE] = s.code;
    records[r + TIME] = s.time;
    const relay = s.relayId;
    records[r + RELAY] = relay;
    if (this.named[relay] !== true && s.code !== SPAN_BARE_IGNORED) {
      this.named[relay] = true;
      this.relays.push(relay, s.relay);
    }
    records[r + ID_START] = s.idStart;
    records[r + ID_END] = s.idEnd;
    records[r + FIELD_START] = s.fieldStart;
    records[r + FIELD_END] = s.fieldEnd;
    records[r + FLAGS] =
      (s.fieldUpper ? 1 : 0) | (taken !== OTHER || this.format === "postfix" ? 2 : 0) | (s.status << 2);
    records[r + REPLY_START] = s.replyStart;
    records[r + REPLY_END] = s.replyEnd;
    if (s.code === SPAN_ARRIVAL) {
      // No closing ">": the sender is "" (numbered as the empty name).
      const none = s.fieldStart < 0;
      const from = none ? 0 : s.fieldStart;
      const to = none ? 0 : s.fieldEnd;
      const id = this.senderNames.number(bytes, from, to);
      if (this.senderNames.added) this.senders.push(id, lowerCut(text, from, to, s.fieldUpper));
      records[r + NAME] = id;
    }
  }

  /** A line as forEachLine's `onLine` gives it: what `Calibrator.line(file, …)` takes. */
  line(line: string, number: number): void {
    if (line === "") return;
    const r = this.slot(number, null, null);
    this.records[r + CODE] = LINE;
    this.records[r + START] = this.lines.length;
    this.lines.push(line);
  }

  /** The lines written since the last call (their records array is handed over: do not reuse it until recycled). */
  take(): Batch {
    const batch: Batch = {
      file: this.file,
      records: this.records,
      count: this.count,
      sources: this.views.map((v) => this.copy(v)),
      lines: this.lines,
      relays: this.relays,
      senders: this.senders,
    };
    // The next records go to a spare array (one the other side handed back), else a new one of the same size.
    this.records = this.spareRecords.pop() ?? new Float64Array(batch.records.length);
    this.count = 0;
    this.views = [];
    this.lastText = null;
    this.lines = [];
    this.relays = [];
    this.senders = [];
    return batch;
  }

  /** The offset of a new record for line `number` of `text` (null: none). */
  /** A copy of `view` in a spare buffer if one is large enough. */
  private copy(view: Uint8Array): Uint8Array {
    let buffer: ArrayBuffer | undefined;
    for (let i = 0; i < this.spare.length; i++) {
      if (this.spare[i].byteLength >= view.length) {
        buffer = this.spare[i];
        this.spare[i] = this.spare[this.spare.length - 1];
        this.spare.pop();
        break;
      }
    }
    const out = new Uint8Array(buffer ?? new ArrayBuffer(Math.max(view.length, 1 << 20)), 0, view.length);
    out.set(view);
    return out;
  }

  private slot(number: number, text: string | null, bytes: Uint8Array | null): number {
    if ((this.count + 1) * STRIDE > this.records.length) {
      const grown = new Float64Array(Math.max(STRIDE * 4096, this.records.length * 2));
      grown.set(this.records.subarray(0, this.count * STRIDE));
      this.records = grown;
    }
    const r = this.count++ * STRIDE;
    this.records[r + NUMBER] = number;
    if (text !== null) {
      if (text !== this.lastText) {
        this.views.push(bytes as Uint8Array);
        this.lastText = text;
      }
      this.records[r + TEXT] = this.views.length - 1;
    }
    return r;
  }
}

/** The evidence side: batches in order, into a Calibrator. One per pass, like the writer. */
export class BatchReader {
  private readonly relays: string[] = [];
  private readonly spans = new PostfixSpans();
  /** The writer's sender numbers → their names, and → the evidence's indices (once asked). */
  private readonly senderNames: string[] = [];
  private readonly senderIndex: number[] = [];

  constructor(
    private readonly calibrator: Calibrator,
    /** The pass's files, as the batches number them. */
    private readonly files: readonly string[],
    /** ASCII bytes → their text (reader.ts gives Buffer's Latin-1 decoding, faster than TextDecoder). */
    private readonly decode: (bytes: Uint8Array) => string = (bytes) => LATIN1.decode(bytes),
  ) {}

  /** Feed a batch's lines to the Calibrator, as `lineAt` and `line` would have been called. */
  read(batch: Batch): void {
    const { records, count, lines } = batch;
    const texts = batch.sources.map(this.decode);
    const file = this.files[batch.file];
    named(batch.relays, this.relays);
    named(batch.senders, this.senderNames);
    const c = this.calibrator;
    const s = this.spans;
    for (let i = 0, r = 0; i < count; i++, r += STRIDE) {
      const code = records[r + CODE];
      const number = records[r + NUMBER];
      if (code === LINE) {
        c.line(file, lines[records[r + START]], number);
        continue;
      }
      const text = texts[records[r + TEXT]];
      const start = records[r + START];
      const end = records[r + END];
      if (code === LINE_AT) {
        c.line(file, text.slice(start, end), number);
        continue;
      }
      if (code === UNPARSED_AT) {
        c.unparsedLine(file, text.slice(start, end), number);
        continue;
      }
      s.code = code;
      s.time = records[r + TIME];
      if (code !== SPAN_BARE_IGNORED) s.relay = this.relays[records[r + RELAY]];
      s.idStart = records[r + ID_START];
      s.idEnd = records[r + ID_END];
      s.fieldStart = records[r + FIELD_START];
      s.fieldEnd = records[r + FIELD_END];
      const flags = records[r + FLAGS];
      s.fieldUpper = (flags & 1) !== 0;
      s.status = flags >> 2;
      s.replyStart = records[r + REPLY_START];
      s.replyEnd = records[r + REPLY_END];
      // The name's index, asked of the evidence when this line would have asked for it first.
      let name = NAME_UNKNOWN;
      if (code === SPAN_ARRIVAL) {
        const id = records[r + NAME];
        if (id >= 0) {
          name = this.senderIndex[id];
          if (name === undefined) name = this.senderIndex[id] = c.senderIndex(this.senderNames[id]);
        }
      }
      c.spansAt(file, s, (flags & 2) !== 0, text, start, end, number, name);
    }
  }
}

const LATIN1 = new TextDecoder("latin1");

/** The buffers a batch can hand over to another thread instead of copying them. */
export function transfers(batch: Batch): ArrayBuffer[] {
  return [batch.records.buffer as ArrayBuffer, ...batch.sources.map((s) => s.buffer as ArrayBuffer)];
}

/** Record [number, name, …] pairs into `names`. */
function named(pairs: (number | string)[], names: string[]): void {
  for (let k = 0; k < pairs.length; k += 2) names[pairs[k] as number] = pairs[k + 1] as string;
}

/** text.slice(from, to), lower-cased when it holds an upper-case letter. */
function lowerCut(text: string, from: number, to: number, upper: boolean): string {
  const s = text.slice(from, to);
  return upper ? s.toLowerCase() : s;
}
