// Writing a run's files (DESIGN §4): summary.json, replications.csv, timeseries.csv and the
// streamed attempts.csv. Output goes to a staging folder that replaces the target only when
// everything is written, so a failed run never leaves a half-written output folder.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { cpus, hostname } from "node:os";
import { dirname, join } from "node:path";
import { METRICS, type ReplicationResult } from "../experiment/result.js";
import type { Summary, TimeseriesRow } from "../experiment/summary.js";
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
  }
  return csvText(rows, {
    header: true,
    columns: ["replication", "metric", "value"],
  });
}

export function timeseriesCsv(rows: readonly TimeseriesRow[]): string {
  return csvText(
    rows.map((r) => [
      r.time,
      r.listedServers,
      r.attempts,
      r.rejections,
      r.attempts > 0 ? r.rejections / r.attempts : "",
    ]),
    {
      header: true,
      columns: ["time", "listedServers", "attempts", "rejections", "rejectionRate"],
    },
  );
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

  constructor(file: string) {
    this.fd = openSync(file, "w");
    writeSync(this.fd, csvText([], { header: true, columns: ATTEMPT_COLUMNS }));
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
    writeSync(
      this.fd,
      csvText(this.batch, {
        cast: { boolean: (b) => (b ? "true" : "false") },
      }),
    );
    this.batch = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A folder written in full beside its target, then moved into place. */
export class StagedOutput {
  readonly staging: string;

  constructor(readonly target: string) {
    this.staging = join(dirname(target), `.${target.split(/[\\/]/).pop()}.partial-${process.pid}`);
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { recursive: true });
  }

  path(name: string): string {
    return join(this.staging, name);
  }

  write(name: string, content: string | Uint8Array): void {
    const file = this.path(name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }

  /** Replace the target with what was written. */
  commit(): void {
    if (existsSync(this.target)) rmSync(this.target, { recursive: true, force: true });
    renameSync(this.staging, this.target);
  }

  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/** Write summary.json, replications.csv and timeseries.csv of a run. */
export function writeRunFiles(
  out: StagedOutput,
  summary: Summary,
  results: readonly ReplicationResult[],
  series: readonly TimeseriesRow[],
): void {
  out.write("summary.json", jsonText(summary));
  out.write("replications.csv", replicationsCsv(results));
  out.write("timeseries.csv", timeseriesCsv(series));
}
