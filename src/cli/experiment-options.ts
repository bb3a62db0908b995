// The flags that run, sweep and compare share — --workers, --shard, --precision,
// --max-replications — with their parsing into the experiment API's options. A bad value is a
// UsageError (exit 2) naming the flag and what was expected.
import { join } from "node:path";
import type { Argv } from "yargs";
import { type RunSize, runSize } from "../experiment/inputs.js";
import { defaultWorkers } from "../experiment/pool.js";
import {
  DEFAULT_MIN_REPLICATIONS,
  type PrecisionOptions,
  type PrecisionReport,
  type PrecisionTargets,
  precisionProblem,
} from "../experiment/precision.js";
import type { Metric } from "../experiment/result.js";
import { PARTIAL_FORMAT, type PartialFile, type ShardSpec } from "../experiment/shard.js";
import { UsageError } from "./io.js";
import { checkFileTarget, writeFileWhole } from "./output-folder.js";

/** Without --max-replications, precision targets stop here. */
export const DEFAULT_MAX_REPLICATIONS = 1000;

export interface ExperimentArgs {
  workers?: number;
  shard?: string;
  precision?: string[];
  "max-replications"?: number;
  "allow-large"?: boolean;
  "min-replications"?: number;
}

export interface ParsedExperimentArgs {
  workers: number;
  shard: ShardSpec | null;
  precision: PrecisionOptions | null;
  /** --allow-large: run what the budget (experiment/budget.ts) would refuse. */
  allowLarge: boolean;
}

/** Add the shared flags to a command (`shard: false` for commands that cannot shard). */
export function experimentFlags<T>(y: Argv<T>, options: { shard: boolean }): Argv<T & ExperimentArgs> {
  let withFlags = y
    .option("workers", {
      alias: "w",
      type: "number",
      describe: `worker threads (default: one per core, here ${defaultWorkers()}); results are identical for any number`,
    })
    .option("precision", {
      type: "string",
      array: true,
      describe:
        "METRIC=HALFWIDTH, e.g. resendFailure=0.005: add replications until every named metric's 95 % half-width is at most that (repeatable)",
    })
    .option("max-replications", {
      type: "number",
      describe: `with --precision, stop after this many replications (default ${DEFAULT_MAX_REPLICATIONS})`,
    })
    .option("allow-large", {
      type: "boolean",
      describe:
        "run work that the up-front estimate refuses as too large (memory, messages, replications, grid points, chart rows, workers)",
    })
    .option("min-replications", {
      type: "number",
      describe: `with --precision, never stop before this many replications (default ${DEFAULT_MIN_REPLICATIONS}, Law & Kelton's n0)`,
    });
  if (options.shard) {
    withFlags = withFlags.option("shard", {
      type: "string",
      describe:
        "I/N: run only the replications (× sweep points) numbered ≡ I mod N and write a partial file for sim merge",
    });
  }
  return withFlags as Argv<T & ExperimentArgs>;
}

/** `--seed` must be an integer and `--replications` a positive one (both optional overrides). */
export function checkSeedAndReplications(args: { seed?: number; replications?: number }): void {
  if (args.seed !== undefined && !Number.isSafeInteger(args.seed)) {
    throw new UsageError(`--seed: expected an integer, got ${args.seed}`);
  }
  if (args.replications !== undefined && !(Number.isSafeInteger(args.replications) && args.replications >= 1)) {
    throw new UsageError(`--replications: expected a positive integer, got ${args.replications}`);
  }
}

/**
 * `--seed` and `--replications` checked and resolved once, here at the edge, against the
 * scenario (compare's first): the experiment layer receives the seed and count it runs with.
 */
export function resolveRunSize(
  args: { seed?: number; replications?: number },
  scenario: { seed: number; replications: number },
): RunSize {
  checkSeedAndReplications(args);
  return runSize(scenario, args);
}

/** `I/N` with integers 0 ≤ I < N. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(-?\d+)\s*\/\s*(-?\d+)\s*$/.exec(text);
  if (!match) throw new UsageError(`--shard: expected I/N with integers 0 ≤ I < N (e.g. 0/4), got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!(count >= 1 && Number.isSafeInteger(count))) {
    throw new UsageError(`--shard: expected N ≥ 1 shards, got "${text}"`);
  }
  if (!(index >= 0 && index < count && Number.isSafeInteger(index))) {
    throw new UsageError(
      `--shard: expected the shard index I between 0 and ${count - 1} (N = ${count}), got "${text}"`,
    );
  }
  return { index, count };
}

export function parseWorkers(value: number | undefined): number {
  if (value === undefined) return defaultWorkers();
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    throw new UsageError(`--workers: expected a positive integer, got ${value}`);
  }
  return value;
}

/** `--min-replications`: an integer ≥ 2, or undefined for the default. */
export function parseMinReplications(min: number | undefined): number | undefined {
  if (min !== undefined && !(Number.isSafeInteger(min) && min >= 2)) {
    throw new UsageError(`--min-replications: expected an integer ≥ 2, got ${min}`);
  }
  return min;
}

/** `--precision METRIC=HALFWIDTH` (repeatable), `--max-replications` and `--min-replications`. */
export function parsePrecision(
  items: readonly string[] | undefined,
  max: number | undefined,
  min?: number | undefined,
): PrecisionOptions | null {
  if (items === undefined || items.length === 0) {
    if (max !== undefined) throw new UsageError("--max-replications: only meaningful with --precision");
    if (min !== undefined) throw new UsageError("--min-replications: only meaningful with --precision");
    return null;
  }
  const minReplications = parseMinReplications(min);
  const targets: PrecisionTargets = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq < 0)
      throw new UsageError(`--precision: expected METRIC=HALFWIDTH (e.g. resendFailure=0.005), got "${item}"`);
    const name = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    const value = text === "" ? Number.NaN : Number(text);
    if (name in targets) throw new UsageError(`--precision: ${name} named twice`);
    const problem = precisionProblem({ [name]: value } as PrecisionTargets);
    if (problem) throw new UsageError(`--precision ${item}: ${problem}`);
    targets[name as keyof PrecisionTargets] = value;
  }
  const maxReplications = max ?? DEFAULT_MAX_REPLICATIONS;
  if (!(Number.isSafeInteger(maxReplications) && maxReplications >= 2)) {
    throw new UsageError(`--max-replications: expected an integer ≥ 2, got ${max}`);
  }
  return { targets, maxReplications, ...(minReplications !== undefined ? { minReplications } : {}) };
}

/** Parse the shared flags; shards and precision targets exclude each other (the procedure is sequential). */
export function parseExperimentArgs(args: ExperimentArgs): ParsedExperimentArgs {
  const workers = parseWorkers(args.workers);
  const shard = args.shard === undefined ? null : parseShard(args.shard);
  const precision = parsePrecision(args.precision, args["max-replications"], args["min-replications"]);
  if (shard && precision) {
    throw new UsageError(
      "--shard cannot be combined with --precision: the stopping rule needs all results in one place; find the number of replications with --precision first, then shard with -r",
    );
  }
  return { workers, shard, precision, allowLarge: args["allow-large"] === true };
}

/**
 * Where shard I/N's partial goes without --out: beside the folder a merged run would fill
 * (`folder` is that folder's name: NAME for a run, NAME-sweep for a sweep).
 */
export function defaultPartialPath(folder: string, shard: ShardSpec): string {
  return join("output", `${folder}.part-${shard.index}-of-${shard.count}.json`);
}

/** A partial file starts with its format tag (JSON.stringify keeps key order): sim may replace it. */
const isPartialFile = (head: string) => head.startsWith(`{"format":"${PARTIAL_FORMAT}"`);

/** Refuse (exit 2) a --out for a partial file that is anything but an earlier partial file; call before work. */
export function checkPartialTarget(file: string): void {
  checkFileTarget(file, isPartialFile);
}

/** Write a partial file whole or not at all (written beside, then renamed; removed on failure). */
export function writePartialFile(file: string, partial: PartialFile): void {
  writeFileWhole(file, JSON.stringify(partial), isPartialFile);
}

/** The line a shard prints: what it ran and where it went. */
export function partialNote(partial: PartialFile, file: string): string {
  const { index, count } = partial.shard;
  const points = partial.kind === "sweep" ? " point×replication tasks" : " replications";
  return `shard ${index}/${count}: ${partial.results.length}${points} of ${partial.scenario.name}, seed ${partial.seed}\nWrote ${file} (merge all ${count} with: sim merge PARTS... --out DIR)\n`;
}

/** `precision: 137 replications; resendFailure ±0.00497 (target 0.005)`. */
/** Why a metric can have no observation at all (its denominator never happened). */
const UNOBSERVED: Partial<Record<Metric, string>> = {
  resendFailure: "nothing was resent",
  firstAttemptFailure: "no message was sent",
  messageFailure: "no message was sent",
  bounceRate: "no message was sent",
  attemptsPerMessage: "no message was sent",
  deliveryDelayMean: "nothing was delivered",
  deliveryDelayP50: "nothing was delivered",
  deliveryDelayP90: "nothing was delivered",
  deliveryDelayP99: "nothing was delivered",
};

export function precisionNote(report: PrecisionReport): string {
  const widths = Object.entries(report.targets)
    .map(([metric, target]) => {
      if (report.unobserved?.includes(metric as Metric)) {
        const why = UNOBSERVED[metric as Metric] ?? "never defined";
        return `${metric}: no observations in any replication (${why}), nothing to make precise (target ${target})`;
      }
      const h = report.halfWidths[metric as keyof PrecisionTargets];
      return `${metric} ±${h === null || h === undefined ? "?" : Number(h.toPrecision(3))} (target ${target})`;
    })
    .join(", ");
  const nothing = Object.keys(report.targets).every((m) => report.unobserved?.includes(m as Metric));
  const how = nothing
    ? `stopped at ${report.replications} replications, the fewest the rule runs`
    : report.reached
      ? `${report.replications} replications to reach the targets`
      : `targets NOT reached after ${report.replications} replications (--max-replications)`;
  return `precision: ${how}; ${widths}`;
}
