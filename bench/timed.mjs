// `node ARGS…` in a child process timed as the benches time commands: wall seconds, and from the
// bench/peak-rss.mjs preload its CPU seconds (user + system, all threads), its main thread's CPU
// seconds (NaN without /proc) and its peak RSS in bytes. Used by bench/run.mjs, calibrate.mjs and
// cluster-sizing.mjs. Throws with the child's stderr when it fails.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
let runs = 0;

export function timedNode(nodeArgs, label, env = {}) {
  const rssFile = join(tmpdir(), `relaysim-bench-rss-${process.pid}-${runs++}`);
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--import", join(root, "bench/peak-rss.mjs"), ...nodeArgs], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, ...env, RELAYSIM_BENCH_RSS: rssFile },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`${label} failed (exit ${child.status}):\n${child.stderr}`);
  const [peak, cpu, mainCpu = Number.NaN] = existsSync(rssFile)
    ? readFileSync(rssFile, "utf8").split(" ").map(Number)
    : [Number.NaN, Number.NaN];
  rmSync(rssFile, { force: true });
  return { seconds, cpu, mainCpu, peak, stdout: child.stdout, stderr: child.stderr };
}

/**
 * A whole `sim ARGS… --out TEMP` command (bin/sim.js, CI=1), its output folder a fresh one in
 * `scratch` and removed afterwards: timedNode's figures. For bench/run.mjs and cluster-sizing.mjs.
 */
export function timedSim(simArgs, label, scratch) {
  const out = join(scratch, `out-${process.pid}-${runs}`);
  try {
    return timedNode([join(root, "bin/sim.js"), ...simArgs, "--out", out], label, { CI: "1" });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Two copies of `sim ARGS…` at once, in separate processes (bench/pair.mjs), each with an output
 * folder of its own in `scratch`: the wall seconds until both ended. Against one copy alone this
 * is what sharing the machine costs work that never coordinates.
 */
export function timedSimPair(simArgs, label, scratch) {
  const outs = [0, 1].map((i) => join(scratch, `pair-${process.pid}-${runs++}-${i}`));
  try {
    const commands = outs.map((out) => [join(root, "bin/sim.js"), ...simArgs, "--out", out]);
    const child = spawnSync(process.execPath, [join(root, "bench/pair.mjs"), JSON.stringify(commands)], {
      cwd: root,
      encoding: "utf8",
    });
    if (child.status !== 0) throw new Error(`${label} side by side failed (exit ${child.status}):\n${child.stderr}`);
    return JSON.parse(child.stdout);
  } finally {
    for (const out of outs) rmSync(out, { recursive: true, force: true });
  }
}
