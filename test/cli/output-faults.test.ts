// Fault injection for output (cli/output-folder.ts, cli/signals.ts): a full file system and a
// read-only one (small tmpfs mounts, as root — CI runs as root; skipped otherwise), and
// SIGINT/SIGTERM at seeded random moments of a run: afterwards the target holds either the
// old output whole or the new one whole, and no staging, aside, lock or partial file remains.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANIFEST } from "../../src/cli/output-folder.js";
import { mulberry32 } from "../../src/stats/interval.js";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sim.js");
const dir = tempDir("relaysim-faults-");
const small = writeScenario(dir, "small.json", smallScenario({ replications: 1 }));

/**
 * Mounting needs root (CAP_SYS_ADMIN); a developer's machine without it skips the mount tests,
 * but CI (root, as .ci/run runs) must run them: there a failed mount fails the tests, not skips them.
 */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), "relaysim-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const mountable = canMount();
const mounts: string[] = [];

function mountTmpfs(options: string): string {
  const point = mkdtempSync(join(tmpdir(), "relaysim-tmpfs-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", point]);
  mounts.push(point);
  return point;
}

afterAll(() => {
  for (const point of mounts) {
    try {
      execFileSync("umount", [point]);
      rmSync(point, { recursive: true, force: true });
    } catch {
      // Leave it to the system's cleanup rather than fail the suite.
    }
  }
});

/** Every file under a folder with its bytes. */
function snapshot(folder: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(folder, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, snapshot(folder, path));
    else out[path] = readFileSync(join(folder, path)).toString("base64");
  }
  return out;
}

const debris = (parent: string) => readdirSync(parent).filter((f) => /\.(partial|old)-\d+$|\.lock$/.test(f));
const oneLine = (stderr: string) => stderr.trim().split("\n").length === 1 && !/\n\s+at /.test(stderr);

describe.skipIf(!mountable && !process.env.CI)("a full file system (64 KiB tmpfs)", () => {
  let disk = "";
  beforeAll(() => {
    disk = mountTmpfs("size=64k");
  });

  it("repro: --attempts on a full disk: exit 1, one line, the previous output intact, no debris", async () => {
    const out = join(disk, "att");
    expect((await sim("run", small, "--out", out, "--no-charts")).code).toBe(0);
    const before = snapshot(out);
    const r = await sim("run", small, "--out", out, "--no-charts", "--attempts", "-r", "40");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no space left on device \(ENOSPC\)/);
    expect(r.stderr).toContain(out);
    expect(oneLine(r.stderr)).toBe(true);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(disk)).toEqual(["att"]);
  });

  it("repro: --shard on a full disk leaves no truncated part.json.partial-PID", async () => {
    const filler = join(disk, "filler");
    // Leave about 4 KiB free: the partial file (tens of KiB) cannot fit.
    const { statfsSync } = await import("node:fs");
    const free = Number(statfsSync(disk).bavail * statfsSync(disk).bsize);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - 4096)));
    try {
      const r = await sim("run", small, "--shard", "0/1", "-r", "3", "--out", join(disk, "part.json"), "-w", "1");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/part\.json: no space left on device/);
      expect(oneLine(r.stderr)).toBe(true);
      expect(readdirSync(disk).filter((f) => f.startsWith("part.json"))).toEqual([]);
    } finally {
      rmSync(filler);
    }
  });
});

describe.skipIf(!mountable && !process.env.CI)("a read-only file system", () => {
  it("is reported before simulating: exit 1, one line naming the path and the cause", async () => {
    const ro = mountTmpfs("size=16k,ro");
    const r = await sim("run", small, "--out", join(ro, "out"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/read-only file system \(EROFS\)/);
    expect(r.stderr).toContain(ro);
    expect(oneLine(r.stderr)).toBe(true);
  });
});

/** A seeded generator for the kill delays. */
const random = mulberry32;

function runAndKill(
  args: string[],
  signal: NodeJS.Signals,
  delayMs: number,
): Promise<{ code: number | null; killed: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CI: "1" } });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill(signal), delayMs);
    child.on("close", (code, killed) => {
      clearTimeout(timer);
      resolve({ code, killed, stderr });
    });
  });
}

describe("signals at random moments of a run and of its output commit", () => {
  const parent = join(dir, "signals");
  mkdirSync(parent);
  const scenario = writeScenario(dir, "signal.json", smallScenario({ replications: 12, horizon: "3d" }));
  const out = join(parent, "out");
  const draw = random(7);
  let fullRunMs = 0;
  const cases: Array<[NodeJS.Signals, number]> = [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGKILL", 137],
  ];

  it.each(cases.map(([signal, code], i) => [i, signal, code] as const))(
    "kill %i (%s): exit %i or 0, the old output or the new one whole, no debris",
    async (_i, signal, code) => {
      if (!existsSync(out)) {
        // A child process like the killed ones: its wall time scales the kill delays to this machine.
        const started = Date.now();
        expect((await runAndKill(["run", scenario, "--out", out, "-w", "2", "--seed", "1"], signal, 1e9)).code).toBe(0);
        fullRunMs = Date.now() - started;
      }
      const before = snapshot(out);
      // Seeds differ per case, so the new output differs from the old and can be told apart.
      const seed = String(2 + Math.floor(draw() * 1000));
      // From Node's start-up to about the end of the run (the first run is the slowest: cold caches).
      const delay = Math.floor(draw() * 0.7 * fullRunMs);
      const r = await runAndKill(["run", scenario, "--out", out, "-w", "2", "--seed", seed], signal, delay);
      if (r.code === null) {
        // Killed while Node was still loading the CLI (before any handler or write), or SIGKILL.
        expect(r.killed).toBe(signal);
      } else expect([code, 0], r.stderr).toContain(r.code);
      if (signal === "SIGKILL" && r.code === null) {
        // Nothing could clean up: the next run recovers (restores an aside output, removes debris).
        const next = await sim("report", out);
        expect(next.code, next.stderr).toBe(0);
        expect(debris(parent)).toEqual([]);
        return;
      }
      expect(r.stderr).not.toMatch(/\n\s+at /);
      if (process.env.DEBUG_KILLS) console.log(signal, delay, r.code, r.killed);
      const after = snapshot(out);
      const isOld = JSON.stringify(after) === JSON.stringify(before);
      if (!isOld) {
        // The new output, whole: every file its manifest lists, and nothing else.
        const manifest = JSON.parse(Buffer.from(after[MANIFEST], "base64").toString("utf8"));
        expect([...manifest.files, MANIFEST].sort()).toEqual(Object.keys(after).sort());
        expect(JSON.parse(Buffer.from(after["summary.json"], "base64").toString("utf8")).seed).toBe(Number(seed));
      }
      // A finished run wrote the new output; an interrupted one the old (or, interrupted just
      // as the swap ended, the new: the handler runs after the synchronous swap).
      if (r.code === 0) expect(isOld).toBe(false);
      else if (r.code !== null) expect(r.stderr).toMatch(new RegExp(`interrupted \\(${signal}\\)`));
      expect(debris(parent)).toEqual([]);
    },
    30_000,
  );
});
