// `npm run bench`: throughput of the simulation loop and of a whole `sim run` process.
// Prints figures; asserts nothing (tests never assert on time).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runReplication } from "../dist/experiment/run.js";
import { CompiledScenario } from "../dist/model/replication.js";
import { parseScenario } from "../dist/scenario/load.js";
import { capacity, capacityLeastConnections, large18of20, lifecycleYear } from "./scenarios.mjs";

const only = process.argv[2];
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function loop(label, input) {
  const compiled = new CompiledScenario(parseScenario(input));
  runReplication(compiled, 99, 0); // warm up the JIT on the same code
  const start = process.hrtime.bigint();
  const result = runReplication(compiled, input.seed, 0);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const messages = result.counts.messages;
  console.log(
    `${label}: ${(messages / 1e6).toFixed(2)} M messages, ${(result.events / 1e6).toFixed(2)} M events in ${seconds.toFixed(2)} s` +
      ` → ${(messages / seconds / 1e6).toFixed(2)} M messages/s, ${(result.events / seconds / 1e6).toFixed(2)} M events/s` +
      ` (peak RSS so far ${mib(process.resourceUsage().maxRSS * 1024)})`,
  );
  return messages / seconds;
}

function wholeProcess(label, input) {
  const dir = mkdtempSync(join(tmpdir(), "relaysim-bench-"));
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(input));
  const start = process.hrtime.bigint();
  const child = spawnSync(
    "/usr/bin/time",
    ["-f", "%M", process.execPath, "bin/sim.js", "run", file, "--out", join(dir, "out"), "--no-charts"],
    {
      encoding: "utf8",
    },
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`sim run failed: ${child.stderr}`);
  const summary = JSON.parse(readFileSync(join(dir, "out", "summary.json"), "utf8"));
  const peakKiB = Number(child.stderr.trim().split("\n").pop());
  console.log(
    `${label}: ${(summary.totals.messages / 1e6).toFixed(2)} M messages in ${seconds.toFixed(2)} s → ` +
      `${(summary.totals.messages / seconds / 1e6).toFixed(2)} M messages/s, peak RSS ${mib(peakKiB * 1024)}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

if (!only || only === "core") {
  const base = loop("simulation loop, 18of20 × 10M messages", large18of20);
  wholeProcess("whole process `sim run --workers 1`, same scenario", large18of20);
  const year = loop("simulation loop, lifecycle year, 200 senders", lifecycleYear);
  const busy = loop("simulation loop, capacity 4, random balancing", capacity);
  const leastConnections = loop("simulation loop, capacity 4, least-connections", capacityLeastConnections);
  const ratio = (x) => `${(x / base).toFixed(2)}×`;
  console.log(
    `relative to the static scenario's messages/s: lifecycle ${ratio(year)}, capacity ${ratio(busy)}, capacity with least-connections ${ratio(leastConnections)}`,
  );
}
