// Where the time goes in a CPU profile written by `node --cpu-prof` (docs/performance.md):
//   node bench/profile.mjs FILE.cpuprofile [TOP]
// prints the functions with the most self time, then self time grouped by package or by
// relaysim's folder (model/, engine/, stats/ …), as shares of the profile.
import { readFileSync } from "node:fs";

const [file, top = "20"] = process.argv.slice(2);
if (!file) throw new Error("usage: node bench/profile.mjs FILE.cpuprofile [TOP]");
const profile = JSON.parse(readFileSync(file, "utf8"));
const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

/** "npm:PACKAGE", "relaysim FOLDER/", "node internals", or V8's pseudo-frames. */
function group({ url, functionName }) {
  if (!url) return functionName.startsWith("(") ? functionName : `native (${functionName})`;
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (npm) return `npm:${npm[1]}`;
  const own = /\/(?:dist|src)\/([^/]+)\//.exec(url);
  if (own) return `relaysim ${own[1]}/`;
  return url.startsWith("node:") ? "node internals" : url;
}

const byFunction = new Map();
const byGroup = new Map();
for (const [id, dt] of self) {
  const f = frames.get(id);
  const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + dt);
  byGroup.set(group(f), (byGroup.get(group(f)) ?? 0) + dt);
}
const share = (dt) => `${((100 * dt) / total).toFixed(1).padStart(5)} %`;
const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
console.log(`${(total / 1e6).toFixed(2)} s sampled. Self time by function:`);
for (const [name, dt] of sorted(byFunction)) console.log(`${share(dt)}  ${name}`);
console.log("Self time by package or folder:");
for (const [name, dt] of sorted(byGroup)) console.log(`${share(dt)}  ${name}`);
