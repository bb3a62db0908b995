// Walker's alias method (Vose's construction): O(1) draws from a fixed discrete
// distribution — Zipf popularity over thousands of domains, weighted servers.
import { ALEA_UNIT, type Random } from "./random.js";

/** 2^32: an Alea draw times this is its 32-bit integer k (the draw is k·2^−32). */
const TWO_32 = 4294967296;
/** 2^31: thresholds are stored as k − 2^31, so that they fit an Int32Array in their order. */
const TWO_31 = 2147483648;

export class AliasTable {
  readonly size: number;
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;
  /**
   * atAlea's table, one cache line a draw: entry 2i is column i's threshold T_i − 2^31 and entry
   * 2i + 1 the index a draw k ≥ T_i gets (alias[i], or i itself when no draw of the column reaches
   * the alias). 8 bytes a column against the 12 of probability and alias, which lie in two arrays:
   * with 100 000 domains (the ESP bench pool) a draw touched two lines of 1.2 MB, now one of 0.8 MB.
   */
  private readonly steps: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!(weights[i] >= 0)) throw new RangeError(`weight ${i} is ${weights[i]}, expected >= 0`);
      total += weights[i];
    }
    if (n === 0 || !(total > 0)) throw new RangeError("expected at least one positive weight");
    this.size = n;
    // One way to the fields for kept and new tables: the kept path's loads had no type feedback
    // when the constructor, compiled (on the stack) while building the thread's first large table,
    // met its first kept one, and deoptimised (docs/performance.md, section tf).
    const table = (n >= KEEP_FROM ? keptTable(weights) : undefined) ?? builtTable(weights, total);
    this.probability = table.probability;
    this.alias = table.alias;
    this.steps = table.steps;
  }

  /** One index drawn with probability proportional to its weight, from a single uniform. */
  sample(random: Random): number {
    return this.at(random.next());
  }

  /** sample() from its uniform `uniform` in [0, 1), drawn by the caller (a loop stepping its stream in locals). */
  at(uniform: number): number {
    const u = uniform * this.size;
    const i = Math.floor(u);
    // i when the coin u − i falls below probability[i], else alias[i]; as arithmetic, not a branch:
    // with Zipf weights the branch went either way unpredictably (7 ns a draw in the loop).
    const above = +(u - i >= this.probability[i]);
    return i + ((this.alias[i] - i) & -above);
  }

  /**
   * at() for a uniform that is a multiple of 2^−32 (an Alea draw: engine/random.ts), the same index
   * for every such uniform, from one 8-byte entry of `steps`: the draw's integer k against the
   * column's threshold instead of the coin against probability[i].
   */
  atAlea(uniform: number): number {
    const i = Math.floor(uniform * this.size);
    // k − 2^31 as a signed 32-bit integer: k·2^−32·2^32 is exact, `| 0` wraps it, the XOR re-centres.
    const k = ((uniform * TWO_32) | 0) ^ -TWO_31;
    const steps = this.steps;
    const above = +(k >= steps[2 * i]);
    return i + ((steps[2 * i + 1] - i) & -above);
  }
}

/**
 * Tables of this many columns or more are kept, with their weights, and a table built again from
 * equal weights shares the kept one's arrays (no method writes them). Every configuration of a
 * scenario has the same Zipf table over its domains, and `sim advise` compiles dozens of
 * configurations in each thread (experiment/compiled-cache.ts keeps them per configuration, not
 * per table): each build of a 5000-domain table took 10–20 ms of mostly cold code (its
 * thresholds), ~0.1 s of an advise's main thread. Smaller tables (a weighted pool's servers,
 * rebuilt as relays are excluded) are cheap to build and would only push the large ones out.
 */
const KEEP_FROM = 256;
/** How many large tables are kept, the most recently built or asked for last. */
const KEPT_TABLES = 4;

interface KeptTable {
  weights: Float64Array;
  probability: Float64Array;
  alias: Int32Array;
  steps: Int32Array;
}

const keptTables: KeptTable[] = [];
/** The weights of a table too small to keep. */
const NOT_KEPT = new Float64Array(0);

/** The kept table built from weights equal to these (=== each: ±0 build the same table), if any. */
function keptTable(weights: ArrayLike<number>): KeptTable | undefined {
  for (let t = keptTables.length - 1; t >= 0; t--) {
    const kept = keptTables[t];
    if (kept.weights.length === weights.length && sameWeights(kept.weights, weights)) {
      keptTables.splice(t, 1);
      keptTables.push(kept);
      return kept;
    }
  }
  return undefined;
}

function sameWeights(a: Float64Array, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keepTable(table: KeptTable): void {
  if (keptTables.length >= KEPT_TABLES) keptTables.shift();
  keptTables.push(table);
}

/** Vose's construction of the table for `weights` (summing to `total`), kept when large. */
function builtTable(weights: ArrayLike<number>, total: number): KeptTable {
  const n = weights.length;
  const probability = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i] * n) / total;
    (scaled[i] < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    probability[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  // Left-overs are 1 up to rounding.
  for (const i of large) probability[i] = 1;
  for (const i of small) probability[i] = 1;
  for (let i = 0; i < n; i++) if (probability[i] === 1) alias[i] = i;
  const steps = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const threshold = alias[i] === i ? TWO_32 : thresholdOf(probability, i);
    // A column whose alias no draw reaches keeps its own index on both sides of any threshold.
    steps[2 * i] = (threshold < TWO_32 ? threshold : 0) - TWO_31;
    steps[2 * i + 1] = threshold < TWO_32 && columnOf(n, threshold) === i ? alias[i] : i;
  }
  // Small tables are not kept, and need no copy of their weights.
  const table = { weights: n >= KEEP_FROM ? Float64Array.from(weights) : NOT_KEPT, probability, alias, steps };
  if (n >= KEEP_FROM) keepTable(table);
  return table;
}

/** The column at() reads for the draw k·2^−32, in a table of n columns. */
function columnOf(n: number, k: number): number {
  return Math.floor(k * ALEA_UNIT * n);
}

/**
 * Whether at() leaves column i behind for the draw k·2^−32: its column is past i, or it is i and
 * the coin u − i reaches probability[i]. Monotone in k (u = k·2^−32·n rounded is; u − i is exact,
 * Sterbenz), so the draws of column i that get alias[i] are those from the first k where it holds.
 */
function leaves(probability: Float64Array, i: number, k: number): boolean {
  const u = k * ALEA_UNIT * probability.length;
  const column = Math.floor(u);
  return column > i || (column === i && u - i >= probability[i]);
}

/** The least k in [0, 2^32] with leaves(i, k) (2^32 when none), from the real split point and a few steps. */
function thresholdOf(probability: Float64Array, i: number): number {
  const n = probability.length;
  let k = Math.min(TWO_32, Math.max(0, Math.ceil(((i + probability[i]) * TWO_32) / n)));
  while (k > 0 && leaves(probability, i, k - 1)) k--;
  while (k < TWO_32 && !leaves(probability, i, k)) k++;
  return k;
}
