// Which balancing policy (DESIGN §2) the pool's picks look like, by tests on the relays each
// sender used and the whole pool used, with the evidence shown:
//   1. sticky: a sender's consecutive messages leave through the same relay almost always;
//   2. time-dependent (timer or dns): the chance that a sender's next message takes the same
//      relay falls with the gap between them — a likelihood-ratio test of
//      P(same | gap) = b + (1 − b)·max(0, 1 − gap/T) against a flat P(same) (b: the chance two
//      independent picks coincide); T is the timer's period or the DNS TTL;
//      timer vs dns: with a global-phase timer every sender changes relay at the same slot
//      boundaries, so one (T, φ) explains every change and every non-change; DNS caches expire
//      per sender, and so do the slots of a per-sender-phase timer. Those two differ in what
//      starts the clock: a DNS answer is cached from the resolution, which is a pick (the first
//      of a run on one relay), so every switch comes at least TTL after its run's first pick and
//      every run lasts less than TTL; a timer's slots start at the sender's phase whatever it
//      sends, so a run that began late in its slot can end sooner after its first pick than other
//      runs last ("unanchored" switches). None under DNS; a few percent or more under a timer;
//   3. round-robin vs random: a shared pointer spreads each run of consecutive picks evenly
//      over the relays, so per-relay counts in blocks of picks are far less dispersed than
//      random picks' (a χ² dispersion test).

import { formatDuration, formatPercent } from "../format.js";

export const POLICY_CHOICES = ["random", "round-robin", "timer", "sticky", "dns"] as const;
export type PolicyChoice = (typeof POLICY_CHOICES)[number];

export interface PolicyEvidence {
  picks: number;
  /** Consecutive picks by the same (known) sender. */
  pairs: number;
  /** Share of those pairs on the same relay, and what independent picks would give. */
  sameRelay: number;
  coincidence: number;
  /** 2·log likelihood ratio of the gap-dependent model over the flat one (time dependence). */
  timeDependenceLR: number;
  /** Fitted T (seconds) with its profile-likelihood 95 % interval, when time-dependent. */
  scale: { estimate: number; ci95: [number, number] } | null;
  /** Global-slot alignment: balanced share of pairs (changes and non-changes) one (T, φ) explains. */
  alignment: { score: number; changes: number; sames: number; period: number; phase: number } | null;
  /**
   * Switches that came sooner after their run's first pick than `floor` — the longer of the
   * time a quarter of runs last and a quarter of the fitted time scale, both below a DNS TTL —
   * (each sender's first run left out: its start may precede the log): none when a pick starts
   * the clock (DNS), some when the clock runs on its own (a per-sender timer).
   */
  anchoring?: { switches: number; unanchored: number; floor: number };
  /** DNS only: the TTL from runs of picks on one relay: [longest run, shortest run-start-to-switch]. */
  ttl?: { estimate: number; bounds: [number, number]; runs: number };
  /** Dispersion of per-relay counts in blocks of consecutive picks: χ²/df and its z score. */
  dispersion: { ratio: number; z: number; blocks: number; blockSize: number } | null;
}

/** The balancing policy the picks point to (with its period for timer and DNS), and the evidence. */
export interface PolicyEstimate {
  policy: PolicyChoice;
  /**
   * Timer and round-robin pools walk the relays in a fixed cycle (DESIGN §2: server (b + j) mod N,
   * or the shared pointer). The relays (indices as seen) in that cycle's order, when every relay's
   * most frequent successor makes one cycle through all of them; else null.
   */
  cycle: number[] | null;
  /** Timer period or DNS TTL, seconds. */
  period: number | null;
  /** Timer only: one clock for all senders ("global") or one per sender ("per-sender"). */
  phase?: "global" | "per-sender";
  evidence: PolicyEvidence;
  /** The reasoning in words, one sentence per test. */
  reasons: string[];
}

/** Thresholds: each far beyond what chance gives (|z| ≥ 6, LR ≥ 40: p < 1e-9). */
export const POLICY_TEST = {
  stickySame: 0.9,
  timeDependenceLR: 40,
  alignment: 0.9,
  dispersionZ: -6,
  dispersionRatio: 0.5,
  minPairs: 30,
  /** Per-sender timer: at least this many unanchored switches, and this share of the switches. */
  unanchored: 5,
  unanchoredShare: 0.002,
};

const GAP_BINS = 600;
const GAP_MIN = 0.5;
const GAP_MAX = 90 * 86_400;
const LOG_RATIO = Math.log(GAP_MAX / GAP_MIN);

/** The index of the first largest value of `xs` (0 for an empty array). */
function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

/** The smallest and the largest of many numbers (Math.min(...xs) overflows the stack past ~120 000). */
function smallest(xs: Float64Array): number {
  let least = Number.POSITIVE_INFINITY;
  for (const x of xs) least = Math.min(least, x);
  return least;
}
function largest(xs: Float64Array): number {
  let most = Number.NEGATIVE_INFINITY;
  for (const x of xs) most = Math.max(most, x);
  return most;
}

function gapBin(g: number): number {
  if (g <= GAP_MIN) return 0;
  const b = Math.floor((Math.log(g / GAP_MIN) / LOG_RATIO) * GAP_BINS);
  return b >= GAP_BINS ? GAP_BINS - 1 : b;
}
function binGap(b: number): number {
  return GAP_MIN * Math.exp(((b + 0.5) / GAP_BINS) * LOG_RATIO);
}

function bernoulliLL(k: number, n: number, p: number): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return k * Math.log(q) + (n - k) * Math.log(1 - q);
}

/**
 * The picks' indices by time, ties by index. A log read in time order gives them in order
 * already (checked, then no sort); else a comparison sort.
 */
export function timeOrder(time: Float64Array): Uint32Array {
  const n = time.length;
  const order = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    // Not `<`: a NaN anywhere leaves the order to the sort, as before.
    if (i > 0 && !(time[i] >= time[i - 1])) sorted = false;
  }
  return sorted ? order : order.sort((a, b) => time[a] - time[b] || a - b);
}

/**
 * `order` (by time, ties by index) regrouped by sender, each sender's picks kept in that order:
 * by (sender, time, index). Senders are small whole numbers (−1 unknown), so each pick is placed
 * by counting the picks of the senders before its own, in one pass over `order` (a stable
 * counting sort); anything else is sorted by comparison, with the same result.
 */
export function senderOrder(order: Uint32Array, sender: Float64Array, time: Float64Array): Uint32Array {
  const n = order.length;
  let most = -1;
  let whole = true;
  for (let i = 0; i < n && whole; i++) {
    const s = sender[i];
    if (!(Number.isInteger(s) && s >= -1 && s < 4 * n + 16)) whole = false;
    else if (s > most) most = s;
  }
  if (!whole) return Uint32Array.from(order).sort((a, b) => sender[a] - sender[b] || time[a] - time[b] || a - b);
  // Slot s + 1 for sender s (−1 first): where its picks start.
  const start = new Uint32Array(most + 3);
  for (let i = 0; i < n; i++) start[sender[i] + 2]++;
  for (let s = 1; s < start.length; s++) start[s] += start[s - 1];
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    out[start[sender[i] + 1]++] = i;
  }
  return out;
}

/**
 * Test the picks: time (seconds), relay index, sender index (−1 unknown), in any order.
 * `relays` is the number of relays seen.
 */
export function testPolicy(
  time: Float64Array,
  relay: Float64Array,
  sender: Float64Array,
  relays: number,
): PolicyEstimate {
  const n = time.length;
  const order = timeOrder(time);
  const counts = new Float64Array(Math.max(1, relays));
  for (let i = 0; i < n; i++) counts[relay[i]]++;
  let coincidence = 0;
  for (const c of counts) coincidence += (c / Math.max(1, n)) ** 2;

  // Per-sender consecutive pairs: (gap, same).
  const bySender = senderOrder(order, sender, time);
  const binSame = new Float64Array(GAP_BINS);
  const binAll = new Float64Array(GAP_BINS);
  let pairs = 0;
  let same = 0;
  // DNS caching: a sender keeps a relay from its resolution (the run's first pick) for TTL, so
  // every switch comes at least TTL after its run began, and every pick of a run within TTL.
  let ttlUpper = Number.POSITIVE_INFINITY;
  // Filled up to their counts, then cut (subarray): a million pushes to growing arrays cost more
  // than the rest of the loop.
  const runLengthsAll = new Float64Array(n);
  let runLengthCount = 0;
  let runStart = 0;
  const pairT1: number[] = [];
  const pairT2: number[] = [];
  const pairSame: boolean[] = [];
  const pairR1: number[] = [];
  const pairR2: number[] = [];
  // Each sender's runs after its first: first pick to switch, and first pick to last pick.
  const startToSwitchAll = new Float64Array(n);
  const runDurationsAll = new Float64Array(n);
  let switchCount = 0;
  let run = 0;
  for (let k = 1; k < n; k++) {
    const a = bySender[k - 1];
    const b = bySender[k];
    const ta = time[a];
    const tb = time[b];
    const ra = relay[a];
    const rb = relay[b];
    const sa = sender[a];
    if (sa < 0 || sa !== sender[b]) {
      runStart = tb;
      continue;
    }
    if (k === 1 || sender[bySender[k - 2]] !== sa) {
      runStart = ta;
      run = 0;
    }
    const g = tb - ta;
    const s = ra === rb;
    if (!s) {
      ttlUpper = Math.min(ttlUpper, tb - runStart);
      runLengthsAll[runLengthCount++] = ta - runStart;
      if (run > 0) {
        startToSwitchAll[switchCount] = tb - runStart;
        runDurationsAll[switchCount++] = ta - runStart;
      }
      run++;
      runStart = tb;
    }
    pairs++;
    if (s) same++;
    const bin = gapBin(g);
    binAll[bin]++;
    if (s) binSame[bin]++;
    // A deterministic thinning keeps at most ~200k pairs for the alignment search.
    if (pairs % Math.max(1, Math.ceil(n / 200_000)) === 0) {
      pairT1.push(ta);
      pairT2.push(tb);
      pairSame.push(s);
      pairR1.push(ra);
      pairR2.push(rb);
    }
  }
  const runLengths = runLengthsAll.subarray(0, runLengthCount);
  const startToSwitch = startToSwitchAll.subarray(0, switchCount);
  const runDurations = runDurationsAll.subarray(0, switchCount);
  const sameRelay = pairs > 0 ? same / pairs : 0;
  const evidence: PolicyEvidence = {
    picks: n,
    pairs,
    sameRelay,
    coincidence,
    timeDependenceLR: 0,
    scale: null,
    alignment: null,
    dispersion: null,
  };
  const reasons: string[] = [];

  if (pairs >= POLICY_TEST.minPairs && sameRelay >= POLICY_TEST.stickySame) {
    reasons.push(
      `${formatPercent(sameRelay)} of ${pairs} consecutive messages by the same sender left through the same relay (independent picks: ${formatPercent(coincidence)}): sticky.`,
    );
    return { policy: "sticky", cycle: null, period: null, evidence, reasons };
  }

  // Time dependence: profile the likelihood over T on a log grid.
  const flat = bernoulliLL(same, pairs, sameRelay);
  const b0 = coincidence;
  const grid: number[] = [];
  for (let i = 0; i <= 400; i++) grid.push(5 * Math.exp((i / 400) * Math.log((7 * 86_400) / 5)));
  const profile = (b: number) =>
    grid.map((T) => {
      let total = 0;
      for (let bin = 0; bin < GAP_BINS; bin++) {
        if (binAll[bin] === 0) continue;
        const g = binGap(bin);
        const p = b + (1 - b) * Math.max(0, 1 - g / T);
        total += bernoulliLL(binSame[bin], binAll[bin], p);
      }
      return total;
    });
  const ll = profile(b0);
  const best = argmax(ll);
  const lr = pairs > 0 ? 2 * (ll[best] - flat) : 0;
  evidence.timeDependenceLR = lr;
  if (pairs >= POLICY_TEST.minPairs && lr >= POLICY_TEST.timeDependenceLR) {
    const inside = grid.filter((_, i) => 2 * (ll[best] - ll[i]) <= 3.841);
    const T = grid[best];
    evidence.scale = { estimate: T, ci95: [Math.min(...inside), Math.max(...inside)] };
    reasons.push(
      `A sender's next message takes the same relay less often the longer it waits (likelihood ratio ${lr.toFixed(0)} against a flat rate, threshold ${POLICY_TEST.timeDependenceLR}), falling to chance after about ${formatDuration(Math.round(T))}: timer or DNS caching.`,
    );
    const alignment = alignmentScore(pairT1, pairT2, pairSame, T);
    evidence.alignment = alignment;
    if (alignment !== null && alignment.score >= POLICY_TEST.alignment) {
      reasons.push(
        `One slot grid (period ${formatDuration(Math.round(alignment.period))}, phase ${formatDuration(Math.round(alignment.phase))}) explains ${formatPercent(alignment.score)} of the changes and non-changes (threshold ${formatPercent(POLICY_TEST.alignment)}): every sender switches at the same moments — a timer.`,
      );
      // Consecutive slots of one sender: relay r is followed by its successor in the rotation.
      const next: [number, number][] = [];
      for (let i = 0; i < pairT1.length; i++) {
        const j1 = Math.floor((pairT1[i] + alignment.phase) / alignment.period);
        const j2 = Math.floor((pairT2[i] + alignment.phase) / alignment.period);
        if (j2 === j1 + 1) next.push([pairR1[i], pairR2[i]]);
      }
      const cycle = successorCycle(next, relays);
      if (cycle) reasons.push(`The senders' slot-to-slot switches walk the relays in one cycle: ${cycle.join(" → ")}.`);
      return { policy: "timer", phase: "global", cycle, period: alignment.period, evidence, reasons };
    }
    reasons.push(
      `No single slot grid explains the switches (best ${alignment ? formatPercent(alignment.score) : "n/a"}): each sender switches on its own clock — DNS caching or a timer with per-sender phase.`,
    );
    // What starts a sender's clock: its own pick (DNS) or nothing it does (a per-sender timer).
    runDurations.sort((x, y) => x - y);
    const runQuartile = runDurations.length > 0 ? runDurations[Math.floor((runDurations.length - 1) / 4)] : 0;
    // Below the TTL under DNS: a quarter of runs last less (only a run that met the same relay
    // again on re-resolving lasts longer), and so does a quarter of the fitted time scale.
    const floor = Math.max(runQuartile, T / 2.5);
    let unanchored = 0;
    for (const x of startToSwitch) if (x < floor) unanchored++;
    evidence.anchoring = { switches: startToSwitch.length, unanchored, floor };
    if (unanchored >= POLICY_TEST.unanchored && unanchored >= POLICY_TEST.unanchoredShare * startToSwitch.length) {
      reasons.push(
        `${unanchored} of ${startToSwitch.length} switches came sooner after their run's first pick (the shortest ${formatDuration(Math.round(smallest(startToSwitch)))}) than ${formatDuration(Math.round(floor))} (a quarter of runs last longer, and it is a quarter of the fitted ${formatDuration(Math.round(T))} or more): the clock does not start at a pick, as a DNS answer's TTL does — a timer with a phase per sender, period about ${formatDuration(Math.round(T))}.`,
      );
      // A rotating timer never gives a sender the same relay in the next slot: refit without
      // the chance coincidence (which pulls the period down to ~0.8 of the truth), and keep the
      // better fit (a small pool whose senders skip slots meets its relay again by chance).
      const ll0 = profile(0);
      const best0 = argmax(ll0);
      const period = ll0[best0] > ll[best] ? grid[best0] : T;
      return { policy: "timer", phase: "per-sender", cycle: null, period, evidence, reasons };
    }
    reasons.push(
      `Every switch but ${unanchored} of ${startToSwitch.length} came at least ${formatDuration(Math.round(floor))} after its run's first pick (a quarter of runs last that long, or a quarter of the fitted time scale): each sender's clock starts at a pick, as a DNS answer's TTL does.`,
    );
    // TTL: the shortest wait from a run's start to a switch; runs (rarely merged by chance) stay below it.
    const below = runLengths.filter((x) => x <= ttlUpper);
    const ttl = Number.isFinite(ttlUpper) ? ttlUpper : T;
    const ttlLower = below.length > 0 ? largest(below) : 0;
    evidence.ttl = { estimate: ttl, bounds: [ttlLower, ttl], runs: runLengths.length };
    reasons.push(
      `TTL: every switch came at least ${Math.round(ttl)} s after the sender's previous switch and the longest run of picks on one relay lasted ${Math.round(ttlLower)} s (${runLengths.length} runs).`,
    );
    return { policy: "dns", cycle: null, period: ttl, evidence, reasons };
  }
  reasons.push(
    `A sender's next message takes the same relay ${formatPercent(sameRelay)} of the time whatever the wait (likelihood ratio ${lr.toFixed(1)} < ${POLICY_TEST.timeDependenceLR}; independent picks: ${formatPercent(coincidence)}): not sticky, not time-dependent.`,
  );
  const dispersion = dispersionTest(order, relay, counts, n);
  evidence.dispersion = dispersion;
  if (
    dispersion !== null &&
    dispersion.z <= POLICY_TEST.dispersionZ &&
    dispersion.ratio <= POLICY_TEST.dispersionRatio
  ) {
    reasons.push(
      `Per-relay counts in blocks of ${dispersion.blockSize} consecutive picks vary far less than random picks would (χ²/df ${dispersion.ratio.toFixed(2)}, z ${dispersion.z.toFixed(1)}): a shared round-robin pointer.`,
    );
    const next: [number, number][] = [];
    for (let k = 1; k < n; k++) next.push([relay[order[k - 1]], relay[order[k]]]);
    const cycle = successorCycle(next, relays);
    if (cycle) reasons.push(`Consecutive picks walk the relays in one cycle: ${cycle.join(" → ")}.`);
    return { policy: "round-robin", cycle, period: null, evidence, reasons };
  }
  reasons.push(
    dispersion
      ? `Per-relay counts in blocks of ${dispersion.blockSize} consecutive picks vary as random picks would (χ²/df ${dispersion.ratio.toFixed(2)}, z ${dispersion.z.toFixed(1)}): random.`
      : "Too few picks for the round-robin test: random.",
  );
  return { policy: "random", cycle: null, period: null, evidence, reasons };
}

/** The cycle of most frequent successors, if it passes through every relay once. */
export function successorCycle(transitions: [number, number][], relays: number): number[] | null {
  if (relays < 2) return null;
  const counts = new Map<number, Map<number, number>>();
  for (const [a, b] of transitions) {
    if (a === b) continue;
    let row = counts.get(a);
    if (row === undefined) {
      row = new Map();
      counts.set(a, row);
    }
    row.set(b, (row.get(b) ?? 0) + 1);
  }
  const succ = new Array<number>(relays).fill(-1);
  for (const [a, row] of counts) {
    let best = -1;
    let most = 0;
    for (const [b, c] of row) {
      if (c > most) {
        best = b;
        most = c;
      }
    }
    succ[a] = best;
  }
  const cycle: number[] = [0];
  const seen = new Set([0]);
  for (let r = succ[0]; r !== 0; r = succ[r]) {
    if (r < 0 || seen.has(r)) return null;
    seen.add(r);
    cycle.push(r);
  }
  return cycle.length === relays ? cycle : null;
}

/**
 * The best global slot grid near period T. A timer's boundaries sit at φ + kT for one φ, so the
 * moments senders switch relay — the midpoints of short gaps that contain a switch — pile up at
 * one phase of the true period: the period is where their circular mean (Rayleigh resultant) is
 * longest, searched finely enough that the grid cannot drift by more than T/16 over the window
 * used. Then the balanced share of pairs (switches containing a boundary, non-switches not) that
 * grid explains is the score.
 */
function alignmentScore(t1: number[], t2: number[], sameRelay: boolean[], T: number): PolicyEvidence["alignment"] {
  // Switches with a short gap pin a boundary; keep a bounded, early window of them.
  const mids: number[] = [];
  let start = Number.POSITIVE_INFINITY;
  for (let i = 0; i < t1.length; i++) if (!sameRelay[i] && t2[i] - t1[i] < T / 2) start = Math.min(start, t1[i]);
  const windowEnd = start + 400 * T;
  for (let i = 0; i < t1.length && mids.length < 4000; i++) {
    if (!sameRelay[i] && t2[i] - t1[i] < T / 2 && t1[i] <= windowEnd) mids.push((t1[i] + t2[i]) / 2);
  }
  if (mids.length < POLICY_TEST.minPairs) return null;
  // Coarse to fine: a short window tolerates a coarse period grid; each longer window refines
  // around the previous best with a grid fine enough for it.
  let bestPeriod = T;
  let bestAngle = 0;
  let low = T * 0.6;
  let high = T * 1.6;
  for (const slots of [25, 100, 400]) {
    const until = start + slots * T;
    const used = mids.filter((m) => m <= until);
    const span = Math.max(T, Math.max(...used) - Math.min(...used));
    const step = 1 + T / (16 * span);
    let bestR = -1;
    for (let period = low; period <= high; period *= step) {
      let c = 0;
      let s = 0;
      for (const m of used) {
        const a = (2 * Math.PI * (m % period)) / period;
        c += Math.cos(a);
        s += Math.sin(a);
      }
      const r = Math.hypot(c, s) / used.length;
      if (r > bestR) {
        bestR = r;
        bestPeriod = period;
        bestAngle = Math.atan2(s, c);
      }
    }
    low = bestPeriod / step ** 2;
    high = bestPeriod * step ** 2;
  }
  // Boundaries at t ≡ b (mod period); the slot index is floor((t + phase)/period) with phase = period − b.
  const b = ((((bestAngle / (2 * Math.PI)) * bestPeriod) % bestPeriod) + bestPeriod) % bestPeriod;
  const phase = (bestPeriod - b) % bestPeriod;
  let changes = 0;
  let changesOk = 0;
  let sames = 0;
  let samesOk = 0;
  for (let i = 0; i < t1.length; i++) {
    if (t2[i] - t1[i] >= bestPeriod) continue;
    const boundary = Math.floor((t2[i] + phase) / bestPeriod) > Math.floor((t1[i] + phase) / bestPeriod);
    if (sameRelay[i]) {
      sames++;
      if (!boundary) samesOk++;
    } else {
      changes++;
      if (boundary) changesOk++;
    }
  }
  if (changes === 0 || sames === 0) return null;
  return { score: (changesOk / changes + samesOk / sames) / 2, changes, sames, period: bestPeriod, phase };
}

/** χ² dispersion of per-relay counts in consecutive blocks of picks (in time order). */
function dispersionTest(
  order: Uint32Array,
  relay: Float64Array,
  counts: Float64Array,
  n: number,
): PolicyEvidence["dispersion"] {
  const relays = counts.length;
  const used = Array.from(counts).filter((c) => c > 0).length;
  if (used < 2) return null;
  const blockSize = 5 * relays;
  const blocks = Math.floor(n / blockSize);
  if (blocks < 10) return null;
  const share = Array.from(counts, (c) => c / n);
  const inBlock = new Float64Array(relays);
  let chi2 = 0;
  for (let b = 0; b < blocks; b++) {
    inBlock.fill(0);
    for (let k = b * blockSize; k < (b + 1) * blockSize; k++) inBlock[relay[order[k]]]++;
    for (let r = 0; r < relays; r++) {
      const expected = blockSize * share[r];
      if (expected > 0) chi2 += (inBlock[r] - expected) ** 2 / expected;
    }
  }
  const df = blocks * (used - 1);
  return { ratio: chi2 / df, z: (chi2 - df) / Math.sqrt(2 * df), blocks, blockSize };
}
