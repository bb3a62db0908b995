// `dns`: DNS round-robin for a smarthost name. A sender without a cached answer resolves and
// gets the shared pointer's server (the pointer advances per resolution); it keeps that answer
// for `ttl` from the resolution, so retries within the TTL reach the same relay (DOMAIN.md).
// The health check pulls an excluded server's address record (DESIGN §2): later resolutions
// skip it, but a sender holding a cached answer keeps using it until its TTL expires.
import {
  anyEligible,
  type Balancer,
  type BalancerReads,
  KEEPS_STATE,
  nextEligible,
  type PoolView,
} from "./balancer.js";
import { serverIndexArray } from "./server-index.js";

export class DnsBalancer implements Balancer {
  static readonly reads: BalancerReads = KEEPS_STATE;

  private next: number;
  private readonly servers: number;
  private readonly cached: Uint16Array | Int32Array;
  private readonly expires: Float64Array;
  private readonly eligible: Uint8Array;
  /** Whether some server is eligible; when none is, no record is pulled and the pointer visits all. */
  private published: boolean;

  /** Balancer.senderTable: the senders' cached answers. */
  get senderTable(): Uint16Array | Int32Array {
    return this.cached;
  }

  constructor(
    pool: PoolView,
    private readonly ttl: number,
  ) {
    this.servers = pool.servers;
    this.next = Math.floor(pool.random.next() * pool.servers);
    this.cached = serverIndexArray(pool.senders, pool.servers);
    this.expires = new Float64Array(pool.senders).fill(Number.NEGATIVE_INFINITY);
    this.eligible = pool.eligible;
    this.published = true;
    this.eligibilityChanged();
  }

  pick(sender: number, time: number): number {
    if (time < this.expires[sender]) return this.cached[sender];
    const server = this.published ? nextEligible(this.eligible, this.next) : this.next;
    this.next = server + 1 === this.servers ? 0 : server + 1;
    this.cached[sender] = server;
    this.expires[sender] = time + this.ttl;
    return server;
  }

  eligibilityChanged(): void {
    // An operator does not pull every record of the name: with every server excluded, all stay.
    this.published = anyEligible(this.eligible);
  }
}
