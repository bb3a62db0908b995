// Preloaded into a benchmarked process (node --import ./bench/peak-rss.mjs …): at exit, write the
// process's peak resident set size in bytes — worker threads included, they share the process —
// to the file named by RELAYSIM_BENCH_RSS. Portable where /usr/bin/time is not installed.
import { writeFileSync } from "node:fs";

const file = process.env.RELAYSIM_BENCH_RSS;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
