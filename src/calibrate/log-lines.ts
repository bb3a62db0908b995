// Reading log files line by line: plain or gzip (detected by its magic bytes, not the name),
// streamed in 1 MiB chunks so memory does not depend on the file's size. Node-only, like
// reader.ts (which calibrates from files) and read-worker.ts (which reads for it in a thread);
// the parsers and estimators stay browser-safe. Imports nothing of the estimators, so that the
// reading thread starts quickly.
import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";

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

/** The bytes of a plain file, in chunks of up to 1 MiB read into one buffer (valid until the next is asked for). */
async function* plainChunks(file: string): AsyncGenerator<Buffer> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafeSlow(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/**
 * A line given as text.slice(start, end) of an ASCII chunk without CR, whose bytes are `bytes`
 * (same offsets; valid until the chunk's `afterChunk` returns: copy what must outlive it).
 */
export type AsciiLine = (bytes: Uint8Array, text: string, start: number, end: number, number: number) => void;

/**
 * Call `onLine(line, number)` for every line of `file` (1-based numbers, no line terminator);
 * with `onAscii`, the lines of chunks that are ASCII without CR go to it instead, as offsets into
 * the chunk (no string per line). Throws LogReadError when the file cannot be opened or a gzip
 * stream is corrupt.
 */
export async function forEachLine(
  file: string,
  onLine: (line: string, number: number) => void,
  onAscii?: AsciiLine,
  /** Called after each chunk's complete lines (awaited: the reader may wait for its consumer). */
  afterChunk?: () => Promise<void> | undefined,
  /**
   * false: `onAscii` reads only the bytes and gets "" as the text (the chunk is not decoded; its
   * lines are found with the bytes' newlines): the reading thread's way, which cuts no string.
   */
  withText = true,
): Promise<void> {
  let gzip: boolean;
  try {
    gzip = await isGzip(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LogReadError(
      `${file}: cannot read: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (error as Error).message}`,
    );
  }
  // A plain file is read into one reused buffer (no 1 MiB allocation per chunk, which a
  // multi-threaded process's allocator tends to keep as resident memory); a gzip stream's
  // chunks come from zlib.
  const raw = gzip ? createReadStream(file, { highWaterMark: 1 << 20 }) : null;
  const stream = raw !== null ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : plainChunks(file);
  // Each chunk's complete lines are decoded at once and cut into lines by index (a newline byte
  // never occurs inside a UTF-8 sequence, so this is the same text as decoding line by line);
  // a line split across chunks is put together from its bytes. Lines are views into the chunk's
  // text: the estimators copy (detach) whatever they keep, so no chunk outlives its lines.
  //
  // The head (MAX_LINE + 1 bytes at most) of a line not yet ended by a newline, and its full length.
  let carry: Buffer | null = null;
  let carryLength = 0;
  let number = 0;
  /** A line from bytes, cut at MAX_LINE bytes (after dropping a CR before the newline). */
  const byteLine = (buf: Buffer, start: number, end: number) => {
    let stop = end;
    if (stop > start && buf[stop - 1] === 13) stop--;
    number++;
    onLine(buf.toString("utf8", start, Math.min(stop, start + MAX_LINE)), number);
  };
  /** The carried line, ended by `more` (the bytes up to its newline, or none at the end of the file). */
  const carriedLine = (more: Buffer) => {
    const head = carry as Buffer;
    const length = carryLength + more.length;
    const line = Buffer.concat([head, more.subarray(0, Math.max(0, MAX_LINE + 1 - head.length))]);
    carry = null;
    if (!withText && onAscii !== undefined && line.length <= MAX_LINE && line.indexOf(13) < 0 && isAscii(line)) {
      // The reading thread's way: an ASCII line without CR goes to `onAscii` as an ASCII chunk's
      // lines do, its bytes followed by a newline as in a chunk (a byte reader may look one past
      // a line's end).
      const bytes = Buffer.allocUnsafe(line.length + 1);
      line.copy(bytes, 0);
      bytes[line.length] = 10;
      number++;
      onAscii(bytes, "", 0, line.length, number);
    } else if (length <= MAX_LINE + 1) byteLine(line, 0, line.length);
    else {
      // Longer than MAX_LINE even without a CR: its first MAX_LINE bytes.
      number++;
      onLine(line.toString("utf8", 0, MAX_LINE), number);
    }
  };
  /** The complete lines in chunk[from, last), decoded once for whichever of the two paths takes them. */
  const emitLines = (chunk: Buffer, from: number, last: number) => {
    if (!withText && onAscii !== undefined) {
      const bytes = chunk.subarray(from, last);
      const cr = chunk.indexOf(13, from);
      if ((cr < 0 || cr >= last) && isAscii(bytes)) {
        // ASCII without CR: lines end at the bytes' newlines; no text.
        const length = last - from;
        let start = 0;
        for (;;) {
          let nl = bytes.indexOf(10, start);
          if (nl < 0) nl = length;
          number++;
          onAscii(bytes, "", start, Math.min(nl, start + MAX_LINE), number);
          if (nl >= length) break;
          start = nl + 1;
        }
        return;
      }
    }
    const text = chunk.toString("utf8", from, last);
    const length = text.length;
    let ascii = false;
    if (onAscii !== undefined && length === last - from) {
      const cr = chunk.indexOf(13, from);
      // (As many characters as bytes is not enough: a lone byte ≥ 0x80 decodes to one U+FFFD.)
      ascii = (cr < 0 || cr >= last) && isAscii(chunk.subarray(from, last));
    }
    if (ascii) {
      // ASCII (as many characters as bytes) and no CR: offsets into the text are offsets into the bytes.
      const bytes = chunk.subarray(from, last);
      let start = 0;
      for (;;) {
        let nl = text.indexOf("\n", start);
        if (nl < 0) nl = length;
        number++;
        (onAscii as AsciiLine)(bytes, text, start, Math.min(nl, start + MAX_LINE), number);
        if (nl >= length) break;
        start = nl + 1;
      }
    } else {
      // Where the bytes of line `syncLine` (counted in this chunk) start: found only when a long line needs it.
      let syncLine = 0;
      let syncByte = from;
      let index = 0;
      let start = 0;
      for (;;) {
        let nl = text.indexOf("\n", start);
        if (nl < 0) nl = length;
        let stop = nl;
        if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
        if ((stop - start) * 3 > MAX_LINE) {
          // Perhaps longer than MAX_LINE bytes (a character is 1 to 3 bytes): cut it from its bytes.
          for (; syncLine < index; syncLine++) syncByte = chunk.indexOf(10, syncByte) + 1;
          const byteEnd = chunk.indexOf(10, syncByte);
          byteLine(chunk, syncByte, byteEnd < 0 || byteEnd > last ? last : byteEnd);
        } else {
          number++;
          onLine(text.slice(start, stop), number);
        }
        if (nl >= length) break;
        start = nl + 1;
        index++;
      }
    }
  };
  const emit = (chunk: Buffer) => {
    let from = 0;
    if (carry !== null) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        // Still no newline: keep only the line's head.
        const head: Buffer = carry;
        if (head.length <= MAX_LINE) {
          carry = Buffer.concat([head, chunk.subarray(0, Math.min(chunk.length, MAX_LINE + 1 - head.length))]);
        }
        carryLength += chunk.length;
        return;
      }
      carriedLine(chunk.subarray(0, nl));
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= from) {
      emitLines(chunk, from, last);
      from = last + 1;
    }
    if (from < chunk.length) {
      carry = Buffer.from(chunk.subarray(from, Math.min(chunk.length, from + MAX_LINE + 1)));
      carryLength = chunk.length - from;
    }
  };

  try {
    for await (const chunk of stream) {
      emit(chunk as Buffer);
      if (afterChunk !== undefined) await afterChunk();
    }
    if (carry !== null) carriedLine(Buffer.alloc(0));
  } catch (error) {
    raw?.destroy();
    throw new LogReadError(`${file}: cannot read: ${(error as Error).message}${gzip ? " (corrupt gzip?)" : ""}`);
  }
}
