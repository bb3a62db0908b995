// The floor of issue 14's `capacity` row: the same model as bench/scenarios.mjs's `capacity` (20
// relays of 4 sessions, random balancing, fixed 2 s sessions, 2 000 000 messages a day for 5
// days), written as one small loop with nothing but the model's necessary work: Alea draws in
// locals (gap, sender, domain, relay), a relay's session ring, busy and wait sums, the attempts
// that wait held in a sorted ring and delivered in time order, the delay histogram's bucket and
// compensated sum. No listings, resends or watch. Against the real loop (bench/loop.mjs
// [CHECKOUT] capacity) it says how much of a message's time is overhead.
//
// With --least-connections, the floor of the `least-connections` row (`capacityLeastConnections`:
// the same pool, least-connections balancing) instead: the sessions in progress kept as the
// leanest structure found for it — the session ends in a FIFO ring with an Infinity sentinel, each
// count level's relays as one 32-bit mask, the ties counted by a popcount, the j-th tie by a
// branch-free select, one draw from the pick stream when several tie. Its waits (every relay full:
// about once in a million arrivals at this load) start at once; the floor does not queue them.
//
// With --static, the floor of the static pool the rows are measured against (`large18of20`): the
// same draws (gap, sender, domain), a relay per sender, the relay's busy time and sessions and the
// delay counted; no sessions kept. The rows' 0.7× reads against these floors: a row's real loop
// may cost its floor plus what the static loop costs beyond its own.
//   node bench/capacity-floor.mjs [CHECKOUT] [ROUNDS] [--least-connections | --static]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const leastConnections = args.includes("--least-connections");
const staticPool = args.includes("--static");
const [dirArg, roundsArg] = args.filter((a) => a !== "--least-connections" && a !== "--static");
const dir = resolve(dirArg ?? resolve(import.meta.dirname, ".."));
const rounds = Number(roundsArg ?? 5);
/** A module of the checkout under test. */
const from = (path) => import(pathToFileURL(resolve(dir, path)).href);
const { exponentialFast, exponentialRest, randomStream, ALEA_MULTIPLIER, ALEA_UNIT } =
  await from("dist/engine/index.js");
const { LogHistogram } = await from("dist/stats/histogram.js");
// The count of a word's set bits and the j-th of them, as the model's least-connections counts them.
const { bitCount, nthBit } = await from("dist/model/session-counts.js");
const thread = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e9;

// The bench's scenario of the row (bench/scenarios.mjs), normalised: the floors read their pool,
// traffic and horizon from it, so a floor and its real loop cannot drift apart.
const { parseScenario } = await from("dist/scenario/load.js");
const scenarios = await from("bench/scenarios.mjs");
const scenario = staticPool
  ? scenarios.large18of20
  : leastConnections
    ? scenarios.capacityLeastConnections
    : scenarios.capacity;
const model = parseScenario(scenario);
const SERVERS = model.pool.servers;
/** Sessions a relay runs at once (the static pool has no limit and keeps no sessions). */
const SIZE = model.pool.capacity ?? 1;
const DURATION = model.pool.sessionTime.fixed;
const SENDERS = model.traffic.senders;
const DOMAINS = model.recipients.domains;
const HORIZON = model.horizon;
/** Arrivals a second, all senders together. */
const RATE = SENDERS * model.traffic.rate;

function replication(seed) {
  const arrivals = randomStream(seed, 0, "arrivals");
  const a = arrivals.state;
  const r = randomStream(seed, 0, "recipients").state;
  const p = randomStream(seed, 0, "picks").state;
  const freeAt = new Float64Array(SERVERS * SIZE);
  const heads = new Int32Array(SERVERS);
  const busy = new Float64Array(SERVERS);
  const wait = new Float64Array(SERVERS);
  const sessions = new Float64Array(SERVERS);
  const perDomain = new Float64Array(DOMAINS);
  const delay = new LogHistogram();
  // Held waits: a ring sorted by start, each with its submission time.
  let cap = 64;
  let starts = new Float64Array(cap);
  let submitted = new Float64Array(cap);
  let head = 0;
  let held = 0;
  let a0 = a.s0,
    a1 = a.s1,
    a2 = a.s2,
    ac = a.c;
  let r0 = r.s0,
    r1 = r.s1,
    r2 = r.s2,
    rc = r.c;
  let p0 = p.s0,
    p1 = p.s1,
    p2 = p.s2,
    pc = p.c;
  let t = 0;
  let time = 0;
  let messages = 0;
  let waits = 0;
  for (;;) {
    t = ALEA_MULTIPLIER * a0 + ac * ALEA_UNIT;
    a0 = a1;
    a1 = a2;
    ac = t | 0;
    a2 = t - ac;
    let gap = exponentialFast(a2);
    if (!(gap >= 0)) {
      a.s0 = a0;
      a.s1 = a1;
      a.s2 = a2;
      a.c = ac;
      gap = exponentialRest(a2, arrivals);
      a0 = a.s0;
      a1 = a.s1;
      a2 = a.s2;
      ac = a.c;
    }
    const next = time + gap / RATE;
    t = ALEA_MULTIPLIER * a0 + ac * ALEA_UNIT;
    a0 = a1;
    a1 = a2;
    ac = t | 0;
    a2 = t - ac;
    const sender = Math.floor(a2 * SENDERS);
    t = ALEA_MULTIPLIER * r0 + rc * ALEA_UNIT;
    r0 = r1;
    r1 = r2;
    rc = t | 0;
    r2 = t - rc;
    const domain = Math.floor(r2 * DOMAINS);
    t = ALEA_MULTIPLIER * p0 + pc * ALEA_UNIT;
    p0 = p1;
    p1 = p2;
    pc = t | 0;
    p2 = t - pc;
    const server = Math.floor(p2 * SERVERS);
    messages++;
    perDomain[domain] += sender;
    const h = heads[server];
    const session = server * SIZE + h;
    heads[server] = h + 1 === SIZE ? 0 : h + 1;
    const start = Math.max(freeAt[session], time);
    const end = start + DURATION;
    freeAt[session] = end;
    busy[server] += Math.min(end, HORIZON) - start;
    sessions[server]++;
    wait[server] += start - time;
    if (start === time) delay.add(DURATION);
    else {
      // Sorted insert from the tail.
      if (held === cap) {
        const s2 = new Float64Array(2 * cap);
        const u2 = new Float64Array(2 * cap);
        for (let k = 0; k < held; k++) {
          s2[k] = starts[(head + k) & (cap - 1)];
          u2[k] = submitted[(head + k) & (cap - 1)];
        }
        starts = s2;
        submitted = u2;
        head = 0;
        cap *= 2;
      }
      let i = held++;
      const mask = cap - 1;
      while (i > 0) {
        const from = (head + i - 1) & mask;
        if (starts[from] <= start) break;
        starts[(head + i) & mask] = starts[from];
        submitted[(head + i) & mask] = submitted[from];
        i--;
      }
      starts[(head + i) & mask] = start;
      submitted[(head + i) & mask] = time;
      waits++;
    }
    if (!(next < HORIZON)) break;
    // Held waits that start before the next arrival, in time order.
    while (held > 0 && starts[head] < next) {
      delay.add(starts[head] + DURATION - submitted[head]);
      head = (head + 1) & (cap - 1);
      held--;
    }
    time = next;
  }
  return { messages, waits, mean: delay.mean };
}

/** The `least-connections` row's floor (see the top): least-connections' pick and its sessions kept. */
function replicationLeastConnections(seed) {
  const arrivals = randomStream(seed, 0, "arrivals");
  const a = arrivals.state;
  const r = randomStream(seed, 0, "recipients").state;
  const p = randomStream(seed, 0, "picks").state;
  const counts = new Int32Array(SERVERS);
  // levels[c]: the relays with c sessions in progress, bit v for relay v.
  const levels = new Int32Array(SIZE + 2);
  levels[0] = (1 << SERVERS) - 1;
  let fewest = 0;
  // Session ends in start order (a fixed length: also end order), Infinity where none.
  const RING = 256;
  const ends = new Float64Array(RING).fill(Number.POSITIVE_INFINITY);
  const owners = new Int32Array(RING);
  let head = 0;
  let tail = 0;
  const busy = new Float64Array(SERVERS);
  const sessions = new Float64Array(SERVERS);
  const perDomain = new Float64Array(DOMAINS);
  const delay = new LogHistogram();
  let a0 = a.s0,
    a1 = a.s1,
    a2 = a.s2,
    ac = a.c;
  let r0 = r.s0,
    r1 = r.s1,
    r2 = r.s2,
    rc = r.c;
  let p0 = p.s0,
    p1 = p.s1,
    p2 = p.s2,
    pc = p.c;
  let t = 0;
  let time = 0;
  let messages = 0;
  let waits = 0;
  for (;;) {
    t = ALEA_MULTIPLIER * a0 + ac * ALEA_UNIT;
    a0 = a1;
    a1 = a2;
    ac = t | 0;
    a2 = t - ac;
    let gap = exponentialFast(a2);
    if (!(gap >= 0)) {
      a.s0 = a0;
      a.s1 = a1;
      a.s2 = a2;
      a.c = ac;
      gap = exponentialRest(a2, arrivals);
      a0 = a.s0;
      a1 = a.s1;
      a2 = a.s2;
      ac = a.c;
    }
    const next = time + gap / RATE;
    t = ALEA_MULTIPLIER * a0 + ac * ALEA_UNIT;
    a0 = a1;
    a1 = a2;
    ac = t | 0;
    a2 = t - ac;
    const sender = Math.floor(a2 * SENDERS);
    t = ALEA_MULTIPLIER * r0 + rc * ALEA_UNIT;
    r0 = r1;
    r1 = r2;
    rc = t | 0;
    r2 = t - rc;
    const domain = Math.floor(r2 * DOMAINS);
    messages++;
    perDomain[domain] += sender;
    // The sessions ended by now released.
    while (ends[head] <= time) {
      const v = owners[head];
      const c = counts[v]--;
      const bit = 1 << v;
      levels[c] ^= bit;
      levels[c - 1] ^= bit;
      if (c - 1 < fewest) fewest = c - 1;
      ends[head] = Number.POSITIVE_INFINITY;
      head = (head + 1) & (RING - 1);
    }
    // The pick: a relay with the fewest sessions, the j-th of several tied by one draw.
    const x = levels[fewest];
    const ties = bitCount(x);
    let server = 31 - Math.clz32(x & -x);
    if (ties > 1) {
      t = ALEA_MULTIPLIER * p0 + pc * ALEA_UNIT;
      p0 = p1;
      p1 = p2;
      pc = t | 0;
      p2 = t - pc;
      server = nthBit(x, Math.floor(p2 * ties));
    }
    if (fewest >= SIZE) waits++;
    const c = counts[server]++;
    const bit = 1 << server;
    levels[c] ^= bit;
    levels[c + 1] ^= bit;
    if (levels[fewest] === 0) fewest++;
    const end = time + DURATION;
    ends[tail] = end;
    owners[tail] = server;
    tail = (tail + 1) & (RING - 1);
    busy[server] += Math.min(end, HORIZON) - time;
    sessions[server]++;
    delay.add(DURATION);
    if (!(next < HORIZON)) break;
    time = next;
  }
  // The floor keeps least-connections' state whole: each level holds exactly the relays with that
  // many sessions, the fewest level is not empty, and the ring holds every session in progress.
  let inRing = 0;
  for (let k = 0; k < RING; k++) if (ends[k] !== Number.POSITIVE_INFINITY) inRing++;
  for (let v = 0; v < SERVERS; v++) {
    for (let c = 0; c < levels.length; c++) {
      if (((levels[c] >>> v) & 1) !== (counts[v] === c ? 1 : 0)) throw new Error(`floor: relay ${v} misplaced`);
    }
  }
  if (levels[fewest] === 0 || (fewest > 0 && levels[fewest - 1] !== 0)) throw new Error("floor: fewest is wrong");
  if (inRing !== counts.reduce((x, y) => x + y, 0)) throw new Error("floor: the ring and the counts disagree");
  return { messages, waits, mean: delay.mean };
}

/** The static pool's floor (see the top): each message's relay from its sender, no sessions kept. */
function replicationStatic(seed) {
  const arrivals = randomStream(seed, 0, "arrivals");
  const a = arrivals.state;
  const r = randomStream(seed, 0, "recipients").state;
  const busy = new Float64Array(SERVERS);
  const sessions = new Float64Array(SERVERS);
  const perDomain = new Float64Array(DOMAINS);
  const delay = new LogHistogram();
  let a0 = a.s0,
    a1 = a.s1,
    a2 = a.s2,
    ac = a.c;
  let r0 = r.s0,
    r1 = r.s1,
    r2 = r.s2,
    rc = r.c;
  let t = 0;
  let time = 0;
  let messages = 0;
  for (;;) {
    t = ALEA_MULTIPLIER * a0 + ac * ALEA_UNIT;
    a0 = a1;
    a1 = a2;
    ac = t | 0;
    a2 = t - ac;
    let gap = exponentialFast(a2);
    if (!(gap >= 0)) {
      a.s0 = a0;
      a.s1 = a1;
      a.s2 = a2;
      a.c = ac;
      gap = exponentialRest(a2, arrivals);
      a0 = a.s0;
      a1 = a.s1;
      a2 = a.s2;
      ac = a.c;
    }
    const next = time + gap / RATE;
    t = ALEA_MULTIPLIER * a0 + ac * ALEA_UNIT;
    a0 = a1;
    a1 = a2;
    ac = t | 0;
    a2 = t - ac;
    const sender = Math.floor(a2 * SENDERS);
    t = ALEA_MULTIPLIER * r0 + rc * ALEA_UNIT;
    r0 = r1;
    r1 = r2;
    rc = t | 0;
    r2 = t - rc;
    const domain = Math.floor(r2 * DOMAINS);
    messages++;
    perDomain[domain] += sender;
    const server = sender % SERVERS;
    busy[server] += Math.min(time + DURATION, HORIZON) - time;
    sessions[server]++;
    delay.add(DURATION);
    if (!(next < HORIZON)) break;
    time = next;
  }
  return { messages, waits: 0, mean: delay.mean };
}

// The real loop, the same scenario, in this process: its replications alternate with the floor's.
const { runReplication } = await from("dist/experiment/run.js");
const { CompiledScenario } = await from("dist/model/replication.js");
const compiled = new CompiledScenario(model);
const floor = staticPool ? replicationStatic : leastConnections ? replicationLeastConnections : replication;
const sides = {
  floor: () => floor(1).messages,
  real: () => runReplication(compiled, scenario.seed, 0).counts.messages,
};
for (const run of Object.values(sides)) {
  run();
  run();
}
const cpus = { floor: [], real: [] };
for (let i = 0; i < rounds; i++) {
  for (const side of i % 2 === 0 ? ["floor", "real"] : ["real", "floor"]) {
    const t0 = thread();
    const messages = sides[side]();
    const cpu = thread() - t0;
    cpus[side].push(cpu);
    console.log(`${side} ${cpu.toFixed(3)} s main-thread CPU, ${((cpu / messages) * 1e9).toFixed(1)} ns a message`);
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[(xs.length - 1) >> 1];
console.log(`medians: floor ${median(cpus.floor).toFixed(3)} s, real ${median(cpus.real).toFixed(3)} s`);
