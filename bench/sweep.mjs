// Benchmark of parallel sweeps (issue 3): `sim sweep scenarios/18of20.json` over 31 fixed resend
// delays (0m..30m/1m) × 20 replications, wall time with --workers 1 and --workers 2, and the
// speed-up. Times the built CLI in its own process, as a user would, and the sweep() call of the
// library alone (without Node's and the CLI's start-up, which no number of workers shortens).
// Needs a fresh build (npm run build).
// Usage: node bench/sweep.mjs [--repeat N] [--workers 1,2] [--json]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./median.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const repeat = Number(option("--repeat", "3"));
const workerCounts = option("--workers", "1,2").split(",").map(Number);
const asJson = args.includes("--json");

const scenario = join(root, "scenarios/18of20.json");
// --no-charts: the benchmark measures the simulation, not the (single-threaded) chart rendering.
const sweepArgs = ["sweep", scenario, "--vary", "resend.after=0m..30m/1m", "--replications", "20", "--no-charts"];
const dir = mkdtempSync(join(tmpdir(), "relaysim-bench-"));

/** One timed run; returns seconds and the sweep.json text (to check every worker count agrees). */
function timedRun(workers, k) {
  const out = join(dir, `w${workers}-${k}`);
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [join(root, "bin/sim.js"), ...sweepArgs, "--workers", String(workers), "--out", out],
    {
      encoding: "utf8",
      env: { ...process.env, CI: "1" },
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`sim sweep --workers ${workers} failed (${r.status}):\n${r.stderr}`);
  return { seconds, sweep: readFileSync(join(out, "sweep.json"), "utf8") };
}

/** The sweep() call alone, in this process: simulation and summaries, no process start-up. */
async function timedApi(workers) {
  const dist = (path) => import(pathToFileURL(join(root, "dist", path)).href);
  const { loadScenario } = await dist("scenario/load.js");
  const { sweep, sweepJson } = await dist("experiment/sweep.js");
  const { parseVary } = await dist("experiment/sweep-values.js");
  const started = process.hrtime.bigint();
  const result = await sweep(loadScenario(scenario), [parseVary("resend.after=0m..30m/1m")], {
    workers,
    replications: 20,
  });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, sweep: JSON.stringify(sweepJson(result)) };
}

try {
  const results = {};
  const api = {};
  let reference = null;
  // Interleave worker counts so that background load affects each alike.
  for (let k = 0; k < repeat; k++) {
    for (const w of workerCounts) {
      const { seconds, sweep } = timedRun(w, k);
      reference ??= sweep;
      if (sweep !== reference) throw new Error(`sweep.json with --workers ${w} differs from the first run's`);
      results[w] ??= [];
      results[w].push(seconds);
      api[w] ??= [];
      api[w].push((await timedApi(w)).seconds);
    }
  }
  const apiRuns = workerCounts.map((w) => ({
    workers: w,
    medianSeconds: median(api[w]),
    minSeconds: Math.min(...api[w]),
  }));
  const apiBase = apiRuns.find((r) => r.workers === 1) ?? apiRuns[0];
  const rows = workerCounts.map((w) => ({
    workers: w,
    medianSeconds: median(results[w]),
    minSeconds: Math.min(...results[w]),
  }));
  const base = rows.find((r) => r.workers === 1) ?? rows[0];
  const report = {
    benchmark: "sweep 18of20: resend.after 0m..30m/1m (31 points) × 20 replications = 620 replications",
    cores: availableParallelism(),
    repeat,
    runs: rows.map((r) => ({ ...r, speedUp: base.medianSeconds / r.medianSeconds })),
    apiRuns: apiRuns.map((r) => ({ ...r, speedUp: apiBase.medianSeconds / r.medianSeconds })),
    identicalSweepJson: true,
  };
  if (asJson) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    console.log(`${report.benchmark}; ${report.cores} cores; median of ${repeat}`);
    console.log("  sim sweep (whole command, in its own process):");
    for (const r of report.runs) {
      console.log(
        `  --workers ${r.workers}: ${r.medianSeconds.toFixed(2)} s (min ${r.minSeconds.toFixed(2)} s)  speed-up ${r.speedUp.toFixed(2)}×`,
      );
    }
    console.log("  sweep() alone (library call, no process start-up):");
    for (const r of report.apiRuns) {
      console.log(
        `  --workers ${r.workers}: ${r.medianSeconds.toFixed(2)} s (min ${r.minSeconds.toFixed(2)} s)  speed-up ${r.speedUp.toFixed(2)}×`,
      );
    }
    console.log("  sweep.json byte-identical across worker counts: yes");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
