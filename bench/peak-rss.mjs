// Preloaded into a benchmarked process (node --import ./bench/peak-rss.mjs …): at exit, write the
// process's peak resident set size in bytes and its CPU seconds (user + system) — worker threads
// included, they share the process — to the file named by RELAYSIM_BENCH_RSS, as "BYTES SECONDS",
// then the main thread's own CPU seconds (Linux: /proc/thread-self/stat; NaN elsewhere).
// Portable where /usr/bin/time is not installed. CPU seconds move far less than wall time when
// other processes load the machine.
import { readFileSync, writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

/** This thread's CPU seconds (utime + stime, in clock ticks of 1/100 s), or NaN. */
function threadSeconds() {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const file = process.env.RELAYSIM_BENCH_RSS;
if (file && isMainThread) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS * 1024} ${(usage.userCPUTime + usage.systemCPUTime) / 1e6} ${threadSeconds()}`);
  });
}
