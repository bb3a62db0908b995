// Preloaded into a benchmarked process (node --import ./bench/peak-rss.mjs …): at exit, write the
// process's peak resident set size in bytes and its CPU seconds (user + system) — worker threads
// included, they share the process — to the file named by RELAYSIM_BENCH_RSS, as "BYTES SECONDS".
// Portable where /usr/bin/time is not installed. CPU seconds move far less than wall time when
// other processes load the machine.
import { writeFileSync } from "node:fs";

const file = process.env.RELAYSIM_BENCH_RSS;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(file, `${usage.maxRSS * 1024} ${(usage.userCPUTime + usage.systemCPUTime) / 1e6}`);
  });
}
