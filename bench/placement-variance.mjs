// How much of a timer pool's between-replication spread the listed relays' placement explains:
// the study behind the next lever for `sim advise` (docs/performance.md, "2026-12-02 placement").
// Runs replications of a scenario with static listings (default scenarios/18of20.json) with
// advise's grid of waits shadowed, as advise's own curve does, and for each wait prints the spread
// of resendFailure over replications, the share of its variance explained by the placement class
// (the ring gaps between consecutive listed relays, which rotating the pool leaves alone), and the
// replications a 95 % half-width of `--half-width` (default 0.01, advise's target for the own
// curve) needs with the spread as it is, and with the placement's part removed (within-class
// variance alone: what stratifying on the class could at best reach). Asserts nothing.
//
//   node bench/placement-variance.mjs [--replications 300] [--scenario FILE] [--half-width 0.01]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { takeCount } from "./alternate.mjs";
import { listedRelays, placementClass } from "./placement-classes.mjs";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const replications = takeCount(args, "--replications", 300);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const file = resolve(option("--scenario", resolve(root, "scenarios/18of20.json")));
const halfWidth = Number(option("--half-width", "0.01"));
const from = (path) => import(pathToFileURL(resolve(root, path)).href);
const { runReplication } = await from("dist/experiment/run.js");
const { CompiledScenario } = await from("dist/model/replication.js");
const { parseScenario } = await from("dist/scenario/load.js");
const { shadowViews } = await from("dist/experiment/advise.js");
const { fittedGrid } = await from("dist/experiment/advise-grid.js");

const input = JSON.parse(readFileSync(file, "utf8"));
const scenario = parseScenario(input);
const compiled = new CompiledScenario(scenario);
// advise's grid for the scenario's own curve (advice.json's `grid`).
const waits = fittedGrid(scenario).delays;
const servers = scenario.pool.servers;

const rows = [];
for (let i = 0; i < replications; i++) {
  const result = runReplication(compiled, scenario.seed, i, null, null, waits);
  const views = shadowViews(result).slice(0, waits.length);
  rows.push({
    placement: placementClass(listedRelays(result.servers.listed), servers),
    failure: views.map((v) => (v.counts.resends > 0 ? v.counts.resendRejected / v.counts.resends : Number.NaN)),
  });
}
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const needed = (variance) => Math.ceil((1.96 ** 2 * variance) / halfWidth ** 2);
const classes = new Set(rows.map((r) => r.placement)).size;
console.log(
  `${file}: ${replications} replications, ${classes} placement classes; half-width ${halfWidth}\n` +
    "wait s   sd      R² placement   replications needed: as is   placement removed",
);
waits.forEach((wait, k) => {
  const kept = rows.filter((r) => Number.isFinite(r.failure[k]));
  const ys = kept.map((r) => r.failure[k]);
  const m = mean(ys);
  const total = ys.reduce((s, y) => s + (y - m) ** 2, 0);
  const groups = new Map();
  for (const r of kept) {
    if (!groups.has(r.placement)) groups.set(r.placement, []);
    groups.get(r.placement).push(r);
  }
  let within = 0;
  for (const group of groups.values()) {
    const gm = mean(group.map((r) => r.failure[k]));
    within += group.reduce((s, r) => s + (r.failure[k] - gm) ** 2, 0);
  }
  const variance = total / (ys.length - 1);
  const r2 = total > 0 ? 1 - within / total : Number.NaN;
  console.log(
    `${String(wait).padStart(6)}  ${Math.sqrt(variance).toFixed(4)}  ${r2.toFixed(3).padStart(13)}  ${String(needed(variance)).padStart(27)}  ${String(needed(within / (ys.length - groups.size))).padStart(18)}`,
  );
});
