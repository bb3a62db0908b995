// Reading in a worker thread (batch.ts, read-worker.ts) must give what reading in one thread gives:
// the same events in the same order, the same calibrated scenario. In-process first (the batch
// writer and reader back to back, on garbled lines), then through the thread (calibrateFiles with
// and without it) on simulated logs of each format, gzip, several files, files out of time order
// (two passes) and chunks that are not ASCII.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import seedrandom from "seedrandom";
import { afterAll, describe, expect, it } from "vitest";
import { BatchReader, BatchWriter } from "../../src/calibrate/batch.js";
import { Evidence, NAME_UNKNOWN } from "../../src/calibrate/evidence.js";
import type { LogFormat } from "../../src/calibrate/formats.js";
import { domainOfLower, type LineEvent } from "../../src/calibrate/line-event.js";
import { MAILLOG_FORMATS } from "../../src/calibrate/maillog.js";
import { ByteNames } from "../../src/calibrate/names.js";
import { calibrateFiles, readLogs } from "../../src/calibrate/reader.js";
import { Calibrator } from "../../src/calibrate/run.js";
import { parseScenario } from "../../src/scenario/load.js";
import { simulatedLog } from "../helpers/maillog.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/maillogs/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l !== "");

function pool(seed: number) {
  return parseScenario({
    name: "batch",
    seed,
    replications: 1,
    horizon: "1d",
    pool: { servers: 5, balancer: { policy: "random" } },
    blacklists: [
      { name: "spamcop", subscribers: 0.4 },
      { name: "barracuda", subscribers: 0.3 },
    ],
    listed: [
      { servers: 2, on: ["spamcop"], from: "2h", until: "14h" },
      { servers: 1, on: ["barracuda"], from: "16h" },
    ],
    recipients: { domains: 200, zipf: 1 },
    traffic: { senders: 40, rate: "80/d" },
    resend: { after: { uniform: ["5m", "2h"] }, maxAttempts: 3 },
  });
}

/** Lines with a few garbled: characters inserted, deleted or replaced (as fast-paths.test.ts mutates). */
function garbled(lines: string[], seed: string, share: number): string[] {
  const r = seedrandom(seed);
  const pieces = [" ", ":", "<", ">", ",", "(", ")", "Z", "+", "-", ".", "0", "A", "a", " status=", "to=<", "@", "É"];
  return lines.map((line) => {
    if (r() >= share) return line;
    let out = line;
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++) {
      const at = Math.floor((r() < 0.7 ? Math.min(out.length, 90) : out.length) * r());
      const piece = pieces[Math.floor(r() * pieces.length)];
      const op = r();
      if (op < 0.4) out = out.slice(0, at) + piece + out.slice(at);
      else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 4));
      else out = out.slice(0, at) + piece + out.slice(at + piece.length);
    }
    return out;
  });
}

/**
 * What the evidence reads of an event (the event record is reused from line to line, so the
 * fields its kind does not use are left over from earlier lines): an arrival's sender (by the
 * name its index stands for when the caller gave one), a rejection's reply.
 */
function read(e: LineEvent, sender: string, domain: string): Record<string, unknown> {
  switch (e.kind) {
    case "arrival":
      return { kind: e.kind, time: e.time, relay: e.relay, scope: e.scope, message: e.message, sender };
    case "attempt":
      return {
        kind: e.kind,
        time: e.time,
        relay: e.relay,
        scope: e.scope,
        relayAddress: e.relayAddress,
        message: e.message,
        recipient: e.recipient,
        status: e.status,
        reply: e.status === "sent" ? "" : e.reply,
        domain,
      };
    case "done":
      return { kind: e.kind, scope: e.scope, message: e.message };
    default:
      return { kind: e.kind };
  }
}

/** What a Calibrator's evidence is fed, in order (events as JSON, unparsed lines). */
function recorded(format: LogFormat, feed: (c: Calibrator) => void): string[] {
  const seen: string[] = [];
  const add = Evidence.prototype.add;
  const note = Evidence.prototype.noteUnparsed;
  Evidence.prototype.add = function (this: Evidence, e, name = NAME_UNKNOWN) {
    // An arrival's sender or an attempt's domain given by its index: the name the evidence keeps for it.
    const keys = this as unknown as { senders: Map<string, number>; domains: Map<string, number> };
    const named = (map: Map<string, number>) => [...map].find(([, i]) => i === name)?.[0] ?? "?";
    const sender = e.kind === "arrival" && name >= 0 ? named(keys.senders) : e.sender;
    const domain = e.kind === "attempt" && name >= 0 ? named(keys.domains) : domainOfLower(e.recipient);
    seen.push(JSON.stringify(read(e, sender, domain)));
    add.call(this, e, name);
  };
  Evidence.prototype.noteUnparsed = function (this: Evidence, file, line, text) {
    seen.push(`unparsed ${file}:${line} ${text}`);
    note.call(this, file, line, text);
  };
  try {
    const c = new Calibrator({ year: 2026, format });
    feed(c);
    return seen;
  } finally {
    Evidence.prototype.add = add;
    Evidence.prototype.noteUnparsed = note;
  }
}

/** Lines cut into chunks as forEachLine hands them over: ASCII chunks as offsets, the others as strings. */
function chunks(lines: string[], size: number): { ascii: boolean; text: string; lines: string[] }[] {
  const out = [];
  for (let i = 0; i < lines.length; i += size) {
    const part = lines.slice(i, i + size);
    const text = part.join("\n");
    out.push({ ascii: [...text].every((ch) => ch.charCodeAt(0) < 128) && !text.includes("\r"), text, lines: part });
  }
  return out;
}

describe("reading through batches", () => {
  const lines = [
    ...garbled(simulatedLog(pool(1), "postfix"), "batch-postfix", 0.15),
    ...fixture("postfix.log"),
    ...fixture("mixed.log"),
    ...fixture("garbled.log"),
    ...garbled(simulatedLog(pool(2), "exim"), "batch-exim", 0.05),
  ];

  /** Feed the chunks' lines to `c` as forEachLine would: ASCII chunks by offsets, the others as strings. */
  function each(
    parts: ReturnType<typeof chunks>,
    ascii: (bytes: Uint8Array, text: string, start: number, end: number, number: number) => void,
    line: (line: string, number: number) => void,
    chunkDone: (k: number) => void = () => {},
  ): void {
    let number = 0;
    parts.forEach((part, k) => {
      const bytes = Uint8Array.from(part.text, (ch) => ch.charCodeAt(0));
      let start = 0;
      for (const l of part.lines) {
        number++;
        if (part.ascii) ascii(bytes, part.text, start, start + l.length, number);
        else line(l, number);
        start += l.length + 1;
      }
      chunkDone(k);
    });
  }

  for (const format of ["auto", "postfix", "exim"] as const) {
    it(`${format}: feeds the evidence the events lineAt and line feed, in order`, () => {
      const parts = chunks(lines, 97);
      const want = recorded(format, (c) =>
        each(
          parts,
          (bytes, text, start, end, number) => c.lineAt("relay.log", bytes, text, start, end, number),
          (line, number) => c.line("relay.log", line, number),
        ),
      );
      const got = recorded(format, (c) => {
        const writer = new BatchWriter(format);
        const reader = new BatchReader(c, ["relay.log"]);
        each(
          parts,
          (bytes, text, start, end, number) => writer.lineAt(bytes, text, start, end, number),
          (line, number) => writer.line(line, number),
          // Batches of one chunk and of two.
          (k) => {
            if (k % 3 !== 1) reader.read(writer.take());
          },
        );
        reader.read(writer.take());
      });
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++)
        if (got[i] !== want[i]) expect({ i, got: got[i] }).toEqual({ i, got: want[i] });
      expect(parts.some((p) => !p.ascii)).toBe(true);
      expect(want.filter((e) => e.includes('"kind":"attempt"')).length).toBeGreaterThan(300);
      expect(want.filter((e) => e.startsWith("unparsed")).length).toBeGreaterThan(10);
    });

    it(`${format}: batches that outgrow their records and text, their arrays handed back and reused`, () => {
      // Batches of 5500 lines (more records than a fresh array holds, more copied bytes than a
      // text buffer of 4 KiB), each batch's arrays recycled as the reading thread's are: reused records
      // hold the last batch's numbers in fields a line does not set.
      const many = [...lines, ...lines];
      const parts = chunks(many, 500);
      const want = recorded(format, (c) =>
        each(
          parts,
          (bytes, text, start, end, number) => c.lineAt("relay.log", bytes, text, start, end, number),
          (line, number) => c.line("relay.log", line, number),
        ),
      );
      let largest = 0;
      let textBytes = 0;
      const got = recorded(format, (c) => {
        const writer = new BatchWriter(format, new Int32Array(64), 4096);
        const reader = new BatchReader(c, ["relay.log"]);
        const feed = () => {
          const batch = writer.take();
          largest = Math.max(largest, batch.count);
          textBytes = Math.max(textBytes, batch.text.length);
          reader.read(batch);
          writer.recycle(batch.records, batch.text);
        };
        each(
          parts,
          (bytes, text, start, end, number) => writer.lineAt(bytes, text, start, end, number),
          (line, number) => writer.line(line, number),
          (k) => {
            if (k % 11 === 10) feed();
          },
        );
        feed();
      });
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++)
        if (got[i] !== want[i]) expect({ i, got: got[i] }).toEqual({ i, got: want[i] });
      expect(largest).toBeGreaterThan(4096);
      expect(textBytes).toBeGreaterThan(4096 * 8);
    });
  }

  it("numbers names from their bytes as a Map of their lower-cased strings would", () => {
    const r = seedrandom("names");
    const names = new ByteNames(500);
    const map = new Map<string, number>();
    const alphabet = "abAB@.-x";
    for (let i = 0; i < 20_000; i++) {
      const length = Math.floor(r() * 6);
      let s = "";
      for (let k = 0; k < length; k++) s += alphabet[Math.floor(r() * alphabet.length)];
      const bytes = Uint8Array.from(`<${s}>`, (ch) => ch.charCodeAt(0));
      const got = names.number(bytes, 1, 1 + length);
      const key = s.toLowerCase();
      const known = map.get(key);
      const want = known ?? (map.size < 500 ? map.size : -1);
      const added = known === undefined && want >= 0;
      if (added) map.set(key, want);
      expect(got, s).toBe(want);
      expect(names.added, s).toBe(added);
    }
    expect(map.size).toBe(500);
  });

  it("numbers names told lower-case, long names and names at any offset as the lower-casing path does", () => {
    // One table asked with `lower` for names without A–Z, one always lower-casing: the same
    // numbers. Lengths 0–300 cross the four-byte steps and the scratch buffer's 256 bytes; the
    // names sit at odd offsets of a larger buffer, as fields do in a chunk.
    const r = seedrandom("names-lower");
    const told = new ByteNames(2000);
    const lowering = new ByteNames(2000);
    const map = new Map<string, number>();
    const alphabet = "abcAB@.-";
    const pool: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let s: string;
      if (pool.length > 0 && r() < 0.5) s = pool[Math.floor(r() * pool.length)];
      else {
        const length = r() < 0.05 ? 250 + Math.floor(r() * 50) : Math.floor(r() * 13);
        s = "";
        for (let k = 0; k < length; k++) s += alphabet[Math.floor(r() * alphabet.length)];
        pool.push(s);
      }
      const pad = 1 + Math.floor(r() * 7);
      const bytes = Uint8Array.from(`${"<".repeat(pad)}${s}>`, (ch) => ch.charCodeAt(0));
      const lower = !/[A-Z]/.test(s);
      const got = told.number(bytes, pad, pad + s.length, lower);
      const again = lowering.number(bytes, pad, pad + s.length);
      const key = s.toLowerCase();
      const known = map.get(key);
      const want = known ?? (map.size < 2000 ? map.size : -1);
      if (known === undefined && want >= 0) map.set(key, want);
      expect(got, s).toBe(want);
      expect(again, s).toBe(want);
    }
    expect(map.size).toBeGreaterThan(1000);
  });
});

const dir = mkdtempSync(join(tmpdir(), "relaysim-batch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const built = existsSync(new URL("../../dist/calibrate/read-worker.js", import.meta.url));

describe.runIf(built)("calibrateFiles through the reading thread", () => {
  async function both(files: string[], format: LogFormat = "auto") {
    const threaded = new Calibrator({ year: 2026, format });
    expect(await readLogs(threaded, files, { thread: true })).toBe(true);
    const here = await calibrateFiles(files, { year: 2026, format }, { thread: false });
    return { threaded: threaded.finish(files), here };
  }

  for (const format of MAILLOG_FORMATS) {
    it(`${format}: the same calibration, plain, gzip and split in files`, async () => {
      const lines = simulatedLog(pool(3), format);
      const text = `${garbled(lines, `files-${format}`, 0.02).join("\n")}\n`;
      const plain = join(dir, `${format}.log`);
      writeFileSync(plain, text);
      const gz = join(dir, `${format}.log.gz`);
      writeFileSync(gz, gzipSync(text));
      const half = Math.floor(lines.length / 2);
      const a = join(dir, `${format}.log.1`);
      const b = join(dir, `${format}-b.log`);
      writeFileSync(a, `${lines.slice(0, half).join("\n")}\n`);
      writeFileSync(b, lines.slice(half).join("\n"));
      for (const files of [[plain], [gz], [a, b]]) {
        const { threaded, here } = await both(files);
        expect(JSON.stringify(threaded)).toBe(JSON.stringify(here));
      }
      const { threaded, here } = await both([plain], format);
      expect(JSON.stringify(threaded)).toBe(JSON.stringify(here));
    });
  }

  it("reads files out of time order twice, and chunks with other characters and CRs, as one thread does", async () => {
    const lines = simulatedLog(pool(4), "postfix");
    const half = Math.floor(lines.length / 2);
    const older = join(dir, "mail.log.1");
    const newer = join(dir, "mail.log");
    // Past 1 MiB (several chunks), with UTF-8 and CRLF lines in the middle of the newer file.
    const filler = lines.slice(half);
    const many = Array.from({ length: Math.ceil((3 * 2 ** 20) / filler.join("\n").length) }, () => filler).flat();
    const middle = Math.floor(many.length / 2);
    many.splice(
      middle,
      0,
      "2026-03-02T10:00:00Z relay1 postfix/smtp[1]: ABCDEF: to=<é@d.example>, relay=x, status=sent\r",
    );
    writeFileSync(older, `${lines.slice(0, half).join("\n")}\n`);
    writeFileSync(newer, `${many.join("\n")}\n`);
    const { threaded, here } = await both([newer, older]);
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(here));
  });

  it("reads a chunk with bytes that are not UTF-8 as one thread does", async () => {
    // A lone byte ≥ 0x80 decodes to one U+FFFD: as many characters as bytes, yet not ASCII (the
    // reading thread once sent such chunks as ASCII: "é" there, U+FFFD in one thread).
    const lines = simulatedLog(pool(6), "postfix").slice(0, 3000);
    const odd = Buffer.from(
      "2026-03-02T10:00:00Z relay1 postfix/smtp[1]: ABCDEF: to=<x@d.example>, garbled \xe9\n",
      "latin1",
    );
    const file = join(dir, "latin1.log");
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${lines.slice(0, 1500).join("\n")}\n`),
        odd,
        Buffer.from(lines.slice(1500).join("\n")),
      ]),
    );
    const { threaded, here } = await both([file]);
    expect(here.calibration.source.unparsed.samples.some((s) => s.text.includes("\ufffd"))).toBe(true);
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(here));
  });

  it("reads a small log in one thread unless asked for the reading thread", async () => {
    const file = join(dir, "small.log");
    writeFileSync(file, `${simulatedLog(pool(5), "postfix").slice(0, 2000).join("\n")}\n`);
    expect(await readLogs(new Calibrator({ year: 2026 }), [file])).toBe(false);
    expect(await readLogs(new Calibrator({ year: 2026 }), [file], { thread: true })).toBe(true);
  });

  it("reports an unreadable file as calibrateFiles does in one thread", async () => {
    const missing = join(dir, "missing.log");
    await expect(calibrateFiles([missing], {}, { thread: true })).rejects.toThrow(
      /missing\.log: cannot read: no such file/,
    );
    await expect(calibrateFiles([missing], {}, { thread: false })).rejects.toThrow(
      /missing\.log: cannot read: no such file/,
    );
  });
});
