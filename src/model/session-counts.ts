// Sessions in progress per server (PoolView.sessions, DESIGN §2), kept by the capacity regime
// that tracks them (capacity/tracked-sessions.ts) and read by least-connections at every pick.
// Beside the counts, the servers a pick chooses among are filed by count — per count, a bit set
// of them and their number — with the fewest sessions among them kept as counts change, so the
// pick reads the minimum, the number of servers tied at it and the j-th of them in index order
// in a few word operations, instead of two scans of every server.

import { grown } from "./grown.js";

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  let y = x - ((x >>> 1) & 0x55555555);
  y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
  y = (y + (y >>> 4)) & 0x0f0f0f0f;
  return Math.imul(y, 0x01010101) >>> 24;
}

/** Set bits of a 32-bit word (for a loop that writes nthLeast's first word out). */
export const bitCount = popcount;

/**
 * The index of the j-th set bit (from 0, lowest first) of a 32-bit word that has more than j set
 * bits, without a branch: a binary search over the word's halves, bytes, nibbles and pairs, whose
 * bit counts are popcount's own intermediate sums. A loop clearing the j lowest bits stopped after
 * a random number of turns (least-connections draws j uniformly among the ties), so its exit was
 * mispredicted at nearly every pick: about 16 ns a message on the bench's least-connections.
 */
export function nthBit(x: number, j: number): number {
  const pairs = (x - ((x >>> 1) & 0x55555555)) | 0;
  const nibbles = (pairs & 0x33333333) + ((pairs >>> 2) & 0x33333333);
  const bytes = (nibbles + (nibbles >>> 4)) & 0x0f0f0f0f;
  const halves = (bytes + (bytes >>> 8)) & 0x00ff00ff;
  // At each step `n` bits of the part left lie below its middle; when j ≥ n (up = −1, else 0) the
  // bit is above it: skip those n bits and move `at` up by half the part.
  let n = halves & 0xff;
  let up = (n - j - 1) >> 31;
  j -= n & up;
  let at = 16 & up;
  n = (bytes >>> at) & 0xff;
  up = (n - j - 1) >> 31;
  j -= n & up;
  at += 8 & up;
  n = (nibbles >>> at) & 0xf;
  up = (n - j - 1) >> 31;
  j -= n & up;
  at += 4 & up;
  n = (pairs >>> at) & 0x3;
  up = (n - j - 1) >> 31;
  j -= n & up;
  at += 2 & up;
  n = (x >>> at) & 1;
  up = (n - j - 1) >> 31;
  return at + (1 & up);
}

/**
 * The fields below are public for the arrivals loop of least-connections (capacity/arrivals.ts),
 * which writes out remove() and nthLeast()'s first word; only add, remove, chooseAmong and set
 * (and that loop, exactly as remove does) change them.
 */
export class SessionCounts {
  /** Sessions in progress per server. */
  readonly counts: Int32Array;
  /** 32-bit words of a bit set over the servers. */
  readonly words: number;
  /** 1 for each server a pick chooses among (set by chooseAmong; all at first). */
  readonly chosen: Uint8Array;
  /** Per count: the chosen servers with that many sessions, as a bit set, count-major (replaced as levels grow). */
  byCount: Int32Array;
  /** Per count: how many chosen servers have that many sessions (replaced as levels grow). */
  atCount: Int32Array;
  /** The fewest sessions of a chosen server. */
  fewest = 0;

  constructor(servers: number) {
    this.counts = new Int32Array(servers);
    this.words = (servers + 31) >> 5;
    this.chosen = new Uint8Array(servers).fill(1);
    this.byCount = new Int32Array(8 * this.words);
    this.atCount = new Int32Array(8);
    this.rebuild();
  }

  get servers(): number {
    return this.counts.length;
  }

  /** A session started on `server`. */
  add(server: number): void {
    const c = this.counts[server]++;
    if (this.chosen[server] === 0) return;
    if (c + 1 === this.atCount.length) this.grow();
    const word = server >> 5;
    const bit = 1 << (server & 31);
    this.byCount[c * this.words + word] ^= bit;
    this.byCount[(c + 1) * this.words + word] ^= bit;
    this.atCount[c + 1]++;
    if (--this.atCount[c] === 0 && c === this.fewest) this.fewest = c + 1;
  }

  /** A session on `server` ended. */
  remove(server: number): void {
    const c = this.counts[server]--;
    if (this.chosen[server] === 0) return;
    const word = server >> 5;
    const bit = 1 << (server & 31);
    this.byCount[c * this.words + word] ^= bit;
    this.byCount[(c - 1) * this.words + word] ^= bit;
    this.atCount[c]--;
    this.atCount[c - 1]++;
    if (c - 1 < this.fewest) this.fewest = c - 1;
  }

  /** The fewest sessions in progress on a chosen server. */
  get least(): number {
    return this.fewest;
  }

  /** How many chosen servers have the fewest sessions. */
  get ties(): number {
    return this.atCount[this.fewest];
  }

  /** The `j`-th (from 0, in index order) of the chosen servers with the fewest sessions (j < ties). */
  nthLeast(j: number): number {
    // Mostly within the first word of the level (all of it up to 32 servers): small enough to
    // inline at every pick; the walk over further words is out of line.
    const at = this.fewest * this.words;
    const x = this.byCount[at];
    if (j >= popcount(x)) return this.nthLeastFurther(j, at);
    return nthBit(x, j);
  }

  /** nthLeast() past the level's first word (`at`, its index in byCount). */
  private nthLeastFurther(j: number, at: number): number {
    const byCount = this.byCount;
    const first = at;
    let x = byCount[at];
    for (let n = popcount(x); j >= n; n = popcount(x)) {
      j -= n;
      do x = byCount[++at];
      while (x === 0);
    }
    return ((at - first) << 5) + nthBit(x, j);
  }

  /** Picks choose among the servers marked 1 in `mask` from now on (at least one must be). */
  chooseAmong(mask: Uint8Array): void {
    this.chosen.set(mask);
    this.rebuild();
  }

  /** Set every server's count (tests and set-up; the regime uses add and remove). */
  set(counts: ArrayLike<number>): void {
    this.counts.set(counts);
    this.rebuild();
  }

  private rebuild(): void {
    let most = 0;
    for (let v = 0; v < this.counts.length; v++) most = Math.max(most, this.counts[v]);
    let levels = this.atCount.length;
    while (levels < most + 2) levels *= 2;
    this.byCount = new Int32Array(levels * this.words);
    this.atCount = new Int32Array(levels);
    this.fewest = levels;
    for (let v = 0; v < this.counts.length; v++) {
      if (this.chosen[v] === 0) continue;
      const c = this.counts[v];
      this.byCount[c * this.words + (v >> 5)] |= 1 << (v & 31);
      this.atCount[c]++;
      if (c < this.fewest) this.fewest = c;
    }
    if (this.fewest === levels) throw new Error("SessionCounts: no server to choose among");
  }

  private grow(): void {
    const levels = this.atCount.length * 2;
    this.byCount = grown(this.byCount, levels * this.words);
    this.atCount = grown(this.atCount, levels);
  }
}
