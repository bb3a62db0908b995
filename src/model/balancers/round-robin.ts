// `round-robin`: one pointer shared by all senders, starting at a uniform server and
// advancing one per attempt — PowerMTA/KumoMTA virtual-MTA pools, HAProxy `balance roundrobin`.
// With weights it is nginx's smooth weighted round-robin: each pick adds every weight to its
// server's credit, takes the largest credit and charges it the total, spreading heavy servers out.
// It chooses: only among the servers the health check left eligible (DESIGN §2) — the pointer
// steps over excluded servers, and the weighted rotation runs over the eligible weights alone.
// With `resetAfterIdle` (KumoMTA's egress pools) the rotation starts over after an idle spell:
// IdleResetRoundRobin below, a class of its own so the plain pick pays nothing for it.
import type { Random } from "../../engine/index.js";
import { anyEligible, type Balancer, type BalancerReads, KEEPS_STATE, type PoolView } from "./balancer.js";

export class RoundRobinBalancer implements Balancer {
  static readonly reads: BalancerReads = KEEPS_STATE;

  protected next: number;
  private readonly servers: number;
  private readonly weights: Float64Array | null;
  protected readonly credit: Float64Array;
  /** 1 for each server the rotation runs over: the eligible ones, or all when none is. */
  private readonly candidates: Uint8Array;
  /** Sum of the candidates' weights: what the chosen server is charged. */
  private total: number;

  constructor(
    private readonly pool: PoolView,
    weights?: readonly number[],
  ) {
    this.servers = pool.servers;
    const start = pool.random.next();
    this.next = Math.floor(start * pool.servers);
    this.weights = weights ? Float64Array.from(weights) : null;
    this.credit = new Float64Array(pool.servers);
    this.candidates = new Uint8Array(pool.servers);
    this.total = 0;
    this.eligibilityChanged();
    // Start the smooth weighted sequence at a uniform point of its cycle, as the plain pointer does:
    // with integer weights the cycle is `total` picks long (each server picked weight times).
    if (this.weights !== null) for (let i = Math.floor(start * this.total); i > 0; i--) this.pickWeighted(this.weights);
  }

  pick(): number {
    if (this.weights !== null) return this.pickWeighted(this.weights);
    const candidates = this.candidates;
    let server = this.next;
    while (candidates[server] === 0) server = server + 1 === this.servers ? 0 : server + 1;
    this.next = server + 1 === this.servers ? 0 : server + 1;
    return server;
  }

  eligibilityChanged(): void {
    const eligible = this.pool.eligible;
    const all = !anyEligible(eligible);
    const weights = this.weights;
    let total = 0;
    for (let v = 0; v < eligible.length; v++) {
      this.candidates[v] = all || eligible[v] === 1 ? 1 : 0;
      if (this.candidates[v] === 1 && weights !== null) total += weights[v];
    }
    // Eligible servers whose weights are all zero carry no share to renormalise: rotate over every weight.
    if (weights !== null && !(total > 0)) {
      this.candidates.fill(1);
      total = weights.reduce((a, b) => a + b, 0);
    }
    this.total = weights === null ? this.servers : total;
  }

  private pickWeighted(weights: Float64Array): number {
    const credit = this.credit;
    const candidates = this.candidates;
    let best = -1;
    for (let i = 0; i < weights.length; i++) {
      if (candidates[i] === 0) continue;
      credit[i] += weights[i];
      if (best < 0 || credit[i] > credit[best]) best = i;
    }
    credit[best] -= this.total;
    return best;
  }
}

/**
 * KumoMTA's egress pool selection (DOMAIN.md, "How pools pick"): weighted round-robin whose
 * state is dropped when its scheduled queue has been idle for about 10 minutes, so "the round
 * robin state will be reset for the next send" — KumoMTA's fresh state always gives the same
 * first source. Here: a pick `resetAfterIdle` or more after the previous one finds the rotation
 * back where it started in this replication (the pointer, or the weighted credits, as built).
 */
export class IdleResetRoundRobin extends RoundRobinBalancer {
  private readonly startNext: number;
  private readonly startCredit: Float64Array;
  private lastPick = Number.NEGATIVE_INFINITY;

  constructor(
    pool: PoolView,
    private readonly resetAfterIdle: number,
    weights?: readonly number[],
  ) {
    super(pool, weights);
    this.startNext = this.next;
    this.startCredit = Float64Array.from(this.credit);
  }

  override pick(_sender?: number, time = 0, _random?: Random): number {
    if (time - this.lastPick >= this.resetAfterIdle) {
      this.next = this.startNext;
      this.credit.set(this.startCredit);
    }
    this.lastPick = time;
    return super.pick();
  }
}
