// DNS round-robin with a cache per sender (DnsBalancer, dns.ts) in every shadow world of advise at
// once (model/shadow-resends.ts): each world's pointer, and its cached answers and their expiry
// times sender-major (a first attempt reads one sender's row, every world side by side), in flat
// arrays walked by one loop, instead of a DnsBalancer per world called through the interface.
// The same picks as a DnsBalancer per world (test/model/balancers/dns-worlds.test.ts).
import type { Random } from "../../engine/index.js";
import { anyEligible, type BalancerWorlds, nextEligible } from "./balancer.js";

export class DnsWorlds implements BalancerWorlds {
  private readonly servers: number;
  private readonly worlds: number;
  /** Per world, the shared pointer of its authoritative server. */
  private readonly next: Int32Array;
  /** Sender s's cached answer in world w at cached[s·worlds + w], valid while time < expires[…]. */
  private readonly cached: Int32Array;
  private readonly expires: Float64Array;
  /**
   * Per sender, the latest expiry of its cached answers in any world (each resolution at `time`
   * sets time + ttl, never before one set earlier): from then on every world resolves, and a first
   * attempt need not read the sender's row, only write it.
   */
  private readonly latest: Float64Array;
  /** Whether some relay is eligible; when none is, no record is pulled and the pointer visits all. */
  private published = true;

  /** `random` is a fresh "balancer" stream: its first draw places the pointer, as the run's balancer's does. */
  constructor(
    servers: number,
    senders: number,
    worlds: number,
    random: Random,
    private readonly ttl: number,
    private readonly eligible: Uint8Array,
  ) {
    this.servers = servers;
    this.worlds = worlds;
    this.next = new Int32Array(worlds).fill(Math.floor(random.next() * servers));
    this.cached = new Int32Array(senders * worlds);
    this.expires = new Float64Array(senders * worlds).fill(Number.NEGATIVE_INFINITY);
    this.latest = new Float64Array(senders).fill(Number.NEGATIVE_INFINITY);
    this.eligibilityChanged();
  }

  /**
   * A first attempt: each world uses the sender's cached answer, or resolves (DnsBalancer.pick).
   * From the sender's latest expiry on, every world resolves without reading its entry.
   */
  firstPicks(sender: number, time: number, _end: number, picked: Int32Array): boolean {
    const worlds = this.worlds;
    const row = sender * worlds;
    const expired = time >= this.latest[sender];
    for (let w = 0; w < worlds; w++) {
      picked[w] = expired ? this.resolve(w, sender, row + w, time) : this.pickAt(w, sender, row + w, time);
    }
    // Whether the worlds agree is not tracked here: false, so each world's outcome is looked up.
    return false;
  }

  /**
   * A first attempt, as firstPicks, answering only which worlds picked one of `servers` (bit v for
   * relay v), tested as each world picks: no array of picks, no outcome looked up per world.
   * -1 (nothing moved) for more than 31 worlds.
   */
  firstPicksIn(sender: number, time: number, _end: number, servers: number): number {
    const worlds = this.worlds;
    if (worlds > 31) return -1;
    const row = sender * worlds;
    const expired = time >= this.latest[sender];
    let bounced = 0;
    for (let w = 0; w < worlds; w++) {
      const server = expired ? this.resolve(w, sender, row + w, time) : this.pickAt(w, sender, row + w, time);
      bounced |= ((servers >>> server) & 1) << w;
    }
    return bounced;
  }

  /** World w's pick for a resend (DnsBalancer.pick; it draws nothing). */
  resendPick(w: number, sender: number, time: number): number {
    return this.pickAt(w, sender, sender * this.worlds + w, time);
  }

  /** World w's pick through its cache entry i for the sender: the cached answer, or a resolution. */
  private pickAt(w: number, sender: number, i: number, time: number): number {
    return time < this.expires[i] ? this.cached[i] : this.resolve(w, sender, i, time);
  }

  /** World w resolves for the sender, its answer cached in entry i until time + ttl (the sender's latest expiry). */
  private resolve(w: number, sender: number, i: number, time: number): number {
    this.latest[sender] = time + this.ttl;
    let server = this.next[w];
    if (this.published && this.eligible[server] !== 1) server = nextEligible(this.eligible, server);
    this.next[w] = server + 1 === this.servers ? 0 : server + 1;
    this.cached[i] = server;
    this.expires[i] = time + this.ttl;
    return server;
  }

  eligibilityChanged(): void {
    // An operator does not pull every record of the name: with every server excluded, all stay.
    this.published = anyEligible(this.eligible);
  }
}
