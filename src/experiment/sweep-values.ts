// What a sweep varies: PATH=VALUES as written on the command line (`--vary`) or in a
// scenario's `sweep` block, expanded into a grid of points. Each point is the base scenario
// *as written* with the values set at their paths and re-validated by parseScenario, so "5m"
// is a duration there exactly as in a file, every check of the format applies to every point,
// and every default that depends on a swept field follows it (DESIGN §2): a point is exactly
// the scenario with that value written into the file.
import type { BalancerPolicy } from "../model/balancers/index.js";
import { plainClone } from "../scenario/clone.js";
import { jsonProblem } from "../scenario/json.js";
import { parseScenario, rememberInput, scenarioInput } from "../scenario/parse.js";
import { policyNamed } from "../scenario/policies/index.js";
import { POLICIES, type Policy, type Scenario } from "../scenario/schema.js";
import { parseDuration } from "../scenario/units.js";

/** A path and the raw values to set there (as they would be written in a scenario file). */
export interface SweepParameter {
  path: string;
  values: unknown[];
}

/** A PATH or VALUES that cannot be used; the CLI reports it with the part it came from. */
export class SweepError extends Error {
  override name = "SweepError";
}

/** Ranges longer than this are almost certainly a typo in the step. */
export const MAX_VALUES = 10_000;

/** Paths a sweep may not vary: they are the experiment's own settings, not the model's. */
const RESERVED: Record<string, string> = {
  name: "the name names the output folder; it cannot vary",
  seed: "sweep points share the seed (common random numbers); use --seed",
  replications: "sweep points share the replications; use --replications",
  sweep: "a sweep cannot vary its own sweep block",
};

/**
 * The fields each policy accepts, with the defaults a sweep over pool.balancer.policy fills in
 * when switching to a policy the base scenario does not use: each policy's own sweepDefaults
 * (model/balancers/). Fields the base balancer has and the new policy accepts are kept.
 */
export const POLICY_FIELDS = Object.fromEntries(
  POLICIES.map((policy) => [policy, (policyNamed(policy) as BalancerPolicy).sweepDefaults]),
) as Record<Policy, Readonly<Record<string, unknown>>>;

const POLICY_PATH = "pool.balancer.policy";
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

/** One range endpoint or step: a plain number, or a duration with a unit (then in seconds). */
function rangeNumber(text: string, what: string): { value: number; unit: boolean } {
  const t = text.trim();
  if (NUMBER.test(t)) return { value: Number(t), unit: false };
  const seconds = parseDuration(t);
  if (seconds === undefined) {
    throw new SweepError(`${what} "${t}": expected a number or a duration such as "5m"`);
  }
  return { value: seconds, unit: true };
}

/** Round away the binary noise of start + k·step (0.1 + 0.2) so values print as written. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/** `FROM..TO/STEP`, inclusive of TO when the step lands on it; durations become seconds. */
function parseRange(text: string): number[] {
  const match = /^(.*)\.\.(.*)\/(.*)$/.exec(text);
  if (!match) throw new SweepError(`range "${text}": expected FROM..TO/STEP, e.g. 0m..60m/2m or 10..30/10`);
  const from = rangeNumber(match[1], "range start");
  const to = rangeNumber(match[2], "range end");
  const step = rangeNumber(match[3], "range step");
  if (!(step.value > 0)) throw new SweepError(`range "${text}": expected a step greater than zero`);
  if (to.value < from.value) throw new SweepError(`range "${text}": expected the end at or after the start`);
  // The small allowance keeps 0.3 in 0..0.3/0.1, where (0.3 − 0)/0.1 is 2.9999999999999996.
  const count = Math.floor((to.value - from.value) / step.value + 1e-9) + 1;
  if (count > MAX_VALUES) throw new SweepError(`range "${text}": gives ${count} values, at most ${MAX_VALUES}`);
  return Array.from({ length: count }, (_, k) => clean(from.value + k * step.value));
}

/** One list item: a number, true/false/null, or a word or duration kept as text ("5m", "timer"). */
function listItem(text: string, list: string): unknown {
  const t = text.trim();
  if (t === "") throw new SweepError(`list "${list}": empty value`);
  if (t.startsWith("{"))
    throw new SweepError(`list "${list}": write object values as a JSON array, e.g. [{"fixed":"5m"}]`);
  if (NUMBER.test(t)) return Number(t);
  if (t === "true") return true;
  if (t === "false") return false;
  if (t === "null") return null;
  return t;
}

/**
 * VALUES: a range `0m..60m/2m` or `10..30/10`, a comma list `0m,5m,10m` or `timer,sticky`, or
 * a JSON array for values that are objects (`[{"uniform":["5m","15m"]},"10m"]`).
 */
export function parseValues(text: string): unknown[] {
  const t = text.trim();
  if (t === "") throw new SweepError("expected values: a list such as 0m,5m,10m or a range such as 0m..60m/2m");
  let values: unknown[];
  if (t.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch (error) {
      throw new SweepError(`values "${t}": invalid JSON array (${(error as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new SweepError(`values "${t}": expected a JSON array`);
    // Duplicate keys, 1e400 and deep nesting, as in scenario files (scenario/json.ts).
    const problem = jsonProblem(t);
    if (problem) throw new SweepError(`values: ${[...problem.path].join(".") || "(root)"}: ${problem.message}`);
    values = parsed;
  } else if (t.includes("..")) values = parseRange(t);
  else values = t.split(",").map((item) => listItem(item, t));
  return checkValues(values, t);
}

function checkValues(values: unknown[], text: string): unknown[] {
  if (values.length === 0) throw new SweepError(`values "${text}": expected at least one value`);
  const seen = new Set<string>();
  for (const v of values) {
    const key = JSON.stringify(v);
    if (seen.has(key)) throw new SweepError(`values "${text}": ${key} appears twice`);
    seen.add(key);
  }
  return values;
}

/** `--vary PATH=VALUES`. */
export function parseVary(text: string): SweepParameter {
  const eq = text.indexOf("=");
  if (eq < 0) throw new SweepError("expected PATH=VALUES, e.g. resend.after=0m..30m/1m");
  const path = text.slice(0, eq).trim();
  checkPathSyntax(path);
  return { path, values: parseValues(text.slice(eq + 1)) };
}

/** The parameters of a scenario's `sweep` block (values as a VALUES string or a list). */
export function blockParameters(block: NonNullable<Scenario["sweep"]>): SweepParameter[] {
  return block.map((entry, i) => {
    try {
      checkPathSyntax(entry.path);
      const values = typeof entry.values === "string" ? parseValues(entry.values) : checkValues(entry.values, "");
      return { path: entry.path, values };
    } catch (error) {
      if (error instanceof SweepError) throw new SweepError(`sweep.${i}: ${error.message}`);
      throw error;
    }
  });
}

function checkPathSyntax(path: string): void {
  if (path === "") throw new SweepError("expected a scenario path such as resend.after before '='");
  if (path.split(".").some((s) => s === "")) throw new SweepError(`path "${path}": empty segment`);
  const head = path.split(".")[0];
  const reserved = Object.hasOwn(RESERVED, head) ? RESERVED[head] : undefined;
  if (reserved) throw new SweepError(`path "${path}": ${reserved}`);
}

type Container = Record<string, unknown> | unknown[];

function isContainer(x: unknown): x is Container {
  return typeof x === "object" && x !== null;
}

/** The container holding the path's last segment, and that segment; throws naming the bad part. */
function parentOf(root: Record<string, unknown>, path: string): { parent: Container; key: string } {
  const segments = path.split(".");
  let node: Container = root;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i];
    const at = i === 0 ? "the scenario" : segments.slice(0, i).join(".");
    let child: unknown;
    if (Array.isArray(node)) {
      if (!(/^\d+$/.test(key) && Number(key) < node.length)) {
        throw new SweepError(
          `path "${path}": ${at} is a list of ${node.length}; expected an index below ${node.length}, got "${key}"`,
        );
      }
      child = node[Number(key)];
    } else {
      // Own keys only: "__proto__" or "constructor" must never lead to Object.prototype.
      if (!Object.hasOwn(node, key)) {
        throw new SweepError(`path "${path}": ${at} has no "${key}" (it has ${Object.keys(node).join(", ")})`);
      }
      child = node[key];
    }
    if (i === segments.length - 1) return { parent: node, key };
    if (!isContainer(child)) {
      throw new SweepError(
        `path "${path}": ${segments.slice(0, i + 1).join(".")} is ${JSON.stringify(child)}, which has no parts`,
      );
    }
    node = child;
  }
  throw new SweepError(`path "${path}": empty`);
}

/** The balancer that a sweep switching to `policy` uses (see POLICY_FIELDS). */
function balancerFor(base: Record<string, unknown>, policy: unknown): Record<string, unknown> {
  if (base.policy === policy) return base;
  const fields = POLICY_FIELDS[policy as Policy];
  // An unknown policy is left for the schema to reject with its usual message.
  if (!fields) return { policy };
  const balancer: Record<string, unknown> = { policy };
  for (const [key, value] of Object.entries(fields)) {
    const kept = key in base ? base[key] : value;
    if (kept !== undefined) balancer[key] = kept;
  }
  return balancer;
}

/** The base scenario without its sweep block: a point, or the template of all points. */
export function withoutSweep(scenario: Scenario): Scenario {
  const { sweep: _sweep, ...rest } = scenario;
  const written = scenarioInput(scenario);
  if (isContainer(written) && !Array.isArray(written)) {
    const { sweep: _writtenSweep, ...writtenRest } = written;
    rememberInput(rest, writtenRest);
  }
  return rest;
}

/**
 * The scenario to set a point's values in: as written when parseScenario made `base` (so the
 * defaults that depend on a swept field are filled again from the point), else its normalised
 * form (a scenario read back from a summary or a shard file: its defaults are written in).
 */
function writtenForm(base: Scenario): Record<string, unknown> {
  const written = scenarioInput(base);
  const raw = plainClone(isContainer(written) && !Array.isArray(written) ? written : base) as Record<string, unknown>;
  delete raw.sweep;
  return raw;
}

/**
 * Set `value` at `path` of the written scenario `raw`. The path was checked against the
 * normalised scenario; parts the file leaves to their defaults are created — an empty object
 * (the schema fills the rest as it would in the file), with the policy kept for a balancer — and
 * a part written in short form (a distribution as "10m") is replaced by its normalised form.
 */
function setWritten(raw: Record<string, unknown>, normalised: Container, path: string, value: unknown): void {
  const segments = path.split(".");
  let node: Container = raw;
  let model: unknown = normalised;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i];
    if (isContainer(model)) model = Array.isArray(model) ? model[Number(key)] : model[key];
    const child: unknown = Array.isArray(node) ? node[Number(key)] : node[key];
    let next: Container;
    if (child === undefined) {
      const policy = isContainer(model) && !Array.isArray(model) ? model.policy : undefined;
      next = policy === undefined ? {} : { policy };
    } else if (!isContainer(child)) {
      next = plainClone(model) as Container;
    } else {
      next = child;
    }
    if (Array.isArray(node)) node[Number(key)] = next;
    else node[key] = next;
    node = next;
  }
  const last = segments[segments.length - 1];
  if (Array.isArray(node)) node[Number(last)] = value;
  else node[last] = value;
}

/**
 * The base scenario with `values` set at the parameters' paths, re-parsed. A policy switch is
 * applied first, so that a grid may also vary the new policy's fields. `source` names the
 * point in errors (ScenarioError, exit 2).
 */
export function applyPoint(
  base: Scenario,
  parameters: readonly SweepParameter[],
  values: readonly unknown[],
  source: string,
): Scenario {
  return pointsOf(base, parameters)(values, source);
}

/**
 * applyPoint for every point of one grid: the base's shape and written form are made once and
 * copied for each point (sweepGrid: a grid of 10 000 points is expanded in every shard).
 */
export function pointsOf(
  base: Scenario,
  parameters: readonly SweepParameter[],
): (values: readonly unknown[], source: string) => Scenario {
  // Paths are checked against the normalised form (every field has a value there), values set in the written one.
  const baseShape = sweepShape(base);
  const baseRaw = writtenForm(base);
  const order = parameters.map((_, i) => i).sort((a, b) => rank(parameters[a]) - rank(parameters[b]));
  return (values, source) => {
    const shape = plainClone(baseShape);
    const raw = plainClone(baseRaw);
    for (const i of order) {
      const { path } = parameters[i];
      if (path === POLICY_PATH) {
        const pool = shape.pool as Record<string, unknown>;
        pool.balancer = balancerFor(pool.balancer as Record<string, unknown>, values[i]);
        const written = raw.pool as Record<string, unknown>;
        const balancer = (written.balancer as Record<string, unknown> | undefined) ?? {
          policy: base.pool.balancer.policy,
        };
        written.balancer = balancerFor(balancer, values[i]);
        continue;
      }
      const { parent, key } = parentOf(shape, path);
      if (Array.isArray(parent)) parent[Number(key)] = values[i];
      else parent[key] = values[i];
      setWritten(raw, shape, path, values[i]);
    }
    return parseScenario(raw, source);
  };
}

function rank(p: SweepParameter): number {
  return p.path === POLICY_PATH ? 0 : 1;
}

/** Check every path against the base scenario (before any point is built). */
export function checkPaths(base: Scenario, parameters: readonly SweepParameter[]): void {
  const seen = new Set<string>();
  const switchesPolicy = parameters.some((p) => p.path === POLICY_PATH);
  for (const { path } of parameters) {
    checkPathSyntax(path);
    if (seen.has(path)) throw new SweepError(`path "${path}" is varied twice`);
    seen.add(path);
    // With a policy switch, the balancer's fields are those of each point's policy: the schema checks them.
    if (switchesPolicy && path.startsWith("pool.balancer.")) continue;
    parentOf(sweepShape(base), path);
  }
}

/**
 * Optional keys a normalised scenario carries only when written (DESIGN §2, "Where retries go"),
 * with the value their absence means, so that a sweep can vary them like any other field.
 */
const ABSENT_MEANS: ReadonlyArray<[string, string, unknown]> = [
  ["mta", "retryFrom", "same"],
  ["mta", "onBlocklist", "bounce"],
];

/** The normalised scenario as sweep paths see it: every optional key of ABSENT_MEANS filled in. */
function sweepShape(base: Scenario): Record<string, unknown> {
  const shape = plainClone(withoutSweep(base)) as unknown as Record<string, unknown>;
  for (const [parent, key, value] of ABSENT_MEANS) {
    const node = shape[parent] as Record<string, unknown>;
    if (!Object.hasOwn(node, key)) node[key] = value;
  }
  return shape;
}

/** Every combination of values, the first parameter varying slowest (nested loops in order). */
export function gridValues(parameters: readonly SweepParameter[]): unknown[][] {
  let grid: unknown[][] = [[]];
  for (const p of parameters) grid = grid.flatMap((prefix) => p.values.map((v) => [...prefix, v]));
  return grid;
}

/** The value at a path of a normalised scenario, as sweep.json reports it (`{fixed: s}` as s). */
export function valueAt(scenario: Scenario, path: string): unknown {
  let node: unknown = scenario;
  for (const segment of path.split(".")) {
    if (!isContainer(node)) return undefined;
    node = Array.isArray(node) ? node[Number(segment)] : (node as Record<string, unknown>)[segment];
  }
  if (isContainer(node) && !Array.isArray(node)) {
    const keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === "fixed") return (node as { fixed: unknown }).fixed;
  }
  return node;
}

/** How a point is named in errors: `resend.after=5m, pool.servers=20`. */
export function describePoint(parameters: readonly SweepParameter[], values: readonly unknown[]): string {
  return parameters
    .map((p, i) => `${p.path}=${typeof values[i] === "string" ? values[i] : JSON.stringify(values[i])}`)
    .join(", ");
}
