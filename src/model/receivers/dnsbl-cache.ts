// Receivers' DNS caches of DNSBL answers (DESIGN §2, "Receivers see listings late"): a recipient
// domain that looked a relay up on a list keeps the answer for its TTL — "listed" for the
// positive TTL, "not listed" for the negative one (RFC 2308; DOMAIN.md) — so a listing's effect
// ramps up and a delisting's decays. One cache per recipient domain (its inbound MX's resolver).
import { DELIVERED, REJECTED_4XX, REJECTED_5XX } from "../codes.js";
import { ListingBoard } from "../listing-board.js";
import type { Tally } from "../tally.js";

const EMPTY = -1;

/**
 * Cached answers keyed by (domain, server, list), in an open-addressing hash table of typed
 * arrays (linear probing, at most half full, doubling): entries exist only for triples looked up,
 * so memory grows with the distinct lookups (at most domains × servers × cached lists), never
 * with the product up front. An expired entry is refreshed in place by the next lookup.
 */
export class AnswerCache {
  private keys = new Float64Array(1024).fill(EMPTY);
  private expires = new Float64Array(1024);
  private listed = new Uint8Array(1024);
  private mask = 1023;
  /** Entries in use (distinct triples looked up so far). */
  size = 0;

  /**
   * The answer a lookup of `key` gets at `time`: the cached one while it lasts; otherwise the
   * list's answer now (`listedNow`), cached until `time + ttl` for its kind. An entry made at t
   * with TTL T serves [t, t + T): a TTL of 0 caches nothing.
   */
  answer(key: number, time: number, listedNow: boolean, listedTtl: number, cleanTtl: number): boolean {
    let i = slot(key) & this.mask;
    for (;;) {
      const k = this.keys[i];
      if (k === key) {
        if (time < this.expires[i]) return this.listed[i] === 1;
        break;
      }
      if (k === EMPTY) {
        this.keys[i] = key;
        this.size++;
        break;
      }
      i = (i + 1) & this.mask;
    }
    this.listed[i] = listedNow ? 1 : 0;
    this.expires[i] = time + (listedNow ? listedTtl : cleanTtl);
    if (this.size * 2 > this.mask + 1) this.grow();
    return listedNow;
  }

  private grow(): void {
    const keys = this.keys;
    const expires = this.expires;
    const listed = this.listed;
    const capacity = keys.length * 2;
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.expires = new Float64Array(capacity);
    this.listed = new Uint8Array(capacity);
    this.mask = capacity - 1;
    for (let j = 0; j < keys.length; j++) {
      if (keys[j] === EMPTY) continue;
      let i = slot(keys[j]) & this.mask;
      while (this.keys[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keys[i] = keys[j];
      this.expires[i] = expires[j];
      this.listed[i] = listed[j];
    }
  }
}

/** A well-mixed 32-bit hash of an integer key below 2^53 (the low and high words, murmur3's finaliser). */
function slot(key: number): number {
  let h = (key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** TTLs per list, in `blacklists` order (seconds); a list with both at 0 is not cached. */
export interface ListTtls {
  listed: Float64Array;
  clean: Float64Array;
  /** Bit b set when list b's answers are cached. */
  cachedMask: number;
}

/**
 * The listing board as receivers with caches see it: an attempt's domain asks its lists in
 * `blacklists` order (as Postfix evaluates `reject_rbl_client` restrictions) and stops at the
 * first that answers "listed"; a cached list's answer comes from the domain's cache.
 */
export class CachingListingBoard extends ListingBoard {
  private readonly cache = new AnswerCache();
  /**
   * rejectingServers reads the lists' view, not the caches outcome() answers from, so it cannot
   * stand for outcome() here (shadowProblem refuses cached answers besides).
   */
  override readonly serversInMasks = false;
  /** A cached answer depends on the time it is asked, and asking moves the cache. */
  override readonly outcomeBetweenListings = false;
  /** The bit of the list that decided the last outcome (0 when delivered), for rejectingList. */
  private lastMatching = 0;

  constructor(
    private readonly servers: number,
    lists: number,
    domainLists: Int32Array,
    tempfailMask: number,
    tally: Tally,
    delayedView: boolean,
    private readonly ttls: ListTtls,
  ) {
    super(servers, lists, domainLists, tempfailMask, tally, delayedView);
  }

  /** Distinct (domain, relay, list) answers cached so far. */
  get cachedAnswers(): number {
    return this.cache.size;
  }

  override outcome(domain: number, server: number, time: number): number {
    const visible = this.visibleLists[server];
    let rest = this.domainLists[domain];
    let matching = 0;
    while (rest !== 0) {
      const bit = rest & -rest;
      rest ^= bit;
      let listed = (visible & bit) !== 0;
      if ((this.ttls.cachedMask & bit) !== 0) {
        const list = 31 - Math.clz32(bit);
        const key = (domain * this.servers + server) * this.lists + list;
        listed = this.cache.answer(key, time, listed, this.ttls.listed[list], this.ttls.clean[list]);
      }
      if (listed) {
        matching = bit;
        break;
      }
    }
    this.lastMatching = matching;
    if (matching === 0) return DELIVERED;
    return (matching & this.tempfailMask) !== 0 ? REJECTED_4XX : REJECTED_5XX;
  }

  /** The list that decided the last outcome (called right after it, for the attempt record). */
  override rejectingList(_domain: number, _server: number): number {
    return this.lastMatching === 0 ? -1 : 31 - Math.clz32(this.lastMatching);
  }
}
