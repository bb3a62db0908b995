// A CommonJS script run with V8's code cache of it: taken when it was made of this script, refused
// (and the script compiled afresh, to the same effect) when the script changed, and none if absent.
// Each run is a fresh node process: within one, V8 finds a script it compiled before in its own
// cache and never reads the code cache given.
import { spawnSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/cli.js";

const LOADER = fileURLToPath(new URL("../dist/cached-script.js", import.meta.url));

/** In a fresh process: run `script` with the cache in `cache` (`make`: write the cache after the run); what it exported, and whether V8 took the cache. */
function runScript(script: string, cache: string, make = false): { answer: string; cache: string } {
  const code = `
    const { writeFileSync } = await import("node:fs");
    const { runCachedScript } = await import(${JSON.stringify(LOADER)});
    const run = runCachedScript(${JSON.stringify(script)}, ${JSON.stringify(cache)});
    const answer = run.exports.answer(21);
    if (${make}) writeFileSync(${JSON.stringify(cache)}, run.script.createCachedData());
    process.stdout.write(JSON.stringify({ answer, cache: run.cache }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout);
}

describe("runCachedScript", () => {
  const dir = tempDir();
  const script = join(dir, "script.cjs");
  const cache = join(dir, "script.cache");
  writeFileSync(
    script,
    `"use strict";
const { basename } = require("node:path");
function twice(n) { return 2 * n; }
module.exports = { answer: (n) => \`\${twice(n)} from \${basename(__filename)} in \${basename(__dirname) === basename(${JSON.stringify(dir)})}\` };
`,
  );

  it("runs the script as Node runs a .cjs module, with no cache when the file is absent", () => {
    expect(runScript(script, cache, true)).toEqual({ answer: "42 from script.cjs in true", cache: "none" });
  });

  it("runs it with the cache made of it (V8 takes it)", () => {
    expect(runScript(script, cache)).toEqual({ answer: "42 from script.cjs in true", cache: "accepted" });
  });

  it("compiles the script afresh when it changed after its cache was made", () => {
    appendFileSync(script, "module.exports.changed = true;\n");
    expect(runScript(script, cache)).toEqual({ answer: "42 from script.cjs in true", cache: "rejected" });
  });
});
