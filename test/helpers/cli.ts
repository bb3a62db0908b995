// Running the CLI in-process with captured output, and temporary folders and scenarios for it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
