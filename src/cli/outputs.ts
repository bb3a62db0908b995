// The output folder of run, sweep, merge, advise and compare, assembled in one place (README,
// "Outputs"): the folder is checked, locked and staged before any simulation; then the data
// files, the charts and report.html, and run.json go in, and the folder is committed. Any failure
// before the commit abandons the staging and leaves the target as it was; a chart failure leaves
// the committed data files and is reported (exit 1) after the command has printed its result.
import type { ReplicationResult } from "../experiment/result.js";
import { type Summary, timeseries } from "../experiment/summary.js";
import { type SweepJson, sweepCsv } from "../experiment/sweep.js";
import { type FileTarget, jsonText, writeRunFiles } from "../report/files.js";
import { chartsFailed, completeOutput, type OpenOptions, OutputFolder } from "./output-folder.js";

/** What a command puts in its folder, in the order it goes in. */
export interface FolderContent {
  /** The data files (summary.json, sweep.json, advice.json, …). */
  files: (out: OutputFolder) => void;
  /** charts/ and report.html; a failure here keeps the data files (see ChartsFailed). */
  charts?: (out: OutputFolder) => Promise<void>;
  /** run.json's text, made once the rest is written. */
  run?: () => string;
  /** What the command prints once the folder is committed (its table, "Wrote DIR/"). */
  done?: (out: OutputFolder) => void;
}

/**
 * Open the folder at `target` (refusing before any work), let `produce` simulate and say what
 * goes in it, write that and commit. On failure the staging is abandoned and `failed` may clean
 * up (a progress bar, a streamed file) and translate the error (SweepError → UsageError).
 */
export async function produceOutput(
  target: string,
  options: OpenOptions,
  produce: (out: OutputFolder) => Promise<FolderContent>,
  failed: (error: unknown, out: OutputFolder) => unknown = (error) => error,
): Promise<void> {
  const out = OutputFolder.open(target, options);
  try {
    const { done, ...steps } = await produce(out);
    const { chartError } = await completeOutput(out, steps);
    done?.(out);
    if (chartError) throw chartsFailed(out, chartError);
  } catch (error) {
    const thrown = failed(error, out);
    out.abandon();
    throw thrown;
  }
}

/** A run's data files and, with `charts`, its charts and report.html (sim run; sim merge of a run's shards). */
export function runContent(
  summary: Summary,
  results: readonly ReplicationResult[],
  options: { charts: boolean },
): Pick<FolderContent, "files" | "charts"> {
  return {
    // timeseries.csv from the summed columns: the rows are made only for the charts.
    files: (o) => writeRunFiles(o, summary, results),
    // Loaded only when wanted: vega and resvg take a few hundred milliseconds to import.
    charts: options.charts
      ? async (o) =>
          (await import("../report/write-report.js")).writeChartsAndReport(
            o,
            summary,
            timeseries(summary.scenario, results),
          )
      : undefined,
  };
}

/** A sweep's sweep.json and sweep.csv and, with `charts`, its charts and report.html (sim sweep; sim merge of a sweep's). */
export function sweepContent(json: SweepJson, options: { charts: boolean }): Pick<FolderContent, "files" | "charts"> {
  return {
    files: (o) => {
      o.write("sweep.json", jsonText(json));
      o.write("sweep.csv", sweepCsv(json));
    },
    charts: options.charts ? (o) => writeSweepCharts(o, json) : undefined,
  };
}

/** charts/ and report.html of a sweep, as `sim report DIR` renders them from sweep.json. */
async function writeSweepCharts(out: FileTarget, json: SweepJson): Promise<void> {
  // Loaded only when charts are wanted: the renderer (vega, resvg) takes a few hundred ms to load.
  const { renderReportFiles } = await import("../report/write-report.js");
  for (const [name, content] of await renderReportFiles(null, [], { sweep: json })) out.write(name, content);
}
