// The streaming reader against the plainest reading of the same bytes: split at LF, drop one CR
// before it, cut each line at MAX_LINE bytes, decode as UTF-8. Files are built to hit the
// reader's every path: lines across its 1 MiB chunks, lines longer than MAX_LINE (inside a chunk
// and across several), multi-byte characters and invalid UTF-8 at cuts, CRLF, a last line with no
// newline, and gzip.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import seedrandom from "seedrandom";
import { afterAll, describe, expect, it } from "vitest";
import { forEachLine, MAX_LINE } from "../../src/calibrate/reader.js";

function reference(bytes: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let nl = bytes.indexOf(10, start);
    if (nl < 0) nl = bytes.length;
    let stop = nl;
    if (stop > start && bytes[stop - 1] === 13) stop--;
    lines.push(bytes.toString("utf8", start, Math.min(stop, start + MAX_LINE)));
    start = nl + 1;
  }
  return lines;
}

/** Random bytes of log-like lines with the awkward cases mixed in. */
function awkwardLog(seed: string, size: number): Buffer {
  const r = seedrandom(seed);
  const parts: Buffer[] = [];
  let total = 0;
  const pieces = ["a", "Ω", "€", "😀", "\r", "\xff", " ", "x".repeat(50)];
  while (total < size) {
    const kind = r();
    let line: Buffer;
    if (kind < 0.02) {
      // Around MAX_LINE: just under, at, just over (with a CR or a multi-byte character at the cut), far over.
      const n = MAX_LINE + Math.floor(r() * 7) - 3;
      const body = Buffer.alloc(n, 0x61);
      if (r() < 0.5) Buffer.from("€").copy(body, Math.max(0, Math.min(n - 3, MAX_LINE - 1)));
      line = r() < 0.3 ? Buffer.concat([body, Buffer.from("\r")]) : body;
      if (r() < 0.2) line = Buffer.concat([line, Buffer.alloc(Math.floor(r() * 3 * 2 ** 20), 0x62)]);
    } else if (kind < 0.04) {
      line = Buffer.alloc(0);
    } else {
      const bits: Buffer[] = [];
      const n = 1 + Math.floor(r() * 12);
      for (let i = 0; i < n; i++) {
        const p = pieces[Math.floor(r() * pieces.length)];
        bits.push(p === "\xff" ? Buffer.from([0xff, 0xe2, 0x82]) : Buffer.from(p));
      }
      line = Buffer.concat(bits);
    }
    parts.push(line, Buffer.from("\n"));
    total += line.length + 1;
  }
  // Sometimes no newline at the end, sometimes a CR there.
  const tail = seed.endsWith("1") ? Buffer.from("last line, no newline\r") : Buffer.alloc(0);
  return Buffer.concat([...parts, tail]);
}

const dir = mkdtempSync(join(tmpdir(), "relaysim-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(file: string): Promise<string[]> {
  const lines: string[] = [];
  let expected = 1;
  await forEachLine(file, (line, number) => {
    expect(number).toBe(expected++);
    lines.push(line);
  });
  return lines;
}

describe("forEachLine", () => {
  for (const seed of ["reader-0", "reader-1", "reader-2"]) {
    it(`reads ${seed} as the byte-level reference does, plain and gzip`, async () => {
      const bytes = awkwardLog(seed, 5 * 2 ** 20);
      const plain = join(dir, `${seed}.log`);
      const gz = join(dir, `${seed}.log.gz`);
      writeFileSync(plain, bytes);
      writeFileSync(gz, gzipSync(bytes));
      const want = reference(bytes);
      const got = await read(plain);
      expect(got.length).toBe(want.length);
      // Compare line by line so that a failure names the line.
      for (let i = 0; i < want.length; i++)
        if (got[i] !== want[i]) expect({ line: i + 1, got: got[i] }).toEqual({ line: i + 1, got: want[i] });
      expect(await read(gz)).toEqual(want);
    });
  }

  it("reads a line that spans chunk boundaries exactly", async () => {
    // A line ending on the chunk's last byte, one with its CR on the last byte, and a newline first in the next chunk.
    for (const at of [2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1]) {
      const bytes = Buffer.concat([Buffer.alloc(at - 2, 0x63), Buffer.from("\r\nnext\n")]);
      const file = join(dir, `edge-${at}.log`);
      writeFileSync(file, bytes);
      expect(await read(file)).toEqual(reference(bytes));
    }
    // A line longer than MAX_LINE starting just before a chunk's end, running over three chunks.
    const long = Buffer.concat([
      Buffer.alloc(2 ** 20 - 10, 0x64),
      Buffer.from("\n"),
      Buffer.from("€".repeat(900_000)),
      Buffer.from("\r\nend\n"),
    ]);
    const file = join(dir, "long.log");
    writeFileSync(file, long);
    expect(await read(file)).toEqual(reference(long));
  });

  it("gives the same lines through onAscii (ASCII chunks) as through onLine (the others), in order", async () => {
    // ASCII chunks (the offsets path) followed by chunks with multi-byte characters and CRs (the string path).
    const ascii = Buffer.from(
      Array.from({ length: 60_000 }, (_, i) => `Mar  1 10:00:${String(i % 60).padStart(2, "0")} h line ${i}\n`).join(
        "",
      ),
    );
    const bytes = Buffer.concat([ascii, awkwardLog("reader-ascii", 2 * 2 ** 20)]);
    const file = join(dir, "ascii-mixed.log");
    writeFileSync(file, bytes);
    const lines: string[] = [];
    let viaAscii = 0;
    let expected = 1;
    await forEachLine(
      file,
      (line, number) => {
        expect(number).toBe(expected++);
        lines.push(line);
      },
      (_bytes, text, start, end, number) => {
        expect(number).toBe(expected++);
        viaAscii++;
        lines.push(text.slice(start, end));
      },
    );
    expect(viaAscii).toBeGreaterThan(0);
    expect(viaAscii).toBeLessThan(lines.length);
    expect(lines).toEqual(reference(bytes));

    // Without text (the reading thread's way): the same lines, read from the bytes, and the same
    // chunks for each path (a chunk is ASCII or not whatever the way), plus the ASCII lines carried
    // across chunks, given as bytes followed by a newline (as a chunk's lines are).
    const bare: string[] = [];
    let bareAscii = 0;
    let carried = 0;
    expected = 1;
    await forEachLine(
      file,
      (line, number) => {
        expect(number).toBe(expected++);
        bare.push(line);
      },
      (chunk, text, start, end, number) => {
        expect(number).toBe(expected++);
        expect(text).toBe("");
        bareAscii++;
        if (start === 0 && end === chunk.length - 1) carried++;
        expect(end === chunk.length || chunk[end] === 10).toBe(true);
        bare.push(Buffer.from(chunk.buffer, chunk.byteOffset + start, end - start).toString("latin1"));
      },
      undefined,
      false,
    );
    expect(carried).toBeGreaterThan(0);
    expect(bareAscii).toBe(viaAscii + carried);
    expect(bare).toEqual(lines);
  });

  it("reads garbled and long lines from the bytes (no text) as the reference does", async () => {
    // ASCII chunks (the bytes path) with lines over MAX_LINE, empty lines and a last line with no
    // newline; then the awkward bytes (the string path).
    const r = seedrandom("bytes-path");
    const parts: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const k = r();
      parts.push(
        k < 0.001
          ? "y".repeat(MAX_LINE + Math.floor(r() * 5) - 2)
          : k < 0.02
            ? ""
            : `line ${i} ${"z".repeat(Math.floor(r() * 200))}`,
      );
    }
    const bytes = Buffer.concat([Buffer.from(parts.join("\n")), Buffer.from("\n"), awkwardLog("reader-1", 2 ** 20)]);
    const file = join(dir, "bytes-path.log");
    writeFileSync(file, bytes);
    const got: string[] = [];
    await forEachLine(
      file,
      (line) => got.push(line),
      (chunk, _text, start, end) =>
        got.push(Buffer.from(chunk.buffer, chunk.byteOffset + start, end - start).toString("latin1")),
      undefined,
      false,
    );
    const want = reference(bytes);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++)
      if (got[i] !== want[i]) expect({ line: i + 1, got: got[i] }).toEqual({ line: i + 1, got: want[i] });
  });
});
