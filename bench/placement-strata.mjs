// Can advise's per-wait interval use the listed relays' placement, whose distribution is known,
// and keep its 95 %? The study after placement-variance.mjs (docs/performance.md, "2026-12-02
// strata"). On the coverage harness's closed-form case (a copy of test/coverage/harness.ts's
// `timerScenario("rotate")`: N = 20 relays on a 10-minute timer, 2 listed at random, every domain
// consulting), or on `--scenario FILE` (widths only: no closed form), it compares by wait
//   - advise now: the interval advise reports (failureEstimate) over `--replications` (advise's
//     floor, 30);
//   - post-stratified: the same replications' resend failures averaged by placement class (the
//     ring gaps between listed relays), each class weighted by its known probability (all C(N, k)
//     placements enumerated); classes with fewer than `--min-per-class` replications pooled with
//     the next ones in order; the within-class variance; Student's t with Satterthwaite's degrees
//     of freedom (n − H with `--df-fixed`);
//   - conditional MC (`--conditional`): each of `--conditional-replications` replications runs
//     every class as a world of its own (its placement turned by a seeded draw; every other stream
//     that replication's) and reports the classes' resend failures averaged with their weights
//     (undefined when a class's is).
//     Replications stay independent, so advise's own interval (meanEstimate) applies unchanged.
// It prints how often each interval holds the closed form (rotateResendFailure) — one wait
// checked a run (run mod waits), as the harness does, and over all waits — its mean half-width,
// and the share of intervals meeting `--half-width` (advise's 0.01 for the own curve). Seeded: the
// same figures under any load. Asserts nothing.
//
//   node bench/placement-strata.mjs [--runs 400] [--replications 30] [--min-per-class 2]
//     [--df-fixed] [--conditional [--conditional-replications 10] [--fixed-rotation]]
//     [--half-width 0.01]
//     [--scenario FILE]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { takeCount } from "./alternate.mjs";
import { classWeights, listedRelays, placementClass } from "./placement-classes.mjs";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const runs = takeCount(args, "--runs", 400);
const R = takeCount(args, "--replications", 30);
const minPerClass = takeCount(args, "--min-per-class", 2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const fixedDf = args.includes("--df-fixed");
const halfWidthTarget = Number(option("--half-width", "0.01"));
const scenarioFile = option("--scenario", null);
const from = (path) => import(pathToFileURL(resolve(root, path)).href);
const { runReplication } = await from("dist/experiment/run.js");
const { CompiledScenario } = await from("dist/model/replication.js");
const { parseScenario } = await from("dist/scenario/load.js");
const { shadowViews, failureEstimate } = await from("dist/experiment/advise.js");
const { fittedGrid } = await from("dist/experiment/advise-grid.js");
const { rotateResendFailure } = await from("dist/analytic/timer.js");
const { tQuantile: studentQuantile } = await from("dist/stats/student.js");
const { meanEstimate, PROPORTION, mulberry32 } = await from("dist/stats/interval.js");

// The harness's case (test/coverage/harness.ts, timerScenario("rotate")).
const N = 20;
const K = 2;
const T = 600;
const SESSION = 2;
const harnessCase = {
  name: "timer-rotate",
  seed: 11,
  replications: 20,
  horizon: "1d",
  pool: {
    servers: N,
    balancer: { policy: "timer", period: T, phase: "global", assignment: "rotate" },
    sessionTime: "2s",
  },
  blacklists: [{ name: "spamcop", subscribers: 1, reply: "5xx" }],
  listed: [{ servers: K, on: ["spamcop"] }],
  recipients: { domains: 2000, zipf: 1 },
  traffic: { senders: 200, rate: "20/d" },
  resend: { after: { uniform: [0, 1200] }, probability: 1, maxAttempts: 2 },
  output: { delayBin: "1m" },
};
const scenario = parseScenario(scenarioFile ? JSON.parse(readFileSync(scenarioFile, "utf8")) : harnessCase);
const waits = scenarioFile ? fittedGrid(scenario).delays : [0, 60, 180, 300, 450, 600, 900, 1200];
const truth = scenarioFile ? null : (d) => rotateResendFailure(N, K, T, d + SESSION);
const servers = scenario.pool.servers;
// The study needs one placement drawn at random: a single `listed` entry by count.
if (scenario.listed.length !== 1 || scenario.listed[0].indices !== undefined) {
  console.error(`${scenarioFile}: expected exactly one "listed" entry with "servers" (a placement drawn at random)`);
  process.exit(2);
}
const listedCount = scenario.listed[0].servers ?? 0;

const weights = classWeights(servers, listedCount);
// The classes in the order of their gaps (1,19 before 2,18 …; classWeights keeps placementClasses'
// order): the order classes are pooled in.
const order = [...weights.keys()];

/** The post-stratified ratio Σ w·ȳ / Σ w·x̄ and its t interval over reps [{ y, x, c }]; null when undefined. */
function postStratified(reps) {
  const byClass = new Map(order.map((c) => [c, []]));
  for (const r of reps) byClass.get(r.c).push(r);
  // Pool classes in order until each group holds minPerClass replications; a short tail joins the last group.
  const groups = [];
  let current = { weight: 0, reps: [] };
  for (const c of order) {
    current.weight += weights.get(c);
    current.reps.push(...byClass.get(c));
    if (current.reps.length >= minPerClass) {
      groups.push(current);
      current = { weight: 0, reps: [] };
    }
  }
  if (current.weight > 0) {
    if (groups.length === 0) return null;
    const last = groups[groups.length - 1];
    last.weight += current.weight;
    last.reps.push(...current.reps);
  }
  let Y = 0;
  let X = 0;
  for (const g of groups) {
    g.y = g.reps.reduce((s, r) => s + r.y, 0) / g.reps.length;
    g.x = g.reps.reduce((s, r) => s + r.x, 0) / g.reps.length;
    Y += g.weight * g.y;
    X += g.weight * g.x;
  }
  if (X === 0) return null;
  const ratio = Y / X;
  let variance = 0;
  let dfDenominator = 0;
  for (const g of groups) {
    const m = g.reps.length;
    const eMean = g.y - ratio * g.x;
    let ss = 0;
    for (const r of g.reps) ss += (r.y - ratio * r.x - eMean) ** 2;
    const part = (g.weight ** 2 * ss) / (m - 1) / m;
    variance += part;
    dfDenominator += part ** 2 / (m - 1);
  }
  const se = Math.sqrt(variance) / X;
  // Satterthwaite's degrees of freedom (Welch's, over the groups), or n − H (--df-fixed).
  const df = fixedDf || dfDenominator === 0 ? reps.length - groups.length : Math.max(1, variance ** 2 / dfDenominator);
  const h = studentQuantile(0.975, df) * se;
  return { ratio, ci: [Math.max(0, ratio - h), Math.min(1, ratio + h)], groups: groups.length };
}

/** The listed relays of a class (its gaps from relay 0), turned by `rotation`. */
function placementOf(c, rotation) {
  if (!c.includes(",")) return [rotation % servers];
  let at = 0;
  return c.split(",").map((gap) => {
    const v = (at + rotation) % servers;
    at += Number(gap);
    return v;
  });
}
/** A compiled scenario for each placement, made as asked. */
const placed = new Map();
function compiledAt(indices) {
  const key = indices.join(",");
  if (!placed.has(key)) {
    const entry = { ...scenario.listed[0], indices, servers: undefined };
    placed.set(key, new CompiledScenario({ ...scenario, listed: [entry] }));
  }
  return placed.get(key);
}
// Conditional Monte Carlo: replication i runs every class as a world of its own (its placement
// turned by a seeded draw, all other streams those of replication i) and reports each wait's
// resend failure averaged over the classes with their known weights. Replications stay
// independent, so advise's interval (meanEstimate) applies unchanged; it is computed on the first
// `--conditional-replications` of each run.
const conditional = args.includes("--conditional");
const conditionalR = takeCount(args, "--conditional-replications", 10);
const rotations = mulberry32(0x51ac3);
// `--fixed-rotation`: every class at its first placement (gaps from relay 0) in every replication,
// to see whether the draw is needed (it is not if the model treats the relays alike).
const fixedRotation = args.includes("--fixed-rotation");

const methods = ["advise now", "post-stratified", ...(conditional ? [`conditional MC, ${conditionalR} repl.`] : [])];
const tallies = methods.map(() => ({
  checked: 0,
  held: 0,
  all: 0,
  allHeld: 0,
  halfWidth: 0,
  met: 0,
  n: 0,
  runsMet: 0,
}));
const perWait = waits.map(() => methods.map(() => ({ held: 0, runs: 0, halfWidth: 0 })));
const inside = (ci, t) => ci !== null && ci[0] <= t + 1e-12 && t <= ci[1] + 1e-12;
const compiled = new CompiledScenario(scenario);
const started = Date.now();
for (let run = 0; run < runs; run++) {
  const views = waits.map(() => []);
  const classes = [];
  for (let i = run * R; i < (run + 1) * R; i++) {
    const result = runReplication(compiled, scenario.seed, i, null, null, waits);
    classes.push(placementClass(listedRelays(result.servers.listed), servers));
    const all = shadowViews(result);
    for (let j = 0; j < waits.length; j++) views[j].push(all[j]);
  }
  const conditionalValues = waits.map(() => []);
  for (let i = run * R; conditional && i < run * R + conditionalR; i++) {
    const mixed = waits.map(() => 0);
    for (const c of order) {
      const indices = placementOf(c, fixedRotation ? 0 : Math.floor(rotations() * servers));
      const all = shadowViews(runReplication(compiledAt(indices), scenario.seed, i, null, null, waits));
      waits.forEach((_, j) => {
        mixed[j] += weights.get(c) * (all[j].metrics.resendFailure ?? Number.NaN);
      });
    }
    mixed.forEach((v, j) => {
      conditionalValues[j].push(Number.isNaN(v) ? null : v);
    });
  }
  // Whether every wait of this run met the target, by method: advise's precision rule stops there.
  const allMet = methods.map(() => true);
  waits.forEach((d, j) => {
    const now = failureEstimate(views[j]).ci95;
    // advise's estimand: the mean over replications of each one's resend failure (x ≡ 1).
    const reps = views[j].flatMap((v, i) =>
      v.metrics.resendFailure === null ? [] : [{ y: v.metrics.resendFailure, x: 1, c: classes[i] }],
    );
    const ps = postStratified(reps)?.ci ?? null;
    const cis = [now, ps];
    if (conditional) cis.push(meanEstimate(conditionalValues[j], PROPORTION).ci95);
    cis.forEach((ci, m) => {
      const t = tallies[m];
      const hw = ci ? (ci[1] - ci[0]) / 2 : Number.POSITIVE_INFINITY;
      t.n++;
      t.halfWidth += Number.isFinite(hw) ? hw : 0;
      if (hw <= halfWidthTarget) t.met++;
      else allMet[m] = false;
      const w = perWait[j][m];
      w.runs++;
      w.halfWidth += Number.isFinite(hw) ? hw : 0;
      if (!truth) return;
      const held = inside(ci, truth(d));
      t.all++;
      if (held) t.allHeld++;
      if (held) w.held++;
      if (j !== run % waits.length) return;
      t.checked++;
      if (held) t.held++;
    });
  });
  allMet.forEach((met, m) => {
    if (met) tallies[m].runsMet++;
  });
  if ((run + 1) % 50 === 0)
    process.stderr.write(`${run + 1}/${runs} runs, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const pct = (a, b) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : "–");
console.log(
  `${scenarioFile ?? "harness timer-rotate case"}: ${runs} runs of ${R} replications, ${weights.size} placement classes, ` +
    `pooled to ≥ ${minPerClass} replications each; target half-width ${halfWidthTarget}`,
);
console.log(
  "method                      held (one wait a run)   held (all waits)   mean half-width   intervals meeting the target   runs meeting it at every wait",
);
methods.forEach((m, i) => {
  const t = tallies[i];
  console.log(
    `${m.padEnd(26)}  ${pct(t.held, t.checked).padStart(21)}  ${pct(t.allHeld, t.all).padStart(17)}  ${(t.halfWidth / t.n).toFixed(4).padStart(16)}  ${pct(t.met, t.n).padStart(29)}  ${pct(t.runsMet, runs).padStart(30)}`,
  );
});
console.log(`\nwait s   ${methods.map((m) => `${m}: held, half-width`.padEnd(40)).join("")}`);
waits.forEach((d, j) => {
  const cells = perWait[j].map((w) =>
    `${truth ? pct(w.held, w.runs) : "–"}, ${(w.halfWidth / w.runs).toFixed(4)}`.padEnd(40),
  );
  console.log(`${String(d).padStart(6)}   ${cells.join("")}`);
});
