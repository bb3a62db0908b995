// least-connections in every shadow world of advise at once (model/shadow-resends.ts): each world's
// sessions in progress and first-attempt pick stream in flat typed arrays, so that a first attempt
// costs each world a few array operations instead of calls through a Balancer, a SessionCounts
// and a session clock of its own (the generic worlds, ~3× the cost). The same picks, draw for draw,
// as LeastConnectionsBalancer over SessionCounts and FifoSessionEnds (test/model/shadow-resends.test.ts
// holds every world to a real run at its wait): sessions released at a pick when they ended at or
// before it, the fewest sessions among the chosen servers, one draw when several tie, the j-th tie
// in index order. For the shapes where that is simple: at most 32 relays (each count's servers are
// one word) and a fixed session length (each world's ends come in the order its sessions start).
//
// Worlds that are in the same state share it. The worlds start as copies of one first-attempt
// stream on an empty pool and differ only by their own resends (a few in a hundred messages), so
// most of the time most worlds are in one state, and a first attempt costs a pick per distinct
// state, not per world. A world's resend gives it a state of its own (a copy, then its session);
// once the sessions that made it differ have ended, its state equals another's again and the two
// are one state again. Two states are equal when their sessions in progress (the ring of ends and
// servers, in order) and their stream positions are: the counts, masks and fewest are functions of
// those sessions and the chosen servers, so equal states pick alike, draw for draw, from then on.
import { ALEA_MULTIPLIER, ALEA_UNIT, type AleaRandom, type Random } from "../../engine/index.js";
import { bitCount, nthBit } from "../session-counts.js";
import { anyEligible, type BalancerWorlds } from "./balancer.js";

export class LeastConnectionsWorlds implements BalancerWorlds {
  /** Whether a pool fits (see above); otherwise each world gets a balancer and sessions of its own. */
  static fits(servers: number, fixedLength: boolean): boolean {
    return servers <= 32 && fixedLength;
  }

  private readonly worlds: number;
  private readonly servers: number;
  /** Each world's state: an index into the per-state arrays below (at most one state per world). */
  private readonly stateOf: Int32Array;
  /** Per state, how many worlds are in it (0 for a spare state). */
  private readonly sharers: Int32Array;
  /** Per state, its worlds as a mask (bit w for world w), for firstPicksIn; null for more than 31 worlds. */
  private readonly worldsOf: Int32Array | null;
  /** The states worlds are in: live[0 … liveCount). */
  private readonly live: Int32Array;
  private liveCount = 0;
  /** States no world is in, ready for a world that leaves its state: spare[0 … spareCount). */
  private readonly spare: Int32Array;
  private spareCount = 0;
  /** Per state, its pick of the current first attempt (handed to its worlds). */
  private readonly pickOf: Int32Array;
  /** A state released sessions since the last look for equal states (only a release can make two equal). */
  private releasedSinceMerge = false;
  /**
   * Per state, a time before which it cannot equal another: the end of the last session it may
   * hold alone (its world's resend, or a first attempt the states did not all pick alike). Looking
   * for equal states only among those past it saves most looks, which would fail.
   */
  private readonly apartUntil: Float64Array;
  /** Sessions in progress, state-major: counts[s·servers + v]. */
  private readonly counts: Int32Array;
  /** Levels of count kept per state (a power of two, at least the largest count + 2). */
  private levels = 8;
  /** Per state and count, the chosen servers with that many sessions: masks[s·levels + c]. */
  private masks: Int32Array;
  /** Per state, the fewest sessions of a chosen server. */
  private readonly fewest: Int32Array;
  /** The servers picks choose among (the eligible ones, or all when none is), as a bit set. */
  private chosen = 0;
  /** Per state, a ring of its session ends and their servers: ring[s·ringSize + i]. */
  private ringSize = 16;
  private ends: Float64Array;
  private owners: Int32Array;
  private readonly heads: Int32Array;
  private readonly sizes: Int32Array;
  /** Per state, its earliest session end (Infinity when none): a pick's one comparison. */
  private readonly nextEnd: Float64Array;
  /** Per state, the first-attempt pick stream's Alea state (s0, s1, s2, c), stepped here as AleaRandom.next steps it. */
  private readonly alea: Float64Array;

  /**
   * `firstPicks[w]` is world w's copy of the first-attempt pick stream: its state is taken over
   * here (the stream must not be drawn from elsewhere). `eligible` is the board's, shared by all.
   */
  constructor(
    servers: number,
    firstPicks: readonly AleaRandom[],
    private readonly eligible: Uint8Array,
  ) {
    if (servers > 32) throw new RangeError("LeastConnectionsWorlds: at most 32 servers");
    const worlds = firstPicks.length;
    this.worlds = worlds;
    this.servers = servers;
    this.stateOf = new Int32Array(worlds);
    this.sharers = new Int32Array(worlds);
    this.worldsOf = worlds <= 31 ? new Int32Array(worlds) : null;
    this.live = new Int32Array(worlds);
    this.spare = new Int32Array(worlds);
    this.pickOf = new Int32Array(worlds);
    this.apartUntil = new Float64Array(worlds);
    this.counts = new Int32Array(worlds * servers);
    this.masks = new Int32Array(worlds * this.levels);
    this.fewest = new Int32Array(worlds);
    this.ends = new Float64Array(worlds * this.ringSize);
    this.owners = new Int32Array(worlds * this.ringSize);
    this.heads = new Int32Array(worlds);
    this.sizes = new Int32Array(worlds);
    this.nextEnd = new Float64Array(worlds).fill(Number.POSITIVE_INFINITY);
    this.alea = new Float64Array(4 * worlds);
    // Every pool starts empty, so worlds whose streams are at the same position start in one state.
    firstPicks.forEach((random, w) => {
      const { s0, s1, s2, c } = random.state;
      let s = this.liveCount;
      for (let i = 0; i < this.liveCount; i++) {
        const a = 4 * this.live[i];
        if (this.alea[a] === s0 && this.alea[a + 1] === s1 && this.alea[a + 2] === s2 && this.alea[a + 3] === c) {
          s = this.live[i];
          break;
        }
      }
      if (s === this.liveCount) {
        this.alea.set([s0, s1, s2, c], 4 * s);
        this.live[this.liveCount++] = s;
      }
      this.stateOf[w] = s;
      this.sharers[s]++;
      if (this.worldsOf !== null) this.worldsOf[s] |= 1 << w;
    });
    for (let s = worlds - 1; s >= this.liveCount; s--) this.spare[this.spareCount++] = s;
    this.eligibilityChanged();
  }

  /** How many distinct states the worlds are in now (1 when all are alike). */
  get distinctStates(): number {
    return this.liveCount;
  }

  /**
   * A first attempt at `time` whose session ends at `end`: each state releases its sessions ended
   * by `time`, picks (drawing from its first-attempt stream when several servers tie) and starts
   * the session; world w's server goes to `picked[w]`. True when every world picked the same
   * server (always so when all are in one state).
   */
  firstPicks(_sender: number, time: number, end: number, picked: Int32Array): boolean {
    const n = this.pickStates(time, end);
    const live = this.live;
    const pickOf = this.pickOf;
    const worlds = this.worlds;
    const first = pickOf[live[0]];
    if (n === 1) {
      for (let w = 0; w < worlds; w++) picked[w] = first;
      return true;
    }
    let alike = true;
    for (let i = 1; i < n; i++) if (pickOf[live[i]] !== first) alike = false;
    const stateOf = this.stateOf;
    for (let w = 0; w < worlds; w++) picked[w] = pickOf[stateOf[w]];
    return alike;
  }

  /**
   * A first attempt, as firstPicks, answering only which worlds picked one of `servers` (bit v for
   * relay v): the union of the worlds of each state whose pick is one of them, so no world is
   * visited. -1 (nothing moved) for more than 31 worlds.
   */
  firstPicksIn(_sender: number, time: number, end: number, servers: number): number {
    const worldsOf = this.worldsOf;
    if (worldsOf === null) return -1;
    const n = this.pickStates(time, end);
    const live = this.live;
    const pickOf = this.pickOf;
    let bounced = 0;
    for (let i = 0; i < n; i++) {
      const s = live[i];
      if (((servers >>> pickOf[s]) & 1) !== 0) bounced |= worldsOf[s];
    }
    return bounced;
  }

  /**
   * Each live state releases its sessions ended by `time`, picks for a first attempt (pickOf) and
   * starts its session ending at `end`; states that picked otherwise than the first hold it alone
   * (apartUntil). Returns how many states there are.
   */
  private pickStates(time: number, end: number): number {
    const live = this.live;
    const nextEnd = this.nextEnd;
    if (this.liveCount > 1) {
      const apartUntil = this.apartUntil;
      let ready = 0;
      for (let i = 0; i < this.liveCount; i++) {
        const s = live[i];
        if (time >= nextEnd[s]) {
          this.release(s, time);
          this.releasedSinceMerge = true;
        }
        if (apartUntil[s] <= time) ready++;
      }
      if (this.releasedSinceMerge && ready > 1) this.mergeEqual(time);
    }
    const alea = this.alea;
    const fewest = this.fewest;
    const pickOf = this.pickOf;
    const n = this.liveCount;
    for (let i = 0; i < n; i++) {
      const s = live[i];
      if (time >= nextEnd[s]) this.release(s, time);
      // Read each time: a session start may have grown the levels.
      const x = this.masks[s * this.levels + fewest[s]];
      const ties = bitCount(x);
      // The j-th of the tied servers in index order (SessionCounts.nthLeast's nthBit).
      let j = 0;
      if (ties !== 1) {
        // AleaRandom.next's step on this state's stream: the same draws as its worlds' streams.
        const a = 4 * s;
        const t = ALEA_MULTIPLIER * alea[a] + alea[a + 3] * ALEA_UNIT;
        alea[a] = alea[a + 1];
        alea[a + 1] = alea[a + 2];
        const c = t | 0;
        alea[a + 3] = c;
        const u = t - c;
        alea[a + 2] = u;
        j = Math.floor(u * ties);
      }
      const server = nthBit(x, j);
      this.start(s, server, end);
      pickOf[s] = server;
    }
    // A state that picked otherwise than the first holds this session alone (as far as a pair with
    // the first, or with a state that picked as the first did, is concerned).
    const first = pickOf[live[0]];
    for (let i = 1; i < n; i++) if (pickOf[live[i]] !== first) this.apartUntil[live[i]] = end;
    return n;
  }

  /** World w's pick for a resend at `time` whose session ends at `end`, drawing from `random`. */
  resendPick(w: number, _sender: number, time: number, end: number, random: Random): number {
    let s = this.stateOf[w];
    // Released before the world leaves a shared state: every world in it would release the same.
    if (time >= this.nextEnd[s]) {
      this.release(s, time);
      this.releasedSinceMerge = true;
    }
    // The resend's session (and draw) is this world's alone.
    if (this.sharers[s] > 1) s = this.leave(w, s);
    const x = this.masks[s * this.levels + this.fewest[s]];
    const ties = bitCount(x);
    const server = nthBit(x, ties !== 1 ? Math.floor(random.next() * ties) : 0);
    this.start(s, server, end);
    this.apartUntil[s] = end;
    return server;
  }

  /** The health check changed eligibility: every world chooses among the new servers. */
  eligibilityChanged(): void {
    const all = !anyEligible(this.eligible);
    let chosen = 0;
    for (let v = 0; v < this.servers; v++) if (all || this.eligible[v] === 1) chosen |= 1 << v;
    this.chosen = chosen;
    this.rebuild();
  }

  /** State s's session on `server` starts, ending at `end` (SessionCounts.add, FifoSessionEnds.push). */
  private start(s: number, server: number, end: number): void {
    const c = this.counts[s * this.servers + server]++;
    const bit = 1 << server;
    if ((this.chosen & bit) !== 0) {
      if (c + 2 > this.levels) this.grow();
      const at = s * this.levels + c;
      const masks = this.masks;
      masks[at] ^= bit;
      masks[at + 1] ^= bit;
      if (masks[at] === 0 && c === this.fewest[s]) this.fewest[s] = c + 1;
    }
    let size = this.sizes[s];
    if (size === this.ringSize) {
      this.growRing();
      size = this.sizes[s];
    }
    const i = s * this.ringSize + ((this.heads[s] + size) & (this.ringSize - 1));
    this.ends[i] = end;
    this.owners[i] = server;
    if (size === 0) this.nextEnd[s] = end;
    this.sizes[s] = size + 1;
  }

  /** State s's sessions that ended by `time` end (FifoSessionEnds' release, SessionCounts.remove). */
  private release(s: number, time: number): void {
    const ring = this.ringSize;
    const mask = ring - 1;
    const base = s * ring;
    const ends = this.ends;
    const owners = this.owners;
    const counts = this.counts;
    const masks = this.masks;
    const row = s * this.servers;
    const level = s * this.levels;
    let head = this.heads[s];
    let size = this.sizes[s];
    let fewest = this.fewest[s];
    while (size > 0 && ends[base + head] <= time) {
      const server = owners[base + head];
      const c = counts[row + server]--;
      const bit = 1 << server;
      if ((this.chosen & bit) !== 0) {
        masks[level + c] ^= bit;
        masks[level + c - 1] ^= bit;
        if (c - 1 < fewest) fewest = c - 1;
      }
      head = (head + 1) & mask;
      size--;
    }
    this.heads[s] = head;
    this.sizes[s] = size;
    this.fewest[s] = fewest;
    this.nextEnd[s] = size > 0 ? ends[base + head] : Number.POSITIVE_INFINITY;
  }

  /** World w leaves the state `from` it shares with others, for a copy of its own (returned). */
  private leave(w: number, from: number): number {
    const to = this.spare[--this.spareCount];
    // Element by element: these rows are a few dozen numbers, shorter than copyWithin's call.
    const counts = this.counts;
    const servers = this.servers;
    for (let v = 0, a = from * servers, b = to * servers; v < servers; v++) counts[b + v] = counts[a + v];
    const masks = this.masks;
    const levels = this.levels;
    for (let c = 0, a = from * levels, b = to * levels; c < levels; c++) masks[b + c] = masks[a + c];
    this.fewest[to] = this.fewest[from];
    // The ring's sessions to the front of the copy's row, oldest first.
    const ring = this.ringSize;
    const size = this.sizes[from];
    const head = this.heads[from];
    const ends = this.ends;
    const owners = this.owners;
    for (let k = 0; k < size; k++) {
      const i = from * ring + ((head + k) & (ring - 1));
      ends[to * ring + k] = ends[i];
      owners[to * ring + k] = owners[i];
    }
    this.heads[to] = 0;
    this.sizes[to] = size;
    this.nextEnd[to] = this.nextEnd[from];
    this.apartUntil[to] = this.apartUntil[from];
    const alea = this.alea;
    for (let k = 0; k < 4; k++) alea[4 * to + k] = alea[4 * from + k];
    this.sharers[from]--;
    this.sharers[to] = 1;
    this.stateOf[w] = to;
    if (this.worldsOf !== null) {
      this.worldsOf[from] &= ~(1 << w);
      this.worldsOf[to] = 1 << w;
    }
    this.live[this.liveCount++] = to;
    return to;
  }

  /** States past their apartUntil that have become equal become one: their worlds move to the first of them. */
  private mergeEqual(time: number): void {
    this.releasedSinceMerge = false;
    const live = this.live;
    const apartUntil = this.apartUntil;
    for (let i = 1; i < this.liveCount; ) {
      const b = live[i];
      let into = -1;
      for (let k = 0; k < i; k++) {
        if (apartUntil[b] <= time && apartUntil[live[k]] <= time && this.equal(live[k], b)) {
          into = live[k];
          break;
        }
      }
      if (into < 0) {
        i++;
        continue;
      }
      for (let w = 0; w < this.worlds; w++) if (this.stateOf[w] === b) this.stateOf[w] = into;
      if (this.worldsOf !== null) {
        this.worldsOf[into] |= this.worldsOf[b];
        this.worldsOf[b] = 0;
      }
      this.sharers[into] += this.sharers[b];
      this.sharers[b] = 0;
      // The last live state takes b's place, and is looked at next.
      live[i] = live[--this.liveCount];
      this.spare[this.spareCount++] = b;
    }
  }

  /**
   * Whether states a and b have the same sessions in progress, in the same order, and the same
   * stream position. Past both apartUntil, neither holds a session the other lacks, so only the
   * stream positions should differ; the sessions are compared all the same, so that exactness
   * does not rest on apartUntil alone (each covers the other: see the tests' mutations).
   */
  private equal(a: number, b: number): boolean {
    const sizes = this.sizes;
    const size = sizes[a];
    const nextEnd = this.nextEnd;
    if (size !== sizes[b] || nextEnd[a] !== nextEnd[b]) return false;
    const alea = this.alea;
    const pa = 4 * a;
    const pb = 4 * b;
    if (alea[pa] !== alea[pb] || alea[pa + 1] !== alea[pb + 1] || alea[pa + 2] !== alea[pb + 2]) return false;
    if (alea[pa + 3] !== alea[pb + 3]) return false;
    const mask = this.ringSize - 1;
    const ends = this.ends;
    const owners = this.owners;
    const ra = a * this.ringSize;
    const rb = b * this.ringSize;
    const ha = this.heads[a];
    const hb = this.heads[b];
    for (let k = 0; k < size; k++) {
      const ia = ra + ((ha + k) & mask);
      const ib = rb + ((hb + k) & mask);
      if (owners[ia] !== owners[ib] || ends[ia] !== ends[ib]) return false;
    }
    return true;
  }

  /** Every live state's count masks and fewest from its counts and the chosen servers (SessionCounts.rebuild). */
  private rebuild(): void {
    let most = 0;
    for (let i = 0; i < this.liveCount; i++) {
      const row = this.live[i] * this.servers;
      for (let v = 0; v < this.servers; v++) most = Math.max(most, this.counts[row + v]);
    }
    while (this.levels < most + 2) this.levels *= 2;
    this.masks = new Int32Array(this.worlds * this.levels);
    for (let i = 0; i < this.liveCount; i++) {
      const s = this.live[i];
      let fewest = this.levels;
      for (let v = 0; v < this.servers; v++) {
        if ((this.chosen & (1 << v)) === 0) continue;
        const c = this.counts[s * this.servers + v];
        this.masks[s * this.levels + c] |= 1 << v;
        if (c < fewest) fewest = c;
      }
      if (fewest === this.levels) throw new Error("LeastConnectionsWorlds: no server to choose among");
      this.fewest[s] = fewest;
    }
  }

  /** Twice the levels per state, the masks moved to the new layout. */
  private grow(): void {
    const levels = this.levels * 2;
    const masks = new Int32Array(this.worlds * levels);
    for (let s = 0; s < this.worlds; s++) {
      masks.set(this.masks.subarray(s * this.levels, (s + 1) * this.levels), s * levels);
    }
    this.masks = masks;
    this.levels = levels;
  }

  /** Twice the ring per state, each live state's ends moved to the front of its new ring. */
  private growRing(): void {
    const old = this.ringSize;
    const ring = old * 2;
    const ends = new Float64Array(this.worlds * ring);
    const owners = new Int32Array(this.worlds * ring);
    for (let i = 0; i < this.liveCount; i++) {
      const s = this.live[i];
      for (let k = 0; k < this.sizes[s]; k++) {
        const from = s * old + ((this.heads[s] + k) & (old - 1));
        ends[s * ring + k] = this.ends[from];
        owners[s * ring + k] = this.owners[from];
      }
      this.heads[s] = 0;
    }
    this.ends = ends;
    this.owners = owners;
    this.ringSize = ring;
  }
}
