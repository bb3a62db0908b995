// Reading log files line by line: plain or gzip (detected by its magic bytes, not the name),
// streamed in 1 MiB chunks so memory does not depend on the file's size. The only file under
// calibrate/ that uses Node APIs; the parsers and estimators stay browser-safe.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { type CalibrateOptions, type CalibrateResult, Calibrator } from "./run.js";

/** Longest line kept whole; longer lines are cut (a garbled log can hold megabytes without a newline). */
export const MAX_LINE = 64 * 1024;

/** A log file that cannot be read: missing, a directory, or a corrupt gzip stream. */
export class LogReadError extends Error {
  override name = "LogReadError";
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Call `onLine(line, number)` for every line of `file` (1-based numbers, no line terminator).
 * Throws LogReadError when the file cannot be opened or a gzip stream is corrupt.
 */
export async function forEachLine(file: string, onLine: (line: string, number: number) => void): Promise<void> {
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LogReadError(
      `${file}: cannot read: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message}`,
    );
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  // Lines are decoded one by one from the bytes: each is its own string, so the keys the
  // estimators keep (senders, domains, queue ids) never pin a whole chunk in memory.
  let carry: Buffer | null = null;
  let number = 0;
  const line = (buf: Buffer, start: number, end: number) => {
    let stop = end;
    if (stop > start && buf[stop - 1] === 13) stop--;
    number++;
    onLine(buf.toString("utf8", start, Math.min(stop, start + MAX_LINE)), number);
  };
  const emit = (chunk: Buffer) => {
    let buf = chunk;
    if (carry !== null) {
      buf = Buffer.concat([carry, chunk]);
      carry = null;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      line(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) {
      // A line longer than MAX_LINE without a newline yet: keep only its head (and the tail's bytes drop).
      carry = Buffer.from(buf.subarray(start, Math.min(buf.length, start + MAX_LINE)));
    }
  };
  try {
    for await (const chunk of stream) emit(chunk as Buffer);
    const rest = carry as Buffer | null;
    if (rest !== null && rest.length > 0) line(rest, 0, rest.length);
  } catch (error) {
    raw.destroy();
    throw new LogReadError(`${file}: cannot read: ${(error as Error).message}${gzip ? " (corrupt gzip?)" : ""}`);
  }
}

/**
 * Calibrate from log files (plain or gzip), each read twice, streamed: memory grows with the
 * messages in flight and the relays, senders and domains, not with the logs' size. Throws
 * LogReadError for an unreadable file and CalibrateError when no delivery attempt was found.
 */
export async function calibrateFiles(
  files: readonly string[],
  options: CalibrateOptions = {},
): Promise<CalibrateResult> {
  const calibrator = new Calibrator(options);
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) calibrator.secondPass();
    for (const file of files) await forEachLine(file, (line, number) => calibrator.line(file, line, number));
  }
  return calibrator.finish(files);
}
