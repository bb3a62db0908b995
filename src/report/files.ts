// Writing a run's files (DESIGN §4): summary.json, replications.csv, timeseries.csv and the
// streamed attempts.csv. They go into an output folder staged by cli/output-folder.ts, which
// replaces the target only when everything is written.
import { closeSync, openSync, writeSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { RECIPIENT_METRICS } from "../experiment/recipient-metrics.js";
import { METRICS, type ReplicationResult } from "../experiment/result.js";
import {
  type Summary,
  type TimeseriesRow,
  type TimeseriesSums,
  timeseriesRow,
  timeseriesSums,
} from "../experiment/summary.js";
import type { AttemptRecord, AttemptSink } from "../model/sink.js";
import { csvText } from "./csv.js";

/**
 * run.json: what varies between identical runs and so stays out of summary.json (DESIGN §4) —
 * start and wall time, host, cores, Node version — plus the command's own `facts`.
 */
export function runJson(started: number, facts: Record<string, unknown>): string {
  return jsonText({
    startedAt: new Date(started).toISOString(),
    wallSeconds: (Date.now() - started) / 1000,
    host: hostname(),
    cores: cpus().length,
    node: process.version,
    ...facts,
  });
}

/** JSON with two-space indentation and a final newline: stable bytes for a given value. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function replicationsCsv(results: readonly ReplicationResult[]): string {
  const rows: (string | number)[][] = [];
  for (const r of results) {
    for (const metric of METRICS) rows.push([r.replication, metric, r.metrics[metric] ?? ""]);
    // Per-recipient metrics only when messages have several recipients (recipients.perMessage).
    const perRecipient = r.recipients?.metrics;
    if (perRecipient)
      for (const metric of RECIPIENT_METRICS) rows.push([r.replication, metric, perRecipient[metric] ?? ""]);
  }
  return csvText(rows, {
    header: true,
    columns: ["replication", "metric", "value"],
  });
}

const TIMESERIES_HEADER = "time,listedServers,attempts,rejections,rejectionRate";

/**
 * timeseries.csv. Every cell is a number (or the empty rate of a bucket without attempts), which
 * csvText writes as `"" + value`, unquoted: the same bytes are built here in one pass, without a
 * row array per bucket (a 7000-day run has 168,000 rows; test/report/timeseries-csv.test.ts holds
 * it to csvText).
 */
export function timeseriesCsv(rows: readonly TimeseriesRow[]): string {
  const lines = new Array<string>(rows.length + 1);
  lines[0] = TIMESERIES_HEADER;
  for (let i = 0; i < rows.length; i++) lines[i + 1] = timeseriesLine(rows[i]);
  return `${lines.join("\n")}\n`;
}

/** One bucket's line of timeseries.csv (without its newline), for both writers below and above. */
function timeseriesLine(r: TimeseriesRow): string {
  const rate = r.attempts > 0 ? r.rejections / r.attempts : "";
  return `${r.time},${r.listedServers},${r.attempts},${r.rejections},${rate}`;
}

/** Buckets formatted per piece of timeseriesCsvFromSums: about 40 KiB of text, short-lived. */
const BUCKETS_PER_PIECE = 1024;

/**
 * timeseries.csv straight from the summed columns, the same bytes as timeseriesCsv of their rows
 * (test/report/timeseries-csv.test.ts). After a long run the rows, their line strings and the
 * joined text all outlived several scavenges, which copied them from space to space: 0.2 s of
 * garbage collection and 0.1 s in writeFileSync (converting and writing) in the 28 M run's profile. Here each piece of
 * text dies young and goes into a buffer off V8's heap; every character is ASCII (digits, `.`,
 * `e`, `+`, `-`, `NaN`, `Infinity`), so Latin-1 gives the UTF-8 bytes.
 */
export function timeseriesCsvFromSums(sums: TimeseriesSums): Uint8Array {
  const buckets = sums.listed.length;
  const pieces: Buffer[] = [Buffer.from(`${TIMESERIES_HEADER}\n`, "latin1")];
  for (let from = 0; from < buckets; from += BUCKETS_PER_PIECE) {
    const to = Math.min(buckets, from + BUCKETS_PER_PIECE);
    let text = "";
    for (let b = from; b < to; b++) text += `${timeseriesLine(timeseriesRow(sums, b))}\n`;
    pieces.push(Buffer.from(text, "latin1"));
  }
  return Buffer.concat(pieces);
}

const ATTEMPT_COLUMNS = [
  "replication",
  "time",
  "message",
  "sender",
  "domain",
  "server",
  "submission",
  "kind",
  "outcome",
  "counted",
];

/**
 * attempts.csv, streamed: rows are formatted by csv-stringify in batches and written with
 * synchronous writes, so memory stays flat however many attempts a run makes.
 */
export class AttemptsCsv {
  private readonly fd: number;
  private batch: (string | number | boolean)[][] = [];
  private replication = 0;
  private closed = false;

  constructor(private readonly file: string) {
    this.fd = openSync(file, "w");
    this.put(csvText([], { header: true, columns: ATTEMPT_COLUMNS }));
  }

  /** A write; its error (a full disk) names the file, which writeSync's does not. */
  private put(text: string): void {
    try {
      writeSync(this.fd, text);
    } catch (error) {
      (error as NodeJS.ErrnoException).path ??= this.file;
      throw error;
    }
  }

  /** The sink for one replication's attempts. */
  sinkFor(replication: number): AttemptSink {
    this.flush();
    this.replication = replication;
    return { attempt: (r) => this.add(r) };
  }

  private add(r: Readonly<AttemptRecord>): void {
    this.batch.push([
      this.replication,
      r.time,
      r.message,
      r.sender,
      r.domain,
      r.server,
      r.submission,
      r.kind,
      r.outcome,
      r.counted,
    ]);
    if (this.batch.length >= 8192) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.put(
      csvText(this.batch, {
        cast: { boolean: (b) => (b ? "true" : "false") },
      }),
    );
    this.batch = [];
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    closeSync(this.fd);
  }

  /** Close without flushing, after a failure (a full disk): never throws. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch = [];
    try {
      closeSync(this.fd);
    } catch {
      // Already unusable.
    }
  }
}

/** Where a run's files go (the output folder being staged, cli/output-folder.ts). */
export interface FileTarget {
  write(name: string, content: string | Uint8Array): void;
}

/**
 * Write summary.json, replications.csv and timeseries.csv of a run. timeseries.csv comes from the
 * results' summed columns, or from `series` when the caller has made the rows anyway (`sim advise`
 * makes them for its charts while the table still simulates): the same bytes either way.
 */
export function writeRunFiles(
  out: FileTarget,
  summary: Summary,
  results: readonly ReplicationResult[],
  series?: readonly TimeseriesRow[],
): void {
  out.write("summary.json", jsonText(summary));
  out.write("replications.csv", replicationsCsv(results));
  out.write(
    "timeseries.csv",
    series ? timeseriesCsv(series) : timeseriesCsvFromSums(timeseriesSums(summary.scenario, results)),
  );
}
