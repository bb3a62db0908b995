// The listing board of one replication: which server is on which list now, which lists each
// recipient domain consults, the outcome of an attempt by a domain through a server, and the
// servers the operator's health check leaves eligible (DESIGN §2, "Pool and listings",
// `avoidListed`). Bit masks in typed arrays: an outcome is two loads and an AND.
// With `propagation` (receivers/late-listings.ts) the receivers see the lists through their
// mirrors, late: `visibleLists` is then a second board of its own, moved by events whose keys
// start at `viewBase`; otherwise it is the lists themselves (the same array, nothing added).
import { DELIVERED, REJECTED_4XX, REJECTED_5XX } from "./codes.js";
import type { Tally } from "./tally.js";

export class ListingBoard {
  /** Bit b set when the domain consults list b. */
  protected readonly domainLists: Int32Array;
  /** Bit b set when the server is on list b now. */
  private readonly serverLists: Int32Array;
  /** Bit b set when the receivers' mirrors of list b list the server now (serverLists itself without propagation). */
  protected readonly visibleLists: Int32Array;
  /**
   * Per list, bit v set while the receivers' view lists relay v (visibleLists by list, for
   * rejectingServers); kept for pools of up to 32 relays, all 0 otherwise.
   */
  private readonly visibleServers: Int32Array;
  /** Open intervals of the receivers' view per (server, list); null without propagation. */
  private readonly visibleDepth: Int32Array | null;
  /** Keys from here on move the receivers' view (LIST_ON/LIST_OFF of a delayed listing). */
  private readonly viewBase: number;
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
    protected readonly tempfailMask: number,
    private readonly tally: Tally,
    /** Whether receivers see listings through delayed mirrors (any list with `propagation`). */
    delayedView = false,
  ) {
    this.domainLists = domainLists;
    this.serverLists = new Int32Array(servers);
    this.visibleLists = delayedView ? new Int32Array(servers) : this.serverLists;
    this.visibleDepth = delayedView ? new Int32Array(servers * Math.max(1, lists)) : null;
    this.viewBase = delayedView ? servers * lists : Number.POSITIVE_INFINITY;
    this.listingDepth = new Int32Array(servers * Math.max(1, lists));
    this.listedSince = new Float64Array(servers);
    this.eligible = new Uint8Array(servers).fill(1);
    this.visibleServers = new Int32Array(Math.max(1, lists));
    this.serversInMasks = servers <= 32;
  }

  /** Whether rejectingServers can answer for outcome() (at most 32 relays, no cache between them). */
  readonly serversInMasks: boolean;

  /**
   * Whether outcome() reads the lists alone, which only LIST_ON and LIST_OFF events move: between
   * two such events an attempt's outcome is the same at every time, so it may be asked early
   * (capacity/arrivals.ts settles a held wait at its arrival). Not with receivers' caches, whose
   * answers depend on the time and move when asked.
   */
  readonly outcomeBetweenListings: boolean = true;

  /** Whether the domain consults no list: every attempt to it is delivered, whatever the relay and time. */
  consultsNone(domain: number): boolean {
    return this.domainLists[domain] === 0;
  }

  /** The event key of (server, list), for LIST_ON and LIST_OFF payloads. */
  key(server: number, list: number): number {
    return server * this.lists + list;
  }

  /** The event key that moves the receivers' view of (server, list); only with a delayed view. */
  viewKey(server: number, list: number): number {
    return this.viewBase + server * this.lists + list;
  }

  /**
   * Outcome of an attempt by a domain through a server at `time`: the first matching list's reply
   * class, as the receivers see the lists (`time` matters only to receivers' caches, dnsbl-cache.ts).
   */
  outcome(domain: number, server: number, _time: number): number {
    const matching = this.domainLists[domain] & this.visibleLists[server];
    if (matching === 0) return DELIVERED;
    // The lowest set bit is the first list in `blacklists` order.
    return (matching & -matching & this.tempfailMask) !== 0 ? REJECTED_4XX : REJECTED_5XX;
  }

  /**
   * The relays through which an attempt to `domain` is rejected now, as outcome() answers (bit v
   * for relay v; only when `serversInMasks`). For this board, whose outcome reads no cache.
   */
  rejectingServers(domain: number): number {
    let lists = this.domainLists[domain];
    let servers = 0;
    while (lists !== 0) {
      const bit = lists & -lists;
      lists ^= bit;
      servers |= this.visibleServers[31 - Math.clz32(bit)];
    }
    return servers;
  }

  /** Relay `server`'s bit for `list` in the receivers' view changed to `listed`: visibleServers follows. */
  private viewChanged(server: number, list: number, listed: boolean): void {
    if (!this.serversInMasks) return;
    if (listed) this.visibleServers[list] |= 1 << server;
    else this.visibleServers[list] &= ~(1 << server);
  }

  /** Index in `blacklists` of the list that decided the last outcome of (domain, server); -1 if none. */
  rejectingList(domain: number, server: number): number {
    const matching = this.domainLists[domain] & this.visibleLists[server];
    return matching === 0 ? -1 : 31 - Math.clz32(matching & -matching);
  }

  listOn(key: number, time: number): void {
    if (key >= this.viewBase) {
      this.moveView(key - this.viewBase, 1);
      return;
    }
    const server = (key / this.lists) | 0;
    const list = key - server * this.lists;
    if (this.listingDepth[key]++ > 0) return;
    if (this.serverLists[server] === 0) this.listedSince[server] = time;
    this.serverLists[server] |= 1 << list;
    if (this.visibleLists === this.serverLists) this.viewChanged(server, list, true);
  }

  listOff(key: number, time: number): void {
    if (key >= this.viewBase) {
      this.moveView(key - this.viewBase, -1);
      return;
    }
    const server = (key / this.lists) | 0;
    const list = key - server * this.lists;
    if (--this.listingDepth[key] > 0) return;
    this.serverLists[server] &= ~(1 << list);
    if (this.visibleLists === this.serverLists) this.viewChanged(server, list, false);
    if (this.serverLists[server] === 0) this.tally.addListedTime(server, this.listedSince[server], time);
  }

  /** A delayed listing (+1) or delisting (−1) reaches the receivers; overlapping intervals merge. */
  private moveView(key: number, step: number): void {
    const depth = this.visibleDepth as Int32Array;
    const server = (key / this.lists) | 0;
    const list = key - server * this.lists;
    const bit = 1 << list;
    depth[key] += step;
    if (depth[key] > 0) this.visibleLists[server] |= bit;
    else this.visibleLists[server] &= ~bit;
    this.viewChanged(server, list, depth[key] > 0);
  }

  /**
   * The operator's check (on the lists themselves, as their lookup pages answer, not through a
   * receiver's mirror or cache): a server is eligible until a check finds it listed, and again once
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
