// Parsing and validating scenario text and objects, without file access, so the browser page
// (src/web/) validates with the same schema and messages. Every failure becomes a ScenarioError
// whose message names the source, the JSON path and what was expected (DESIGN §1).
import type * as z from "zod";
import { plainClone } from "./clone.js";
import { parsedJsonProblem } from "./json.js";
import { type Scenario, scenarioSchema } from "./schema.js";

/** A scenario that cannot be used: unreadable, not JSON, or not valid. `problems` holds one line each. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${source}: ${p}`).join("\n"));
    this.name = "ScenarioError";
  }
}

/** `pool.servers`, `listed.0.on.1`; the whole document is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

function describeInput(input: unknown): string {
  if (input === undefined) return "nothing";
  // JSON.stringify writes Infinity and NaN as null, which would hide what was wrong.
  if (typeof input === "number" && !Number.isFinite(input)) return String(input);
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    // Cycles, BigInts or nesting too deep for the stack (objects from library callers).
    return Array.isArray(input) ? "a list" : `a value of type ${typeof input}`;
  }
  if (text === undefined) return `a value of type ${typeof input}`;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One issue of a zod error as "path: expected …, got …" lines (unknown keys give one line each). */
export function formatIssue(issue: z.core.$ZodIssue): string[] {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    // One line per key, at the key's own path, in the same "expected …, got …" form as the rest.
    return issue.keys.map((k) => `${formatPath([...issue.path, k])}: expected a known key, got unknown key "${k}"`);
  }
  if (issue.code === "invalid_union" && issue.discriminator !== undefined && typeof issue.input === "object") {
    // The path already ends at the discriminator ("pool.balancer.policy"): show its value, not the object.
    const value = (issue.input as Record<string, unknown> | null)?.[issue.discriminator];
    return [`${path}: ${issue.message}, got ${describeInput(value)}`];
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0 && "discriminator" in issue) {
    return [`${path}: ${issue.message}, got ${describeInput(issue.input)}`];
  }
  const generic = issue.message.startsWith("Invalid input");
  const message =
    generic && issue.code === "invalid_type" ? `expected ${issue.expected}` : generic ? "invalid value" : issue.message;
  return [`${path}: ${message}, got ${describeInput(issue.input)}`];
}

/**
 * The scenario as written behind each normalised scenario parseScenario returned. Sweeps set
 * their values in it and parse again, so that every default that depends on a swept field
 * follows it (DESIGN §2): normalisation writes `mta.queueLifetime` from `mta.retry`, and a value
 * set in the normalised form would keep the old one. Weak, so scenarios are collected as usual.
 */
const writtenAs = new WeakMap<Scenario, unknown>();

/** The scenario as written (before normalisation) that `scenario` was parsed from, if known. */
export function scenarioInput(scenario: Scenario): unknown {
  return writtenAs.get(scenario);
}

/** Record that `scenario` is normalised from `input` (for a copy of a parsed scenario). */
export function rememberInput(scenario: Scenario, input: unknown): void {
  writtenAs.set(scenario, input);
}

/** Validate and normalise a scenario object; `source` names it in errors. */
export function parseScenario(value: unknown, source = "scenario"): Scenario {
  const result = scenarioSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new ScenarioError(source, result.error.issues.flatMap(formatIssue));
  }
  const { $schema: _ignored, ...scenario } = result.data;
  // Re-validating a scenario this function returned keeps the form it was first written in.
  const written = typeof value === "object" && value !== null ? writtenAs.get(value as Scenario) : undefined;
  if (written !== undefined) {
    writtenAs.set(scenario, written);
    return scenario;
  }
  try {
    writtenAs.set(scenario, plainClone(value));
  } catch {
    // Not plain data (a function among a sweep block's values, say): sweeps use the normalised form.
  }
  return scenario;
}

/** Line and column (1-based) of a character offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Whether JSON.parse fails on `text.slice(0, length)` only because the text ends there. */
function viablePrefix(text: string, length: number): boolean {
  try {
    JSON.parse(text.slice(0, length));
    return true;
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes("Unexpected end of JSON input")) return true;
    const position = /position (\d+)/.exec(message);
    return position !== null && Number(position[1]) >= length;
  }
}

/**
 * Offset of the first character at which `text` stops being the start of any JSON text, for
 * V8 errors that give no position (Node 20's "Unexpected token"). Being such a start is
 * prefix-closed, so bisection finds it in O(log n) parses.
 */
function errorOffset(text: string): number | undefined {
  if (viablePrefix(text, text.length)) return undefined;
  let lo = 0;
  let hi = text.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (viablePrefix(text, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Parse JSON text, turning V8's "at position N" (or the offset we find) into line and column.
 * Also refuses what JSON.parse lets through: duplicate keys, numbers beyond a double's range
 * and nesting deeper than MAX_JSON_DEPTH (see json.ts). A leading BOM is ignored.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : errorOffset(text);
    const where = offset === undefined ? undefined : lineColumn(text, offset);
    const reason = message
      .replace(/,? in JSON at position \d+.*$/, "")
      .replace(/ \(line \d+ column \d+\)$/, "")
      // V8 quotes (part of) the text itself: drop it, it may span lines.
      .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, "");
    const at = where ? `line ${where.line}, column ${where.column}: ` : "";
    throw new ScenarioError(source, [`${at}invalid JSON: ${reason}`]);
  }
  const problem = parsedJsonProblem(body, value);
  if (problem) {
    const { line, column } = lineColumn(body, problem.offset);
    throw new ScenarioError(source, [
      `${formatPath(problem.path)}: ${problem.message} (line ${line}, column ${column})`,
    ]);
  }
  return value;
}
