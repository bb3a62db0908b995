// `sim run FILE`: simulate a scenario's replications and write output/<name>/.
import { cpus, hostname } from "node:os";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { runScenario } from "../../experiment/run.js";
import { timeseries } from "../../experiment/summary.js";
import { AttemptsCsv, jsonText, StagedOutput, writeRunFiles } from "../../report/files.js";
import { loadScenario } from "../../scenario/load.js";
import { summaryTable } from "../format.js";
import { type Io, UsageError } from "../main.js";
import { progressBar } from "../progress.js";

interface RunArgs {
  file: string;
  out?: string;
  seed?: number;
  replications?: number;
  json: boolean;
  attempts: boolean;
}

export function runCommand(io: Io): CommandModule<object, RunArgs> {
  return {
    command: "run <file>",
    describe:
      "Simulate a scenario and write summary.json, replications.csv, timeseries.csv (and attempts.csv) to output/<name>/",
    builder: (y) =>
      y
        .positional("file", {
          type: "string",
          demandOption: true,
          describe: "scenario JSON file",
        })
        .option("out", {
          type: "string",
          describe: "output folder (default: output/<scenario name>)",
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
        .example("$0 run scenarios/18of20.json", "the story: 2 of 20 relays on SpamCop, timer balancing")
        .example(
          "$0 run scenarios/18of20.json --seed 7 -r 50 --out /tmp/x",
          "another seed, more replications, elsewhere",
        ),
    handler: (args) => {
      const scenario = loadScenario(args.file);
      if (args.seed !== undefined && !Number.isSafeInteger(args.seed))
        throw new UsageError(`--seed: expected an integer, got ${args.seed}`);
      if (args.replications !== undefined && !(Number.isSafeInteger(args.replications) && args.replications >= 1)) {
        throw new UsageError(`--replications: expected a positive integer, got ${args.replications}`);
      }
      const out = new StagedOutput(args.out ?? join("output", scenario.name));
      const started = Date.now();
      const progress = progressBar(`${scenario.name}: replications`);
      const attemptsCsv = args.attempts || scenario.output.attempts ? new AttemptsCsv(out.path("attempts.csv")) : null;
      try {
        const { summary, results } = runScenario(scenario, {
          seed: args.seed,
          replications: args.replications,
          attemptSink: attemptsCsv ? (i) => attemptsCsv.sinkFor(i) : undefined,
          onProgress: (done, total) => progress.update(done, total),
        });
        progress.finish();
        attemptsCsv?.close();
        writeRunFiles(out, summary, results, timeseries(summary.scenario, results));
        const seconds = (Date.now() - started) / 1000;
        const events = results.reduce((a, r) => a + r.events, 0);
        out.write(
          "run.json",
          jsonText({
            startedAt: new Date(started).toISOString(),
            wallSeconds: seconds,
            host: hostname(),
            cores: cpus().length,
            node: process.version,
            workers: 1,
            events,
            eventsPerSecond: events / seconds,
            messagesPerSecond: summary.totals.messages / seconds,
          }),
        );
        out.commit();
        io.stdout(args.json ? jsonText(summary) : `${summaryTable(summary)}\nWrote ${out.target}/\n`);
      } catch (error) {
        progress.finish();
        out.abandon();
        throw error;
      }
    },
  };
}
