// `sim sweep FILE --vary PATH=VALUES ...`: run a scenario at every point of a grid of values,
// with common random numbers, and write output/<name>/sweep.json and sweep.csv.
import type { CommandModule } from "yargs";
import type { Metric } from "../../experiment/result.js";
import { sweepShard } from "../../experiment/shard.js";
import type { MetricSummary } from "../../experiment/summary.js";
import { type SweepJson, sweepJson, sweepPoints } from "../../experiment/sweep.js";
import { blockParameters, parseVary, SweepError, type SweepParameter } from "../../experiment/sweep-values.js";
import { formatMetric } from "../../report/charts/theme.js";
import { jsonText, runJson } from "../../report/files.js";
import { formatRecipientMetric } from "../../report/recipients-words.js";
import { loadScenario, ScenarioError } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/schema.js";
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
import { table } from "../format.js";
import { type Io, UsageError } from "../io.js";
import { defaultFolder, forceFlag } from "../output-folder.js";
import { produceOutput, sweepContent } from "../outputs.js";
import { progressBar } from "../progress.js";

interface SweepArgs extends ExperimentArgs {
  file: string;
  vary?: string[];
  out?: string;
  seed?: number;
  replications?: number;
  json: boolean;
  charts: boolean;
  force: boolean;
}

/** The metrics the terminal table shows; sweep.csv and sweep.json have them all. */
const TABLE_METRICS: Metric[] = ["firstAttemptFailure", "resendFailure", "messageFailure", "deliveryDelayMean"];

/** The sweep's parameters: --vary if given (it replaces the scenario's sweep block), else the block. */
export function sweepParameters(
  scenario: Scenario,
  file: string,
  vary: readonly string[] | undefined,
): SweepParameter[] {
  if (vary && vary.length > 0) {
    return vary.map((text) => {
      try {
        return parseVary(text);
      } catch (error) {
        if (error instanceof SweepError) throw new UsageError(`--vary ${text}: ${error.message}`);
        throw error;
      }
    });
  }
  if (scenario.sweep && scenario.sweep.length > 0) {
    try {
      return blockParameters(scenario.sweep);
    } catch (error) {
      if (error instanceof SweepError) throw new ScenarioError(file, [error.message]);
      throw error;
    }
  }
  throw new UsageError(
    "sim sweep: nothing to vary: give --vary PATH=VALUES (e.g. resend.after=0m..30m/1m) or a sweep block",
  );
}

function cell(metric: Metric, value: number | null): string {
  return value === null ? "n/a" : formatMetric(metric, value);
}

function pointLabel(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** A mean with its ± half-width, as `format` writes the metric. */
function withHalfWidth(s: MetricSummary, format: (x: number | null) => string): string {
  return `${format(s.mean)}${s.ci95 ? ` ±${format((s.ci95[1] - s.ci95[0]) / 2)}` : ""}`;
}

/**
 * The terminal table: one row per point, the main metrics' means with their CIs, and the share of
 * recipients never delivered when every point's messages have several recipients.
 */
export function sweepTable(json: SweepJson): string {
  const paths = json.parameters.map((p) => p.path);
  const perRecipient = json.points.length > 0 && json.points.every((p) => p.recipients !== undefined);
  const rows = json.points.map((point) => [
    ...paths.map((path) => pointLabel(point.values[path])),
    ...TABLE_METRICS.map((m) => withHalfWidth(point.metrics[m], (x) => cell(m, x))),
    ...(perRecipient
      ? [
          withHalfWidth((point.recipients as NonNullable<typeof point.recipients>).recipientFailure, (x) =>
            x === null ? "n/a" : formatRecipientMetric("recipientFailure", x),
          ),
        ]
      : []),
  ]);
  const head = `${json.scenario.name}: sweep of ${json.points.length} point${json.points.length === 1 ? "" : "s"} × ${json.replications} replications, seed ${json.seed} (durations in seconds)`;
  const columns = [...paths, ...TABLE_METRICS, ...(perRecipient ? ["recipientFailure"] : [])];
  return `${head}\n\n${table(columns, rows)}\n`;
}

export function sweepCommand(io: Io): CommandModule<object, SweepArgs> {
  return {
    command: "sweep <file>",
    describe:
      "Run a scenario over a grid of parameter values (common random numbers) and write sweep.json and sweep.csv",
    builder: (y) =>
      forceFlag(experimentFlags(y, { shard: true }))
        .positional("file", { type: "string", demandOption: true, describe: "scenario JSON file" })
        .option("vary", {
          type: "string",
          array: true,
          describe:
            "PATH=VALUES: a scenario path (resend.after, pool.balancer.period, listed.0.servers, pool.balancer.policy, …) and a list (0m,5m,10m) or range (0m..60m/2m); repeat for a grid; replaces the scenario's sweep block",
        })
        .option("out", {
          type: "string",
          describe:
            "output folder (default: output/<scenario name>-sweep; replaced only if sim wrote it); with --shard, the partial file",
        })
        .option("seed", { type: "number", describe: "override the scenario's seed (shared by every point)" })
        .option("replications", { alias: "r", type: "number", describe: "replications per point" })
        .option("json", { type: "boolean", default: false, describe: "print sweep.json instead of the table" })
        .option("charts", {
          type: "boolean",
          default: true,
          describe: "write the sweep's charts/ and report.html, as sim report does; --no-charts skips them",
        })
        .epilogue(
          [
            'VALUES: a range FROM..TO/STEP (0m..60m/2m, 10..30/10; TO is included when a step lands on it), a list (0m,5m,10m or timer,sticky), or a JSON array for object values ([{"uniform":["5m","15m"]},"10m"]).',
            "PATH names a value in the normalised scenario (defaults filled in); each point is re-validated like a scenario file. A duration set on a distribution (resend.after=5m) means a fixed delay.",
            "Switching pool.balancer.policy keeps the base balancer's fields that the new policy accepts and fills in the others: timer period 10m, phase global, assignment rotate; dns ttl 5m.",
            "All points use the same seed and replication indices (common random numbers). Durations in sweep.json and sweep.csv are in seconds.",
          ].join("\n\n"),
        )
        .example("$0 sweep scenarios/18of20.json --vary resend.after=0m..30m/1m", "how long to wait before resending")
        .example(
          "$0 sweep scenarios/18of20.json --vary pool.balancer.policy=timer,sticky,random --vary listed.0.servers=1..4/1",
          "a grid: policy × number of listed servers",
        ),
    handler: async (args) => {
      const scenario = loadScenario(args.file);
      const size = resolveRunSize(args, scenario);
      const parameters = sweepParameters(scenario, args.file, args.vary);
      const experiment = parseExperimentArgs(args);
      const common = {
        ...size,
        workers: experiment.workers,
        source: args.file,
        allowLarge: experiment.allowLarge,
      };
      const progress = progressBar(`${scenario.name}: sweep`, { horizon: scenario.horizon });
      const onProgress = (done: number, total: number, running?: number) => progress.update(done, total, running);
      if (experiment.shard) {
        const file = args.out ?? defaultPartialPath(`${scenario.name}-sweep`, experiment.shard);
        checkPartialTarget(file);
        try {
          const partial = await sweepShard(scenario, parameters, experiment.shard, { ...common, onProgress });
          progress.finish();
          writePartialFile(file, partial);
          io.stdout(partialNote(partial, file));
          return;
        } catch (error) {
          progress.finish();
          throw translate(error);
        }
      }
      // Checked, locked and staged before any simulation.
      await produceOutput(
        args.out ?? defaultFolder("sweep", scenario.name),
        { command: "sweep", force: args.force, notify: io.stderr },
        async () => {
          const started = Date.now();
          const result = await sweepPoints(scenario, parameters, {
            ...common,
            precision: experiment.precision ?? undefined,
            onProgress,
          });
          progress.finish();
          const json = sweepJson(result);
          const seconds = (Date.now() - started) / 1000;
          const messages = result.summaries.reduce((a, s) => a + s.totals.messages, 0);
          const note = result.precision ? `\n${precisionNote(result.precision)}\n` : "";
          return {
            ...sweepContent(json, { charts: args.charts }),
            run: () =>
              runJson(started, {
                workers: experiment.workers,
                points: result.summaries.length,
                messagesPerSecond: messages / seconds,
                ...(result.precision ? { precision: result.precision } : {}),
              }),
            done: (o) => io.stdout(args.json ? jsonText(json) : `${sweepTable(json)}${note}\nWrote ${o.target}/\n`),
          };
        },
        (error) => {
          progress.finish();
          return translate(error);
        },
      );
    },
  };
}

/** Errors in a point's values are the user's: exit 2 like any invalid scenario. */
function translate(error: unknown): unknown {
  return error instanceof SweepError ? new UsageError(error.message) : error;
}
