// Running one or more configurations of an experiment (a scenario, a sweep's points, a
// comparison's scenarios) on the worker pool with common random numbers: every configuration
// runs the same replication indices under the same seed. Also runs a fixed number of
// replications or, with precision targets, the sequential procedure of precision.ts.
import type { Scenario } from "../scenario/schema.js";
import { checkBudget } from "./budget.js";
import { type AnyScenario, checkOptions, runSize, validScenario } from "./inputs.js";
import { weightedResult } from "./placement-worlds.js";
import { defaultWorkers, type ProgressCallback, ReplicationPool, type TaskList } from "./pool.js";
import {
  cappedCountedFloor,
  firstPreciseCount,
  nextReplicationCount,
  type PrecisionOptions,
  type PrecisionReport,
  precisionReport,
  startingCount,
} from "./precision.js";
import type { ReplicationResult } from "./result.js";
import { type RunOptions, type RunResult, runScenarioInTurns } from "./run.js";
import { summarise } from "./summary.js";

/** How to run an experiment's replications: seed, count or precision targets, and threads. */
export interface ExperimentOptions {
  /** Overrides the scenario's seed (for several configurations: the first one's). */
  seed?: number;
  /** Overrides the number of replications (with precision targets: the initial n0). */
  replications?: number;
  /** Worker threads; default one per core; 1 runs in this thread. Ignored when `pool` is given. */
  workers?: number;
  /** A pool to reuse (the caller closes it). */
  pool?: ReplicationPool;
  /** Add replications until these targets are met instead of running a fixed number. */
  precision?: PrecisionOptions;
  /**
   * Called as replications finish (and, with `running`, as long ones advance: their simulated
   * share, in replications); `total` grows when precision targets add batches.
   */
  onProgress?: ProgressCallback;
  /** Run even what the budget (budget.ts) refuses as too large (--allow-large). */
  allowLarge?: boolean;
  /**
   * Without precision targets: called with a configuration's replications 0 … R−1 as soon as
   * they are all done, while other configurations still simulate (a sweep summarises its
   * points there, so the summaries overlap the simulation instead of following it).
   */
  onConfiguration?: (configuration: number, results: ReplicationResult[]) => void;
  /** The caller will draw a run's charts: the budget limits their rows (the CLI's default). */
  charts?: boolean;
  /**
   * Among experiments running side by side on one pool (advise's curves), the lowest is served
   * first (ReplicationPool.run); default 0.
   */
  priority?: number;
}

/** How runConfigurations reads each replication: as itself, or as several (advise's shadowed waits). */
export interface ConfigurationViews {
  /** Grid waits every replication shadows (model/shadow-resends.ts). */
  probes?: readonly number[];
  /**
   * Each configuration's result as `width` results (a series each, in place of the
   * configuration's): the precision targets apply to every series.
   */
  expand?: { width: number; of: (result: ReplicationResult) => ReplicationResult[] };
  /**
   * Replication 0 of the only configuration, simulated beside this run (advise's shadow check
   * runs it): the first batch starts at replication 1 and takes this result as its 0th (a task's
   * result depends on the task only, DESIGN §2). If it rejects, so does the run, without waiting
   * for the first batch (whose tasks still run, to waste).
   */
  replicationZero?: Promise<ReplicationResult>;
  /**
   * Each replication as worlds (placement-worlds.ts): the configurations a replication runs in
   * place of the configuration, every one with the replication's index and seed, and their
   * weights. Each world's result is read as the others are (`expand`), and the replication's
   * results are the worlds' weighted (weightedResult): the series and the precision rule see one
   * result a replication, as without worlds.
   */
  worlds?: (config: Scenario, seed: number, index: number) => readonly ScenarioWorld[];
}

/** A world of a replication: the configuration it runs and its weight (the weights sum to 1). */
export interface ScenarioWorld {
  scenario: Scenario;
  weight: number;
}

export interface ConfigurationResults {
  /** Per configuration (per series with `expand`), the results of replications 0 … R−1 in order. */
  results: ReplicationResult[][];
  replications: number;
  precision: PrecisionReport | null;
}

/** Use the caller's pool or open one and close it afterwards. */
export async function withPool<T>(options: ExperimentOptions, work: (pool: ReplicationPool) => Promise<T>): Promise<T> {
  if (options.pool) return work(options.pool);
  const pool = new ReplicationPool(options.workers ?? defaultWorkers());
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

/**
 * Tasks for replications [from, to) of every configuration, configuration-major, made one at a
 * time as the pool takes them: -r 1e6 never holds a million task objects at once.
 */
function tasksFor(
  configs: readonly Scenario[],
  seed: number,
  from: number,
  to: number,
  probes?: readonly number[],
): TaskList {
  const per = to - from;
  return {
    length: configs.length * per,
    at: (i) => ({ scenario: configs[Math.floor(i / per)], seed, index: from + (i % per), probes }),
  };
}

/**
 * tasksFor with every replication as its worlds: configuration-major, then replication, then world
 * (`count` worlds a replication). `made[key]` keeps replication key's worlds (key = configuration ·
 * replications + replication − from), made when the pool takes its first task, for the weights.
 */
function worldTasksFor(
  configs: readonly Scenario[],
  seed: number,
  from: number,
  to: number,
  worlds: NonNullable<ConfigurationViews["worlds"]>,
  count: number,
  made: (readonly ScenarioWorld[])[],
  probes?: readonly number[],
): TaskList {
  const per = to - from;
  return {
    length: configs.length * per * count,
    at: (i) => {
      const key = Math.floor(i / count);
      const index = from + (key % per);
      made[key] ??= worlds(configs[Math.floor(key / per)], seed, index);
      if (made[key].length !== count) {
        throw new RangeError(`runConfigurations: replication ${index} has ${made[key].length} worlds, not ${count}`);
      }
      return { scenario: made[key][i % count].scenario, seed, index, probes };
    },
  };
}

/** Refuse, before any thread starts, what the budget says cannot finish (BudgetError). */
export function checkExperimentBudget(
  configs: readonly Scenario[],
  replications: number,
  options: ExperimentOptions,
  shards?: number,
): void {
  checkBudget({
    configs,
    replications: options.precision ? Math.max(replications, options.precision.maxReplications) : replications,
    workers: options.pool ? options.pool.size : (options.workers ?? defaultWorkers()),
    cores: defaultWorkers(),
    charts: options.charts,
    allowLarge: options.allowLarge,
    shards,
  });
}

/**
 * Run replications of every configuration with common random numbers: R of each (the first
 * configuration's `replications` unless overridden), or, with precision targets, the first n
 * at which every configuration meets every target.
 */
export async function runConfigurations(
  configs: readonly Scenario[],
  options: ExperimentOptions & ConfigurationViews = {},
): Promise<ConfigurationResults> {
  if (configs.length === 0) throw new RangeError("runConfigurations: no configurations");
  const { seed, replications: initial } = runSize(configs[0], options);
  checkExperimentBudget(configs, initial, options);
  const zero = options.replicationZero;
  if (zero && (configs.length > 1 || options.onConfiguration)) {
    throw new RangeError("runConfigurations: replicationZero needs one configuration and no onConfiguration");
  }
  const worlds = options.worlds;
  if (worlds && (zero || options.onConfiguration)) {
    throw new RangeError("runConfigurations: worlds run without replicationZero or onConfiguration");
  }
  // Worlds a replication (1 without): every task of the pool is one world of one replication.
  const count = worlds ? worlds(configs[0], seed, 0).length : 1;
  return withPool(options, async (pool) => {
    const expand = options.expand;
    const width = expand ? expand.width : 1;
    const series: ReplicationResult[][] = Array.from({ length: configs.length * width }, () => []);
    const run = async (from: number, to: number, doneBefore: number, total: number) => {
      const per = to - from;
      const whole = options.onConfiguration && !options.precision ? options.onConfiguration : undefined;
      const pending = new Array<number>(configs.length).fill(per);
      const arrived = configs.map(() => new Array<ReplicationResult>(per));
      const onTask = whole
        ? (task: number, result: ReplicationResult) => {
            const c = Math.floor(task / per);
            arrived[c][task % per] = result;
            if (--pending[c] === 0) whole(c, arrived[c]);
          }
        : undefined;
      // Replication 0 may come from elsewhere (replicationZero): then the pool runs 1 … to − 1.
      const given = from === 0 && zero ? 1 : 0;
      const made: (readonly ScenarioWorld[])[] = [];
      const tasks = worlds
        ? worldTasksFor(configs, seed, from, to, worlds, count, made, options.probes)
        : tasksFor(configs, seed, from + given, to, options.probes);
      const simulated = pool.run(
        tasks,
        (done, _, running) => options.onProgress?.((doneBefore + given) * count + done, total * count, running),
        onTask,
        options.priority,
      );
      let results: ReplicationResult[];
      if (zero && given) {
        const [first, rest] = await Promise.all([zero, simulated]);
        results = [first, ...rest];
      } else results = await simulated;
      configs.forEach((_, c) => {
        for (let k = c * per; k < (c + 1) * per; k++) {
          if (worlds) {
            // The replication's worlds, each read as its views, weighted view by view.
            const weights = made[k].map((w) => w.weight);
            const views = results.slice(k * count, (k + 1) * count).map((r) => (expand ? expand.of(r) : [r]));
            for (let j = 0; j < width; j++) {
              series[c * width + j].push(
                weightedResult(
                  views.map((v) => v[j]),
                  weights,
                ),
              );
            }
          } else if (!expand) series[c].push(results[k]);
          else {
            const views = expand.of(results[k]);
            for (let j = 0; j < width; j++) series[c * width + j].push(views[j]);
          }
        }
      });
    };
    const precision = options.precision;
    if (!precision) {
      await run(0, initial, 0, initial * configs.length);
      return { results: series, replications: initial, precision: null };
    }
    const max = precision.maxReplications;
    const counted = cappedCountedFloor(precision);
    let have = startingCount(precision, initial);
    await run(0, have, 0, have * configs.length);
    // The procedure's first check is at n0 itself.
    let scannedTo = have - 1;
    for (;;) {
      const n = firstPreciseCount(series, precision.targets, scannedTo + 1, counted);
      if (n !== null || have >= max) {
        const used = n ?? have;
        const trimmed = series.map((s) => s.slice(0, used));
        return {
          results: trimmed,
          replications: used,
          precision: precisionReport(trimmed, precision, used, n !== null),
        };
      }
      scannedTo = have;
      const next = nextReplicationCount(series, precision.targets, {
        current: have,
        minBatch: Math.min(pool.size, max - have),
        maxReplications: max,
      });
      await run(have, next, have * configs.length, next * configs.length);
      have = next;
    }
  });
}

/** Options of runScenarioParallel: those of any experiment, plus an optional attempt sink. */
export interface ParallelRunOptions extends ExperimentOptions {
  /** A sink per replication for attempts.csv: the run then happens in this thread, in order. */
  attemptSink?: RunOptions["attemptSink"];
}

/** runScenario's result plus how a precision run ended (null without precision targets). */
export interface ParallelRunResult extends RunResult {
  precision: PrecisionReport | null;
}

/**
 * Run a scenario's replications on worker threads and summarise them. The summary is
 * byte-identical to runScenario's for any number of workers (results are combined in
 * replication order). Streaming attempts.csv keeps the run in this thread: its rows must be
 * written in replication order as they happen.
 */
export async function runScenarioParallel(
  input: AnyScenario,
  options: ParallelRunOptions = {},
): Promise<ParallelRunResult> {
  const scenario = validScenario(input);
  checkOptions(options);
  const size = runSize(scenario, options);
  const { seed } = size;
  if (options.attemptSink) {
    if (options.precision) throw new RangeError("attempts.csv cannot be written with precision targets");
    return { ...(await runScenarioInTurns(scenario, { ...options, ...size })), precision: null };
  }
  const { results, replications, precision } = await runConfigurations([scenario], { ...options, ...size });
  return {
    summary: summarise({ ...scenario, seed, replications }, seed, results[0]),
    results: results[0],
    precision,
  };
}
