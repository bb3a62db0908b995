// `sim calibrate LOG...`: read a relay pool's MTA logs (Postfix, Exim, qmail; plain or gzip) in
// two streaming passes and write a scenario of that pool with a `calibration` block of estimates.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { CommandModule } from "yargs";
import { type Calibration, calibrate, calibratedScenario, type Interval } from "../../calibrate/estimate.js";
import { Evidence } from "../../calibrate/evidence.js";
import { LineReader, LOG_FORMATS, type LogFormat } from "../../calibrate/formats.js";
import { newLineEvent } from "../../calibrate/line-event.js";
import { forEachLine, LogReadError } from "../../calibrate/reader.js";
import { jsonText } from "../../report/files.js";
import { parseScenario } from "../../scenario/load.js";
import { formatDuration } from "../../scenario/units.js";
import { table } from "../format.js";
import { type Io, UsageError } from "../main.js";

interface CalibrateArgs {
  logs: string[];
  format: string;
  out?: string;
  name: string;
  year?: number;
  json: boolean;
}

/** The relay a file's lines belong to when the lines do not say: "relay3/current" → "relay3"; "mail.log.2.gz" → "mail.log". */
export function relayFromPath(file: string): string {
  const name = basename(file);
  if (name === "current" || name.startsWith("@")) return basename(dirname(file)) || name;
  return name.replace(/(\.gz)$/, "").replace(/([.-]\d+|[.-]\d{8})$/, "") || name;
}

/** Read every file once (pass 1 or 2), feeding the evidence. */
async function readAll(files: string[], reader: LineReader, evidence: Evidence): Promise<void> {
  const event = newLineEvent();
  for (const file of files) {
    const fallback = relayFromPath(file);
    await forEachLine(file, (line, number) => {
      if (line === "") return;
      try {
        event.kind = "ignored";
        reader.read(line, event, fallback);
      } catch {
        event.kind = "unparsed";
      }
      if (event.kind === "unparsed") evidence.noteUnparsed(file, number, line);
      else evidence.add(event);
    });
  }
}

const fmt = (x: number | null, digits = 2) => (x === null ? "?" : Number(x.toFixed(digits)).toString());
const pct = (x: number | null) => (x === null ? "?" : `${(100 * x).toFixed(1)} %`);
const ci = (i: Interval, f: (x: number | null) => string = (x) => fmt(x)) =>
  i.ci95 ? `${f(i.estimate)} [${f(i.ci95[0])}, ${f(i.ci95[1])}]` : f(i.estimate);

/** The calibration summary for the terminal. */
export function calibrationText(c: Calibration): string {
  const lines: string[] = [];
  const s = c.source;
  lines.push(
    `Read ${s.lines} lines (${s.attempts} delivery attempts) from ${s.files.length} file(s), ${s.start ?? "?"} to ${s.end ?? "?"}; ${s.unparsed.count} lines not understood.`,
  );
  for (const u of s.unparsed.samples) lines.push(`  unparsed ${u.file}:${u.line}: ${u.text}`);
  lines.push("", `Relays: ${ci(c.relays.count, (x) => fmt(x, 0))} (95 % CI, ${c.relays.count.evidence} picks)`);
  lines.push(
    table(
      ["#", "relay", "address", "attempts", "rejected"],
      c.relays.list.map((r) => [String(r.index), r.key, r.address ?? "", String(r.attempts), String(r.rejected)]),
    ),
  );
  lines.push("", "Lists (subscriber share among domains that got mail through a listed relay, 95 % CI):");
  lines.push(
    table(
      ["list", "reply", "rejections", "windows", "by domains", "by mail", "typical listing"],
      c.lists.map((l) => [
        l.name,
        l.reply,
        String(l.rejections),
        String(l.windows.length),
        `${ci(l.subscribers.byDomain, pct)} (${l.subscribers.byDomain.evidence} domains)`,
        `${ci(l.subscribers.byMail, pct)}`,
        l.listedSeconds.estimate === null ? "?" : formatDuration(Math.round(l.listedSeconds.estimate)),
      ]),
    ),
  );
  for (const l of c.lists) {
    for (const w of l.windows) {
      const t = (x: number | null) => (x === null ? "?" : formatDuration(Math.round(x)));
      lines.push(
        `  ${l.name} on ${w.relayKey}: onset in [${t(w.onset.earliest)}, ${t(w.onset.latest)}], end in [${t(w.end.earliest)}, ${t(w.end.latest)}], ${w.rejections} rejections${w.contradictions ? `, ${w.contradictions} deliveries to subscribers inside` : ""}`,
      );
    }
  }
  lines.push(
    "",
    `Balancing: ${c.policy.policy}${c.policy.period !== null ? ` (${formatDuration(Math.round(c.policy.period))})` : ""}`,
  );
  for (const r of c.policy.reasons) lines.push(`  ${r}`);
  lines.push(
    "",
    `Senders: ${ci(c.traffic.senders, (x) => fmt(x, 0))}; messages ${c.traffic.messages}; rate per sender per day ${ci(c.traffic.ratePerSenderPerDay)}`,
    `Recipient domains: ${ci(c.recipients.domains, (x) => fmt(x, 0))}; Zipf exponent ${ci(c.recipients.zipf)}`,
    `MTA retries: ${c.retry.schedule} (${c.retry.evidence} retries; ${c.retry.method})`,
    `User resends: ${c.resend.resends} of ${c.resend.bounces} bounces; probability ${ci(c.resend.probability, pct)}; median wait ${c.resend.waitSeconds.median === null ? "?" : formatDuration(Math.round(c.resend.waitSeconds.median))}; at most ${c.resend.maxAttempts} submissions`,
  );
  return `${lines.join("\n")}\n`;
}

export function calibrateCommand(io: Io): CommandModule<object, CalibrateArgs> {
  return {
    command: "calibrate <logs..>",
    describe:
      "Estimate a relay pool from its MTA logs (Postfix, Exim, qmail; plain or gzip): relays, listing windows, subscriber shares, balancing policy, traffic, retries, resends; write a scenario",
    builder: (y) =>
      y
        .positional("logs", { type: "string", array: true, demandOption: true, describe: "log files (read twice)" })
        .option("format", {
          type: "string",
          choices: LOG_FORMATS as unknown as string[],
          default: "auto",
          describe: "log format; auto decides per line",
        })
        .option("out", { type: "string", describe: "write the calibrated scenario here (JSON)" })
        .option("name", { type: "string", default: "calibrated", describe: "the scenario's name" })
        .option("year", {
          type: "number",
          describe: "year of classic syslog stamps (which have none; default: this year)",
        })
        .option("json", { type: "boolean", default: false, describe: "print the calibration block as JSON" })
        .example("$0 calibrate /var/log/mail.log* --out mypool.json && $0 advise mypool.json", "advice for your pool")
        .epilogue(
          "Reads each file twice (so not standard input). Memory grows with messages in flight and the number of relays, senders and recipient domains, not with the log's size; the policy test keeps the first million picks. Lines no parser understands are counted and sampled, never fatal. Exit 2 for unreadable files or bad options.",
        ),
    handler: async (args) => {
      if (args.logs.length === 0 || args.logs.includes("-"))
        throw new UsageError("calibrate reads each log twice: give files, not standard input");
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(args.name)) {
        throw new UsageError(`--name ${args.name}: expected lower-case letters, digits, '.', '_' and '-'`);
      }
      const year = args.year ?? new Date().getUTCFullYear();
      if (!Number.isSafeInteger(year) || year < 1970 || year > 9999)
        throw new UsageError(`--year ${args.year}: expected a year`);
      const reader = new LineReader(args.format as LogFormat, year);
      const evidence = new Evidence();
      try {
        await readAll(args.logs, reader, evidence);
        const formats = { ...reader.byFormat };
        evidence.startPass2();
        await readAll(args.logs, new LineReader(args.format as LogFormat, year), evidence);
        if (evidence.attempts === 0) {
          throw new UsageError(
            `${args.logs.join(", ")}: no delivery attempts found in ${evidence.lines} lines (${evidence.unparsed.count} not understood${evidence.unparsed.samples.length ? `, e.g. ${JSON.stringify(evidence.unparsed.samples[0].text)}` : ""}); expected Postfix smtp, Exim or qmail-send lines`,
          );
        }
        const c = calibrate(evidence, args.logs, formats);
        const scenario = calibratedScenario(c, args.name);
        // The scenario must be one sim run accepts: validate before writing.
        parseScenario(scenario, args.out ?? "calibrated scenario");
        if (args.out !== undefined) {
          const tmp = `${args.out}.tmp-${process.pid}`;
          try {
            writeFileSync(tmp, jsonText(scenario));
            renameSync(tmp, args.out);
          } catch (error) {
            rmSync(tmp, { force: true });
            throw new UsageError(`${args.out}: cannot write: ${(error as Error).message}`);
          }
        }
        io.stdout(args.json ? jsonText(c) : `${calibrationText(c)}${args.out ? `\nWrote ${args.out}\n` : ""}`);
      } catch (error) {
        if (error instanceof LogReadError) throw new UsageError(error.message);
        throw error;
      }
    },
  };
}
