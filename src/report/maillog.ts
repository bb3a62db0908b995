// `sim run --maillog FORMAT`: each replication's attempts as an MTA log, maillog/replication-N.log,
// streamed with batched synchronous writes like attempts.csv (memory stays flat).
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { type MaillogFormat, MaillogFormatter } from "../calibrate/maillog.js";
import type { AttemptRecord, AttemptSink } from "../model/sink.js";

export class MaillogFiles {
  private fd: number | null = null;
  private batch: string[] = [];
  private formatter: MaillogFormatter | null = null;

  constructor(
    /** Where replication i's log goes (the output folder registers each file it hands out). */
    readonly fileFor: (replication: number) => string,
    readonly format: MaillogFormat,
    readonly lists: readonly string[],
    /** `mta.onBlocklist: "requeue"`: blocklist 5xx replies are logged as deferrals. */
    readonly requeueBlocklist = false,
  ) {}

  /** The sink for one replication: a new file. */
  sinkFor(replication: number): AttemptSink {
    this.closeFile();
    const file = this.fileFor(replication);
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, "w");
    this.formatter = new MaillogFormatter(this.format, this.lists, undefined, this.requeueBlocklist);
    return { attempt: (r) => this.add(r) };
  }

  private add(r: Readonly<AttemptRecord>): void {
    for (const line of (this.formatter as MaillogFormatter).lines(r)) this.batch.push(line);
    if (this.batch.length >= 8192) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0 || this.fd === null) return;
    writeSync(this.fd, `${this.batch.join("\n")}\n`);
    this.batch = [];
  }

  private closeFile(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  close(): void {
    this.closeFile();
  }
}
