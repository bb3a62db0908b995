// How long each thread of one process waited for work, from the profiles `node --cpu-prof`
// writes (the main thread's and each worker's, docs/performance.md):
//   rm -rf prof && node --cpu-prof --cpu-prof-dir=prof dist/cli/sim.js advise scenarios/18of20.json --workers 2
// (dist/cli/sim.js, not bin/sim.js: the bundle bin/sim.js runs puts every frame in dist/bundle/)
//   node bench/thread-idle.mjs prof [BUCKET_MS]
// prints, per thread, the share of the process's span it spent idle (V8's "(idle)" samples, plus
// the time before it started and after it ended), then a timeline per BUCKET_MS (default 500)
// of what it did: sim (model/, engine/), stats (stats/, summaries), charts (vega, resvg), gc,
// idle, other. A thread descheduled by the OS is not idle here (the sample goes to the function
// it was running), so on a loaded machine the idle shares still say where a thread waited for
// work, where wall times only measure the load.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, bucketArg = "500"] = process.argv.slice(2);
if (!dir) throw new Error("usage: node bench/thread-idle.mjs PROFILE_DIR [BUCKET_MS]");
const bucket = Number(bucketArg) * 1000;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".cpuprofile"))
  .sort();
const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
const t0 = Math.min(...profiles.map((p) => p.startTime));
const t1 = Math.max(...profiles.map((p) => p.endTime));

function kind(stack) {
  const leaf = stack[0];
  if (leaf === "(idle)") return "idle";
  if (leaf === "(garbage collector)") return "gc";
  const all = stack.join(" ");
  if (/\/(model|engine)\//.test(all)) return "sim";
  if (/\/stats\/|summary\.js/.test(all)) return "stats";
  if (/vega|resvg|report\/render/.test(all)) return "charts";
  return "other";
}

console.log(`span ${((t1 - t0) / 1e6).toFixed(2)} s`);
profiles.forEach((p, k) => {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id) => {
    const names = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = nodes.get(cur).callFrame;
      names.push(f.functionName.startsWith("(") ? f.functionName : `${f.functionName}@${f.url}`);
    }
    return names;
  };
  const kinds = new Map();
  const rows = new Map();
  let idle = 0;
  let t = p.startTime;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    let label = kinds.get(id);
    if (label === undefined) {
      label = kind(stackOf(id));
      kinds.set(id, label);
    }
    if (label === "idle") idle += dt;
    const b = Math.floor((t - t0) / bucket);
    const row = rows.get(b) ?? {};
    row[label] = (row[label] ?? 0) + dt;
    rows.set(b, row);
  });
  const absent = p.startTime - t0 + (t1 - p.endTime);
  const name = k === 0 ? "main thread" : `worker ${k}`;
  console.log(
    `${name} (${files[k]}): ${((p.startTime - t0) / 1e6).toFixed(2)}–${((p.endTime - t0) / 1e6).toFixed(2)} s, idle ${((100 * (idle + absent)) / (t1 - t0)).toFixed(0)} % of the span`,
  );
  for (const [b, row] of [...rows].sort((x, y) => x[0] - y[0])) {
    const total = Object.values(row).reduce((a, v) => a + v, 0);
    const parts = Object.entries(row)
      .sort((x, y) => y[1] - x[1])
      .map(([l, v]) => `${l} ${Math.round((100 * v) / total)}%`);
    console.log(`  ${((b * bucket) / 1e6).toFixed(2)} s  ${parts.join(", ")}`);
  }
});
