// Seeded, named random streams (DESIGN §2 "Randomness"): each stream depends only on
// (seed, replication, name), so scenarios that differ in one part share the others' draws
// (common random numbers), whatever order or process replications run in.
// Alea (seedrandom's algorithm) rather than ARC4: ~7 ns a draw here against ARC4's several times that.
import seedrandom from "seedrandom";

/**
 * A source of uniform draws in [0, 1): `next()`. An object with a method, not a function: every
 * stream is then an AleaRandom, so a call site sees one map and one target in every replication.
 * Closures made afresh for each replication (as the streams were) changed the call's target at
 * the second replication, and every optimised function that had inlined a draw deoptimised there.
 */
export interface Random {
  next(): number;
}

/** 2^−32: Alea's draws are multiples of it. */
export const ALEA_UNIT = 2.3283064365386963e-10;
/** Alea's multiplier. */
export const ALEA_MULTIPLIER = 2091639;

/**
 * The state of one Alea stream (Baagøe's generator, as seedrandom computes it): three lags and a
 * carry. One step is `t = ALEA_MULTIPLIER·s0 + c·ALEA_UNIT; s0 = s1; s1 = s2; c = t | 0;
 * s2 = t − c`, and s2 is the draw. A loop that draws often may copy the state into locals, step
 * it there (the same arithmetic, so the same draws) and write it back before anything else
 * draws from the stream: locals stay in registers, where the fields are loads and stores.
 * Made as an object literal of numbers (not fields of AleaRandom declared in the class: a class
 * field starts as `undefined`, and V8 would then box every double stored in it, an allocation a draw).
 */
export interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/**
 * A stream stepping `state` (which it then owns): the draws of seedrandom's alea from the same
 * state, bit for bit (test/engine/random.test.ts). Its state is open to a loop that steps it in
 * locals (see AleaState).
 */
export class AleaRandom implements Random {
  constructor(readonly state: AleaState) {}

  next(): number {
    const s = this.state;
    const t = ALEA_MULTIPLIER * s.s0 + s.c * ALEA_UNIT;
    s.s0 = s.s1;
    s.s1 = s.s2;
    const c = t | 0;
    s.c = c;
    const u = t - c;
    s.s2 = u;
    return u;
  }
}

/** The stream `name` of replication `replication` under `seed`. */
export function randomStream(seed: number, replication: number, name: string): AleaRandom {
  // seedrandom seeds it (its Mash hash of the name); the draws are then stepped here.
  const seeded = seedrandom.alea(`relaysim/${seed}/${replication}/${name}`, { state: true }).state();
  return new AleaRandom({ s0: seeded.s0, s1: seeded.s1, s2: seeded.s2, c: seeded.c });
}

/** 32-bit hash of integers (murmur3's finaliser over a running mix): stateless draws keyed by indices. */
export function hashUniform(key: number, a: number, b: number): number {
  let h = Math.imul(key ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (a + 0x7f4a7c15), 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h ^ (b | 0), 0x27d4eb2f);
  h = Math.imul(h ^ Math.floor(b / 4294967296), 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A 32-bit integer key for hashUniform drawn from a stream. */
export function hashKey(random: Random): number {
  return Math.floor(random.next() * 4294967296) | 0;
}
