// The Postfix fast path on bytes: a line of an ASCII chunk read from the chunk's bytes (indexed
// loads, no string built for the stamp, host or program) while the few strings an event needs
// (queue id, recipient, sender, reply) are cut from the chunk's text, whose offsets are the same
// in an ASCII chunk. It takes only lines with an RFC 3339 stamp and a Postfix program, and gives
// exactly the event parsePostfixLine gives (test/calibrate/fast-paths.test.ts compares them);
// anything else (another program, a garbled head, an unknown host) it leaves to the string path
// by returning false. A line another program wrote costs a stamp check and a cached host and
// program match: no string, no regular expression.
import type { LineEvent } from "./line-event.js";
import { byteHash } from "./names.js";
import { isLongId, isUpperHex, STATUSES } from "./postfix.js";
import { minuteBase } from "./syslog.js";

/** A host and program seen before, by the bytes "host program". */
interface HostProgram {
  bytes: Uint8Array;
  /** The bytes as big-endian 32-bit words (the last partial word left to `bytes`): compared four at a time. */
  words: Uint32Array;
  relay: string;
  /** Numbered in the order first seen (with its relay name: PostfixSpans.relayId). */
  id: number;
  /** A Postfix program; else another MTA's (qmail, exim: the string path reads them) or none of ours. */
  kind: typeof POSTFIX | typeof MTA | typeof OTHER;
  /** smtp or lmtp: its to= lines are the relay pool's deliveries. */
  delivery: boolean;
}

/** `read`'s answers: not taken (read the line as a string), a Postfix line, a line another program wrote. */
export const NOT_TAKEN = -1;
export const POSTFIX = 1;
export const OTHER = 0;
const MTA = 2;

/** First bytes of STATUSES: s, d, b, e. */
const STATUS_BYTES = [115, 100, 98, 101];
const STATUS_WORDS = STATUSES.map((w) => bytesOf(w));

/** What a taken line is (PostfixSpans.code): */
/** "ignored" and nothing else set (another program's line, or no queue id). */
export const SPAN_BARE_IGNORED = 0;
/** A line with a queue id (time, relay, message set) that carries nothing we use. */
export const SPAN_IGNORED = 1;
/** "from=<sender>": the sender is the field (−1, −1: none). */
export const SPAN_ARRIVAL = 2;
/** A delivery attempt: the recipient is the field; status, reply. */
export const SPAN_ATTEMPT = 3;
/** "removed". */
export const SPAN_DONE = 4;
/** A "to=" line its grammar does not take (time, relay, message set). */
export const SPAN_UNPARSED = 5;

/**
 * The last taken line's fields, as offsets into its text (the same in its bytes): what
 * `fillEvent` cuts into a LineEvent. Only the fields of its `code` are current.
 */
export class PostfixSpans {
  code = SPAN_BARE_IGNORED;
  // (A fraction, so that V8 keeps the field as a double from the start: no deopt at the first fractional stamp.)
  time = 0.5;
  relay = "";
  /** The relay's number: relays are numbered in the order a reader first met them. */
  relayId = 0;
  idStart = 0;
  idEnd = 0;
  /** The sender (arrival) or recipient (attempt); −1, −1 for none. */
  fieldStart = 0;
  fieldEnd = 0;
  /** Does the field hold an upper-case letter (then it is lower-cased)? */
  fieldUpper = false;
  /** Index into STATUSES. */
  status = 0;
  /** The reply inside " (…)"; −1, −1 for none. */
  replyStart = -1;
  replyEnd = -1;
}

/** The event PostfixBytes.read gives for `spans` of a line of `text`. */
export function fillEvent(spans: PostfixSpans, text: string, event: LineEvent): void {
  const code = spans.code;
  if (code === SPAN_BARE_IGNORED) {
    event.kind = "ignored";
    return;
  }
  event.time = spans.time;
  event.relay = spans.relay;
  event.scope = spans.relay;
  event.relayAddress = "";
  event.message = text.slice(spans.idStart, spans.idEnd);
  switch (code) {
    case SPAN_ARRIVAL:
      event.kind = "arrival";
      event.sender = cutField(spans, text);
      return;
    case SPAN_ATTEMPT:
      event.kind = "attempt";
      event.recipient = cutField(spans, text);
      event.status = STATUSES[spans.status];
      event.reply = spans.replyStart < 0 ? "" : text.slice(spans.replyStart, spans.replyEnd);
      return;
    case SPAN_DONE:
      event.kind = "done";
      return;
    case SPAN_UNPARSED:
      event.kind = "unparsed";
      return;
    default:
      event.kind = "ignored";
  }
}

function cutField(spans: PostfixSpans, text: string): string {
  if (spans.fieldStart < 0) return "";
  const s = text.slice(spans.fieldStart, spans.fieldEnd);
  return spans.fieldUpper ? s.toLowerCase() : s;
}

/** What the fast path remembers between lines: the last stamp's minute and zone, the hosts and programs. */
export class PostfixBytes {
  /** The last new minute's 16 bytes as four big-endian words. */
  private minuteWords = new Uint32Array(4);
  /** A view of the last chunk's bytes, to compare four bytes at a time. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;
  private zone = new Uint8Array(16);
  /** −1 until the first new minute (no stamp is then the same). */
  private zoneLength = -1;
  /** The last new minute's stamp: its length and where its zone starts (0: none yet). */
  private stampLength = 0;
  private zoneOffset = 0;
  private base = Number.NaN;
  /** Hosts and programs seen, in the order first seen; and an open-addressing table of them: hash, index + 1 (0: empty). */
  private readonly hostList: HostProgram[] = [];
  private readonly hostTable = new Int32Array(8 * HOSTS);
  /** The host and program of the last line that had known ones. */
  private lastHost: HostProgram | null = null;
  /** The other one of the last two known hosts and programs. */
  private previousHost: HostProgram | null = null;
  /** The last taken line's fields. */
  readonly spans = new PostfixSpans();

  /**
   * Parse the line `text.slice(start, end)` (also bytes[start, end): an ASCII chunk without CR)
   * into `event`: POSTFIX, OTHER (a program not ours: ignored), or NOT_TAKEN (the caller reads
   * the line as a string then).
   */
  read(bytes: Uint8Array, text: string, start: number, end: number, event: LineEvent): number {
    const taken = this.scan(bytes, start, end);
    if (taken !== NOT_TAKEN) fillEvent(this.spans, text, event);
    return taken;
  }

  /**
   * What `read` does without cutting strings: the line's fields as offsets in `spans` (which
   * `fillEvent` turns into the event `read` gives), for a caller that cuts them elsewhere (the
   * reading thread hands them to the one that keeps the evidence: batch.ts).
   */
  scan(bytes: Uint8Array, start: number, end: number): number {
    const spans = this.spans;
    // "YYYY-MM-DDTHH:MM:SS[.f…][zone] ": the stamp ends at the first space after it (at most 40 on).
    if (end - start < 21 || bytes[start + 4] !== 45 || bytes[start + 10] !== 84) return NOT_TAKEN;
    let fraction = 0;
    let scale = 1;
    let stampEnd = -1;
    let zoneStart = -1;
    /** Were the zone's bytes found equal to the last new minute's? */
    let zoneKnown = false;
    // Most stamps have the last one's layout (as many fraction digits, the same zone): check that
    // layout (".digits" then the zone's bytes, which hold no space, then a space) instead of
    // searching for the space; it finds what the search would. Else search.
    const layoutEnd = start + this.stampLength;
    if (this.stampLength > 0 && layoutEnd < end && bytes[layoutEnd] === 32) {
      const zoneAt = start + this.zoneOffset;
      let ok = true;
      if (zoneAt > start + 19) {
        if (bytes[start + 19] !== 46) ok = false;
        for (let k = start + 20; ok && k < zoneAt; k++) {
          const d = bytes[k] - 48;
          if (d < 0 || d > 9) ok = false;
          else {
            fraction = fraction * 10 + d;
            scale *= 10;
          }
        }
      }
      const zone = this.zone;
      for (let k = 0; ok && zoneAt + k < layoutEnd; k++) if (bytes[zoneAt + k] !== zone[k]) ok = false;
      if (ok) {
        stampEnd = layoutEnd;
        zoneStart = zoneAt;
        zoneKnown = true;
      } else {
        fraction = 0;
        scale = 1;
      }
    }
    if (stampEnd < 0) {
      stampEnd = start + 19;
      const stampLimit = Math.min(end, start + 41);
      while (stampEnd < stampLimit && bytes[stampEnd] !== 32) stampEnd++;
      if (stampEnd >= stampLimit) return NOT_TAKEN;
      let i = start + 19;
      if (bytes[i] === 46 /* . */) {
        for (i = start + 20; i < stampEnd; i++) {
          const d = bytes[i] - 48;
          if (d < 0 || d > 9) break;
          fraction = fraction * 10 + d;
          scale *= 10;
        }
        if (i - start - 20 > 9) return NOT_TAKEN;
      }
      const z = bytes[i];
      if (!(i === stampEnd || z === 90 || z === 43 || z === 45)) return NOT_TAKEN;
      zoneStart = i;
    }
    const zoneLength = stampEnd - zoneStart;
    if (bytes !== this.viewOf) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.viewOf = bytes;
    }
    const view = this.view;
    if (!this.sameStamp(view, bytes, start, zoneStart, zoneLength, zoneKnown)) {
      if (zoneLength > 16) return NOT_TAKEN;
      for (let w = 0; w < 4; w++) this.minuteWords[w] = view.getUint32(start + 4 * w);
      this.zone.set(bytes.subarray(zoneStart, stampEnd));
      this.zoneLength = zoneLength;
      this.stampLength = stampEnd - start;
      this.zoneOffset = zoneStart - start;
      this.base = minuteBase(ascii(bytes, start, start + 16), ascii(bytes, zoneStart, stampEnd));
    }
    if (Number.isNaN(this.base) || bytes[start + 16] !== 58) return NOT_TAKEN;
    const s1 = bytes[start + 17] - 48;
    const s2 = bytes[start + 18] - 48;
    if (s1 < 0 || s1 > 6 || s2 < 0 || s2 > 9) return NOT_TAKEN;
    let time = this.base + s1 * 10 + s2;
    if (zoneStart > start + 19) time += fraction / scale;

    const hostStart = stampEnd + 1;
    let programEnd = -1;
    let colon = -1;
    let hp: HostProgram | null = null;
    // Most lines come from the host and program of the line before, or of the one before that
    // (a queue manager's and a delivery agent's lines alternate): compare with their bytes first
    // (ending where the scan below would end: at "[" or ": "), no hashing.
    const last = this.lastHost;
    if (last !== null) {
      programEnd = endOf(view, bytes, hostStart, end, last);
      if (programEnd >= 0) hp = last;
      else {
        const before = this.previousHost;
        if (before !== null) {
          programEnd = endOf(view, bytes, hostStart, end, before);
          if (programEnd >= 0) {
            hp = before;
            this.previousHost = last;
            this.lastHost = before;
          }
        }
      }
      if (hp !== null && bytes[programEnd] === 58) colon = programEnd;
    }
    if (hp === null) {
      // "host program[pid]: " or "host program: ": the delimiters found first, then the bytes
      // "host program" hashed four at a time.
      let p = hostStart;
      while (p < end && bytes[p] !== 32) p++;
      if (p >= end || p === hostStart) return NOT_TAKEN;
      const programStart = p + 1;
      for (p = programStart; p < end; p++) {
        const c = bytes[p];
        if (c === 91 /* [ */) {
          programEnd = p;
          break;
        }
        if (c === 58 /* : */ && bytes[p + 1] === 32) {
          programEnd = colon = p;
          break;
        }
        if (c === 32) return NOT_TAKEN;
      }
      if (programEnd <= programStart) return NOT_TAKEN;
      hp = this.hostProgram(view, bytes, hostStart, programEnd);
      if (hp === null) return NOT_TAKEN;
      this.previousHost = this.lastHost;
      this.lastHost = hp;
    }
    if (colon < 0) {
      for (let q = programEnd + 1; q + 1 < end; q++) {
        if (bytes[q] === 58 && bytes[q + 1] === 32) {
          colon = q;
          break;
        }
      }
      if (colon < 0) return NOT_TAKEN;
    }
    if (hp.kind === MTA) return NOT_TAKEN;
    if (hp.kind === OTHER) {
      spans.code = SPAN_BARE_IGNORED;
      return OTHER;
    }

    // "QID: " (hex, 6–12, or Postfix's long ids, 10–20, without vowels).
    const textStart = colon + 2;
    let p: number;
    // Which alphabets every character so far is in (ID_CHARS: 1 hex, 2 long ids).
    let alphabets = 3;
    const idLimit = Math.min(end, textStart + 21);
    for (p = textStart; p < idLimit; p++) {
      const c = bytes[p];
      if (c === 58) break;
      alphabets &= ID_CHARS[c];
      if (alphabets === 0) break;
    }
    const hex = (alphabets & 1) !== 0;
    const long = (alphabets & 2) !== 0;
    const n = p - textStart;
    if (
      p >= end ||
      bytes[p] !== 58 ||
      bytes[p + 1] !== 32 ||
      !((hex && n >= 6 && n <= 12) || (long && n >= 10 && n <= 20))
    ) {
      spans.code = SPAN_BARE_IGNORED;
      return POSTFIX;
    }
    const idEnd = p;
    const at = idEnd + 2;
    const c = bytes[at];
    spans.time = time;
    spans.relay = hp.relay;
    spans.relayId = hp.id;
    spans.idStart = textStart;
    spans.idEnd = idEnd;
    if (c === 116 /* t */ && bytes[at + 1] === 111 && bytes[at + 2] === 61 && bytes[at + 3] === 60) {
      return this.to(bytes, at, end, spans, hp);
    }
    if (
      c === 102 /* f */ &&
      bytes[at + 1] === 114 &&
      bytes[at + 2] === 111 &&
      bytes[at + 3] === 109 &&
      bytes[at + 4] === 61 &&
      bytes[at + 5] === 60
    ) {
      const close = closeAngle(bytes, at + 6, end, spans);
      spans.code = SPAN_ARRIVAL;
      if (close < end) {
        spans.fieldStart = at + 6;
        spans.fieldEnd = close;
      } else spans.fieldStart = spans.fieldEnd = -1;
      return POSTFIX;
    }
    spans.code = c === 114 /* r */ && startsWith(bytes, at, end, REMOVED) ? SPAN_DONE : SPAN_IGNORED;
    return POSTFIX;
  }

  /** "to=<rcpt>,[ orig_to=<…>,] relay=…, … status=WORD[ (reply)]" from `at`. */
  private to(bytes: Uint8Array, at: number, end: number, spans: PostfixSpans, hp: HostProgram): number {
    const close = closeAngle(bytes, at + 4, end, spans);
    if (close >= end || bytes[close + 1] !== 44) {
      spans.code = SPAN_UNPARSED;
      return POSTFIX;
    }
    let p = close + 2;
    if (startsWith(bytes, p, end, ORIG_TO)) {
      let origClose = p + 10;
      while (origClose < end && bytes[origClose] !== 62) origClose++;
      if (origClose < end && bytes[origClose + 1] === 44 && startsWith(bytes, origClose + 2, end, RELAY)) {
        p = origClose + 2;
      }
    }
    if (!startsWith(bytes, p, end, RELAY)) {
      spans.code = SPAN_UNPARSED;
      return POSTFIX;
    }
    // The first " status=WORD" after the relay's comma (a line's last ")" ends its reply). The
    // search skips as Horspool's does, by the byte under the pattern's last one, from the relay's
    // value on: it meets every " status=" in order, as a byte-by-byte search would, and takes one
    // only if a comma lies between the relay's value and it (looked for backwards from it, down
    // to where the last look stopped: each byte at most once), i.e. if it starts after the relay's
    // first comma. No comma: no status.
    const relayStart = p + 7;
    let comma = false;
    let floor = relayStart;
    let status = -1;
    let statusAt = relayStart;
    while (statusAt + 8 <= end) {
      const last = bytes[statusAt + 7];
      if (last !== 61 || !startsWith(bytes, statusAt, end, STATUS)) {
        statusAt += STATUS_SHIFT[last];
        continue;
      }
      if (!comma) {
        for (let k = statusAt - 1; k >= floor; k--) {
          if (bytes[k] === 44) {
            comma = true;
            break;
          }
        }
        floor = statusAt;
        if (!comma) {
          statusAt++;
          continue;
        }
      }
      const w = bytes[statusAt + 8];
      for (let s = 0; s < 4; s++) {
        if (w === STATUS_BYTES[s] && startsWith(bytes, statusAt + 8, end, STATUS_WORDS[s])) {
          status = s;
          break;
        }
      }
      if (status >= 0) break;
      statusAt++;
    }
    if (status < 0) {
      spans.code = SPAN_UNPARSED;
      return POSTFIX;
    }
    if (!(hp.delivery || status === 3)) {
      spans.code = SPAN_IGNORED;
      return POSTFIX;
    }
    spans.code = SPAN_ATTEMPT;
    spans.fieldStart = at + 4;
    spans.fieldEnd = close;
    spans.status = status;
    const after = statusAt + 8 + STATUSES[status].length;
    spans.replyStart = spans.replyEnd = -1;
    if (bytes[after] === 32 && bytes[after + 1] === 40) {
      let last = end - 1;
      while (last >= after + 2 && bytes[last] !== 41) last--;
      if (last >= after + 2) {
        spans.replyStart = after + 2;
        spans.replyEnd = last;
      }
    }
    return POSTFIX;
  }

  private sameStamp(
    view: DataView,
    bytes: Uint8Array,
    start: number,
    zoneStart: number,
    zoneLength: number,
    zoneKnown: boolean,
  ): boolean {
    // (zoneLength ≥ 0: unequal to the −1 before the first new minute.)
    if (zoneLength !== this.zoneLength) return false;
    const m = this.minuteWords;
    // (The minute's last word first: it changes most often.)
    if (
      view.getUint32(start + 12) !== m[3] ||
      view.getUint32(start + 8) !== m[2] ||
      view.getUint32(start + 4) !== m[1] ||
      view.getUint32(start) !== m[0]
    )
      return false;
    if (zoneKnown) return true;
    const z = this.zone;
    for (let k = 0; k < zoneLength; k++) if (bytes[zoneStart + k] !== z[k]) return false;
    return true;
  }

  /** The host and program at bytes[from, to) ("host program"), remembered by their bytes; null past HOSTS of them. */
  private hostProgram(view: DataView, bytes: Uint8Array, from: number, to: number): HostProgram | null {
    const hash = byteHash(view, bytes, from, to);
    const table = this.hostTable;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    for (;;) {
      const k = table[2 * slot + 1];
      if (k === 0) break;
      if (table[2 * slot] === hash) {
        const known = this.hostList[k - 1];
        if (known.bytes.length === to - from && same(view, bytes, from, known)) return known;
      }
      slot = (slot + 1) & mask;
    }
    if (this.hostList.length >= HOSTS) return null;
    const words = ascii(bytes, from, to);
    const space = words.indexOf(" ");
    const host = words.slice(0, space);
    const program = words.slice(space + 1);
    const slash = program.indexOf("/");
    const syslogName = slash >= 0 ? program.slice(0, slash) : program;
    // A copy (a Node Buffer's slice would be a view into the chunk, which the reader reuses).
    const copy = Uint8Array.prototype.slice.call(bytes, from, to);
    const copyView = new DataView(copy.buffer, copy.byteOffset, copy.length);
    const hp: HostProgram = {
      bytes: copy,
      words: Uint32Array.from({ length: copy.length >> 2 }, (_, w) => copyView.getUint32(4 * w)),
      id: this.hostList.length,
      relay: ` ${syslogName === "postfix" ? host : `${host}/${syslogName}`}`.slice(1),
      kind: program.startsWith("postfix")
        ? POSTFIX
        : program.startsWith("qmail") || program.startsWith("exim")
          ? MTA
          : OTHER,
      delivery: program.endsWith("/smtp") || program.endsWith("/lmtp"),
    };
    this.hostList.push(hp);
    table[2 * slot] = hash;
    table[2 * slot + 1] = this.hostList.length;
    return hp;
  }
}

/** Hosts and programs remembered at most (a line of another one is read as a string). */
const HOSTS = 4096;

/** Per byte: 1 if an upper-case hex digit (short queue ids), | 2 if in the long ids' alphabet. */
const ID_CHARS = Uint8Array.from({ length: 256 }, (_, c) => (isUpperHex(c) ? 1 : 0) | (isLongId(c) ? 2 : 0));

const REMOVED = bytesOf("removed");
const ORIG_TO = bytesOf(" orig_to=<");
const RELAY = bytesOf(" relay=");
const STATUS = bytesOf(" status=");
/** Horspool's shifts for STATUS: by the byte under its last, how far the next place it can start is. */
const STATUS_SHIFT = Uint8Array.from({ length: 256 }, (_, c) => {
  for (let k = STATUS.length - 2; k >= 0; k--) if (STATUS[k] === c) return STATUS.length - 1 - k;
  return STATUS.length;
});

/** The ASCII bytes[from, to) as a string (a fresh one: it shares no memory with a chunk). */
export function ascii(bytes: Uint8Array, from: number, to: number): string {
  // (Character codes passed 4096 at a time: one call each, not a concatenation a byte.)
  let s = "";
  for (let i = from; i < to; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
  }
  return s;
}

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Do bytes[at, at + n) (`view` is a view of the same bytes) equal a known host and program's n bytes? */
function same(view: DataView, bytes: Uint8Array, at: number, known: HostProgram): boolean {
  const words = known.words;
  const w = words.length;
  for (let i = 0; i < w; i++) if (view.getUint32(at + 4 * i) !== words[i]) return false;
  const k = known.bytes;
  for (let i = 4 * w; i < k.length; i++) if (bytes[at + i] !== k[i]) return false;
  return true;
}

/**
 * Where a known host and program ends if bytes[at…] starts with it, ended as the scan of a line's
 * host and program ends ("[" or ": " after it): that end, else −1.
 */
function endOf(view: DataView, bytes: Uint8Array, at: number, end: number, known: HostProgram): number {
  const n = known.bytes.length;
  if (at + n >= end || !same(view, bytes, at, known)) return -1;
  const t = bytes[at + n];
  return t === 91 || (t === 58 && bytes[at + n + 1] === 32) ? at + n : -1;
}

function startsWith(bytes: Uint8Array, at: number, end: number, word: Uint8Array): boolean {
  if (at + word.length > end) return false;
  for (let i = 0; i < word.length; i++) if (bytes[at + i] !== word[i]) return false;
  return true;
}

/** Per byte: 1 for ">", 2 for an upper-case letter (A–Z), else 0. */
const ANGLE = Uint8Array.from({ length: 256 }, (_, c) => (c === 62 ? 1 : c >= 65 && c <= 90 ? 2 : 0));

/**
 * The first ">" in bytes[from, end) (end if none); sets `spans.fieldUpper` to whether an
 * upper-case letter comes before it (then the field is lower-cased). One pass, one table look-up a byte.
 */
function closeAngle(bytes: Uint8Array, from: number, end: number, spans: PostfixSpans): number {
  let upper = 0;
  let p = from;
  for (; p < end; p++) {
    const k = ANGLE[bytes[p]];
    if (k === 1) break;
    upper |= k;
  }
  spans.fieldUpper = upper !== 0;
  return p;
}
