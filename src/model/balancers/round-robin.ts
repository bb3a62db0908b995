// `round-robin`: one pointer shared by all senders, starting at a uniform server and
// advancing one per attempt — PowerMTA/KumoMTA virtual-MTA pools, HAProxy `balance roundrobin`.
// With weights it is nginx's smooth weighted round-robin: each pick adds every weight to its
// server's credit, takes the largest credit and charges it the total, spreading heavy servers out.
import type { Balancer, PoolView } from "./balancer.js";

export class RoundRobinBalancer implements Balancer {
  private next: number;
  private readonly servers: number;
  private readonly weights: Float64Array | null;
  private readonly credit: Float64Array;
  private readonly total: number;

  constructor(pool: PoolView, weights?: readonly number[]) {
    this.servers = pool.servers;
    const start = pool.random();
    this.next = Math.floor(start * pool.servers);
    this.weights = weights ? Float64Array.from(weights) : null;
    this.total = weights ? weights.reduce((a, b) => a + b, 0) : pool.servers;
    this.credit = new Float64Array(pool.servers);
    // Start the smooth weighted sequence at a uniform point of its cycle, as the plain pointer does:
    // with integer weights the cycle is `total` picks long (each server picked weight times).
    if (this.weights !== null) for (let i = Math.floor(start * this.total); i > 0; i--) this.pickWeighted(this.weights);
  }

  pick(): number {
    if (this.weights !== null) return this.pickWeighted(this.weights);
    const server = this.next;
    this.next = server + 1 === this.servers ? 0 : server + 1;
    return server;
  }

  private pickWeighted(weights: Float64Array): number {
    const credit = this.credit;
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      credit[i] += weights[i];
      if (credit[i] > credit[best]) best = i;
    }
    credit[best] -= this.total;
    return best;
  }
}
