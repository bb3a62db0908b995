// `dns` with `resolvers` and `recordsPerAnswer`: DNS round-robin as many sites see it. Senders
// ask one of `resolvers` shared caching resolvers (sender s asks resolver s mod R), which keeps an
// answer for the TTL from its resolution, so one resolution serves every sender behind it
// (RFC 1034 §5.1, RFC 1035 §3.2.1: the TTL bounds how long a resolver may cache). An answer
// carries `recordsPerAnswer` address records in rotated order (BIND's cyclic rrset-order: the
// first record is the shared pointer's server, the next ones follow it in index order, and the
// pointer advances one per resolution). The client connects to the first record and, when that
// relay is out of service, to the next (RFC 5321 §5.1; Postfix smtp(8) tries the next address
// when a server is not reachable) — here, when the health check excluded it (DESIGN §2): the
// operator takes an excluded relay out of service and pulls its record, so only answers cached
// before the check still name it. A rejection by the recipient comes after the relay accepted
// the message and never makes the client fall back. With every record of an answer excluded the
// client still uses the first (the model keeps no client-side queue). With R = senders and one
// record this is exactly DnsBalancer (dns.ts), which the default keeps.
import {
  anyEligible,
  type Balancer,
  type BalancerReads,
  KEEPS_STATE,
  nextEligible,
  type PoolView,
} from "./balancer.js";

export interface DnsResolverOptions {
  ttl: number;
  /** Shared caching resolvers, R ≥ 1; sender s asks resolver s mod R. */
  resolvers: number;
  /** Address records per answer, k ≥ 1 (fewer when fewer records are published). */
  records: number;
}

export class ResolverDnsBalancer implements Balancer {
  static readonly reads: BalancerReads = KEEPS_STATE;

  private next: number;
  private readonly servers: number;
  private readonly ttl: number;
  private readonly resolvers: number;
  private readonly records: number;
  /** Resolver r's cached answer: `count[r]` servers at answers[r·k …]. */
  private readonly answers: Int32Array;
  private readonly count: Int32Array;
  private readonly expires: Float64Array;
  private readonly eligible: Uint8Array;
  /** Whether some server is eligible: then excluded records are pulled and skipped. */
  private published: boolean;

  constructor(pool: PoolView, options: DnsResolverOptions) {
    this.servers = pool.servers;
    // The same draw as DnsBalancer: the pointer starts at a uniform server.
    this.next = Math.floor(pool.random.next() * pool.servers);
    this.ttl = options.ttl;
    this.resolvers = options.resolvers;
    this.records = Math.min(options.records, pool.servers);
    this.answers = new Int32Array(this.resolvers * this.records);
    this.count = new Int32Array(this.resolvers);
    this.expires = new Float64Array(this.resolvers).fill(Number.NEGATIVE_INFINITY);
    this.eligible = pool.eligible;
    this.published = true;
    this.eligibilityChanged();
  }

  pick(sender: number, time: number): number {
    const r = sender % this.resolvers;
    if (!(time < this.expires[r])) this.resolve(r, time);
    const base = r * this.records;
    // The client tries the records in order and skips a relay that is out of service.
    if (this.published) {
      for (let i = 0; i < this.count[r]; i++) {
        const server = this.answers[base + i];
        if (this.eligible[server] === 1) return server;
      }
    }
    return this.answers[base];
  }

  eligibilityChanged(): void {
    // An operator does not pull every record of the name: with every server excluded, all stay.
    this.published = anyEligible(this.eligible);
  }

  /** Resolver r asks the authoritative server: the published records from the pointer on. */
  private resolve(r: number, time: number): void {
    const n = this.servers;
    const server = this.published ? nextEligible(this.eligible, this.next) : this.next;
    this.next = server + 1 === n ? 0 : server + 1;
    const base = r * this.records;
    let count = 0;
    for (let i = 0, v = server; i < n && count < this.records; i++, v = v + 1 === n ? 0 : v + 1) {
      if (!this.published || this.eligible[v] === 1) this.answers[base + count++] = v;
    }
    this.count[r] = count;
    this.expires[r] = time + this.ttl;
  }
}
