// The reading thread of calibrateFiles (reader.ts): reads a pass's files (log-lines.ts), runs
// Postfix's byte reader on their lines and posts one batch of records per chunk (batch.ts), at
// most AHEAD batches ahead of the thread that feeds them to the evidence, so memory stays bounded
// whatever the log's size. Node-only.
import { parentPort } from "node:worker_threads";
import { type Batch, BatchWriter, transfers } from "./batch.js";
import type { LogFormat } from "./formats.js";
import { forEachLine, LogReadError } from "./log-lines.js";

/** Batches posted and not yet acknowledged, at most (each about one 1 MiB chunk). */
const AHEAD = 3;

/** What the evidence thread sends: read a pass's files; a batch was fed (its records array comes back). */
export type ToReader =
  | { type: "read"; files: string[]; format: LogFormat }
  | { type: "ack"; records: Int32Array; text: Uint8Array };

/** What this thread sends: a batch; the pass's end; why it stopped (a file it cannot read, or a bug). */
export type FromReader =
  | { type: "batch"; batch: Batch }
  | { type: "end" }
  | { type: "error"; message: string; unreadable: boolean };

const port = parentPort;
if (port === null) throw new Error("read-worker.ts runs in a worker thread");

let credits = AHEAD;
let wake: (() => void) | null = null;
let writer: BatchWriter | null = null;

function post(message: FromReader): void {
  if (message.type === "batch") port?.postMessage(message, transfers(message.batch));
  else port?.postMessage(message);
}

/** Post what the writer holds; wait while AHEAD batches are unacknowledged. */
function flush(w: BatchWriter): Promise<void> | undefined {
  if (w.pending > 0) {
    post({ type: "batch", batch: w.take() });
    credits--;
  }
  if (credits > 0) return undefined;
  return new Promise((resolve) => {
    wake = resolve;
  });
}

async function readPass(files: string[], format: LogFormat): Promise<void> {
  const w = new BatchWriter(format);
  writer = w;
  try {
    for (let f = 0; f < files.length; f++) {
      w.setFile(f);
      await forEachLine(
        files[f],
        (line, number) => w.line(line, number),
        (bytes, text, start, end, number) => w.lineAt(bytes, text, start, end, number),
        () => flush(w),
        // The byte reader needs no text: the chunks are not decoded here.
        false,
      );
      await flush(w);
    }
    post({ type: "end" });
  } catch (error) {
    post({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      unreadable: error instanceof LogReadError,
    });
  }
}

port.on("message", (message: ToReader) => {
  if (message.type === "ack") {
    writer?.recycle(message.records, message.text);
    credits++;
    const w = wake;
    wake = null;
    w?.();
  } else if (message.type === "read") {
    credits = AHEAD;
    void readPass(message.files, message.format);
  }
});
