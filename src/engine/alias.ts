// Walker's alias method (Vose's construction): O(1) draws from a fixed discrete
// distribution — Zipf popularity over thousands of domains, weighted servers.
import type { Random } from "./random.js";

export class AliasTable {
  readonly size: number;
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!(weights[i] >= 0)) throw new RangeError(`weight ${i} is ${weights[i]}, expected >= 0`);
      total += weights[i];
    }
    if (n === 0 || !(total > 0)) throw new RangeError("expected at least one positive weight");
    this.size = n;
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
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
      this.probability[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    // Left-overs are 1 up to rounding.
    for (const i of large) this.probability[i] = 1;
    for (const i of small) this.probability[i] = 1;
    for (let i = 0; i < n; i++) if (this.probability[i] === 1) this.alias[i] = i;
  }

  /** One index drawn with probability proportional to its weight, from a single uniform. */
  sample(random: Random): number {
    return this.at(random());
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
}
