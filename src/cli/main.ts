// The `sim` command line: yargs parses, the commands in commands/ do the work.
// Exit codes (DESIGN §4): 0 success, 1 runtime failure, 2 bad usage or invalid scenario.
import yargs from "yargs";
import { BudgetError } from "../experiment/budget.js";
import { ScenarioError } from "../scenario/load.js";
import { VERSION } from "../version.js";
import { adviseCommand } from "./commands/advise.js";
import { calibrateCommand } from "./commands/calibrate.js";
import { compareCommand } from "./commands/compare.js";
import { explainCommand } from "./commands/explain.js";
import { mergeCommand } from "./commands/merge.js";
import { reportCommand } from "./commands/report.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { sweepCommand } from "./commands/sweep.js";
import { validateCommand } from "./commands/validate.js";
import { type Io, type Status, UsageError } from "./io.js";
import { ChartsFailed, ioCause, isIoError, OutputError } from "./output-folder.js";
import { handleInterrupts } from "./signals.js";

// Re-exported for callers of main (tests, the library) that name them from here.
export { type Io, type Status, UsageError } from "./io.js";

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * yargs renders a command's whole help text right after starting its handler, to show it on a
 * later failure; `fail` here never shows it, and rendering takes this thread 20–50 ms just when
 * a sweep's workers wait for it to start its own share (the handler has queued the pool's first
 * tasks by then). yargs has no option for this: its usage object's cache is replaced, if present.
 */
function skipHelpCache(parser: object): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } };
  const usage = (parser as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}

/** Run the CLI on `argv` (without node and script) and return the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let usageFailure: string | null = null;
  const status: Status = { code: 0 };
  const parser = yargs(argv)
    .scriptName("sim")
    .usage(
      "relaysim: simulate a load-balanced pool of outgoing SMTP relays whose IPs get blacklisted,\nand measure how often mail bounces and whether waiting before resending helps.\n\nUsage: $0 <command> [options]",
    )
    .command(runCommand(io))
    .command(validateCommand(io, status))
    .command(schemaCommand(io))
    .command(sweepCommand(io))
    .command(compareCommand(io))
    .command(mergeCommand(io))
    .command(reportCommand(io))
    .command(adviseCommand(io))
    .command(explainCommand(io))
    .command(calibrateCommand(io))
    .demandCommand(
      1,
      "Name a command: run, sweep, compare, merge, advise, calibrate, explain, report, validate or schema (see --help).",
    )
    .strict()
    .version(VERSION)
    .help()
    .alias("h", "help")
    // Only --help needs wrapped text: yargs renders the command's help after starting every
    // handler (to show on a later failure), and wrapping it costs ~50 ms of CPU per command.
    .wrap(argv.some((a) => a === "--help" || a === "-h") ? Math.min(100, process.stdout.columns ?? 100) : null)
    .epilogue(
      "Scenario format, outputs and examples: README.md. Exit codes: 0 ok, 1 runtime failure, 2 bad usage, invalid scenario or a refused --out (sim replaces only folders it wrote), 130/143 interrupted.",
    )
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageFailure = message;
      // Stop here: if fail() returns, yargs goes on to run the command's handler.
      throw new UsageError(message);
    });
  skipHelpCache(parser);
  // SIGINT/SIGTERM while a command runs: remove its unfinished output, exit 130/143.
  const stopHandling = handleInterrupts(io.stderr);
  try {
    // With a parse callback yargs hands --help and --version text to us instead of console.log.
    await parser.parseAsync(argv, {}, (_error, _argv, output) => {
      if (output) io.stdout(`${output}\n`);
    });
    return status.code;
  } catch (error) {
    if (usageFailure !== null) {
      io.stderr(`sim: ${usageFailure}\nRun "sim --help" for usage.\n`);
      return 2;
    }
    if (error instanceof ScenarioError || error instanceof UsageError || error instanceof BudgetError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    // I/O failures and chart failures after the results were saved: one line, exit 1.
    if (error instanceof OutputError || error instanceof ChartsFailed) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    if (isIoError(error)) {
      io.stderr(`sim: cannot ${error.syscall} ${error.path ?? ""}: ${ioCause(error)}\n`);
      return 1;
    }
    io.stderr(`sim: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  } finally {
    stopHandling();
  }
}
