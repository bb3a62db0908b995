// `sim calibrate LOG...`: read a relay pool's MTA logs (Postfix, Exim, qmail; plain or gzip) in
// two streaming passes and write a scenario of that pool with a `calibration` block of estimates.
import type { CommandModule } from "yargs";
import type { Calibration, Interval } from "../../calibrate/estimate.js";
import { LOG_FORMATS, type LogFormat } from "../../calibrate/formats.js";
import { calibrateFiles, LogReadError } from "../../calibrate/reader.js";
import { CalibrateError } from "../../calibrate/run.js";
import { formatDuration, formatPercent } from "../../format.js";
import { jsonText } from "../../report/files.js";
import { table } from "../format.js";
import { type Io, UsageError } from "../io.js";
import { checkFileTarget, writeFileWhole } from "../output-folder.js";

/** The first bytes of a scenario file that sim calibrate wrote (see the handler). */
const isCalibratedScenario = (head: string) => /^\{\s*"description": "calibrated by sim calibrate /.test(head);

export { relayFromPath } from "../../calibrate/run.js";

interface CalibrateArgs {
  logs: string[];
  format: string;
  out?: string;
  name: string;
  year?: number;
  json: boolean;
  /** A second thread for reading (undefined: decided by the logs' size and the cores). */
  thread?: boolean;
}

const fmt = (x: number | null, digits = 2) => (x === null ? "?" : Number(x.toFixed(digits)).toString());
const pct = (x: number | null) => (x === null ? "?" : formatPercent(x));
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
        .positional("logs", {
          type: "string",
          array: true,
          demandOption: true,
          describe: "log files (read once when in time order, else twice)",
        })
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
        .option("thread", {
          type: "boolean",
          describe:
            "read and parse the logs in a second thread while the first keeps the evidence (default: for logs over 16 MiB on more than one core); --no-thread reads in one; the same result either way",
        })
        .example("$0 calibrate /var/log/mail.log* --out mypool.json && $0 advise mypool.json", "advice for your pool")
        .epilogue(
          "Reads the files once when their lines come in time order (give rotated files oldest first), else twice (so not standard input). Memory grows with messages in flight and the number of relays, senders and recipient domains, not with the log's size; the policy test keeps the first 250 000 picks. Lines no parser understands are counted and sampled, never fatal. Exit 2 for unreadable files or bad options.",
        ),
    handler: async (args) => {
      if (args.out !== undefined) checkFileTarget(args.out, isCalibratedScenario);
      if (args.logs.length === 0 || args.logs.includes("-"))
        throw new UsageError(
          "calibrate may read each log twice (when out of time order): give files, not standard input",
        );
      if (!/^[a-z0-9][a-z0-9._-]*$/.test(args.name)) {
        throw new UsageError(`--name ${args.name}: expected lower-case letters, digits, '.', '_' and '-'`);
      }
      const year = args.year ?? new Date().getUTCFullYear();
      if (!Number.isSafeInteger(year) || year < 1970 || year > 9999)
        throw new UsageError(`--year ${args.year}: expected a year`);
      try {
        const { calibration: c, scenario } = await calibrateFiles(
          args.logs,
          { format: args.format as LogFormat, year, name: args.name },
          { thread: args.thread, notify: io.stderr },
        );
        if (args.out !== undefined) {
          // Its description first, so an earlier calibration is recognised by its first bytes and
          // replaced, while any other file at --out (a log, the user's own scenario) is refused.
          const { description, ...rest } = scenario;
          writeFileWhole(args.out, jsonText({ description, ...rest }), isCalibratedScenario);
        }
        io.stdout(args.json ? jsonText(c) : `${calibrationText(c)}${args.out ? `\nWrote ${args.out}\n` : ""}`);
      } catch (error) {
        if (error instanceof LogReadError || error instanceof CalibrateError) throw new UsageError(error.message);
        throw error;
      }
    },
  };
}
