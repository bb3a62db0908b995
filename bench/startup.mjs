// A `sim` command's CPU seconds and wall time in two checkouts, run in alternation (the order
// swapping each round), for start-up-bound commands (docs/performance.md, "2026-12-02 boot"):
//   node bench/startup.mjs OLD_CHECKOUT NEW_CHECKOUT [--rounds N] -- SIM ARGS…
// e.g. node bench/startup.mjs /tmp/old /work/relaysim --rounds 30 -- validate scenarios/18of20.json
// Each run is `node CHECKOUT/bin/sim.js ARGS` in CHECKOUT, preloading this file, which then writes
// the process's CPU seconds (every thread's, user + system) at exit; no V8 flag is given, so V8
// takes the code caches as `sim` does. Prints each round, then medians and the rounds new won.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { alternate, commandArgs } from "./alternate.mjs";
import { median } from "./median.mjs";

const REPORT = "RELAYSIM_STARTUP_CPU_FILE";

if (process.env[REPORT]) {
  // Preloaded into the command: its CPU at exit.
  const file = process.env[REPORT];
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, String((user + system) / 1e6));
  });
} else {
  const usage = "usage: node bench/startup.mjs OLD NEW [--rounds N] -- SIM ARGS…";
  const { old, fresh, rounds, args } = commandArgs(process.argv.slice(2), usage, 20);
  const cpuFile = join(tmpdir(), `relaysim-startup-${process.pid}`);
  const self = fileURLToPath(import.meta.url);

  const once = (checkout) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ["--import", self, join(checkout, "bin/sim.js"), ...args], {
      cwd: checkout,
      env: { ...process.env, [REPORT]: cpuFile },
      stdio: "ignore",
    });
    const wall = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`${checkout}: sim ${args.join(" ")} exited ${r.status}`);
    const cpu = Number(readFileSync(cpuFile, "utf8"));
    rmSync(cpuFile);
    return { cpu, wall };
  };

  const runs = await alternate(
    rounds,
    (side) => once(resolve(side === "old" ? old : fresh)),
    (round, { old: o, new: n }) =>
      console.log(
        `round ${round + 1}: cpu ${o[round].cpu.toFixed(3)} -> ${n[round].cpu.toFixed(3)} s, wall ${o[round].wall.toFixed(3)} -> ${n[round].wall.toFixed(3)} s`,
      ),
  );
  for (const what of ["cpu", "wall"]) {
    const [o, n] = [runs.old.map((r) => r[what]), runs.new.map((r) => r[what])];
    const won = o.filter((x, i) => n[i] < x).length;
    console.log(
      `${what}: median ${median(o).toFixed(3)} -> ${median(n).toFixed(3)} s (${(median(n) / median(o)).toFixed(3)}x), new less in ${won} of ${rounds} rounds`,
    );
  }
  console.log(`load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
}
