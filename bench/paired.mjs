// Old against new on a shared machine (HELPERS.md): CPU seconds of the simulation loop, in
// interleaved pairs, each run in a process of its own, with the load average at each run.
//   node bench/paired.mjs OLD_CHECKOUT NEW_CHECKOUT [--pairs N] SCENARIO...
// A checkout is a directory with dist/ built and bench/scenarios.mjs (e.g. a `git worktree add`
// of main, built). Prints each run, then per scenario the medians of CPU seconds and of the
// per-pair ratios new/old, and messages per CPU second.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { sidesOf, takeCount } from "./alternate.mjs";
import { median } from "./median.mjs";

const args = process.argv.slice(2);
const pairs = takeCount(args, "--pairs", 5);
const [oldDir, newDir, ...names] = args;
if (!newDir || names.length === 0 || !(pairs >= 1)) {
  throw new Error("usage: node bench/paired.mjs OLD_CHECKOUT NEW_CHECKOUT [--pairs N] SCENARIO...");
}
const script = resolve(import.meta.dirname, "loop.mjs");
const run = (dir, name) => JSON.parse(execFileSync(process.execPath, [script, dir, name], { encoding: "utf8" }));
const rows = [];
for (let p = 0; p < pairs; p++) {
  for (const name of names) {
    const pair = {};
    for (const side of sidesOf(p)) {
      const load = loadavg()[0];
      pair[side] = { ...run(side === "old" ? oldDir : newDir, name), load };
      const r = pair[side];
      console.log(`${name} ${side} cpu ${r.cpu.toFixed(3)} s wall ${r.seconds.toFixed(3)} s load ${load.toFixed(2)}`);
    }
    rows.push({ name, ...pair });
  }
}
console.log(
  "\nscenario: median CPU s old → new (median ratio new/old, range) · M messages per CPU s old → new · load range",
);
for (const name of names) {
  const rs = rows.filter((r) => r.name === name);
  const ratios = rs.map((r) => r.new.cpu / r.old.cpu);
  const loads = rs.flatMap((r) => [r.old.load, r.new.load]);
  const m = rs[0].new.messages / 1e6;
  const o = median(rs.map((r) => r.old.cpu));
  const n = median(rs.map((r) => r.new.cpu));
  console.log(
    `${name}: ${o.toFixed(3)} → ${n.toFixed(3)} s (${median(ratios).toFixed(2)}×, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) · ` +
      `${(m / o).toFixed(2)} → ${(m / n).toFixed(2)} M/s · load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
}
