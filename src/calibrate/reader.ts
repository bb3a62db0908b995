// Calibrating from log files (plain or gzip, streamed: log-lines.ts): the lines are read and
// split, and Postfix's lines parsed, in a worker thread (read-worker.ts) while this one keeps the
// evidence (batch.ts carries the lines between them), so the two halves of the work overlap.
// Node-only; the parsers and estimators stay browser-safe.
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { workerModule } from "../experiment/worker-threads.js";
import { type Batch, BatchReader, transfers } from "./batch.js";
import type { LogFormat } from "./formats.js";
import { forEachLine, LogReadError } from "./log-lines.js";
import type { FromReader, ToReader } from "./read-worker.js";
import { type CalibrateOptions, type CalibrateResult, Calibrator } from "./run.js";

export { type AsciiLine, forEachLine, LogReadError, MAX_LINE } from "./log-lines.js";

/** How calibrateFiles reads. */
export interface ReadOptions {
  /**
   * Read and parse in a worker thread while this one keeps the evidence (default: when the
   * machine has more than one core and the logs hold more than 16 MiB); false reads in this
   * thread, true in a worker whatever the machine and the logs. The same calibration either way. Without a worker (none can start, or
   * the built reader is missing) the files are read in this thread.
   */
  thread?: boolean;
  /** Told why, when `thread` was true and the files were read in this thread all the same. */
  notify?: (message: string) => void;
}

/**
 * Calibrate from log files (plain or gzip), streamed: memory grows with the messages in flight
 * and the relays, senders and domains, not with the logs' size. Each file is read once when the
 * lines come in time order, else twice. Throws
 * LogReadError for an unreadable file and CalibrateError when no delivery attempt was found.
 */
export async function calibrateFiles(
  files: readonly string[],
  options: CalibrateOptions = {},
  read: ReadOptions = {},
): Promise<CalibrateResult> {
  const calibrator = new Calibrator(options);
  await readLogs(calibrator, files, read);
  return calibrator.finish(files);
}

/**
 * Feed every line of `files` to `calibrator`, in order (twice when it needs a second pass): what
 * calibrateFiles does before the estimates (the benchmark times the two apart). True when a
 * reading thread read every pass.
 */
export async function readLogs(
  calibrator: Calibrator,
  files: readonly string[],
  read: ReadOptions = {},
): Promise<boolean> {
  const format = calibrator.format;
  const thread = (read.thread ?? (await worthAThread(files))) ? startReader() : null;
  let threaded = thread !== null;
  try {
    const pass = async () => {
      if (thread !== null && (await readInThread(thread, files, format, calibrator))) return;
      threaded = false;
      for (const file of files) {
        await forEachLine(
          file,
          (line, number) => calibrator.line(file, line, number),
          (bytes, text, start, end, number) => calibrator.lineAt(file, bytes, text, start, end, number),
        );
      }
    };
    await pass();
    if (calibrator.needsSecondPass()) {
      calibrator.secondPass();
      await pass();
    }
  } finally {
    await thread?.worker?.terminate();
  }
  if (read.thread === true && !threaded) {
    read.notify?.(`calibrate: the reading thread ${thread?.failure ?? "did not start"}; read in one thread instead\n`);
  }
  return threaded;
}

/** ASCII bytes as text (Buffer's Latin-1 decoding: a copy). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

/** Logs smaller than this (a gzip file counted at GZIP_RATIO times its size) are read in one thread. */
const THREAD_MIN_BYTES = 16 * 2 ** 20;
/** What gzip typically shrinks a mail log to: a tenth or less; counted conservatively. */
const GZIP_RATIO = 6;

/**
 * Is a reading thread worth starting? Not on one core (it only adds its work), nor for small logs
 * (starting it costs about 0.1 CPU s and 30 MiB, more than it saves below ~100 000 lines).
 */
async function worthAThread(files: readonly string[]): Promise<boolean> {
  if (availableParallelism() < 2) return false;
  let bytes = 0;
  for (const file of files) {
    try {
      const { size } = await stat(file);
      bytes += /\.gz$/i.test(file) ? size * GZIP_RATIO : size;
    } catch {
      // Unreadable: reading it reports why.
    }
    if (bytes >= THREAD_MIN_BYTES) return true;
  }
  return false;
}

/** The reading thread, and whether it has ever answered (until then, failing to start means: read here). */
interface ReaderThread {
  /** null when it could not be started (then `failed`). */
  worker: Worker | null;
  answered: boolean;
  failed: boolean;
  /** Why it failed before it answered, if it did. */
  failure?: string;
}

const readerUrl = (): URL => workerModule(import.meta.url, "calibrate/read-worker.js");

function startReader(): ReaderThread {
  try {
    return { worker: new Worker(readerUrl()), answered: false, failed: false };
  } catch (error) {
    const failure = `could not start (${error instanceof Error ? error.message : String(error)})`;
    return { worker: null, answered: false, failed: true, failure };
  }
}

/**
 * One pass over `files` read by the thread, its batches fed to `calibrator` in order. False when
 * the thread failed before it answered (no line was fed: the caller reads the pass itself).
 */
function readInThread(
  thread: ReaderThread,
  files: readonly string[],
  format: LogFormat,
  calibrator: Calibrator,
): Promise<boolean> {
  const { worker } = thread;
  if (thread.failed || worker === null) return Promise.resolve(false);
  const batches = new BatchReader(calibrator, files, latin1);
  return new Promise((resolve, reject) => {
    const stop = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const fail = (error: Error) => {
      stop();
      thread.failed = true;
      thread.failure = `stopped before it answered (${error.message})`;
      if (thread.answered) reject(error);
      else resolve(false);
    };
    const onMessage = (message: FromReader) => {
      thread.answered = true;
      if (message.type === "batch") {
        const batch: Batch = message.batch;
        try {
          batches.read(batch);
        } catch (error) {
          stop();
          reject(error);
          return;
        }
        worker.postMessage(
          { type: "ack", records: batch.records, text: batch.text } satisfies ToReader,
          transfers(batch),
        );
      } else if (message.type === "end") {
        stop();
        resolve(true);
      } else {
        stop();
        reject(message.unreadable ? new LogReadError(message.message) : new Error(message.message));
      }
    };
    const onError = (error: Error) => fail(error);
    const onExit = (code: number) => fail(new Error(`calibrate: the reading thread stopped (exit code ${code})`));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage({ type: "read", files: [...files], format } satisfies ToReader);
  });
}
