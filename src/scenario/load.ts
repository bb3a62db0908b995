// Reading and validating scenarios. Every failure becomes a ScenarioError whose
// message names the file, the JSON path and what was expected (DESIGN §1).
import { readFileSync } from "node:fs";
import type * as z from "zod";
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
  const text = JSON.stringify(input);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    return `${path}: unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0 && "discriminator" in issue) {
    return `${path}: ${issue.message}, got ${describeInput(issue.input)}`;
  }
  const message = issue.message.startsWith("Invalid input") ? "invalid value" : issue.message;
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `${path}: ${message} (missing)`;
  }
  return `${path}: ${message}, got ${describeInput(issue.input)}`;
}

/** Features of DESIGN §2 that parse but are not simulated yet: refuse them rather than ignore them. */
export function unsupportedFeatures(s: Scenario): string[] {
  const later = "is not supported yet (see the realism issue)";
  const problems: string[] = [];
  if (s.compromise !== null) problems.push(`compromise: the compromise lifecycle ${later}`);
  if (s.pool.avoidListed !== null) problems.push(`pool.avoidListed: the operator's health check ${later}`);
  if (s.pool.capacity !== null) problems.push(`pool.capacity: limited server capacity ${later}`);
  if (s.pool.balancer.policy === "least-connections") {
    problems.push(`pool.balancer.policy: "least-connections" ${later}`);
  }
  s.blacklists.forEach((b, i) => {
    if (b.reply === "4xx") problems.push(`blacklists.${i}.reply: "4xx" replies and MTA retries ${later}`);
  });
  return problems;
}

/** Validate and normalise a scenario object; `source` names it in errors. */
export function parseScenario(value: unknown, source = "scenario"): Scenario {
  const result = scenarioSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    throw new ScenarioError(source, result.error.issues.map(formatIssue));
  }
  const unsupported = unsupportedFeatures(result.data);
  if (unsupported.length > 0) throw new ScenarioError(source, unsupported);
  const { $schema: _ignored, ...scenario } = result.data;
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

/** Parse JSON text, turning V8's "at position N" into line and column. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? lineColumn(text, Number(position[1])) : undefined;
    const reason = message.replace(/,? in JSON at position \d+.*$/, "").replace(/ \(line \d+ column \d+\)$/, "");
    const at = where ? `line ${where.line}, column ${where.column}: ` : "";
    throw new ScenarioError(source, [`${at}invalid JSON: ${reason}`]);
  }
}

/** Read, parse, validate and normalise a scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory, expected a JSON file"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new ScenarioError(file, [`cannot read scenario: ${reason}`]);
  }
  return parseScenario(parseJsonText(text, file), file);
}
