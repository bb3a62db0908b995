// Sweeps: one scenario run at every point of a grid of parameter values, with common random
// numbers (every point runs replications 0 … R−1 under the same seed, so differences between
// points are not blurred by different mail, recipients or listings), written as sweep.json
// and sweep.csv (DESIGN §4 and issue 3; the sweep charts read sweep.json's exact shape).
import { stringify } from "csv-stringify/sync";
import type { Scenario } from "../scenario/schema.js";
import { VERSION } from "../version.js";
import { checkGridPoints } from "./budget.js";
import { type AnyScenario, checkOptions, runSize, validScenario } from "./inputs.js";
import { type ExperimentOptions, runConfigurations } from "./parallel.js";
import type { PrecisionReport } from "./precision.js";
import { RECIPIENT_METRICS, type RecipientMetric } from "./recipient-metrics.js";
import { METRICS, type Metric, type ReplicationResult, type SweepReplication } from "./result.js";
import {
  type DelayBin,
  type MetricSummary,
  type PointSummary,
  type Summary,
  summarise,
  summarisePoint,
} from "./summary.js";
import {
  checkPaths,
  describePoint,
  gridValues,
  pointsOf,
  SweepError,
  type SweepParameter,
  valueAt,
  withoutSweep,
} from "./sweep-values.js";

/** The grid of a sweep: its points' scenarios and the values that name them. */
export interface SweepGrid {
  /** The base scenario without its sweep block. */
  base: Scenario;
  parameters: SweepParameter[];
  /** Raw values per point (as set), in grid order. */
  raw: unknown[][];
  /** Each point's scenario (re-parsed). */
  scenarios: Scenario[];
}

/**
 * Build and validate every point before anything runs. `source` names the scenario in errors;
 * a bad path throws SweepError, a bad value a ScenarioError naming the point, a grid of more
 * points than the budget allows (budget.ts) a BudgetError before any point is built.
 */
export function sweepGrid(
  input: AnyScenario,
  parameters: readonly SweepParameter[],
  source = typeof input.name === "string" ? input.name : "scenario",
  options: { allowLarge?: boolean } = {},
): SweepGrid {
  const base = validScenario(input, source);
  if (parameters.length === 0) throw new SweepError("nothing to vary: give --vary PATH=VALUES or a sweep block");
  checkPaths(base, parameters);
  checkGridPoints(
    parameters.reduce((n, p) => n * p.values.length, 1),
    options.allowLarge,
  );
  const raw = gridValues(parameters);
  const point = pointsOf(base, parameters);
  const scenarios = raw.map((values) => {
    const where = `${source} (${describePoint(parameters, values)})`;
    try {
      return point(values, where);
    } catch (error) {
      if (error instanceof SweepError) throw new SweepError(`${where}: ${error.message}`);
      throw error;
    }
  });
  return { base: withoutSweep(base), parameters: parameters.map((p) => ({ ...p })), raw, scenarios };
}

/** One point of sweep.json: the values that define it and its metrics. */
export interface SweepPointJson {
  /** The point's value at each path, normalised (durations in seconds, `{fixed: s}` as s). */
  values: Record<string, unknown>;
  metrics: Record<Metric, MetricSummary>;
  /** The per-recipient metrics (DESIGN §3); only when messages have several recipients, as in summary.json. */
  recipients?: Record<RecipientMetric, MetricSummary>;
  resendFailureByDelay?: DelayBin[];
}

/** sweep.json. */
export interface SweepJson {
  tool: { name: "relaysim"; version: string };
  scenario: Scenario;
  seed: number;
  replications: number;
  parameters: Array<{ path: string; values: unknown[] }>;
  points: SweepPointJson[];
}

/** What sweep() returns: the grid, and one Summary per point in grid order. */
export interface SweepResult {
  grid: SweepGrid;
  seed: number;
  replications: number;
  /** Each point's summary, in grid order. */
  summaries: Summary[];
  precision: PrecisionReport | null;
}

/** A sweep's points as sweep.json shows them: what sweepJson reads of a SweepResult. */
export type SweepPoints = Omit<SweepResult, "summaries"> & { summaries: readonly PointSummary[] };

/** Point p's scenario as its summary records it: with the seed and the number of replications used. */
export function pointScenario(grid: SweepGrid, p: number, seed: number, replications: number): Scenario {
  return { ...grid.scenarios[p], seed, replications };
}

/** Summarise every point's results (replications 0 … R−1 of each, in grid order). */
export function summariseSweep(grid: SweepGrid, seed: number, results: readonly ReplicationResult[][]): Summary[] {
  return results.map((r, p) => summarise(pointScenario(grid, p, seed, r.length), seed, r));
}

/** summariseSweep without what sweep.json does not show (PointSummary): `sim merge`'s. */
export function summarisePoints(grid: SweepGrid, seed: number, results: readonly SweepReplication[][]): PointSummary[] {
  return results.map((r, p) => summarisePoint(pointScenario(grid, p, seed, r.length), seed, r));
}

/** Run a sweep: every point of the grid of `parameters` over `scenario`, with common random numbers. */
export function sweep(
  input: AnyScenario,
  parameters: readonly SweepParameter[],
  options: ExperimentOptions & { source?: string } = {},
): Promise<SweepResult> {
  return sweepWith(input, parameters, options, summarise);
}

/**
 * sweep() with each point's summary as sweep.json shows it (PointSummary: no per-server table or
 * delay distribution, whose bootstraps the main thread would compute beside its replications
 * for nothing): `sim sweep`'s. The same sweep.json, byte for byte.
 */
export function sweepPoints(
  input: AnyScenario,
  parameters: readonly SweepParameter[],
  options: ExperimentOptions & { source?: string } = {},
): Promise<SweepPoints> {
  return sweepWith(input, parameters, options, summarisePoint);
}

async function sweepWith<S extends PointSummary>(
  input: AnyScenario,
  parameters: readonly SweepParameter[],
  options: ExperimentOptions & { source?: string },
  summariser: (scenario: Scenario, seed: number, results: readonly ReplicationResult[]) => S,
): Promise<Omit<SweepResult, "summaries"> & { summaries: S[] }> {
  const scenario = validScenario(input, options.source);
  checkOptions(options);
  const size = runSize(scenario, options);
  const grid = sweepGrid(scenario, parameters, options.source, options);
  const summariseAt = (p: number, results: readonly ReplicationResult[]) =>
    summariser(pointScenario(grid, p, size.seed, results.length), size.seed, results);
  // Without precision targets, each point is summarised as soon as its replications are in,
  // while the other points simulate (the same summaries, in grid order, as afterwards). With
  // them, runConfigurations reports no point early: every point is summarised at the end.
  const early = new Map<number, S>();
  const run = await runConfigurations(grid.scenarios, {
    ...options,
    ...size,
    onConfiguration: (p, results) => early.set(p, summariseAt(p, results)),
  });
  const summaries = run.results.map((results, p) => early.get(p) ?? summariseAt(p, results));
  return {
    grid,
    seed: size.seed,
    replications: run.replications,
    summaries,
    precision: run.precision,
  };
}

/** The normalised values of each parameter, as read back from the points' scenarios. */
function normalisedParameters(grid: SweepGrid): Array<{ path: string; values: unknown[] }> {
  return grid.parameters.map((p, i) => {
    const values: unknown[] = [];
    const seen = new Set<string>();
    grid.raw.forEach((raw, point) => {
      const key = JSON.stringify(raw[i]);
      if (seen.has(key)) return;
      seen.add(key);
      values.push(valueAt(grid.scenarios[point], p.path));
    });
    return { path: p.path, values };
  });
}

/** sweep.json for a sweep's result; also the input of sweepCharts. */
export function sweepJson(result: SweepPoints): SweepJson {
  const { grid } = result;
  return {
    tool: { name: "relaysim", version: VERSION },
    scenario: grid.base,
    seed: result.seed,
    replications: result.replications,
    parameters: normalisedParameters(grid),
    points: result.summaries.map((summary, p) => ({
      values: Object.fromEntries(grid.parameters.map((q) => [q.path, valueAt(grid.scenarios[p], q.path)])),
      metrics: summary.metrics,
      ...(summary.recipients === undefined ? {} : { recipients: summary.recipients.metrics }),
      resendFailureByDelay: summary.resendFailureByDelay,
    })),
  };
}

function csvValue(v: unknown): string | number {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}

/** sweep.csv: one row per point and metric (per-recipient ones too, when present); one column per varied path. */
export function sweepCsv(json: SweepJson): string {
  const paths = json.parameters.map((p) => p.path);
  const rows: (string | number)[][] = [];
  for (const point of json.points) {
    const row = (metric: string, m: MetricSummary) => [
      ...paths.map((path) => csvValue(point.values[path])),
      metric,
      csvValue(m.mean),
      csvValue(m.ci95?.[0]),
      csvValue(m.ci95?.[1]),
      m.n,
    ];
    for (const metric of METRICS) rows.push(row(metric, point.metrics[metric]));
    const recipients = point.recipients;
    if (recipients !== undefined) for (const metric of RECIPIENT_METRICS) rows.push(row(metric, recipients[metric]));
  }
  return stringify(rows, {
    header: true,
    columns: [...paths, "metric", "mean", "ci95_low", "ci95_high", "replications"],
    // A swept text value (a description) must open as text, never as a formula (report/csv.ts).
    escape_formulas: true,
  });
}
