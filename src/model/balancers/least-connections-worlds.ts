// least-connections in every shadow world of advise at once (model/shadow-resends.ts): each world's
// sessions in progress and first-attempt pick stream in flat typed arrays, so that a first attempt
// costs each world a few array operations instead of calls through a Balancer, a SessionCounts
// and a session clock of its own (the generic worlds, ~3× the cost). The same picks, draw for draw,
// as LeastConnectionsBalancer over SessionCounts and FifoSessionEnds (test/model/shadow-resends.test.ts
// holds every world to a real run at its wait): sessions released at a pick when they ended at or
// before it, the fewest sessions among the chosen servers, one draw when several tie, the j-th tie
// in index order. For the shapes where that is simple: at most 32 relays (each count's servers are
// one word) and a fixed session length (each world's ends come in the order its sessions start).
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
  /** Sessions in progress, world-major: counts[w·servers + v]. */
  private readonly counts: Int32Array;
  /** Levels of count kept per world (a power of two, at least the largest count + 2). */
  private levels = 8;
  /** Per world and count, the chosen servers with that many sessions: masks[w·levels + c]. */
  private masks: Int32Array;
  /** Per world, the fewest sessions of a chosen server. */
  private readonly fewest: Int32Array;
  /** The servers picks choose among (the eligible ones, or all when none is), as a bit set. */
  private chosen = 0;
  /** Per world, a ring of its session ends and their servers: ring[w·ringSize + i]. */
  private ringSize = 16;
  private ends: Float64Array;
  private owners: Int32Array;
  private readonly heads: Int32Array;
  private readonly sizes: Int32Array;
  /** Per world, its earliest session end (Infinity when none): a pick's one comparison. */
  private readonly nextEnd: Float64Array;
  /** Per world, the first-attempt pick stream's Alea state (s0, s1, s2, c), stepped here as aleaFrom steps it. */
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
    this.counts = new Int32Array(worlds * servers);
    this.masks = new Int32Array(worlds * this.levels);
    this.fewest = new Int32Array(worlds);
    this.ends = new Float64Array(worlds * this.ringSize);
    this.owners = new Int32Array(worlds * this.ringSize);
    this.heads = new Int32Array(worlds);
    this.sizes = new Int32Array(worlds);
    this.nextEnd = new Float64Array(worlds).fill(Number.POSITIVE_INFINITY);
    this.alea = new Float64Array(4 * worlds);
    firstPicks.forEach((random, w) => {
      const s = random.state;
      this.alea.set([s.s0, s.s1, s.s2, s.c], 4 * w);
    });
    this.eligibilityChanged();
  }

  /**
   * A first attempt at `time` whose session ends at `end`: each world releases its sessions ended
   * by `time`, picks (drawing from its first-attempt stream when several servers tie) and starts
   * the session; world w's server goes to `picked[w]`.
   */
  firstPicks(_sender: number, time: number, end: number, picked: Int32Array): void {
    const alea = this.alea;
    const fewest = this.fewest;
    const nextEnd = this.nextEnd;
    for (let w = 0; w < this.worlds; w++) {
      if (time >= nextEnd[w]) this.release(w, time);
      // Read each time: a session start may have grown the levels.
      const x = this.masks[w * this.levels + fewest[w]];
      const ties = bitCount(x);
      // The j-th of the tied servers in index order (SessionCounts.nthLeast's nthBit).
      let j = 0;
      if (ties !== 1) {
        // aleaFrom's step on this world's state: the same draws as its stream.
        const a = 4 * w;
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
      this.start(w, server, end);
      picked[w] = server;
    }
  }

  /** World w's pick for a resend at `time` whose session ends at `end`, drawing from `random`. */
  resendPick(w: number, _sender: number, time: number, end: number, random: Random): number {
    if (time >= this.nextEnd[w]) this.release(w, time);
    const x = this.masks[w * this.levels + this.fewest[w]];
    const ties = bitCount(x);
    const server = nthBit(x, ties !== 1 ? Math.floor(random() * ties) : 0);
    this.start(w, server, end);
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

  /** World w's session on `server` starts, ending at `end` (SessionCounts.add, FifoSessionEnds.push). */
  private start(w: number, server: number, end: number): void {
    const c = this.counts[w * this.servers + server]++;
    const bit = 1 << server;
    if ((this.chosen & bit) !== 0) {
      if (c + 2 > this.levels) this.grow();
      const at = w * this.levels + c;
      const masks = this.masks;
      masks[at] ^= bit;
      masks[at + 1] ^= bit;
      if (masks[at] === 0 && c === this.fewest[w]) this.fewest[w] = c + 1;
    }
    let size = this.sizes[w];
    if (size === this.ringSize) {
      this.growRing();
      size = this.sizes[w];
    }
    const i = w * this.ringSize + ((this.heads[w] + size) & (this.ringSize - 1));
    this.ends[i] = end;
    this.owners[i] = server;
    if (size === 0) this.nextEnd[w] = end;
    this.sizes[w] = size + 1;
  }

  /** World w's sessions that ended by `time` end (FifoSessionEnds' release, SessionCounts.remove). */
  private release(w: number, time: number): void {
    const ring = this.ringSize;
    const mask = ring - 1;
    const base = w * ring;
    const ends = this.ends;
    const owners = this.owners;
    const counts = this.counts;
    const masks = this.masks;
    const row = w * this.servers;
    const level = w * this.levels;
    let head = this.heads[w];
    let size = this.sizes[w];
    let fewest = this.fewest[w];
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
    this.heads[w] = head;
    this.sizes[w] = size;
    this.fewest[w] = fewest;
    this.nextEnd[w] = size > 0 ? ends[base + head] : Number.POSITIVE_INFINITY;
  }

  /** Every world's count masks and fewest from its counts and the chosen servers (SessionCounts.rebuild). */
  private rebuild(): void {
    let most = 0;
    for (let i = 0; i < this.counts.length; i++) most = Math.max(most, this.counts[i]);
    while (this.levels < most + 2) this.levels *= 2;
    this.masks = new Int32Array(this.worlds * this.levels);
    for (let w = 0; w < this.worlds; w++) {
      let fewest = this.levels;
      for (let v = 0; v < this.servers; v++) {
        if ((this.chosen & (1 << v)) === 0) continue;
        const c = this.counts[w * this.servers + v];
        this.masks[w * this.levels + c] |= 1 << v;
        if (c < fewest) fewest = c;
      }
      if (fewest === this.levels) throw new Error("LeastConnectionsWorlds: no server to choose among");
      this.fewest[w] = fewest;
    }
  }

  /** Twice the levels per world, the masks moved to the new layout. */
  private grow(): void {
    const levels = this.levels * 2;
    const masks = new Int32Array(this.worlds * levels);
    for (let w = 0; w < this.worlds; w++) {
      masks.set(this.masks.subarray(w * this.levels, (w + 1) * this.levels), w * levels);
    }
    this.masks = masks;
    this.levels = levels;
  }

  /** Twice the ring per world, each world's ends moved to the front of its new ring. */
  private growRing(): void {
    const old = this.ringSize;
    const ring = old * 2;
    const ends = new Float64Array(this.worlds * ring);
    const owners = new Int32Array(this.worlds * ring);
    for (let w = 0; w < this.worlds; w++) {
      for (let k = 0; k < this.sizes[w]; k++) {
        const from = w * old + ((this.heads[w] + k) & (old - 1));
        ends[w * ring + k] = this.ends[from];
        owners[w * ring + k] = this.owners[from];
      }
      this.heads[w] = 0;
    }
    this.ends = ends;
    this.owners = owners;
    this.ringSize = ring;
  }
}
