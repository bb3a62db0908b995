// `sim run FILE`: simulate a scenario's replications and write output/<name>/.
import type { CommandModule } from "yargs";
import { MAILLOG_FORMATS, type MaillogFormat } from "../../calibrate/maillog.js";
import { runScenarioParallel } from "../../experiment/parallel.js";
import { runShard } from "../../experiment/shard.js";
import type { AttemptSink } from "../../model/sink.js";
import { AttemptsCsv, jsonText, runJson } from "../../report/files.js";
import { MaillogFiles } from "../../report/maillog.js";
import { loadScenario } from "../../scenario/load.js";
import {
  checkPartialTarget,
  defaultPartialPath,
  type ExperimentArgs,
  experimentFlags,
  parseExperimentArgs,
  partialNote,
  precisionNote,
  resolveRunSize,
  writePartialFile,
} from "../experiment-options.js";
import { summaryTable } from "../format.js";
import { type Io, UsageError } from "../io.js";
import { defaultFolder, forceFlag } from "../output-folder.js";
import { produceOutput, runContent } from "../outputs.js";
import { progressBar } from "../progress.js";

interface RunArgs extends ExperimentArgs {
  file: string;
  out?: string;
  seed?: number;
  replications?: number;
  json: boolean;
  attempts: boolean;
  maillog?: string;
  charts: boolean;
  force: boolean;
}

export function runCommand(io: Io): CommandModule<object, RunArgs> {
  return {
    command: "run <file>",
    describe:
      "Simulate a scenario and write summary.json, replications.csv, timeseries.csv (and attempts.csv) to output/<name>/",
    builder: (y) =>
      forceFlag(experimentFlags(y, { shard: true }))
        .positional("file", {
          type: "string",
          demandOption: true,
          describe: "scenario JSON file",
        })
        .option("out", {
          type: "string",
          describe: "output folder (default: output/<scenario name>); replaced only if sim wrote it (README, Outputs)",
        })
        .option("seed", {
          type: "number",
          describe: "override the scenario's seed (same seed → byte-identical summary.json)",
        })
        .option("replications", {
          alias: "r",
          type: "number",
          describe: "override the scenario's number of replications",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print summary.json to standard output instead of the table",
        })
        .option("attempts", {
          type: "boolean",
          default: false,
          describe: "also write attempts.csv, one row per attempt (large)",
        })
        .option("maillog", {
          type: "string",
          choices: MAILLOG_FORMATS as unknown as string[],
          describe:
            "also write each replication's attempts as an MTA log (maillog/replication-N.log) that sim calibrate reads",
        })
        .option("charts", {
          type: "boolean",
          default: true,
          describe: "write charts/ (Vega-Lite, SVG, PNG) and report.html; --no-charts skips them",
        })
        .example("$0 run scenarios/18of20.json", "the story: 2 of 20 relays on SpamCop, timer balancing")
        .example(
          "$0 run scenarios/18of20.json --seed 7 -r 50 --out /tmp/x",
          "another seed, more replications, elsewhere",
        ),
    handler: async (args) => {
      const scenario = loadScenario(args.file);
      const size = resolveRunSize(args, scenario);
      const experiment = parseExperimentArgs(args);
      if (experiment.shard) {
        // A shard writes only its partial file; `sim merge` writes the run's files from all of them.
        if (args.attempts) throw new UsageError("--attempts cannot be combined with --shard");
        const file = args.out ?? defaultPartialPath(scenario.name, experiment.shard);
        checkPartialTarget(file);
        if (args.maillog) throw new UsageError("--maillog cannot be combined with --shard");
        const partial = await runShard(scenario, experiment.shard, {
          ...size,
          workers: experiment.workers,
          allowLarge: experiment.allowLarge,
        });
        writePartialFile(file, partial);
        io.stdout(partialNote(partial, file));
        return;
      }
      if (experiment.precision && (args.attempts || scenario.output.attempts || args.maillog)) {
        throw new UsageError(
          "--precision cannot be combined with attempts.csv (--attempts or output.attempts) or --maillog",
        );
      }
      // Checked, locked and staged before any simulation: a refusal or an unwritable folder costs nothing.
      const target = args.out ?? defaultFolder("run", scenario.name);
      const progress = progressBar(`${scenario.name}: replications`, { horizon: scenario.horizon });
      let attemptsCsv: AttemptsCsv | null = null;
      let maillog: MaillogFiles | null = null;
      // Every sink the run writes to (attempts.csv, maillog/), as one.
      const sinks = (i: number): AttemptSink | null => {
        const all = [attemptsCsv?.sinkFor(i), maillog?.sinkFor(i)].filter((x): x is AttemptSink => x !== undefined);
        return all.length === 0
          ? null
          : all.length === 1
            ? all[0]
            : {
                attempt: (r) => {
                  for (const s of all) s.attempt(r);
                },
              };
      };
      await produceOutput(
        target,
        { command: "run", force: args.force, notify: io.stderr },
        async (out) => {
          const started = Date.now();
          if (args.attempts || scenario.output.attempts) attemptsCsv = new AttemptsCsv(out.path("attempts.csv"));
          if (args.maillog) {
            // Each replication's log is listed in the folder's manifest as it is made.
            maillog = new MaillogFiles(
              (i) => out.path(`maillog/replication-${i}.log`),
              args.maillog as MaillogFormat,
              scenario.blacklists.map((b) => b.name),
              scenario.mta.onBlocklist === "requeue",
            );
          }
          const csv = attemptsCsv;
          // attempts.csv is streamed in replication order, so such runs stay in this thread.
          const workers = csv || maillog ? 1 : experiment.workers;
          const { summary, results, precision } = await runScenarioParallel(scenario, {
            ...size,
            workers,
            precision: experiment.precision ?? undefined,
            allowLarge: experiment.allowLarge,
            charts: args.charts,
            attemptSink: csv || maillog ? sinks : undefined,
            onProgress: (done, total, running) => progress.update(done, total, running),
          });
          progress.finish();
          csv?.close();
          maillog?.close();
          const seconds = (Date.now() - started) / 1000;
          const events = results.reduce((a, r) => a + r.events, 0);
          return {
            ...runContent(summary, results, { charts: args.charts }),
            run: () =>
              runJson(started, {
                workers,
                ...(precision ? { precision } : {}),
                events,
                eventsPerSecond: events / seconds,
                messagesPerSecond: summary.totals.messages / seconds,
              }),
            done: (o) =>
              io.stdout(
                args.json
                  ? jsonText(summary)
                  : `${summaryTable(summary)}${precision ? `\n${precisionNote(precision)}\n` : ""}\nWrote ${o.target}/\n`,
              ),
          };
        },
        (error, out) => {
          progress.finish();
          attemptsCsv?.dispose();
          return out.explain(error);
        },
      );
    },
  };
}
