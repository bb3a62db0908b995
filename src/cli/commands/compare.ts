// `sim compare A.json B.json [C.json ...]`: run scenarios with common random numbers and
// report each metric's difference from the first with a paired 95 % interval over replications (compare.json).
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { type Comparison, compare, type MetricComparison, scenarioLabels } from "../../experiment/compare.js";
import { RECIPIENT_METRICS } from "../../experiment/recipient-metrics.js";
import { METRICS } from "../../experiment/result.js";
import { formatMetric, METRIC_TITLES } from "../../report/charts/theme.js";
import { jsonText } from "../../report/files.js";
import { formatRecipientMetric, RECIPIENT_METRIC_TITLES } from "../../report/recipients-words.js";
import { loadScenario } from "../../scenario/load.js";
import {
  type ExperimentArgs,
  experimentFlags,
  parseExperimentArgs,
  precisionNote,
  resolveRunSize,
} from "../experiment-options.js";
import { table } from "../format.js";
import { type Io, UsageError } from "../io.js";
import { forceFlag } from "../output-folder.js";
import { produceOutput } from "../outputs.js";
import { progressBar } from "../progress.js";

interface CompareArgs extends ExperimentArgs {
  files: string[];
  out?: string;
  seed?: number;
  replications?: number;
  json: boolean;
  force: boolean;
}

/** A metric's rows: one per compared scenario, with the first's mean, the difference and both intervals. */
function metricRows(title: string, m: MetricComparison, format: (x: number) => string): string[][] {
  const signed = (x: number) => (x < 0 ? `−${format(-x)}` : `+${format(x)}`);
  const interval = (ci: [number, number] | null) => (ci ? `${signed(ci[0])} … ${signed(ci[1])}` : "");
  return m.differences.map((d) => [
    title,
    d.scenario,
    m.baseline.mean === null ? "n/a" : format(m.baseline.mean),
    d.mean === null ? "n/a" : format(d.mean),
    d.difference === null ? "n/a" : signed(d.difference),
    interval(d.ci95),
    interval(d.unpairedCi95),
  ]);
}

/**
 * One row per metric and compared scenario: the first's mean, the difference and both intervals;
 * then the per-recipient metrics when messages have several recipients.
 */
export function comparisonTable(c: Comparison): string {
  const first = c.scenarios[0].label;
  const rows: string[][] = [];
  for (const metric of METRICS) {
    rows.push(...metricRows(METRIC_TITLES[metric], c.metrics[metric], (x) => formatMetric(metric, x)));
  }
  for (const metric of c.recipients === undefined ? [] : RECIPIENT_METRICS) {
    const m = (c.recipients as NonNullable<Comparison["recipients"]>)[metric];
    rows.push(...metricRows(RECIPIENT_METRIC_TITLES[metric], m, (x) => formatRecipientMetric(metric, x)));
  }
  const head = `${c.scenarios.map((s) => s.label).join(" vs ")}: ${c.replications} paired replications, seed ${c.seed} (common random numbers)`;
  return `${head}\n\n${table(["metric", "vs", first, "other", "difference", "paired 95 % CI", "unpaired 95 % CI"], rows)}\n`;
}

export function compareCommand(io: Io): CommandModule<object, CompareArgs> {
  return {
    command: "compare <files..>",
    describe:
      "Run scenarios with common random numbers and report each metric's difference from the first (paired 95 % CI over replications) in compare.json",
    builder: (y) =>
      forceFlag(experimentFlags(y, { shard: false }))
        .positional("files", {
          type: "string",
          array: true,
          demandOption: true,
          describe: "two or more scenario files",
        })
        .option("out", {
          type: "string",
          describe: "output folder (default: output/compare-<first>-<second>…; replaced only if sim wrote it)",
        })
        .option("seed", { type: "number", describe: "seed for all (default: the first scenario's)" })
        .option("replications", {
          alias: "r",
          type: "number",
          describe: "replications of each (default: the first scenario's)",
        })
        .option("json", { type: "boolean", default: false, describe: "print compare.json instead of the table" })
        .example("$0 compare timer.json sticky.json random.json", "three balancers on the same mail and listings"),
    handler: async (args) => {
      if (args.files.length < 2) throw new UsageError("sim compare: expected at least two scenario files");
      const scenarios = args.files.map((f) => loadScenario(f));
      const size = resolveRunSize(args, scenarios[0]);
      const experiment = parseExperimentArgs(args);
      const labels = scenarioLabels(scenarios);
      const progress = progressBar("compare");
      // Checked, locked and staged before any simulation.
      await produceOutput(
        args.out ?? join("output", `compare-${labels.join("-")}`.replace(/#/g, "_").replace(/[\\/]/g, "_")),
        { command: "compare", force: args.force, notify: io.stderr },
        async () => {
          const result = await compare(scenarios, {
            labels,
            ...size,
            workers: experiment.workers,
            precision: experiment.precision ?? undefined,
            allowLarge: experiment.allowLarge,
            onProgress: (done, total, running) => progress.update(done, total, running),
          });
          progress.finish();
          const note = result.precision ? `\n${precisionNote(result.precision)}\n` : "";
          return {
            files: (o) => o.write("compare.json", jsonText(result)),
            done: (o) =>
              io.stdout(args.json ? jsonText(result) : `${comparisonTable(result)}${note}\nWrote ${o.target}/\n`),
          };
        },
        (error) => {
          progress.finish();
          return error;
        },
      );
    },
  };
}
