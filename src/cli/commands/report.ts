// `sim report DIR`: re-render charts/ and report.html from a finished run's summary.json and
// timeseries.csv, and from sweep.json when DIR holds a sweep — no simulation, just the pictures.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { checkSummary, checkSweepFile, FileCheckError } from "../../experiment/file-schemas.js";
import type { Summary, TimeseriesRow } from "../../experiment/summary.js";
import type { SweepFile } from "../../report/charts/sweep.js";
import { decodeUtf8 } from "../../scenario/json.js";
import { readJsonFile, readLimited } from "../../scenario/load.js";
import { type Io, UsageError } from "../io.js";
import { ChartsFailed, completeOutput, forceFlag, OutputFolder } from "../output-folder.js";

interface ReportArgs {
  dir: string;
  force: boolean;
}

const TIMESERIES_COLUMNS = ["time", "listedServers", "attempts", "rejections"] as const;

/**
 * timeseries.csv back into rows. The file is all numbers written by csv-stringify (report/files.ts),
 * so no quoting occurs; the header is checked so a different file fails loudly.
 */
export function parseTimeseriesCsv(text: string, source = "timeseries.csv"): TimeseriesRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return [];
  const header = lines[0].split(",").map((h) => h.trim());
  const index = TIMESERIES_COLUMNS.map((c) => header.indexOf(c));
  const missing = TIMESERIES_COLUMNS.filter((_, i) => index[i] < 0);
  if (missing.length > 0) throw new UsageError(`${source}: expected columns ${missing.join(", ")} in the header`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(",");
    const value = (k: number) => {
      const v = Number(cells[index[k]]);
      if (cells[index[k]] === undefined || cells[index[k]].trim() === "" || !Number.isFinite(v) || v < 0) {
        throw new UsageError(`${source}: line ${i + 2}: expected a number ≥ 0 in column ${TIMESERIES_COLUMNS[k]}`);
      }
      return v;
    };
    return { time: value(0), listedServers: value(1), attempts: value(2), rejections: value(3) };
  });
}

/** summary.json, sweep.json and timeseries.csv are refused beyond this size (the budget keeps them far smaller). */
export const MAX_OUTPUT_FILE_BYTES = 256 * 1024 * 1024;

/** Read a file relaysim wrote and check every field before anything is drawn from it (exit 2 otherwise). */
function readChecked<T>(file: string, check: (value: unknown, source: string) => T): T {
  const value = readJsonFile(file, "file written by sim", MAX_OUTPUT_FILE_BYTES);
  try {
    return check(value, file);
  } catch (error) {
    throw error instanceof FileCheckError ? new UsageError(error.message) : error;
  }
}

function readText(file: string): string {
  const decoded = decodeUtf8(readLimited(file, "file written by sim", MAX_OUTPUT_FILE_BYTES));
  if ("problem" in decoded) throw new UsageError(`${file}: ${decoded.problem}`);
  return decoded.text;
}

/**
 * Re-render DIR's charts and report; returns the files written, relative to DIR. DIR must be an
 * output folder sim wrote: a new copy (data files linked, new charts) is staged and swapped in,
 * so a failure leaves DIR as it was.
 */
export async function reportFolder(
  dir: string,
  options: { force?: boolean; notify?: (text: string) => void } = {},
): Promise<string[]> {
  const out = OutputFolder.open(dir, {
    command: "report",
    mustExist: true,
    flag: "sim report",
    force: options.force,
    notify: options.notify,
  });
  try {
    const summaryFile = join(dir, "summary.json");
    const sweepFile = join(dir, "sweep.json");
    const summary = existsSync(summaryFile) ? readChecked(summaryFile, checkSummary<Summary>) : null;
    const sweep = existsSync(sweepFile) ? readChecked(sweepFile, checkSweepFile<SweepFile>) : undefined;
    if (!summary && !sweep)
      throw new UsageError(`${dir}: expected summary.json or sweep.json from sim run or sim sweep`);
    const seriesFile = join(dir, "timeseries.csv");
    const series = summary && existsSync(seriesFile) ? parseTimeseriesCsv(readText(seriesFile), seriesFile) : [];
    if (summary) {
      const buckets = Math.ceil(summary.scenario.horizon / summary.scenario.output.timeseries);
      if (series.length > buckets) {
        throw new UsageError(
          `${seriesFile}: expected at most ${buckets} rows (horizon ÷ output.timeseries), got ${series.length}`,
        );
      }
    }
    let files: Map<string, string | Uint8Array>;
    try {
      // Loaded on use: vega and resvg take a few hundred milliseconds to import.
      const { renderReportFiles } = await import("../../report/write-report.js");
      files = await renderReportFiles(summary, series, { sweep });
    } catch (error) {
      throw new ChartsFailed(
        `sim: the charts could not be rendered (${String((error as Error)?.message ?? error).split("\n")[0]}); ${dir} is unchanged`,
      );
    }
    await completeOutput(out, {
      files: (o) => {
        // The data files stay (linked into the new folder); a listed file since deleted is dropped.
        for (const name of out.previous?.files ?? []) {
          if (!name.startsWith("charts/") && name !== "report.html" && existsSync(join(dir, name))) o.keep(name);
        }
        for (const [name, content] of files) o.write(name, content);
      },
    });
    return [...files.keys()];
  } finally {
    out.abandon();
  }
}

export function reportCommand(io: Io): CommandModule<object, ReportArgs> {
  return {
    command: "report <dir>",
    describe: "Re-render charts/ (Vega-Lite, SVG, PNG) and report.html from a run's or sweep's output folder",
    builder: (y) =>
      forceFlag(y)
        .positional("dir", {
          type: "string",
          demandOption: true,
          describe: "output folder holding summary.json (and timeseries.csv) or sweep.json",
        })
        .example("$0 report output/18of20", "redraw the charts and report.html of a finished run"),
    handler: async (args) => {
      const files = await reportFolder(args.dir, { force: args.force, notify: io.stderr });
      const charts = files.filter((f) => f.endsWith(".vl.json")).length;
      io.stdout(`Wrote ${charts} chart${charts === 1 ? "" : "s"} and report.html to ${args.dir}/\n`);
    },
  };
}
