// The costs behind docs/cluster.md's sizing table, measured here, and the table they give for a
// 10 000-point × 100-replication study of 18of20 on 10, 100 and 1000 cores (one shard a core,
// every shard at once, then one merge):
//   node bench/cluster-sizing.mjs [--runs N]
// Each cost is a difference of whole `sim` processes' CPU seconds (user + system, all threads;
// bench/timed.mjs), the median of N runs (default 3), so that start-up cancels where it should:
//   one replication     `sweep -r 100` of 10 points (1000 replications) less `-r 10` (100), over 900
//   a shard's start-up  the `-r 10` run less its 100 replications
//   a 10 000-point grid `--shard 0/10000` of 10 000 points × 100 (100 replications over 100
//                       points) less a 100-point grid × 1 (the same work)
//   a point touched     100 points × 1 replication less 10 points × 10, over 90
//   merge, a replication  `sim merge` (charts included, as deploy/ merges) of a 10-point × 1000
//                       sweep's 10 partial files (10 000 replications) less of a 10-point × 100
//                       sweep's one (1000), over 9000; its memory from the peak RSS the same way
//   merge, a point      of a 100-point × 10 sweep (1000 replications) less of the 10-point one, over 90
// Prints the costs and the table as Markdown. Asserts nothing: tests never assert on time.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { takeCount } from "./alternate.mjs";
import { median } from "./median.mjs";
import { timedNode, timedSim } from "./timed.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const runs = takeCount(args, "--runs", 3);
if (args.length > 0 || !(runs >= 1)) throw new Error("usage: node bench/cluster-sizing.mjs [--runs N]");
const dir = mkdtempSync(join(tmpdir(), "relaysim-sizing-"));
const scenario = "scenarios/18of20.json";

/** The median CPU seconds and peak RSS of `runs` runs of each command, interleaved. */
function medians(commands) {
  const cpu = commands.map(() => []);
  const peak = commands.map(() => []);
  for (let k = 0; k < runs; k++) {
    commands.forEach(([label, simArgs], i) => {
      const r = timedSim(simArgs, label, dir);
      cpu[i].push(r.cpu);
      peak[i].push(r.peak);
    });
  }
  return commands.map((_, i) => ({ cpu: median(cpu[i]), peak: median(peak[i]) }));
}

const sweep = (vary, replications, shard) => [
  "sweep",
  scenario,
  "--vary",
  `resend.after=${vary}`,
  "-r",
  String(replications),
  "--no-charts",
  "--shard",
  shard,
  "--workers",
  "1",
];

try {
  const loadBefore = loadavg()[0];
  const [r100, r10, grid10k, grid100, points10] = medians([
    ["1000 replications", sweep("0m..9m/1m", 100, "0/1")],
    ["100 replications", sweep("0m..9m/1m", 10, "0/1")],
    ["a 10 000-point grid's shard", sweep("0s..9999s/1s", 100, "0/10000")],
    ["100 points × 1", sweep("0s..99s/1s", 1, "0/1")],
    ["10 points × 10", sweep("0s..9s/1s", 10, "0/1")],
  ]);
  const replication = (r100.cpu - r10.cpu) / 900;
  const startUp = r10.cpu - 100 * replication;
  const grid = grid10k.cpu - grid100.cpu;
  const gridMemory = grid10k.peak - grid100.peak;
  const point = (grid100.cpu - points10.cpu) / 90;

  // Partial files: a 10-point × 1000 sweep in 10 shards (10 000 replications), and whole sweeps
  // of 1000 replications over 10 and over 100 points (a merge takes every shard of a run).
  const partial = (vary, replications, shard, name) => {
    const file = join(dir, `${name}.json`);
    timedNode([join(root, "bin/sim.js"), ...sweep(vary, replications, shard), "--out", file], `partial ${name}`, {
      CI: "1",
    });
    return file;
  };
  const shards = Array.from({ length: 10 }, (_, i) => partial("0m..9m/1m", 1000, `${i}/10`, `part-${i}`));
  const tenPoints = partial("0m..9m/1m", 100, "0/1", "ten-points");
  const hundredPoints = partial("0m..99m/1m", 10, "0/1", "hundred-points");
  const partialBytes = shards.reduce((sum, f) => sum + statSync(f).size, 0) / 10000;
  const [merge10k, merge10, merge100] = medians([
    // One thread: the costs of one core (a merge's threads share only its points' summaries).
    ["merge of 10 000 replications over 10 points", ["merge", ...shards, "--workers", "1"]],
    ["merge of 1000 replications over 10 points", ["merge", tenPoints, "--workers", "1"]],
    ["merge of 1000 replications over 100 points", ["merge", hundredPoints, "--workers", "1"]],
  ]);
  const mergeReplication = (merge10k.cpu - merge10.cpu) / 9000;
  const mergeMemory = (merge10k.peak - merge10.peak) / 9000;
  const mergePoint = (merge100.cpu - merge10.cpu) / 90;
  const mergePointMemory = (merge100.peak - merge10.peak) / 90;
  const mergeStart = merge10.cpu - 1000 * mergeReplication - 10 * mergePoint;

  const ms = (s) => `${(s * 1000).toFixed(2)} ms`;
  console.log(
    `${new Date().toISOString().slice(0, 16)} UTC, load ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores, medians of ${runs} runs (CPU s)\n`,
  );
  console.log("| cost | measured |\n|---|---|");
  console.log(
    `| one replication, inside a 100-replication point | ${ms(replication)} (1000 replications ${r100.cpu.toFixed(2)} s, 100 ${r10.cpu.toFixed(2)} s) |`,
  );
  console.log(`| a shard's start-up (Node, modules, scenario) | ${startUp.toFixed(2)} s |`);
  console.log(
    `| a 10 000-point grid, expanded and validated in every shard | ${grid.toFixed(2)} s, ${(gridMemory / 2 ** 20).toFixed(0)} MB |`,
  );
  console.log(`| each point a shard touches | ${ms(point)} |`);
  console.log(
    `| merge, per replication | ${ms(mergeReplication)}, ${(mergeMemory / 1024).toFixed(0)} KB of memory, ${(partialBytes / 1024).toFixed(1)} KB of partial file |`,
  );
  console.log(
    `| merge, per point (its sweep.json entry, charts and report) | ${ms(mergePoint)}, ${(mergePointMemory / 1024).toFixed(0)} KB of memory |`,
  );
  console.log(`| merge, start-up | ${mergeStart.toFixed(2)} s |`);

  // The study: 10 000 points × 100 replications, shard I taking the (point, replication) pairs
  // numbered ≡ I mod N; with N ≤ 100 a shard touches every point, with N = 1000 a tenth of them.
  const total = 10000 * 100;
  const mergeSeconds = mergeStart + total * mergeReplication + 10000 * mergePoint;
  const mergeBytes = total * mergeMemory + 10000 * mergePointMemory;
  console.log(
    "\n| cores | replications a shard | CPU per shard | wall with the merge | core-hours allocated |\n|---|---|---|---|---|",
  );
  for (const cores of [10, 100, 1000]) {
    const replications = total / cores;
    const touched = Math.min(10000, replications);
    const shard = startUp + grid + touched * point + replications * replication;
    const minutes = (s) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);
    console.log(
      `| ${cores} | ${replications} (${touched} points) | ${minutes(shard)} | ${minutes(shard + mergeSeconds)} | ${((cores * shard + mergeSeconds) / 3600).toFixed(2)} |`,
    );
  }
  console.log(
    `\nThe merge: ${mergeSeconds.toFixed(0)} s on one core, ${(mergeBytes / 2 ** 30).toFixed(1)} GB of memory, ${((total * partialBytes) / 2 ** 30).toFixed(1)} GB of partial files.`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
