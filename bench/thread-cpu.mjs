// Preloaded into a command (node --import ./bench/thread-cpu.mjs bin/sim.js …): at exit, print to
// stderr the CPU seconds (user + system) of the main thread, of the replication workers and of
// the rest of the process — V8's helper threads (concurrent compilers, concurrent marking) and
// libuv's pool — as one JSON line. Why: `--workers 1` is not one core's work. Its main thread
// simulates, but V8 compiles and marks on helper threads, on the other core (0.8–0.9 CPU s of a
// ~4 CPU s `sim advise scenarios/18of20.json --no-charts`); with two workers those helpers do
// more (two isolates compile) and compete with both simulating threads (docs/performance.md).
//
//   THREAD_CPU_WORKERS=1 node --import ./bench/thread-cpu.mjs bin/sim.js advise scenarios/18of20.json --no-charts --workers 2
//
// Linux only (/proc/self/task). The threads are sampled every 20 ms, since worker threads end
// before the process's exit; a thread's last 20 ms may be missed. Node names every thread
// "node", so the workers are taken to be the THREAD_CPU_WORKERS (default 0) busiest threads
// other than the main one: true of `sim` commands, whose workers simulate for seconds.
import { readdirSync, readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

/** CPU seconds of each thread of this process by thread id (clock ticks of 1/100 s). */
function threadSeconds(into) {
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      into.set(tid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // The thread ended between the listing and the read: its last sample stands.
    }
  }
}

if (isMainThread) {
  const seen = new Map();
  const workers = Number(process.env.THREAD_CPU_WORKERS ?? 0);
  const timer = setInterval(() => threadSeconds(seen), 20);
  timer.unref();
  process.on("exit", () => {
    threadSeconds(seen);
    const main = seen.get(String(process.pid)) ?? Number.NaN;
    const others = [...seen.entries()]
      .filter(([tid]) => tid !== String(process.pid))
      .map(([, s]) => s)
      .sort((a, b) => b - a);
    const worker = others.slice(0, workers).reduce((a, b) => a + b, 0);
    const usage = process.resourceUsage();
    const total = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    const round = (s) => Math.round(s * 100) / 100;
    process.stderr.write(
      `${JSON.stringify({ main: round(main), workers: round(worker), helpers: round(total - main - worker), total: round(total) })}\n`,
    );
  });
}
