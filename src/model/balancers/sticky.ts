// `sticky`: source-IP hashing pins each sender to one server for the whole run — cPanel's
// `mailips` pinning a sender domain to one IP (DOMAIN.md). Waiting never changes the route.
// It names a server: when the health check excluded it, the next eligible one in index order.

import { type Balancer, type BalancerReads, nextEligible, type PoolView, READS_NOTHING } from "./balancer.js";
import { serverIndexArray } from "./server-index.js";

export class StickyBalancer implements Balancer {
  static readonly reads: BalancerReads = READS_NOTHING;

  private readonly home: Uint16Array | Int32Array;
  private readonly eligible: Uint8Array;
  /** Balancer.senderTable: the senders' pins. */
  get senderTable(): Uint16Array | Int32Array {
    return this.home;
  }

  constructor(pool: PoolView) {
    this.home = serverIndexArray(pool.senders, pool.servers);
    for (let s = 0; s < pool.senders; s++) this.home[s] = Math.floor(pool.random.next() * pool.servers);
    this.eligible = pool.eligible;
  }
  pick(sender: number): number {
    return nextEligible(this.eligible, this.home[sender]);
  }
  eligibilityChanged(): void {}
}
