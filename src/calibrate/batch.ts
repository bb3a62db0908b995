// Reading a log in one thread and keeping the evidence in another (reader.ts runs the first in a
// worker): the reading side splits lines and runs Postfix's byte reader (postfix-bytes.ts) on
// them, writing each line as a record of numbers (its kind, stamp, relay) and copying the few
// bytes the evidence reads (queue id, recipient lower-cased, a rejection's reply; a whole line
// only for the string path) into one small buffer per batch, where the record says they lie; the
// other side decodes that buffer once and cuts from it exactly the strings `Calibrator.lineAt`
// would have cut. Lines the byte reader does not take go
// over as lines and take the string path there. So the events, their order and the calibration
// are those of reading in one thread (test/calibrate/batch.test.ts compares them). Browser-safe.

import { LIMITS, NAME_UNKNOWN } from "./evidence.js";
import type { LogFormat } from "./formats.js";
import { ByteNames } from "./names.js";
import {
  ascii,
  NOT_TAKEN,
  OTHER,
  PostfixBytes,
  PostfixSpans,
  SPAN_ARRIVAL,
  SPAN_ATTEMPT,
  SPAN_BARE_IGNORED,
  SPAN_IGNORED,
  SPAN_UNPARSED,
} from "./postfix-bytes.js";
import type { Calibrator } from "./run.js";

/** Record codes past PostfixSpans' codes (0–5): a line for the string path, cut from a text or given whole; a line the byte reader threw on. */
const LINE_AT = 10;
const LINE = 11;
const UNPARSED_AT = 12;

/**
 * 32-bit integers per record: 12 of them, then two 64-bit floats (the line's number and the
 * stamp) in the same buffer, read through a Float64Array view: 64 bytes, one cache line a line.
 */
const STRIDE = 16;
// Integer offsets in a record.
const CODE = 0;
/** counted as a Postfix line (2) | status × 4 (fields are copied lower-cased). */
const FLAGS = 1;
/** The line: offsets in the batch's text (LINE_AT, UNPARSED_AT, SPAN_UNPARSED), or its index in `lines` (LINE). */
const START = 2;
const END = 3;
const RELAY = 4;
const ID_START = 5;
const ID_END = 6;
const FIELD_START = 7;
const FIELD_END = 8;
const REPLY_START = 9;
const REPLY_END = 10;
/** An arrival's sender number, or an attempt's recipient domain number, in the writer's tables (−1: not numbered). */
const NAME = 11;
// Float64 offsets in a record (record r's floats start at r / 2): the line's number, the stamp.
const NUMBER = 6;
const TIME = 7;

/** The Float64Array view of a records array (its two floats a record). */
function floatsOf(records: Int32Array): Float64Array {
  return new Float64Array(records.buffer, records.byteOffset, records.length >> 1);
}

/** One chunk's worth of lines as records: what crosses between the threads (`records` is transferable). */
export interface Batch {
  /** Index of the file in the pass's list. */
  file: number;
  /** STRIDE 32-bit numbers per line (two of them 64-bit floats), `count` lines. */
  records: Int32Array;
  count: number;
  /**
   * The ASCII bytes the records' offsets point into (the fields the evidence reads, copied from
   * the chunks; its buffer may be transferred): the text is their Latin-1, here ASCII, decoding.
   */
  text: Uint8Array;
  /** Lines given whole (from chunks that are not ASCII, or that were carried across chunks). */
  lines: string[];
  /** Relays first named in this batch: their numbers and names. */
  relays: Named;
  /**
   * Senders first numbered in this batch, each followed by "\n" (a name holds none): the writer
   * numbers names 0, 1, 2… in the order first seen, so the next numbers in order. (A string, not
   * an array of them: a fresh array of strings costs the writer's compiled code a deoptimisation.)
   */
  senders: string;
  /** Recipient domains first numbered in this batch, as `senders`. */
  domains: string;
}

/** The reading side: lines in, batches out. One per pass (the byte reader starts afresh, as a Calibrator's does). */
export class BatchWriter {
  private readonly bytes = new PostfixBytes();
  private readonly fast: boolean;
  private records: Int32Array;
  /** The same buffer's floats. */
  private floats: Float64Array;
  private count = 0;
  /** The copied fields' bytes, `used` of them. */
  private out: Uint8Array;
  private outView: DataView;
  /** A view of the chunk last copied from, and the chunk. */
  private inView: DataView = new DataView(new ArrayBuffer(0));
  private inOf: Uint8Array | null = null;
  private used = 0;
  /** Records arrays handed back by the other side, for the next batches. */
  private spareRecords: Int32Array[] = [];
  /** Text buffers handed back by the other side, for the next batches. */
  private spare: Uint8Array[] = [];
  private lines: string[] = [];
  private relays: Named = named();
  private senders = "";
  private domains = "";
  private readonly senderNames = new ByteNames(LIMITS.keys);
  private readonly domainNames = new ByteNames(LIMITS.keys);
  /** Relay numbers already sent. */
  private readonly named: boolean[] = [];
  private file = 0;

  constructor(
    private readonly format: LogFormat,
    records: Int32Array = new Int32Array(STRIDE * 4096),
    /** The text buffer's first size (it grows as a batch needs). */
    textBytes = 1 << 18,
  ) {
    this.fast = format === "auto" || format === "postfix";
    this.records = records;
    this.floats = floatsOf(records);
    this.out = new Uint8Array(textBytes);
    this.outView = new DataView(this.out.buffer);
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
  recycle(records: Int32Array, text?: Uint8Array): void {
    if (text !== undefined && this.spare.length < 8) this.spare.push(new Uint8Array(text.buffer));
    if (this.spareRecords.length < 8) this.spareRecords.push(records);
  }

  /**
   * A line as forEachLine's `onAscii` gives it: what `Calibrator.lineAt(file, …)` takes. Only
   * the bytes are read (forEachLine's reading thread passes "" as the text).
   */
  lineAt(bytes: Uint8Array, _text: string, start: number, end: number, number: number): void {
    if (start === end) return;
    const r = this.slot(number);
    const records = this.records;
    if (!this.fast) {
      this.whole(r, LINE_AT, bytes, start, end);
      return;
    }
    let taken: number;
    try {
      taken = this.bytes.scan(bytes, start, end);
    } catch {
      this.whole(r, UNPARSED_AT, bytes, start, end);
      return;
    }
    if (taken === NOT_TAKEN) {
      this.whole(r, LINE_AT, bytes, start, end);
      return;
    }
    const s = this.bytes.spans;
    const code = s.code;
    records[r + CODE] = code;
    records[r + FLAGS] = (taken !== OTHER || this.format === "postfix" ? 2 : 0) | (s.status << 2);
    if (code === SPAN_BARE_IGNORED) return;
    this.floats[(r >> 1) + TIME] = s.time;
    const relay = s.relayId;
    records[r + RELAY] = relay;
    if (this.named[relay] !== true) {
      this.named[relay] = true;
      this.relays.ids.push(relay);
      this.relays.names.push(s.relay);
    }
    // What fillEvent cuts: the queue id (not for a line the evidence ignores), the field, a
    // rejection's reply; the whole line when it is counted as not understood.
    if (code === SPAN_IGNORED) return;
    if (code === SPAN_UNPARSED) {
      const at = this.used;
      this.put(bytes, start, end, false);
      records[r + START] = at;
      records[r + END] = this.used;
    }
    records[r + ID_START] = this.used;
    this.put(bytes, s.idStart, s.idEnd, false);
    records[r + ID_END] = this.used;
    if (code === SPAN_ARRIVAL) {
      // No closing ">": the sender is "" (numbered as the empty name).
      const none = s.fieldStart < 0;
      const from = none ? 0 : s.fieldStart;
      const to = none ? 0 : s.fieldEnd;
      // (The byte reader noted whether the field holds an upper-case letter: if not, nothing to lower-case.)
      const id = this.senderNames.number(bytes, from, to, none || !s.fieldUpper);
      records[r + NAME] = id;
      if (this.senderNames.added) this.senders += `${lowerAscii(bytes, from, to)}\n`;
      if (id >= 0) {
        // The name's number stands for the sender: nothing to cut.
        records[r + FIELD_START] = records[r + FIELD_END] = -1;
        return;
      }
    }
    if (code === SPAN_ARRIVAL || code === SPAN_ATTEMPT) {
      if (s.fieldStart < 0) records[r + FIELD_START] = records[r + FIELD_END] = -1;
      else {
        records[r + FIELD_START] = this.used;
        this.put(bytes, s.fieldStart, s.fieldEnd, s.fieldUpper);
        records[r + FIELD_END] = this.used;
      }
    }
    if (code === SPAN_ATTEMPT) {
      // The recipient's domain (after its last "@"; "" without one), numbered as the evidence would index it.
      let at = s.fieldEnd - 1;
      while (at >= s.fieldStart && bytes[at] !== 64) at--;
      const from = at >= s.fieldStart ? at + 1 : s.fieldEnd;
      const id = this.domainNames.number(bytes, from, s.fieldEnd, !s.fieldUpper);
      records[r + NAME] = id;
      if (this.domainNames.added) this.domains += `${lowerAscii(bytes, from, s.fieldEnd)}\n`;
      // fillEvent cuts no reply for a delivery (the evidence classifies rejections only).
      if (s.replyStart < 0 || s.status === 0) records[r + REPLY_START] = records[r + REPLY_END] = -1;
      else {
        records[r + REPLY_START] = this.used;
        this.put(bytes, s.replyStart, s.replyEnd, false);
        records[r + REPLY_END] = this.used;
      }
    }
  }

  /** A line the string path reads: its bytes copied whole. */
  private whole(r: number, code: number, bytes: Uint8Array, start: number, end: number): void {
    this.records[r + CODE] = code;
    this.records[r + START] = this.used;
    this.put(bytes, start, end, false);
    this.records[r + END] = this.used;
  }

  /** Append bytes[from, to) to the batch's text, lower-cased if `lower`. */
  private put(bytes: Uint8Array, from: number, to: number, lower: boolean): void {
    const n = to - from;
    if (this.used + n > this.out.length) {
      const grown = new Uint8Array(Math.max(this.out.length * 2, this.used + n));
      grown.set(this.out.subarray(0, this.used));
      this.out = grown;
      this.outView = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    const out = this.out;
    let u = this.used;
    if (lower) {
      for (let i = from; i < to; i++) {
        const c = bytes[i];
        out[u++] = c >= 65 && c <= 90 ? c | 32 : c;
      }
    } else if (n > 256) {
      out.set(bytes.subarray(from, to), u);
      u += n;
    } else {
      // Four bytes at a time, then the rest.
      let i = from;
      if (n >= 4) {
        if (bytes !== this.inOf) {
          this.inView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          this.inOf = bytes;
        }
        const src = this.inView;
        const dst = this.outView;
        for (; i + 4 <= to; i += 4, u += 4) dst.setUint32(u, src.getUint32(i, true), true);
      }
      for (; i < to; i++) out[u++] = bytes[i];
    }
    this.used = u;
  }

  /** A line as forEachLine's `onLine` gives it: what `Calibrator.line(file, …)` takes. */
  line(line: string, number: number): void {
    if (line === "") return;
    const r = this.slot(number);
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
      text: this.out.subarray(0, this.used),
      lines: this.lines,
      relays: this.relays,
      senders: this.senders,
      domains: this.domains,
    };
    // The next records and text go to spare arrays (ones the other side handed back), else new ones of the same size.
    this.records = this.spareRecords.pop() ?? new Int32Array(batch.records.length);
    this.floats = floatsOf(this.records);
    let out = this.spare.pop();
    while (out !== undefined && out.length < this.out.length) out = this.spare.pop();
    this.out = out ?? new Uint8Array(this.out.length);
    this.outView = new DataView(this.out.buffer, this.out.byteOffset, this.out.byteLength);
    this.used = 0;
    this.count = 0;
    this.lines = [];
    this.relays = named();
    this.senders = "";
    this.domains = "";
    return batch;
  }

  /** The offset of a new record for line `number`. */
  private slot(number: number): number {
    if ((this.count + 1) * STRIDE > this.records.length) {
      const grown = new Int32Array(Math.max(STRIDE * 4096, this.records.length * 2));
      grown.set(this.records.subarray(0, this.count * STRIDE));
      this.records = grown;
      this.floats = floatsOf(grown);
    }
    const r = this.count++ * STRIDE;
    this.floats[(r >> 1) + NUMBER] = number;
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
  /** The same for recipient domains. */
  private readonly domainNames: string[] = [];
  private readonly domainIndex: number[] = [];

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
    const floats = floatsOf(records);
    const text = this.decode(batch.text);
    const file = this.files[batch.file];
    record(batch.relays, this.relays);
    numbered(batch.senders, this.senderNames);
    numbered(batch.domains, this.domainNames);
    const c = this.calibrator;
    const s = this.spans;
    for (let i = 0, r = 0; i < count; i++, r += STRIDE) {
      const code = records[r + CODE];
      const number = floats[(r >> 1) + NUMBER];
      if (code === LINE) {
        c.line(file, lines[records[r + START]], number);
        continue;
      }
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
      const flags = records[r + FLAGS];
      if (code !== SPAN_BARE_IGNORED) {
        s.time = floats[(r >> 1) + TIME];
        s.relay = this.relays[records[r + RELAY]];
        // (A line the evidence ignores has nothing copied: its event carries an empty queue id.)
        const ignored = code === SPAN_IGNORED;
        s.idStart = ignored ? 0 : records[r + ID_START];
        s.idEnd = ignored ? 0 : records[r + ID_END];
        if (code === SPAN_ARRIVAL || code === SPAN_ATTEMPT) {
          s.fieldStart = records[r + FIELD_START];
          s.fieldEnd = records[r + FIELD_END];
          s.fieldUpper = false;
        }
        if (code === SPAN_ATTEMPT) {
          s.status = flags >> 2;
          s.replyStart = records[r + REPLY_START];
          s.replyEnd = records[r + REPLY_END];
        }
      }
      // The name's index, asked of the evidence when this line would have asked for it first.
      let name = NAME_UNKNOWN;
      if (code === SPAN_ARRIVAL) {
        const id = records[r + NAME];
        if (id >= 0) {
          name = this.senderIndex[id];
          if (name === undefined) name = this.senderIndex[id] = c.senderIndex(this.senderNames[id]);
        }
      } else if (code === SPAN_ATTEMPT) {
        const id = records[r + NAME];
        if (id >= 0) {
          name = this.domainIndex[id];
          if (name === undefined) name = this.domainIndex[id] = c.domainIndex(this.domainNames[id]);
        }
      }
      c.spansAt(file, s, (flags & 2) !== 0, text, start, end, number, name);
    }
  }
}

const LATIN1 = new TextDecoder("latin1");

/** The buffers a batch can hand over to another thread instead of copying them. */
export function transfers(batch: Batch): ArrayBuffer[] {
  return [batch.records.buffer as ArrayBuffer, batch.text.buffer as ArrayBuffer];
}

/** Names first numbered in a batch: their numbers, and the names (two arrays, each of one kind of element). */
export interface Named {
  ids: number[];
  names: string[];
}

function named(): Named {
  return { ids: [], names: [] };
}

/** Append a batch's newly numbered names ("name\n" each, numbered in order) to `names`. */
function numbered(batch: string, names: string[]): void {
  if (batch === "") return;
  const list = batch.split("\n");
  for (let k = 0; k < list.length - 1; k++) names.push(list[k]);
}

/** Record a batch's new names into `names` (number → name). */
function record(batch: Named, names: string[]): void {
  for (let k = 0; k < batch.ids.length; k++) names[batch.ids[k]] = batch.names[k];
}

/** The ASCII bytes[from, to) lower-cased, as a string. */
function lowerAscii(bytes: Uint8Array, from: number, to: number): string {
  return ascii(bytes, from, to).toLowerCase();
}
