// The command line as a whole: help, version, usage errors (exit 2), and the real process's exit code.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const root = join(import.meta.dirname, "..", "..");
const dir = tempDir("relaysim-main-");

describe("sim", () => {
  it("--help names every command and the exit codes, on io's stdout", async () => {
    const { code, stdout, stderr } = await sim("--help");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const command of ["sim run <file>", "sim validate <files..>", "sim schema"]) expect(stdout).toContain(command);
    expect(stdout).toMatch(/Exit codes: 0 ok, 1 runtime failure, 2 bad usage/);
  });

  it("run --help describes run's flags", async () => {
    const { code, stdout } = await sim("run", "--help");
    expect(code).toBe(0);
    for (const flag of ["--out", "--seed", "--replications", "--json", "--attempts"]) expect(stdout).toContain(flag);
  });

  it.each([["--help"], ["-h"]])("advise %s wraps its text at 100 columns at most", async (flag) => {
    const { code, stdout } = await sim("advise", flag);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines.length).toBeGreaterThan(30);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it("--version prints the version", async () => {
    const { code, stdout } = await sim("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
  });

  it.each([
    [[], /Name a command/],
    [["frobnicate"], /Unknown argument: frobnicate/],
    [["schema", "--frobnicate"], /Unknown argument: frobnicate/],
    [["run"], /Not enough non-option arguments/],
  ])("%j exits 2 with a usage message", async (argv, message) => {
    const { code, stdout, stderr } = await sim(...(argv as string[]));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Run "sim --help" for usage.');
  });

  it("an unknown flag on validate stops before validating", async () => {
    const file = writeScenario(dir, "ok.json", smallScenario());
    const { code, stdout } = await sim("validate", file, "--frobnicate");
    expect(code).toBe(2);
    expect(stdout).toBe("");
  });
});

describe("bin/sim.js (built)", () => {
  it("sets the process exit code: 2 for a bad scenario, 0 for validate of a good one", () => {
    const bin = join(root, "bin", "sim.js");
    expect(existsSync(join(root, "dist", "cli", "main.js")), "run `npm run build` first").toBe(true);
    const bad = writeScenario(dir, "bad.json", smallScenario({ pool: { servers: -3 } }));
    const out = join(dir, "out");
    const failed = spawnSync(process.execPath, [bin, "run", bad, "--out", out], { encoding: "utf8" });
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain(`${bad}: pool.servers: expected a positive integer, got -3`);
    expect(existsSync(out)).toBe(false);
    const good = writeScenario(dir, "good.json", smallScenario());
    const ok = spawnSync(process.execPath, [bin, "validate", good], { encoding: "utf8" });
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
  });
});
