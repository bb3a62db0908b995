// `npm run bench:calibrate`: throughput and peak memory of calibration on a generated Postfix log
// (not committed): a simulated pool's attempts written by `sim run --maillog postfix`, then
// calibrated in a fresh process at two sizes (a prefix of a quarter of the log, "1x", and the whole
// log, "4x"), each several times: lines per second (medians) and that peak memory does not grow
// with the log's length. Prints figures with the machine's load; asserts nothing.
//
// Usage: node bench/calibrate.mjs [--json] [LINES (default 4000000)] [RUNS (default 3)]
// bench/run.mjs imports generateLog and calibrateLog for its `calibrate` row.
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * One calibration in this process, as `sim calibrate` reads (reader.ts's calibrateFiles, its
 * passes timed apart from the estimates): log lines, passes, seconds and CPU seconds of reading,
 * seconds of the estimates, peak RSS.
 */
async function child(file) {
  const { Calibrator } = await import("../dist/calibrate/run.js");
  const { forEachLine } = await import("../dist/calibrate/reader.js");
  const calibrator = new Calibrator({ year: 2026 });
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let reads = 0;
  let passes = 0;
  const pass = async () => {
    passes++;
    await forEachLine(
      file,
      (line, number) => {
        reads++;
        calibrator.line(file, line, number);
      },
      (bytes, text, from, to, number) => {
        reads++;
        calibrator.lineAt(file, bytes, text, from, to, number);
      },
    );
  };
  await pass();
  // A log in time order (as generated) is read once; else a second pass.
  if (calibrator.needsSecondPass()) {
    calibrator.secondPass();
    await pass();
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  // The estimates (fixed work, not per line: the policy test, the Zipf bootstrap…) timed apart.
  const estimating = process.hrtime.bigint();
  const { calibration: c } = calibrator.finish([file]);
  const estimateSeconds = Number(process.hrtime.bigint() - estimating) / 1e9;
  return {
    lines: reads / passes,
    passes,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    estimateSeconds,
    maxRss: process.resourceUsage().maxRSS * 1024,
    policy: c.policy.policy,
    relays: c.relays.count.estimate,
  };
}

/**
 * Simulate a pool whose Postfix log has about `targetLines` lines, in `dir`; also write a prefix
 * of a quarter of its lines. Returns { log, quarter, lines, bytes, seconds }.
 */
export async function generateLog(targetLines, dir) {
  // ~3 lines per message (qmgr from=, smtp to=, removed): size the pool's traffic to the target.
  const messagesPerDay = Math.ceil(targetLines / 3 / 7);
  const scenario = {
    name: "bench-calibrate",
    seed: 5,
    replications: 1,
    horizon: "7d",
    pool: { servers: 20, balancer: { policy: "timer", period: "10m" } },
    blacklists: [{ name: "spamcop", subscribers: 0.3 }],
    listed: [{ servers: 2, on: ["spamcop"] }],
    recipients: { domains: 20000, zipf: 1 },
    traffic: { senders: 2000, rate: `${(messagesPerDay / 2000).toFixed(3)}/d` },
    resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
  };
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(scenario));
  const out = join(dir, "run");
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [join(root, "bin/sim.js"), "run", file, "--maillog", "postfix", "--no-charts", "--out", out],
    { encoding: "utf8", cwd: root },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  const log = join(out, "maillog", "replication-0.log");
  const quarter = join(dir, "quarter.log");
  const lines = await new Promise((resolve) => {
    let n = 0;
    const q = createWriteStream(quarter);
    const rl = createInterface({ input: createReadStream(log) });
    rl.on("line", (line) => {
      n++;
      if (n <= targetLines / 4) q.write(`${line}\n`);
    });
    rl.on("close", () => q.end(() => resolve(n)));
  });
  return { log, quarter, lines, bytes: statSync(log).size, seconds: (Date.now() - started) / 1000 };
}

/** Calibrate `file` in a fresh process `runs` times: medians of line reads/s (wall, CPU) and of the estimates' seconds, peak RSS each run. */
export function calibrateLog(file, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const load = loadavg()[0];
    const c = spawnSync(process.execPath, [join(root, "bench/calibrate.mjs"), "--child", file], { encoding: "utf8" });
    if (c.status !== 0) throw new Error(c.stderr);
    results.push({ ...JSON.parse(c.stdout), load });
  }
  return {
    lines: results[0].lines,
    rate: median(results.map((r) => r.lines / r.seconds)),
    cpuRate: median(results.map((r) => r.lines / r.cpuSeconds)),
    peak: median(results.map((r) => r.maxRss)),
    estimateSeconds: median(results.map((r) => r.estimateSeconds)),
    peaks: results.map((r) => r.maxRss),
    loads: results.map((r) => r.load),
    policy: results[0].policy,
    relays: results[0].relays,
  };
}

if (process.argv[2] === "--child") {
  console.log(JSON.stringify(await child(process.argv[3])));
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => a !== "--json");
  const asJson = process.argv.includes("--json");
  const targetLines = Number(args[0] ?? 4_000_000);
  const runs = Number(args[1] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "relaysim-bench-calibrate-"));
  try {
    const g = await generateLog(targetLines, dir);
    if (!asJson)
      console.log(`generated ${g.lines} Postfix lines (${mib(g.bytes)}) in ${g.seconds.toFixed(1)} s at ${g.log}`);
    const results = {};
    for (const [key, label, path] of [
      ["x1", "1x (quarter)", g.quarter],
      ["x4", "4x (whole)", g.log],
    ]) {
      const r = calibrateLog(path, runs);
      results[key] = r;
      if (asJson) continue;
      console.log(
        `calibrate ${label}: ${r.lines / 2} log lines, ${r.lines} line reads (two passes); median of ${runs}: ` +
          `${(r.rate / 1e6).toFixed(2)} M line reads/s wall, ${(r.cpuRate / 1e6).toFixed(2)} M line reads/s CPU ` +
          `(${(r.rate / 2e6).toFixed(2)} M log lines/s wall), then ${r.estimateSeconds.toFixed(2)} s of estimates; ` +
          `peak RSS ${mib(r.peak)} (runs: ${r.peaks.map(mib).join(", ")}); load ${r.loads.map((l) => l.toFixed(1)).join(", ")}; ` +
          `policy ${r.policy}, ${r.relays} relays`,
      );
    }
    if (asJson) console.log(JSON.stringify({ lines: g.lines, runs, ...results }));
  } finally {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
