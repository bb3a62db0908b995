// Old against new for a whole `sim` command, the two builds alternated in one process, as
// bench/paired.mjs alternates processes for the loop: one process shares its start-up, heap and
// place on the cores between the two, which on a shared machine leaves each pair's ratio less to
// chance. Still read medians of many rounds: two identical builds gave 1.07 over 4 rounds at load
// 5.5, while 12 rounds resolved a 5.7 % change 11 times of 12 (docs/performance.md, section alloc).
//   node bench/same-process.mjs OLD_CHECKOUT NEW_CHECKOUT [--rounds N] -- SIM ARGS...
// Each checkout's dist/cli/start.js is imported (two module graphs, one V8 isolate) and its
// `sim()` run once to warm up, then N rounds, the order swapping each round. CPU seconds are
// the process's user + system time around each run (the GC's and compiler's helper threads
// included); use `--workers 1`, as a worker's CPU would be counted too. The command's own output
// is dropped. Prints each round, then the medians and the median of the per-round ratios new/old.
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { alternate, commandArgs } from "./alternate.mjs";
import { median } from "./median.mjs";

const usage = "usage: node bench/same-process.mjs OLD NEW [--rounds N] -- SIM ARGS...";
const { old: oldDir, fresh: newDir, rounds, args: simArgs } = commandArgs(process.argv.slice(2), usage, 12);

const load = async (dir) => (await import(pathToFileURL(resolve(dir, "dist/cli/start.js")).href)).sim;
const sims = { old: await load(oldDir), new: await load(newDir) };
const write = process.stdout.write.bind(process.stdout);

/** CPU seconds of one run of `side`'s sim, its output dropped. */
async function run(side) {
  process.stdout.write = () => true;
  const before = process.cpuUsage();
  try {
    await sims[side](simArgs);
  } finally {
    process.stdout.write = write;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

await run("old");
await run("new");
const loads = [];
const cpu = await alternate(
  rounds,
  (side) => {
    loads.push(loadavg()[0]);
    return run(side);
  },
  (r, { old: o, new: n }) =>
    console.log(`round ${r + 1}: old ${o[r].toFixed(2)} new ${n[r].toFixed(2)} CPU s, load ${loads.at(-1).toFixed(1)}`),
);
const ratios = cpu.new.map((n, r) => n / cpu.old[r]);
console.log(
  `median CPU s ${median(cpu.old).toFixed(3)} → ${median(cpu.new).toFixed(3)} · new/old ${median(ratios).toFixed(3)} ` +
    `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, ${ratios.filter((x) => x < 1).length} of ${rounds} lower) · ` +
    `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
