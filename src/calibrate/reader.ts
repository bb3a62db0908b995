// Reading log files line by line: plain or gzip (detected by its magic bytes, not the name),
// streamed in 1 MiB chunks so memory does not depend on the file's size. The only file under
// calibrate/ that uses Node APIs; the parsers and estimators stay browser-safe.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";

/** Longest line kept whole; longer lines are cut (a garbled log can hold megabytes without a newline). */
export const MAX_LINE = 64 * 1024;

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
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let number = 0;
  const emit = (text: string, final: boolean) => {
    let start = 0;
    let data = carry + text;
    carry = "";
    for (;;) {
      const nl = data.indexOf("\n", start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && data.charCodeAt(end - 1) === 13) end--;
      number++;
      onLine(end - start > MAX_LINE ? data.slice(start, start + MAX_LINE) : data.slice(start, end), number);
      start = nl + 1;
    }
    if (start < data.length) {
      data = data.slice(start);
      if (final) {
        number++;
        onLine(data.length > MAX_LINE ? data.slice(0, MAX_LINE) : data, number);
      } else {
        // A line longer than MAX_LINE without a newline yet: keep only its head.
        carry = data.length > MAX_LINE * 2 ? data.slice(0, MAX_LINE) : data;
      }
    }
  };
  try {
    for await (const chunk of stream) emit(decoder.write(chunk as Buffer), false);
    emit(decoder.end(), true);
  } catch (error) {
    raw.destroy();
    throw new LogReadError(`${file}: cannot read: ${(error as Error).message}${gzip ? " (corrupt gzip?)" : ""}`);
  }
}
