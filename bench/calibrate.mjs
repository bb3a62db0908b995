// `npm run bench:calibrate`: throughput and peak memory of calibration on a generated Postfix log
// (in a temporary folder, deleted afterwards; never committed): a simulated pool's attempts
// written by `sim run --maillog postfix`, then calibrated in a fresh process at several sizes
// (prefixes of one long log: the same pool logged for longer), each several times: log lines per
// second (medians) and whether peak memory grows with the log's length. Prints figures with the
// machine's load; asserts nothing.
//
// Usage: node bench/calibrate.mjs [--json] [--sizes 1,4] [--lines 1000000] [--runs 3] [--cap-heap 96]
//        node --expose-gc bench/calibrate.mjs --compare FILE ROUNDS DIST DIST… (builds paired in one process)
//        node bench/calibrate.mjs --writer FILE ROUNDS DIST DIST… (the reading thread's work alone, builds paired)
//   --sizes: multiples of --lines to calibrate (prefixes of one log of the largest); the 4x log
//   spans 7 days. --cap-heap MiB: at the smallest and the largest size, one more run with V8's
//   old space capped at that (node --max-old-space-size; 0: none), to show that reading needs a
//   bounded heap (peak RSS also holds garbage V8 has not collected yet): it must finish with the
//   same scenario (compared by a hash of its JSON). Only the bench sets the flag; `sim calibrate` never does. `npm run bench:calibrate:big` runs 1,4,16 (16 M lines, ~2.4 GB, 28 days).
// Then the whole command users run (bin/sim.js calibrate) on the largest size, timed with its
// start-up and estimates. bench/run.mjs runs it with --json for its `calibrate` row.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  createReadStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { timedNode } from "./timed.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const medianOrNull = (xs) => (xs.some((x) => x === null) ? null : median(xs));
/** "main 0.61 s (1.64 M lines/s), reading thread 0.95 s (…), GC helpers 0.40 s" of a calibrateLog result. */
function threads(r) {
  if (r.mainCpuSeconds === null) return "CPU by thread: not measured (no /proc)";
  const per = (s) => `${s.toFixed(2)} s (${(r.lines / s / 1e6).toFixed(2)} M lines/s)`;
  const reading = r.threaded ? `, reading thread ${per(r.readerCpuSeconds)}` : " (one thread)";
  return `CPU: main ${per(r.mainCpuSeconds)}${reading}, GC helpers ${r.helperCpuSeconds.toFixed(2)} s`;
}

/**
 * One calibration in this process, as `sim calibrate` reads (reader.ts's calibrateFiles, its
 * passes timed apart from the estimates): log lines, passes, seconds and CPU seconds of reading,
 * seconds of the estimates, peak RSS.
 */
async function child(file) {
  const { Calibrator } = await import("../dist/calibrate/run.js");
  const { readLogs } = await import("../dist/calibrate/reader.js");
  const calibrator = new Calibrator({ year: 2026 });
  const tasksStart = threadCpu();
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  // A log in time order (as generated) is read once; else a second pass. CALIBRATE_THREAD=0 in
  // the environment reads in this thread (as before the reading thread), for paired comparisons.
  const threaded = await readLogs(calibrator, [file], { thread: process.env.CALIBRATE_THREAD !== "0" });
  const passes = calibrator.needsSecondPass() ? 2 : 1;
  // Lines read (each pass reads them all; the evidence counts the first pass's).
  const lines = calibrator.evidence.lines + calibrator.evidence.unparsed.count;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const tasksEnd = threadCpu();
  // What the evidence really holds after reading (peak RSS also counts garbage not yet collected).
  const readingRss = process.resourceUsage().maxRSS * 1024;
  globalThis.gc?.();
  const liveHeap = process.memoryUsage().heapUsed;
  // The estimates (fixed work, not per line: the policy test, the Zipf bootstrap…) timed apart.
  const estimating = process.hrtime.bigint();
  const { calibration: c, scenario } = calibrator.finish([file]);
  const estimateSeconds = Number(process.hrtime.bigint() - estimating) / 1e9;
  return {
    lines,
    passes,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    ...perThread(tasksStart, tasksEnd, (cpu.user + cpu.system) / 1e6),
    estimateSeconds,
    maxRss: process.resourceUsage().maxRSS * 1024,
    liveHeap,
    readingRss,
    threaded,
    policy: c.policy.policy,
    relays: c.relays.count.estimate,
    scenario: createHash("sha256").update(JSON.stringify(scenario)).digest("hex").slice(0, 16),
  };
}

/** CPU seconds of each of this process's threads (Linux: /proc/self/task), or null. */
function threadCpu() {
  try {
    const out = new Map();
    for (const task of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(task), (Number(fields[11]) + Number(fields[12])) / 100);
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * Reading's CPU seconds by thread: the main thread (the evidence), V8's and libuv's helper threads
 * that lived throughout (GC), and the rest, which is the reading thread (it has exited: its time
 * is the process's less the others'). Clock ticks of 10 ms; nulls without /proc.
 */
function perThread(before, after, total) {
  if (before === null || after === null)
    return { mainCpuSeconds: null, readerCpuSeconds: null, helperCpuSeconds: null };
  let main = 0;
  let helpers = 0;
  for (const [task, cpu] of after) {
    if (!before.has(task)) continue;
    if (task === process.pid) main = cpu - before.get(task);
    else helpers += cpu - before.get(task);
  }
  return { mainCpuSeconds: main, readerCpuSeconds: Math.max(0, total - main - helpers), helperCpuSeconds: helpers };
}

/**
 * Simulate a pool whose Postfix log has about `unit` × max(sizes) lines, in `dir` (the pool's
 * traffic is that of `unit` × 4 lines in 7 days; the horizon grows with the size), and cut it into
 * prefixes of `unit` × size lines. Returns { logs: {size → file}, lines, bytes, seconds }.
 */
export async function generateLog(unit, sizes, dir) {
  const largest = Math.max(...sizes);
  // ~3 lines per message (qmgr from=, smtp to=, removed): size the pool's traffic to the target.
  const messagesPerDay = Math.ceil((unit * 4) / 3 / 7);
  const days = Math.ceil((7 * largest) / 4) + 1;
  const scenario = {
    name: "bench-calibrate",
    seed: 5,
    replications: 1,
    horizon: `${days}d`,
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
  // The byte offset after each size's last line.
  const wanted = [...sizes].sort((a, b) => a - b).map((s) => s * unit);
  const cuts = new Map();
  let lines = 0;
  let offset = 0;
  for await (const chunk of createReadStream(log, { highWaterMark: 1 << 20 })) {
    let at = chunk.indexOf(10);
    while (at >= 0) {
      lines++;
      if (wanted.includes(lines)) cuts.set(lines, offset + at + 1);
      at = chunk.indexOf(10, at + 1);
    }
    offset += chunk.length;
  }
  const logs = {};
  for (const size of sizes) {
    const n = size * unit;
    const cut = cuts.get(n);
    if (cut === undefined) {
      logs[size] = log;
      continue;
    }
    const prefix = join(dir, `x${size}.log`);
    copyFileSync(log, prefix);
    truncateSync(prefix, cut);
    logs[size] = prefix;
  }
  return { logs, lines, bytes: statSync(log).size, seconds: (Date.now() - started) / 1000 };
}

/** Calibrate `file` in a fresh process `runs` times: medians of log lines/s (wall, CPU) and of the estimates' seconds, peak RSS each run. */
export function calibrateLog(file, runs, heapMiB = 0) {
  const results = [];
  const flags = heapMiB > 0 ? [`--max-old-space-size=${heapMiB}`] : [];
  for (let i = 0; i < runs; i++) {
    const load = loadavg()[0];
    const c = spawnSync(
      process.execPath,
      [...flags, "--expose-gc", join(root, "bench/calibrate.mjs"), "--child", file],
      {
        encoding: "utf8",
      },
    );
    if (c.status !== 0) throw new Error(c.stderr);
    results.push({ ...JSON.parse(c.stdout), load });
  }
  return {
    lines: results[0].lines,
    passes: results[0].passes,
    rate: median(results.map((r) => r.lines / r.seconds)),
    cpuRate: median(results.map((r) => r.lines / r.cpuSeconds)),
    peak: median(results.map((r) => r.maxRss)),
    liveHeap: median(results.map((r) => r.liveHeap)),
    readingRss: median(results.map((r) => r.readingRss)),
    estimateSeconds: median(results.map((r) => r.estimateSeconds)),
    // CPU seconds of reading by thread (medians; null without /proc): the evidence (main), the
    // reading thread, V8's and libuv's helpers (GC). Wall time on two free cores is at least the
    // larger of the first two and half their sum with the helpers'.
    mainCpuSeconds: medianOrNull(results.map((r) => r.mainCpuSeconds)),
    readerCpuSeconds: medianOrNull(results.map((r) => r.readerCpuSeconds)),
    helperCpuSeconds: medianOrNull(results.map((r) => r.helperCpuSeconds)),
    threaded: results.every((r) => r.threaded),
    peaks: results.map((r) => r.maxRss),
    loads: results.map((r) => r.load),
    policy: results[0].policy,
    relays: results[0].relays,
    scenario: results[0].scenario,
  };
}

/**
 * The whole command users run, `node bin/sim.js calibrate FILE --json` (the bundle: start-up,
 * reading, estimates), `runs` times in fresh processes: median wall seconds and log lines/s,
 * CPU seconds, peak RSS (bench/peak-rss.mjs). Throws when the command printed anything on
 * standard error: it says so there when it read in one thread instead of two.
 */
export function calibrateCommand(file, lines, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const load = loadavg()[0];
    const r = timedNode([join(root, "bin/sim.js"), "calibrate", file, "--year", "2026", "--json"], "sim calibrate");
    if (r.stderr !== "") throw new Error(`sim calibrate wrote on standard error:\n${r.stderr}`);
    results.push({ ...r, load });
  }
  const seconds = median(results.map((r) => r.seconds));
  return {
    seconds,
    rate: lines / seconds,
    cpuSeconds: median(results.map((r) => r.cpu)),
    peak: median(results.map((r) => r.peak)),
    loads: results.map((r) => r.load),
  };
}

/**
 * Paired reading in one process (less noise than separate processes on a busy machine): the
 * builds' Calibrators (dist folders, e.g. two worktrees') read `file` in turns, `rounds` times,
 * the order reversed every other round; CPU seconds of each reading and their medians.
 */
async function compare(file, rounds, dists) {
  const builds = [];
  for (const dist of dists) {
    const { Calibrator } = await import(pathToFileURL(resolve(dist, "calibrate/run.js")).href);
    const { forEachLine } = await import(pathToFileURL(resolve(dist, "calibrate/reader.js")).href);
    builds.push({ dist, Calibrator, forEachLine, cpu: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      globalThis.gc?.();
      const calibrator = new b.Calibrator({ year: 2026 });
      const start = process.cpuUsage();
      await b.forEachLine(
        file,
        (line, number) => calibrator.line(file, line, number),
        (bytes, text, from, to, number) => calibrator.lineAt(file, bytes, text, from, to, number),
      );
      const cpu = process.cpuUsage(start);
      b.cpu.push((cpu.user + cpu.system) / 1e6);
    }
  }
  for (const b of builds)
    console.log(
      `${b.dist}: reading CPU s ${b.cpu.map((x) => x.toFixed(3)).join(" ")}; median ${median(b.cpu).toFixed(3)}`,
    );
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
}

/**
 * The reading thread's work alone (splitting, Postfix's byte reader, the batches; batches recycled
 * after three, nothing fed to an evidence) in this thread, the builds in turns: CPU seconds each
 * round and medians (node bench/calibrate.mjs --writer FILE ROUNDS DIST DIST…).
 */
async function compareWriters(file, rounds, dists) {
  const builds = [];
  for (const dist of dists) {
    const { BatchWriter } = await import(pathToFileURL(resolve(dist, "calibrate/batch.js")).href);
    const { forEachLine } = await import(pathToFileURL(resolve(dist, "calibrate/log-lines.js")).href);
    builds.push({ dist, BatchWriter, forEachLine, cpu: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const b of r % 2 ? [...builds].reverse() : builds) {
      const w = new b.BatchWriter("auto");
      const held = [];
      const start = process.cpuUsage();
      await b.forEachLine(
        file,
        (line, number) => w.line(line, number),
        (bytes, text, from, to, number) => w.lineAt(bytes, text, from, to, number),
        () => {
          if (w.pending > 0) {
            held.push(w.take());
            if (held.length > 3) {
              const old = held.shift();
              w.recycle(old.records, old.text);
            }
          }
          return undefined;
        },
        false,
      );
      const cpu = process.cpuUsage(start);
      b.cpu.push((cpu.user + cpu.system) / 1e6);
    }
  }
  for (const b of builds)
    console.log(
      `${b.dist}: writer CPU s ${b.cpu.map((x) => x.toFixed(3)).join(" ")}; median ${median(b.cpu).toFixed(3)}`,
    );
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
}

if (process.argv[2] === "--writer") {
  const [file, rounds, ...dists] = process.argv.slice(3);
  if (!file || !(Number(rounds) > 0) || dists.length === 0)
    throw new Error("usage: node bench/calibrate.mjs --writer FILE ROUNDS DIST DIST…");
  await compareWriters(file, Number(rounds), dists);
  process.exit(0);
}

if (process.argv[2] === "--compare") {
  // node --expose-gc bench/calibrate.mjs --compare FILE ROUNDS DIST DIST…
  const [file, rounds, ...dists] = process.argv.slice(3);
  if (!file || !(Number(rounds) > 0) || dists.length === 0)
    throw new Error("usage: node --expose-gc bench/calibrate.mjs --compare FILE ROUNDS DIST DIST…");
  await compare(file, Number(rounds), dists);
  process.exit(0);
}

if (process.argv[2] === "--child") {
  console.log(JSON.stringify(await child(process.argv[3])));
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : fallback;
  };
  const asJson = process.argv.includes("--json");
  const sizes = option("--sizes", "1,4").split(",").map(Number);
  const unit = Number(option("--lines", "1000000"));
  const runs = Number(option("--runs", "3"));
  const capHeap = Number(option("--cap-heap", "96"));
  if (!sizes.every((s) => Number.isInteger(s) && s > 0) || !(unit > 0) || !(runs > 0) || !(capHeap >= 0))
    throw new Error(
      "usage: node bench/calibrate.mjs [--json] [--sizes 1,4] [--lines 1000000] [--runs 3] [--cap-heap 96]",
    );
  const dir = mkdtempSync(join(tmpdir(), "relaysim-bench-calibrate-"));
  try {
    const g = await generateLog(unit, sizes, dir);
    if (!asJson)
      console.log(`generated ${g.lines} Postfix lines (${mib(g.bytes)}) in ${g.seconds.toFixed(1)} s in ${dir}`);
    const results = {};
    for (const size of sizes) {
      const r = calibrateLog(g.logs[size], runs);
      results[`x${size}`] = r;
      if (asJson) continue;
      console.log(
        `calibrate ${size}x: ${r.lines} log lines, ${r.passes} pass(es); median of ${runs}: ` +
          `${(r.rate / 1e6).toFixed(2)} M lines/s wall, ${(r.cpuRate / 1e6).toFixed(2)} M lines/s CPU (whole process); ${threads(r)}; ` +
          `then ${r.estimateSeconds.toFixed(2)} s of estimates; ` +
          `peak RSS ${mib(r.peak)} (runs: ${r.peaks.map(mib).join(", ")}), ${mib(r.readingRss)} before the estimates, live heap after reading ${mib(r.liveHeap)}; load ${r.loads.map((l) => l.toFixed(1)).join(", ")}; ` +
          `policy ${r.policy}, ${r.relays} relays`,
      );
    }
    // Bounded memory, shown: the smallest and largest sizes again with the heap capped.
    const capped = {};
    const ends = [...new Set([Math.min(...sizes), Math.max(...sizes)])];
    for (const size of capHeap > 0 ? ends : []) {
      const r = calibrateLog(g.logs[size], 1, capHeap);
      const same = r.scenario === results[`x${size}`].scenario;
      capped[`x${size}`] = {
        heapMiB: capHeap,
        peak: r.peak,
        liveHeap: r.liveHeap,
        sameScenario: same,
        load: r.loads[0],
      };
      if (asJson) continue;
      console.log(
        `calibrate ${size}x with --max-old-space-size=${capHeap}: completes, ${same ? "the same" : "A DIFFERENT"} scenario (${r.scenario}); ` +
          `peak RSS ${mib(r.peak)}, live heap after reading ${mib(r.liveHeap)}, ${(r.cpuRate / 1e6).toFixed(2)} M lines/s CPU; load ${r.loads[0].toFixed(1)}`,
      );
    }
    // What users run, at the largest size: the bundled CLI, start-up and estimates included.
    const largest = Math.max(...sizes);
    const command = calibrateCommand(g.logs[largest], results[`x${largest}`].lines, runs);
    if (!asJson)
      console.log(
        `the whole command \`sim calibrate\` on ${largest}x (reading thread started; start-up and estimates included), median of ${runs}: ` +
          `${command.seconds.toFixed(2)} s, ${(command.rate / 1e6).toFixed(2)} M lines/s wall; ${command.cpuSeconds.toFixed(2)} CPU s; ` +
          `peak RSS ${mib(command.peak)}; load ${command.loads.map((l) => l.toFixed(1)).join(", ")}`,
      );
    if (!asJson && sizes.length > 1) {
      // Flat in the log's size? Peak RSS at each size, side by side.
      console.log(
        `peak RSS by size: ${sizes.map((size) => `${size}x ${mib(results[`x${size}`].peak)}`).join(", ")}; load ${loadavg()[0].toFixed(1)}`,
      );
    }
    if (asJson) console.log(JSON.stringify({ lines: g.lines, runs, sizes, ...results, capped, command }));
  } finally {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  }
}
