// Sharding for clusters: shard I of N runs the tasks (point × replication, numbered
// point·R + replication) whose number is ≡ I mod N and keeps their results in a partial
// file; merging every shard's partial gives back exactly the results a single run computes,
// so the merged summary or sweep files are byte-identical to a single run's.
import { ScenarioError } from "../scenario/parse.js";
import type { Scenario } from "../scenario/schema.js";
import { VERSION } from "../version.js";
import {
  checked,
  FileCheckError,
  PARTIAL_FORMAT,
  partialHeaderSchema,
  recordedScenario,
  runResultCheck,
  sweepResultCheck,
} from "./file-schemas.js";
import { type AnyScenario, checkOptions, runSize, validScenario } from "./inputs.js";
import { checkExperimentBudget, type ExperimentOptions, withPool } from "./parallel.js";
import type { TaskList } from "./pool.js";
import type { ReplicationResult, SweepReplication } from "./result.js";
import { type PointSummary, type Summary, summarise } from "./summary.js";
import { summariseSweepInThreads } from "./summary-threads.js";
import { type SweepGrid, type SweepPoints, summarisePoints, sweepGrid } from "./sweep.js";
import { SweepError, type SweepParameter } from "./sweep-values.js";

export { PARTIAL_FORMAT } from "./file-schemas.js";

/** Shard `index` of `count` (0 ≤ index < count). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** What one shard writes. */
export interface PartialFile {
  format: typeof PARTIAL_FORMAT;
  tool: { name: "relaysim"; version: string };
  kind: "run" | "sweep";
  /** The normalised scenario (for a sweep, the base without its sweep block). */
  scenario: Scenario;
  /** For a sweep: the varied paths and their raw values. */
  parameters?: SweepParameter[];
  seed: number;
  /** Replications per point in the whole run. */
  replications: number;
  shard: ShardSpec;
  /** This shard's results; `point` is 0 for a plain run. A sweep's keep only what its summaries read (SweepReplication). */
  results: Array<{ point: number; result: SweepReplication }>;
}

/** A problem that makes partials impossible to merge (different runs, gaps, duplicates). */
export class MergeError extends Error {
  override name = "MergeError";
}

/** The task numbers point·R + replication that shard I of N runs, as (point, replication). */
export function shardTasks(points: number, replications: number, shard: ShardSpec): Array<[number, number]> {
  const tasks: Array<[number, number]> = [];
  for (let t = shard.index; t < points * replications; t += shard.count) {
    tasks.push([Math.floor(t / replications), t % replications]);
  }
  return tasks;
}

async function runShardTasks(
  scenarios: readonly Scenario[],
  seed: number,
  replications: number,
  shard: ShardSpec,
  options: ExperimentOptions,
): Promise<PartialFile["results"]> {
  checkExperimentBudget(scenarios, replications, options, shard.count);
  // Task k of this shard is number shard.index + k·count, made when the pool takes it.
  const all = scenarios.length * replications;
  const point = (k: number) => Math.floor((shard.index + k * shard.count) / replications);
  const tasks: TaskList = {
    length: shard.index < all ? Math.ceil((all - shard.index) / shard.count) : 0,
    at: (k) => ({ scenario: scenarios[point(k)], seed, index: (shard.index + k * shard.count) % replications }),
  };
  const results = await withPool(options, (pool) =>
    pool.run(tasks, (done, total, running) => options.onProgress?.(done, total, running)),
  );
  return results.map((result, k) => ({ point: point(k), result }));
}

function header(scenario: Scenario, seed: number, replications: number, shard: ShardSpec) {
  return {
    format: PARTIAL_FORMAT as typeof PARTIAL_FORMAT,
    tool: { name: "relaysim" as const, version: VERSION },
    scenario,
    seed,
    replications,
    shard: { index: shard.index, count: shard.count },
  };
}

function checkShard(shard: ShardSpec): void {
  if (!(Number.isSafeInteger(shard.count) && shard.count >= 1 && Number.isSafeInteger(shard.index))) {
    throw new RangeError(`shard: expected integers I/N with N ≥ 1, got ${shard.index}/${shard.count}`);
  }
  if (shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`shard: expected 0 ≤ I < N, got ${shard.index}/${shard.count}`);
  }
}

/** Run shard I/N of a scenario's replications (precision targets do not apply: they are sequential). */
export async function runShard(
  input: AnyScenario,
  shard: ShardSpec,
  options: Omit<ExperimentOptions, "precision"> = {},
): Promise<PartialFile> {
  checkShard(shard);
  const scenario = validScenario(input);
  checkOptions(options);
  const { seed, replications } = runSize(scenario, options);
  const normalised = { ...scenario, seed, replications };
  return {
    ...header(normalised, seed, replications, shard),
    kind: "run",
    results: await runShardTasks([normalised], seed, replications, shard, options),
  };
}

/** What a sweep keeps of a result (SweepReplication): its points' summaries read nothing else. */
function sweepPart(
  result: SweepReplication & { timeseries?: unknown; servers?: unknown; delay?: unknown },
): SweepReplication {
  const { timeseries: _series, servers: _servers, delay: _delay, ...kept } = result;
  return kept;
}

/** Run shard I/N of a sweep: its share of points × replications. */
export async function sweepShard(
  input: AnyScenario,
  parameters: readonly SweepParameter[],
  shard: ShardSpec,
  options: Omit<ExperimentOptions, "precision"> & { source?: string } = {},
): Promise<PartialFile> {
  checkShard(shard);
  const scenario = validScenario(input, options.source);
  checkOptions(options);
  const { seed, replications } = runSize(scenario, options);
  const grid = sweepGrid(scenario, parameters, options.source, options);
  return {
    ...header(grid.base, seed, replications, shard),
    kind: "sweep",
    parameters: grid.parameters,
    results: (await runShardTasks(grid.scenarios, seed, replications, shard, options)).map(({ point, result }) => ({
      point,
      result: sweepPart(result),
    })),
  };
}

/**
 * Check that a parsed JSON value is a partial file: its header field by field, and its scenario
 * by the scenario schema (so its name can only name a folder, never a path). The results are
 * checked by checkPartials, once the headers agree. `source` names the file in errors.
 */
export function asPartial(value: unknown, source: string): PartialFile {
  const format = typeof value === "object" && value !== null ? (value as { format?: unknown }).format : undefined;
  if (format !== PARTIAL_FORMAT) {
    throw new MergeError(`${source}: not a relaysim partial file (expected "format": "${PARTIAL_FORMAT}")`);
  }
  try {
    const header = checked(partialHeaderSchema, value, source);
    const scenario = recordedScenario(header.scenario, source, ["scenario"]);
    if (header.kind === "sweep" && header.parameters === undefined) {
      throw new FileCheckError(source, ["parameters: expected the sweep's parameters, got nothing"]);
    }
    if (header.kind === "run") {
      if (header.parameters !== undefined) {
        throw new FileCheckError(source, ['parameters: expected none in a partial of kind "run"']);
      }
      if (scenario.seed !== header.seed) {
        throw new FileCheckError(source, [`seed: expected the scenario's seed ${scenario.seed}, got ${header.seed}`]);
      }
      if (scenario.replications !== header.replications) {
        throw new FileCheckError(source, [
          `replications: expected the scenario's ${scenario.replications}, got ${header.replications}`,
        ]);
      }
    }
    return { ...header, scenario } as PartialFile;
  } catch (error) {
    if (error instanceof FileCheckError) throw new MergeError(error.message);
    throw error;
  }
}

export type Merged =
  | { kind: "run"; summary: Summary; results: ReplicationResult[] }
  | { kind: "sweep"; sweep: SweepPoints; results: SweepReplication[][] };

/** The partials of one run, checked and their results in order: a merge before its summaries. */
export type CheckedPartials =
  | { kind: "run"; scenario: Scenario; seed: number; results: ReplicationResult[] }
  | { kind: "sweep"; grid: SweepGrid; seed: number; replications: number; results: SweepReplication[][] };

type Parts = ReadonlyArray<{ source: string; partial: PartialFile }>;
interface MergeOptions {
  allowLarge?: boolean;
  consume?: boolean;
}

/**
 * Combine the partials of one sharded run. Refuses partials of different scenarios, seeds,
 * sweeps, replication counts or shard counts, a shard given twice or missing, and any task
 * missing or present twice: partial results are never blended.
 *
 * With `consume`, each partial's results are emptied once they are checked, so that the results as
 * read and as checked are not both held until the end (`sim merge`: that halved its peak memory).
 * The partials cannot be merged again afterwards.
 */
export function mergePartials(parts: Parts, options: MergeOptions = {}): Merged {
  const checked = checkPartials(parts, options);
  return checked.kind === "run"
    ? runMerged(checked)
    : sweepMerged(checked, summarisePoints(checked.grid, checked.seed, checked.results));
}

/**
 * mergePartials with a sweep's points summarised on `threads` threads, this one included
 * (summary-threads.ts; the same bits).
 */
export async function mergePartialsInThreads(
  parts: Parts,
  options: MergeOptions & { threads: number },
): Promise<Merged> {
  const checked = checkPartials(parts, options);
  if (checked.kind === "run") return runMerged(checked);
  const { grid, seed, results } = checked;
  return sweepMerged(checked, await summariseSweepInThreads(grid, seed, results, options.threads));
}

function runMerged({ scenario, seed, results }: Extract<CheckedPartials, { kind: "run" }>): Merged {
  return { kind: "run", summary: summarise(scenario, seed, results), results };
}

function sweepMerged(
  { grid, seed, replications, results }: Extract<CheckedPartials, { kind: "sweep" }>,
  summaries: PointSummary[],
): Merged {
  return { kind: "sweep", sweep: { grid, seed, replications, summaries, precision: null }, results };
}

/** mergePartials' checks: the partials' results, in order, or a MergeError. */
export function checkPartials(parts: Parts, options: MergeOptions = {}): CheckedPartials {
  if (parts.length === 0) throw new MergeError("no partial files to merge");
  const first = parts[0];
  const scenarioText = JSON.stringify(first.partial.scenario);
  const parametersText = JSON.stringify(first.partial.parameters ?? null);
  const count = first.partial.shard.count;
  const byShard = new Map<number, string>();
  for (const { source, partial } of parts) {
    const differs = (what: string) =>
      new MergeError(`${source}: ${what} differs from ${first.source}'s; partials of different runs are not merged`);
    if (partial.kind !== first.partial.kind) throw differs(`kind (${partial.kind})`);
    // Seed and replications first: they are also in the scenario, but the specific message helps.
    if (partial.seed !== first.partial.seed) throw differs(`seed (${partial.seed} vs ${first.partial.seed})`);
    if (partial.replications !== first.partial.replications) {
      throw differs(`number of replications (${partial.replications} vs ${first.partial.replications})`);
    }
    if (JSON.stringify(partial.scenario) !== scenarioText) throw differs("scenario");
    if (JSON.stringify(partial.parameters ?? null) !== parametersText) throw differs("sweep (paths or values)");
    if (partial.shard.count !== count) throw differs(`shard count (${partial.shard.count} vs ${count})`);
    const other = byShard.get(partial.shard.index);
    if (other !== undefined) throw new MergeError(`${source}: shard ${partial.shard.index}/${count} also in ${other}`);
    byShard.set(partial.shard.index, source);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byShard.has(i));
  if (missing.length > 0) {
    throw new MergeError(
      `missing shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")}`,
    );
  }

  const { seed, replications, scenario } = first.partial;
  let grid: SweepGrid | null = null;
  if (first.partial.kind === "sweep") {
    try {
      grid = sweepGrid(scenario, first.partial.parameters ?? [], first.source, options);
    } catch (error) {
      if (error instanceof SweepError || error instanceof ScenarioError) {
        throw new MergeError(`${first.source}: parameters: ${error.message}`);
      }
      throw error;
    }
  }
  const points = grid ? grid.scenarios.length : 1;
  // Every task is in exactly one partial: count them before making room for them all.
  let given = 0;
  for (const { partial } of parts) given += partial.results.length;
  if (given < points * replications) {
    throw new MergeError(
      `results are missing: the partials hold ${given}; ${points} point${points === 1 ? "" : "s"} × ${replications} replications need ${points * replications}`,
    );
  }
  // One check for every result: a sweep's results hold nothing whose length depends on the point
  // (a schema was built anew for each point, ~0.3 ms and a zod compile each: 10 000 of them in a
  // large study). A run's results hold their time series, whose lengths the scenario fixes.
  const check = grid ? sweepResultCheck(replications) : runResultCheck(scenario, replications);
  const results: SweepReplication[][] = Array.from({ length: points }, () => new Array(replications));
  for (const { source, partial } of parts) {
    for (let k = 0; k < partial.results.length; k++) {
      const { point } = partial.results[k];
      if (point >= points) {
        throw new MergeError(`${source}: results.${k}.point: expected a point below ${points}, got ${point}`);
      }
      let result: SweepReplication;
      try {
        result = check(partial.results[k].result, source, ["results", k, "result"]);
      } catch (error) {
        if (error instanceof FileCheckError) throw new MergeError(error.message);
        throw error;
      }
      const r = result.replication;
      if ((point * replications + r) % count !== partial.shard.index) {
        throw new MergeError(`${source}: result for point ${point}, replication ${r} does not belong to this shard`);
      }
      if (results[point][r] !== undefined) {
        throw new MergeError(`${source}: point ${point}, replication ${r} appears twice`);
      }
      results[point][r] = result;
    }
    if (options.consume) partial.results.length = 0;
  }
  for (let p = 0; p < points; p++) {
    for (let r = 0; r < replications; r++) {
      if (results[p][r] === undefined)
        throw new MergeError(`point ${p}, replication ${r} is missing from every partial`);
    }
  }
  // A run's results were checked with their time series (kind "run").
  if (!grid) return { kind: "run", scenario, seed, results: results[0] as ReplicationResult[] };
  return { kind: "sweep", grid, seed, replications, results };
}
