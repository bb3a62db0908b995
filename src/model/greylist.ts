// Receivers that greylist, postgrey-style (DESIGN §2 "Greylisting", DOMAIN.md "Greylisting"): the
// first attempt of a (client, sender, recipient) triplet gets 451 4.7.1; an attempt of the same
// triplet at least `delay` after it was first seen passes, and so does every later one while the
// triplet is remembered; a retry from another client is another triplet and starts over. A client
// that passed `autoWhitelist` times (at most one an hour) skips greylisting at that receiver.
// This is postgrey's smtpd_access_policy, step for step; its hourly maintenance (forgetting
// entries not seen for maxAge, and unpassed ones whose first retry came too late) is applied at
// each lookup, which decides the same, and a purge reclaims the memory of forgotten entries.
// Built only when a scenario has `greylisting`: without it the model holds null and pays one test.
import type { Random } from "../engine/index.js";
import type { Greylisting } from "../scenario/schema.js";
import { DELIVERED, GREYLISTED } from "./codes.js";
import { grown } from "./grown.js";

/** postgrey counts at most one auto-whitelist pass per client an hour. */
const AWL_INTERVAL = 3600;
/**
 * Times are float seconds (postgrey's are integers): a retry scheduled exactly `delay` after the
 * first attempt, at arrival + age, may compute a hair below it; it passes as in postgrey.
 */
const EPS = 1e-6;
/** Purge forgotten entries when a table has doubled since the last purge (amortised O(1)). */
const MIN_PURGE_SIZE = 4096;

/** Entries keyed by a packed integer, with two times and a count per entry, struct-of-arrays. */
class Table {
  readonly slots = new Map<number, number>();
  first = new Float64Array(64);
  last = new Float64Array(64);
  count = new Int32Array(64);
  private free: number[] = [];
  private used = 0;
  purgeAt = MIN_PURGE_SIZE;

  add(key: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.first.length) this.grow(this.used * 2);
      slot = this.used++;
    }
    this.slots.set(key, slot);
    this.count[slot] = 0;
    return slot;
  }

  /** Drop the entries `forgotten` says are forgotten at `now`. */
  purge(now: number, forgotten: (slot: number, now: number) => boolean): void {
    for (const [key, slot] of this.slots) {
      if (forgotten(slot, now)) {
        this.slots.delete(key);
        this.free.push(slot);
      }
    }
    this.purgeAt = Math.max(MIN_PURGE_SIZE, 2 * this.slots.size);
  }

  private grow(capacity: number): void {
    this.first = grown(this.first, capacity);
    this.last = grown(this.last, capacity);
    this.count = grown(this.count, capacity);
  }
}

export class Greylist {
  /** 1 for each recipient domain whose receiver greylists, drawn once per replication. */
  readonly greylists: Uint8Array;
  private readonly delay: number;
  private readonly retryWindow: number;
  private readonly maxAge: number;
  private readonly autoWhitelist: number;
  /** Clients in the triplet: each relay ("host") or the whole pool as one /24 ("subnet"). */
  private readonly clients: number;
  private readonly perMessage: boolean;
  private readonly domains: number;
  private readonly servers: number;
  /** Triplets: first seen, last seen. */
  private readonly triplets = new Table();
  /** Auto-whitelist per (relay, domain): passes counted, last counted. */
  private readonly awl = new Table();
  private readonly forgetTriplet = (slot: number, now: number) => this.tripletForgotten(slot, now);
  private readonly forgetClient = (slot: number, now: number) => now - this.awl.last[slot] > this.maxAge;

  constructor(spec: Greylisting, domains: number, servers: number, random: Random) {
    this.delay = spec.delay;
    this.retryWindow = spec.retryWindow;
    this.maxAge = spec.maxAge;
    this.autoWhitelist = spec.autoWhitelist;
    this.clients = spec.lookup === "host" ? servers : 1;
    this.perMessage = spec.recipient === "per-message";
    this.domains = domains;
    this.servers = servers;
    this.greylists = drawGreylisting(domains, spec.domains, spec.exceptTop, random);
  }

  /**
   * The greylisting receiver's answer to an attempt that no list rejected: DELIVERED or
   * GREYLISTED. `message` is the message's number in the replication (the triplet's recipient
   * under "per-message").
   */
  check(sender: number, domain: number, server: number, message: number, now: number): number {
    if (this.greylists[domain] === 0) return DELIVERED;
    // Auto-whitelisted client (postgrey keys it by the client's full address).
    let client = -1;
    if (this.autoWhitelist > 0) {
      const awl = this.awl;
      const slot = awl.slots.get(domain * this.servers + server);
      if (slot !== undefined && !(now - awl.last[slot] > this.maxAge)) {
        client = slot;
        if (awl.count[slot] >= this.autoWhitelist) {
          if (now >= awl.last[slot] + AWL_INTERVAL) {
            awl.count[slot]++;
            awl.last[slot] = now;
          }
          return DELIVERED;
        }
      } else if (slot !== undefined) {
        awl.count[slot] = 0;
        client = slot;
      }
    }
    const t = this.triplets;
    const key = this.tripletKey(sender, domain, server, message);
    let slot = t.slots.get(key);
    let first = now;
    let lastWasSuccessful = false;
    if (slot !== undefined && !(now - t.last[slot] > this.maxAge)) {
      first = t.first[slot];
      if (t.last[slot] - first + EPS >= this.delay) lastWasSuccessful = true;
      // The first retry came after the retry window: the triplet starts over.
      else if (now - first > this.retryWindow) first = now;
    } else if (slot === undefined) {
      if (t.slots.size >= t.purgeAt) t.purge(now, this.forgetTriplet);
      slot = t.add(key);
    }
    t.first[slot] = first;
    t.last[slot] = now;
    const passed = now - first + EPS >= this.delay;
    if (passed && !lastWasSuccessful && this.autoWhitelist > 0) this.countPass(client, domain, server, now);
    return passed ? DELIVERED : GREYLISTED;
  }

  /** Entries in the triplet table (for tests of its memory). */
  get size(): number {
    return this.triplets.slots.size;
  }

  private countPass(client: number, domain: number, server: number, now: number): void {
    const awl = this.awl;
    let slot = client;
    if (slot < 0) {
      if (awl.slots.size >= awl.purgeAt) awl.purge(now, this.forgetClient);
      slot = awl.add(domain * this.servers + server);
      awl.last[slot] = Number.NEGATIVE_INFINITY;
    }
    if (now >= awl.last[slot] + AWL_INTERVAL) {
      awl.count[slot]++;
      awl.last[slot] = now;
    }
  }

  private tripletKey(sender: number, domain: number, server: number, message: number): number {
    const client = this.clients === 1 ? 0 : server;
    const recipient = this.perMessage ? message : sender * this.domains + domain;
    return recipient * this.clients + client;
  }

  /** postgrey's maintenance: not seen for maxAge, or never passed and past the retry window. */
  private tripletForgotten(slot: number, now: number): boolean {
    const t = this.triplets;
    const last = t.last[slot];
    if (now - last > this.maxAge) return true;
    return last - t.first[slot] + EPS < this.delay && now - t.first[slot] > this.retryWindow;
  }
}

/**
 * Which domains greylist: each with probability `share`, independently, except the `exceptTop`
 * most popular (domain 0 is the most popular), drawn from the "greylisting" stream in domain order.
 */
function drawGreylisting(domains: number, share: number, exceptTop: number, random: Random): Uint8Array {
  const greylists = new Uint8Array(domains);
  for (let d = 0; d < domains; d++) {
    const draw = random.next();
    if (d >= exceptTop && draw < share) greylists[d] = 1;
  }
  return greylists;
}
