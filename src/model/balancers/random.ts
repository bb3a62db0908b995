// `random`: a uniform (or weighted) independent draw per attempt — Postfix's `randmap:`
// over per-IP transports, Exim's random `interface` list (DOMAIN.md, "How pools pick").
// It chooses: only among the servers the health check left eligible, weights renormalised
// over them (DESIGN §2), so an excluded server's share spreads over the others by weight.

import { AliasTable, type Random } from "../../engine/index.js";
import { anyEligible, type Balancer, type BalancerReads, type PoolView, READS_NOTHING } from "./balancer.js";

export class RandomBalancer implements Balancer {
  static readonly reads: BalancerReads = READS_NOTHING;

  private readonly weights: Float64Array | null;
  /** Weighted draws over the eligible servers (all of them without exclusions). */
  private table: AliasTable | null;
  /** Unweighted draws: the eligible servers, the first `count` entries. */
  private readonly choices: Int32Array;
  private count: number;

  constructor(
    private readonly pool: PoolView,
    weights?: readonly number[],
  ) {
    this.weights = weights ? Float64Array.from(weights) : null;
    this.table = null;
    this.choices = new Int32Array(pool.servers);
    this.count = 0;
    this.eligibilityChanged();
  }

  pick(_sender: number, _time: number, random: Random = this.pool.random): number {
    return this.at(random.next());
  }

  /** pick() from its one uniform `u` in [0, 1), drawn by the caller (a loop stepping the stream in locals). */
  at(u: number): number {
    return this.table === null ? this.choices[Math.floor(u * this.count)] : this.table.at(u);
  }

  eligibilityChanged(): void {
    const eligible = this.pool.eligible;
    // With no server eligible, the relay still sends through one of them: draw over all.
    const all = !anyEligible(eligible);
    const weights = this.weights;
    if (weights !== null) {
      const masked = weights.map((w, v) => (all || eligible[v] === 1 ? w : 0));
      // Eligible servers whose weights are all zero carry no share to renormalise: use every weight.
      this.table = new AliasTable(masked.some((w) => w > 0) ? masked : weights);
      return;
    }
    this.count = 0;
    for (let v = 0; v < eligible.length; v++) if (all || eligible[v] === 1) this.choices[this.count++] = v;
  }
}
