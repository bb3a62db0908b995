// The listing board of one replication: which server is on which list now, which lists each
// recipient domain consults, the outcome of an attempt by a domain through a server, and the
// servers the operator's health check leaves eligible (DESIGN §2, "Pool and listings",
// `avoidListed`). Bit masks in typed arrays: an outcome is two loads and an AND.
import { DELIVERED, REJECTED_4XX, REJECTED_5XX } from "./codes.js";
import type { Tally } from "./tally.js";

export class ListingBoard {
  /** Bit b set when the domain consults list b. */
  private readonly domainLists: Int32Array;
  /** Bit b set when the server is on list b now. */
  private readonly serverLists: Int32Array;
  /** Open listing intervals per (server, list), keyed server · lists + list: overlapping intervals merge. */
  private readonly listingDepth: Int32Array;
  /** When each listed server's current listed stretch (on at least one list) began. */
  private readonly listedSince: Float64Array;
  /**
   * Per server, 1 while the operator's last check found it clean (all 1 without a health
   * check). Balancers read it in place (PoolView.eligible).
   */
  readonly eligible: Uint8Array;

  constructor(
    servers: number,
    /** Number of lists in `blacklists`. */
    readonly lists: number,
    domainLists: Int32Array,
    /** Lists whose listing answers 4xx, as a bit mask. */
    private readonly tempfailMask: number,
    private readonly tally: Tally,
  ) {
    this.domainLists = domainLists;
    this.serverLists = new Int32Array(servers);
    this.listingDepth = new Int32Array(servers * Math.max(1, lists));
    this.listedSince = new Float64Array(servers);
    this.eligible = new Uint8Array(servers).fill(1);
  }

  /** The event key of (server, list), for LIST_ON and LIST_OFF payloads. */
  key(server: number, list: number): number {
    return server * this.lists + list;
  }

  /** Outcome of an attempt by a domain through a server now: the first matching list's reply class. */
  outcome(domain: number, server: number): number {
    const matching = this.domainLists[domain] & this.serverLists[server];
    if (matching === 0) return DELIVERED;
    // The lowest set bit is the first list in `blacklists` order.
    return (matching & -matching & this.tempfailMask) !== 0 ? REJECTED_4XX : REJECTED_5XX;
  }

  /** Index in `blacklists` of the first list of the domain's that lists the server now; -1 if none. */
  rejectingList(domain: number, server: number): number {
    const matching = this.domainLists[domain] & this.serverLists[server];
    return matching === 0 ? -1 : 31 - Math.clz32(matching & -matching);
  }

  listOn(key: number, time: number): void {
    const server = (key / this.lists) | 0;
    const list = key - server * this.lists;
    if (this.listingDepth[key]++ > 0) return;
    if (this.serverLists[server] === 0) this.listedSince[server] = time;
    this.serverLists[server] |= 1 << list;
  }

  listOff(key: number, time: number): void {
    const server = (key / this.lists) | 0;
    const list = key - server * this.lists;
    if (--this.listingDepth[key] > 0) return;
    this.serverLists[server] &= ~(1 << list);
    if (this.serverLists[server] === 0) this.tally.addListedTime(server, this.listedSince[server], time);
  }

  /**
   * The operator's check: a server is eligible until a check finds it listed, and again once
   * one finds it clean. Returns whether any server's eligibility changed.
   */
  checkEligibility(): boolean {
    const eligible = this.eligible;
    let changed = false;
    for (let v = 0; v < eligible.length; v++) {
      const clean = this.serverLists[v] === 0 ? 1 : 0;
      if (eligible[v] !== clean) changed = true;
      eligible[v] = clean;
    }
    return changed;
  }

  /** At the end of a replication: count the listed stretches still open up to `horizon`. */
  closeListedTime(horizon: number): void {
    for (let v = 0; v < this.serverLists.length; v++) {
      if (this.serverLists[v] !== 0) this.tally.addListedTime(v, this.listedSince[v], horizon);
    }
  }
}
