// Running the CLI in-process with captured output, and temporary folders and scenarios for it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { main } from "../../src/cli/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `sim ARGV…` in this process; output captured, not printed. */
export async function sim(...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** The `sim` command as users run it (bin/sim.js: the bundle, or tsc's output). */
export const SIM_BIN = fileURLToPath(new URL("../../bin/sim.js", import.meta.url));

/** `node ENTRY ARGS…` in its own process, in `cwd`, with `env` added to this process's environment. */
export function nodeProcess(cwd: string, entry: string, args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [entry, ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `node bin/sim.js ARGS…` in its own process (the built CLI), in `cwd`. */
export function simProcess(cwd: string, ...args: string[]): CliResult {
  return nodeProcess(cwd, SIM_BIN, args);
}

/** A fresh temporary folder, removed after the test file's tests. */
export function tempDir(prefix = "relaysim-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A small, fast valid scenario (a few hundred messages per replication), with `patch` applied on top. */
export function smallScenario(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "small",
    seed: 7,
    replications: 3,
    horizon: "1d",
    pool: { servers: 5, balancer: { policy: "timer", period: "10m" } },
    blacklists: [{ name: "spamcop", subscribers: 0.5 }],
    listed: [{ servers: 2, on: ["spamcop"] }],
    recipients: { domains: 50 },
    traffic: { senders: 10, rate: "30/d" },
    resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
    ...patch,
  };
}

/** Write `content` (an object as JSON, or raw text) to dir/name and return the path. */
export function writeScenario(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  return file;
}
