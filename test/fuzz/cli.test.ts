// Fuzzing the CLI with hostile files (issue 10): mutations of a real scenario, of real partials
// and of a real summary.json — wrong types, huge numbers, NaN-ish strings, deep nesting, path-
// like names, byte-order marks, UTF-16, duplicate keys, truncation — through `sim validate`,
// `sim run`, `sim merge` and `sim report`, in process. Whatever the input: exit 0 or 2, no
// stack trace, nothing written or deleted outside the target, and after a failure the target's
// previous contents intact. Fixed seed and a small count here (FUZZ_RUNS, FUZZ_SEED and
// `npm run fuzz` for a longer run).
import { createHash } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, sim, smallScenario, tempDir } from "../helpers/cli.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const settings = (runs: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(runs)), endOnFailure: true });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path into a JSON value, containers included (the root is []). */
function pathsOf(value: Json, prefix: Path = [], into: Path[] = []): Path[] {
  into.push(prefix);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) pathsOf(value[i], [...prefix, i], into);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], into);
  }
  return into;
}

function parentOf(root: Json, path: Path): { parent: Json; key: string | number } | null {
  if (path.length === 0) return null;
  let node: Json = root;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, Json>)[key];
  return { parent: node, key: path[path.length - 1] };
}

/** Values that have broken parsers before: wrong types, extremes, NaN-ish text, paths, depth. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    "",
    "NaN",
    "Infinity",
    "-1",
    "1e400",
    "__proto__",
    "../../h/victim",
    "/etc/passwd",
    "a/b",
    "..",
    "<script>alert(1)</script>",
    "x".repeat(300),
    0,
    -1,
    0.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    [],
    {},
    { fixed: "5m" },
    [null],
  ),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 1, max: 80 }).map((depth) => {
    let v: Json = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
);

/** A structural mutation: set a value at a path, delete it, or add an unknown key. */
type Edit =
  | { kind: "set"; pick: number; value: Json }
  | { kind: "delete"; pick: number }
  | { kind: "add"; pick: number; value: Json };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("add" as const), pick: fc.nat(), value: hostileValue }),
);

function applyEdit(root: Json, e: Edit): Json {
  const paths = pathsOf(root);
  const path = paths[e.pick % paths.length];
  const at = parentOf(root, path);
  if (e.kind === "set") {
    if (!at) return e.value;
    (at.parent as Record<string | number, Json>)[at.key] = e.value;
  } else if (e.kind === "delete") {
    if (!at) return {};
    if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
    else delete (at.parent as Record<string, Json>)[at.key as string];
  } else {
    const node = at ? (at.parent as Record<string | number, Json>)[at.key] : root;
    if (node !== null && typeof node === "object" && !Array.isArray(node)) node.unexpected = e.value;
  }
  return root;
}

/** A mutation of the file's bytes after JSON.stringify. */
type TextEdit = "none" | "bom" | "utf16" | "duplicate-key" | "huge-number" | "truncate" | "garbage" | "deep";

function applyText(text: string, kind: TextEdit, cut: number): Buffer {
  switch (kind) {
    case "bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    case "utf16":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "duplicate-key":
      return Buffer.from(text.replace(/^\{/, '{"name": "dup", '));
    case "huge-number":
      return Buffer.from(text.replace(/(?<=[:[,]\s*)\d+(\.\d+)?/, "1e400"));
    case "truncate":
      return Buffer.from(text.slice(0, cut % (text.length + 1)));
    case "garbage":
      return Buffer.concat([Buffer.from(text), Buffer.from([0xc3, 0x28, 0xff])]);
    case "deep":
      return Buffer.from(text.replace(/^\{/, `{"deep": ${"[".repeat(100_000)}${"]".repeat(100_000)}, `));
    default:
      return Buffer.from(text);
  }
}

const textEdit: fc.Arbitrary<TextEdit> = fc.constantFrom<TextEdit>(
  "none",
  "none",
  "none",
  "bom",
  "utf16",
  "duplicate-key",
  "huge-number",
  "truncate",
  "garbage",
  "deep",
);

const mutation = fc.record({ edits: fc.array(edit, { minLength: 0, maxLength: 3 }), text: textEdit, cut: fc.nat() });
type Mutation = { edits: Edit[]; text: TextEdit; cut: number };

function mutate(value: Json, m: Mutation): Buffer {
  let v = structuredClone(value);
  for (const e of m.edits) v = applyEdit(v, e);
  return applyText(JSON.stringify(v, null, 1), m.text, m.cut);
}

/** Every file under `dir` with a hash of its bytes (folders as such), relative paths. */
function snapshot(dir: string, skip?: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (skip !== undefined && path === skip) continue;
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        files.set(relative(dir, path), "dir");
        walk(path);
      } else files.set(relative(dir, path), createHash("sha1").update(readFileSync(path)).digest("hex"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** What every run must satisfy, whatever its input. */
function expectCleanExit(r: CliResult, what: string): void {
  const context = `${what}\nexit ${r.code}\n${r.stderr}`;
  expect([0, 2], context).toContain(r.code);
  expect(r.stderr, context).not.toMatch(/\n\s+at |TypeError|RangeError|ReferenceError|SyntaxError|Maximum call stack/);
}

/**
 * Run `command` with the sandbox snapshotted around it: outside `target` nothing may change;
 * after a failure `target` must hold what it held before.
 */
async function guarded(sandbox: string, target: string, command: () => Promise<CliResult>, what: string) {
  const outside = snapshot(sandbox, target);
  const inside = snapshot(target);
  const r = await command();
  expectCleanExit(r, what);
  expect(snapshot(sandbox, target), `${what}: files outside the target changed`).toEqual(outside);
  if (r.code !== 0) expect(snapshot(target), `${what}: the target changed after a failure`).toEqual(inside);
  return r;
}

const base = smallScenario({ replications: 1, horizon: "2h" }) as Json;

describe("fuzz: hostile input files through the CLI", () => {
  const sandbox = tempDir("relaysim-fuzz-");
  const keep = join(sandbox, "keep");
  const target = join(sandbox, "out");
  const input = join(sandbox, "input.json");
  const good = join(sandbox, "good.json");
  const parts = [join(sandbox, "p0.json"), join(sandbox, "p1.json")];
  const sweepParts = [join(sandbox, "s0.json"), join(sandbox, "s1.json")];
  const run = join(sandbox, "run");

  beforeAll(async () => {
    mkdirSync(keep);
    writeFileSync(join(keep, "precious.txt"), "not relaysim's");
    writeFileSync(good, JSON.stringify(base));
    // The target holds a previous run's output; partials and a summary to mutate.
    for (const args of [
      ["run", good, "--out", target, "--no-charts", "--workers", "1"],
      ["run", good, "--out", run, "--no-charts", "--workers", "1"],
      ["run", good, "-r", "2", "--shard", "0/2", "--out", parts[0], "--workers", "1"],
      ["run", good, "-r", "2", "--shard", "1/2", "--out", parts[1], "--workers", "1"],
      ...[0, 1].map((i) => [
        "sweep",
        good,
        "--vary",
        "resend.after=1m,10m",
        "-r",
        "2",
        "--shard",
        `${i}/2`,
        "--out",
        sweepParts[i],
        "--workers",
        "1",
      ]),
    ]) {
      const r = await sim(...args);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it("sim validate and sim run -r 1: exit 0 or 2, nothing outside the target", async () => {
    await fc.assert(
      fc.asyncProperty(mutation, fc.boolean(), async (m, runIt) => {
        writeFileSync(input, mutate(base, m));
        const what = `scenario mutation ${JSON.stringify(m)}`;
        await guarded(sandbox, target, () => sim("validate", input), `validate, ${what}`);
        if (runIt) {
          await guarded(
            sandbox,
            target,
            () => sim("run", input, "-r", "1", "--no-charts", "--workers", "1", "--out", target),
            `run, ${what}`,
          );
        }
      }),
      settings(RUNS),
    );
  });

  // A run's results go through zod; a sweep's through a plain test first (acceptsSweepResult).
  it.each([
    ["run", parts],
    ["sweep", sweepParts],
  ])("sim merge of a mutated %s partial: exit 0 or 2, nothing outside the target", async (kind, files) => {
    const partial = JSON.parse(readFileSync(files[0], "utf8")) as Json;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        writeFileSync(input, mutate(partial, m));
        await guarded(
          sandbox,
          target,
          () => sim("merge", input, files[1], "--no-charts", "--out", target),
          `merge, ${kind} partial mutation ${JSON.stringify(m)}`,
        );
      }),
      settings(RUNS),
    );
  });

  it("sim report of a mutated summary.json: exit 0 or 2, nothing outside its folder", async () => {
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8")) as Json;
    const folder = join(sandbox, "report");
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        rmSync(folder, { recursive: true, force: true });
        cpSync(run, folder, { recursive: true });
        writeFileSync(join(folder, "summary.json"), mutate(summary, m));
        await guarded(sandbox, folder, () => sim("report", folder), `report, summary mutation ${JSON.stringify(m)}`);
      }),
      // Each valid mutation renders every chart (seconds): fewer runs.
      settings(RUNS / 5),
    );
  });
});
