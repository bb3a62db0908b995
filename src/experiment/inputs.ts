// The library's entry points (runScenario, runScenarioParallel, compare, sweep, advise, the
// shard runners) accept a scenario as written or as normalised, and check it — and their
// options — exactly as the CLI does, with the same messages: a caller's `servers: 0` or
// `replications: NaN` is a ScenarioError naming the field, never a 0 % failure or a RangeError
// from deep inside the simulator (issue 10). Normalisation is idempotent, so checking a
// scenario that parseScenario already returned gives back an equal scenario.
import { parseScenario, ScenarioError } from "../scenario/parse.js";
import type { Scenario, ScenarioInput } from "../scenario/schema.js";

/** A scenario as written in a file (units, defaults left out) or as parseScenario returns it. */
export type AnyScenario = Scenario | ScenarioInput;

/** Validate and normalise a scenario given to a library function (ScenarioError if invalid). */
export function validScenario(value: AnyScenario, source = "scenario"): Scenario {
  return parseScenario(value, source);
}

/** The options every experiment shares, as the CLI checks its --seed, -r and --workers. */
export function checkOptions(options: { seed?: unknown; replications?: unknown; workers?: unknown }): void {
  const problems: string[] = [];
  const { seed, replications, workers } = options;
  const shown = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));
  if (seed !== undefined && !Number.isSafeInteger(seed)) problems.push(`seed: expected an integer, got ${shown(seed)}`);
  if (replications !== undefined && !(Number.isSafeInteger(replications) && (replications as number) >= 1)) {
    problems.push(`replications: expected a positive integer, got ${shown(replications)}`);
  }
  if (workers !== undefined && !(Number.isSafeInteger(workers) && (workers as number) >= 1)) {
    problems.push(`workers: expected a positive integer, got ${shown(workers)}`);
  }
  if (problems.length > 0) throw new ScenarioError("options", problems);
}

/** The seed and number of replications an experiment runs with. */
export interface RunSize {
  seed: number;
  replications: number;
}

/**
 * The seed and replications of an experiment on `scenario` (compare's and a sweep's first or
 * base): the options' when given (the CLI's --seed and -r, resolved at its edge), else the
 * scenario's own. Every entry point resolves them here, once, and hands them down resolved.
 */
export function runSize(
  scenario: { seed: number; replications: number },
  options: { seed?: number; replications?: number },
): RunSize {
  return { seed: options.seed ?? scenario.seed, replications: options.replications ?? scenario.replications };
}
