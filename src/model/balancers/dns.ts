// `dns`: DNS round-robin for a smarthost name. A sender without a cached answer resolves and
// gets the shared pointer's server (the pointer advances per resolution); it keeps that answer
// for `ttl` from the resolution, so retries within the TTL reach the same relay (DOMAIN.md).
import type { Balancer, PoolView } from "./balancer.js";

export class DnsBalancer implements Balancer {
  private next: number;
  private readonly servers: number;
  private readonly cached: Int32Array;
  private readonly expires: Float64Array;

  constructor(
    pool: PoolView,
    private readonly ttl: number,
  ) {
    this.servers = pool.servers;
    this.next = Math.floor(pool.random() * pool.servers);
    this.cached = new Int32Array(pool.senders);
    this.expires = new Float64Array(pool.senders).fill(Number.NEGATIVE_INFINITY);
  }

  pick(sender: number, time: number): number {
    if (time < this.expires[sender]) return this.cached[sender];
    const server = this.next;
    this.next = server + 1 === this.servers ? 0 : server + 1;
    this.cached[sender] = server;
    this.expires[sender] = time + this.ttl;
    return server;
  }
}
