// The fast line readers (index-based, no regular expressions) against their references on the
// fixtures and on many mutants of them: the syslog head against the reader it replaced
// (oracle/syslog-v1.ts), Postfix's fast parser against its regular-expression grammar.
// Mutants insert, delete and replace characters with the ones the grammars turn on, so every
// branch of the fast paths meets lines that almost match.
import { readFileSync } from "node:fs";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { LineReader } from "../../src/calibrate/formats.js";
import { type LineEvent, newLineEvent } from "../../src/calibrate/line-event.js";
import { parsePostfixLine, parsePostfixLineRegex } from "../../src/calibrate/postfix.js";
import { POSTFIX, PostfixBytes } from "../../src/calibrate/postfix-bytes.js";
import { syslogHead } from "../../src/calibrate/syslog.js";
import { syslogHead as syslogHeadV1 } from "./oracle/syslog-v1.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/maillogs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l !== "");

const SEEDS = [
  ...fixture("postfix.log"),
  ...fixture("mixed.log"),
  ...fixture("garbled.log"),
  "2026-03-02T00:00:00.479020+00:00 relay10 postfix/qmgr[2010]: 0000000001: from=<S587@Customers.example>, size=2048, nrcpt=1 (queue active)",
  "2026-03-02T00:00:00.479020Z relay10 postfix-out2/smtp[3010]: 0000000001: to=<U0@d552.example>, orig_to=<x@y>, relay=mx.d552.example[198.51.100.53]:25, delay=1.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 00000001)",
  "2026-03-02T00:00:52-0130 relay13 postfix/smtp[3013]: 4Xk2bQ9zHjz7YpR: to=<u57@d458.example>, relay=none, delay=1.2, dsn=5.7.1, status=bounced (host said: 554 5.7.1 (blocked) see (x))",
  "2026-03-02T00:00:52 relay13 postfix/qmgr[3013]: ABCDEF123456: to=<u57@d458.example>, relay=none, delay=9, dsn=4.0.0, status=expired, returned to sender",
  "2026-03-02T00:00:52.1234567891+00:00 relay13 postfix/smtp[3013]: ABCDEF: to=<u57@d458.example>, relay=x, status=deferredx (reply)",
  "Mar  3 09:00:01 relay1 postfix/lmtp[902]: 3F2A91C0D1: to=<bob@partner.example>, relay=a, status=sent",
  "Mar 13 23:59:60 relay1 postfix/local[902]: 3F2A91C0D1: to=<bob@partner.example>, relay=local, status=sent (delivered)",
  "Mar  3 09:00:01 relay1 postfix/qmgr[811]: 3F2A91C0D1: removed",
  // " status=" more than once, with a word that is no status first; at the line's very end; and
  // missing (the next line of the chunk holds one: the search must stop at the line's end).
  "2026-03-02T00:00:52Z relay13 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay=x, x= status=sentx status=bounced (550 5.7.1 blocked using zen.spamhaus.org)",
  "2026-03-02T00:00:52Z relay13 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay=x, delay=1, status=",
  "2026-03-02T00:00:52Z relay13 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay=x, delay=1, dsn=2.0.0, status",
  // " status=" inside the relay's value, before its comma (not a status), or with no comma after
  // the relay at all (no status); hosts shorter than four bytes and of many lengths.
  "2026-03-02T00:00:52Z r1 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay=x status=sent, delay=1, status=bounced (550 5.7.1 blocked using zen.spamhaus.org)",
  "2026-03-02T00:00:52Z r12 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay= status=deferred status=sent, status=expired",
  "2026-03-02T00:00:52Z r123 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay=x status=sent delay=1 status=bounced (550 x)",
  "2026-03-02T00:00:52Z relay1234 postfix/smtp[3013]: ABCDEF: to=<u@d.example>, relay=x, status=sent,status=bounced (x)",
  "2026-03-02T00:00:52Z x postfix-a/smtp[1]: ABCDEF: to=<u@d.example>, relay=, status=sent",
];
const ALPHABET = [
  " ",
  ":",
  ": ",
  "<",
  ">",
  ",",
  "(",
  ")",
  "[",
  "\r",
  "\n",
  "\u2028",
  "Z",
  "+",
  "-",
  ".",
  "0",
  "9",
  "A",
  "a",
  "e",
  "T",
  " status=",
  "sent",
  " relay=",
  " orig_to=<",
  "to=<",
  "from=<",
  "removed",
  "postfix",
  "/smtp",
];

function mutants(count: number, seed: string): string[] {
  const r = seedrandom(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = SEEDS[Math.floor(r() * SEEDS.length)];
    const edits = 1 + Math.floor(r() * 3);
    for (let k = 0; k < edits; k++) {
      // Mostly near the start, where the head, queue id and keywords are.
      const at = Math.floor((r() < 0.7 ? Math.min(line.length, 80) : line.length) * r());
      const piece = ALPHABET[Math.floor(r() * ALPHABET.length)];
      const op = r();
      if (op < 0.4) line = line.slice(0, at) + piece + line.slice(at);
      else if (op < 0.7) line = line.slice(0, at) + line.slice(at + 1 + Math.floor(r() * 4));
      else line = line.slice(0, at) + piece + line.slice(at + piece.length);
    }
    out.push(line);
  }
  return out;
}

const LINES = [...SEEDS, ...mutants(30_000, "fast-paths")];

describe("fast line readers", () => {
  it("read the syslog head as the reader they replaced did", () => {
    // Interleaved calls, as in a log: the fast reader's caches must never leak one line into the next.
    for (const year of [2026, 1970]) {
      for (const line of LINES) {
        const want = syslogHeadV1(line, year);
        const got = syslogHead(line, year);
        const a = JSON.stringify(got);
        const b = JSON.stringify(want);
        if (a !== b) expect(a, line).toBe(b);
      }
    }
  });

  it("parse Postfix lines as the regular-expression grammar does", () => {
    let attempts = 0;
    for (const line of LINES) {
      const want: LineEvent = newLineEvent();
      const got: LineEvent = newLineEvent();
      parsePostfixLineRegex(line, want, "fallback", 2026);
      parsePostfixLine(line, got, "fallback", 2026);
      const a = JSON.stringify(got);
      const b = JSON.stringify(want);
      if (a !== b) expect(a, line).toBe(b);
      if (want.kind === "attempt") attempts++;
    }
    // The mutants keep many lines parseable: the comparison is not only of rejections.
    expect(attempts).toBeGreaterThan(2000);
  });

  it("read ASCII chunks' lines from bytes (Postfix's fast path) as from strings", () => {
    // Lines the reader would hand over as offsets: ASCII, no CR; several to a chunk, so a scan
    // running past a line's end would meet the next line. Both formats that take the fast path.
    const ascii = LINES.filter((l) => [...l].every((c) => c.charCodeAt(0) < 128) && !/[\r\n]/.test(l));
    let fast = 0;
    for (const format of ["auto", "postfix"] as const) {
      const strings = new LineReader(format, 2026);
      const bytes = new LineReader(format, 2026);
      for (let i = 0; i < ascii.length; i += 7) {
        const chunk = ascii.slice(i, i + 7);
        const text = chunk.join("\n");
        const buf = Uint8Array.from(text, (c) => c.charCodeAt(0));
        let start = 0;
        for (const line of chunk) {
          const want = newLineEvent();
          const got = newLineEvent();
          strings.read(line, want, "fallback");
          bytes.readAt(buf, text, start, start + line.length, got, "fallback");
          const a = JSON.stringify(got);
          const b = JSON.stringify(want);
          if (a !== b) expect(a, line).toBe(b);
          start += line.length + 1;
        }
      }
      expect(bytes.byFormat).toEqual(strings.byFormat);
      fast += bytes.byFormat.postfix;
    }
    expect(fast).toBeGreaterThan(10_000);
  });
});

describe("Postfix's byte reader: a stamp with the last one's layout", () => {
  it("takes a stamp of the same length only if it parses as the search would", () => {
    // After a stamp, lines whose stamps have its length but not its layout (a fraction digit
    // replaced, a space, another zone of the same length, more digits and a shorter zone): each
    // must be read as the string path reads it, the good line between them keeping the layout.
    const good =
      "2026-03-02T00:00:00.018112+00:00 relay10 postfix/qmgr[2010]: 0000000001: from=<s587@customers.example>, size=2048, nrcpt=1 (queue active)";
    const tail = good.slice(32);
    const stamps = [
      "2026-03-02T00:00:00.018x12+00:00",
      "2026-03-02T00:00:00.018 12+00:00",
      "2026-03-02T00:00:00 018112+00:00",
      "2026-03-02T00:00:00.018112+01:00",
      "2026-03-02T00:00:00.018112-00:00",
      "2026-03-02T00:00:00.0181123+0000",
      "2026-03-02T00:00:00.018112+00:0 ",
      "2026-03-02T00:00:00.018112Z00:00",
      "2026-03-02T00:00:00.018112+00:00",
      "2026-03-02T00:00:59.999999+00:00",
      "2026-03-02T00:00:61.999999+00:00",
      "2026-03-02T00:00:00.01811200000Z",
      "2026-03-02T00:00:00.0181120000+Z",
      "2026-03-02 00:00:00.018112+00:00",
    ];
    const lines = stamps.flatMap((stamp) => [good, stamp + tail, good.replace("00:00:00", "00:01:00"), stamp + tail]);
    const text = lines.join("\n");
    const buf = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const bytes = new PostfixBytes();
    let start = 0;
    for (const line of lines) {
      const want = newLineEvent();
      const got = newLineEvent();
      parsePostfixLine(line, want, "fallback", 2026);
      if (bytes.read(buf, text, start, start + line.length, got) === POSTFIX) {
        const a = JSON.stringify(got);
        const b = JSON.stringify(want);
        if (a !== b) expect(a, line).toBe(b);
      } else expect(line, "the good line is taken").not.toBe(good);
      start += line.length + 1;
    }
  });
});

describe("Postfix's byte reader across chunks", () => {
  it("keeps taking a host's lines when the reader reuses its buffer for the next chunk", () => {
    // forEachLine reads a plain file into one reused Node Buffer: whatever the byte reader keeps
    // (the hosts it has seen) must be a copy, not a view that the next chunk overwrites.
    const lines = [
      "2026-03-02T00:00:00Z relay1 postfix/qmgr[1]: 0000000001: removed",
      "2026-03-02T00:00:01Z other9 postfix/qmgr[1]: 0000000002: removed",
      "2026-03-02T00:00:02Z relay1 postfix/qmgr[1]: 0000000003: removed",
    ];
    const buffer = Buffer.alloc(400);
    const bytes = new PostfixBytes();
    // Two chunks in the same buffer: the first line, then the other two.
    for (const chunk of [lines.slice(0, 1), lines.slice(1)]) {
      const text = chunk.join("\n");
      buffer.fill(0x20);
      buffer.write(text, "latin1");
      let start = 0;
      for (const line of chunk) {
        const event = newLineEvent();
        // The chunk's bytes as forEachLine hands them over: a view of its buffer.
        const taken = bytes.read(buffer.subarray(0, text.length), text, start, start + line.length, event);
        expect(taken, line).toBe(POSTFIX);
        expect(event.kind).toBe("done");
        expect(event.message).toBe(line.slice(45, 55));
        start += line.length + 1;
      }
    }
  });
});
