// `sticky`: source-IP hashing pins each sender to one server for the whole run — cPanel's
// `mailips` pinning a sender domain to one IP (DOMAIN.md). Waiting never changes the route.
import type { Balancer, PoolView } from "./balancer.js";

export class StickyBalancer implements Balancer {
  private readonly home: Int32Array;
  constructor(pool: PoolView) {
    this.home = new Int32Array(pool.senders);
    for (let s = 0; s < pool.senders; s++) this.home[s] = Math.floor(pool.random() * pool.servers);
  }
  pick(sender: number): number {
    return this.home[sender];
  }
}
