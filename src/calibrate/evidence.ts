// What calibration learns from the log lines, in one pass over the files when their lines come
// in time order, else two.
// Pass 1 joins each message's lines while it is in flight (memory: messages in flight, plus
// bounded tables of relays, senders, domains and lists) and collects: each relay's traffic,
// each list's rejections per relay (→ listing windows), which domains were seen consulting a
// list, the balancer's picks (first attempts of each submission, capped), MTA retry ages,
// and bounces. In time order it also measures each window's bounds and each list's exposure
// (domains that got mail through a relay while it was listed; exposure.ts) and the user
// resends (a bounce is read before its resend). A log out of time order (files given newest
// first, one file per relay) needs pass 2: with the windows and bounces known, it measures
// those again from the start.
import { type Classification, classifyReply } from "../classify/replies.js";
import { OnlineExposure, WINDOW_GAP } from "./exposure.js";
import { Column } from "./growable.js";
import { detach, domainOfLower, type LineEvent } from "./line-event.js";

export { WINDOW_GAP };

/** Caps that keep memory bounded whatever the log's size. */
export const LIMITS = {
  /** Messages in flight (a log cut mid-way leaves messages open: the oldest are dropped). */
  inFlight: 2_000_000,
  /** Balancer picks kept for the policy test (the first ones in reading order): ample for its tests. */
  picks: 250_000,
  /** Retry ages kept (the first ones). */
  samples: 100_000,
  /** Distinct senders and domains tracked. */
  keys: 2_000_000,
  /** Distinct (sender, recipient) keys of bounces tracked for user resends. */
  bounceKeys: 50_000,
  /** Unparsed lines shown as samples. */
  unparsedSamples: 5,
};

/** Bits of Evidence's filter of bounced recipients (128 KiB: a few per cent of false hits at the cap of bounce keys). */
const BOUNCE_FILTER_BITS = 1 << 20;

/**
 * A recipient's fingerprint for the filter of bounced recipients: its domain's index (−1 for
 * one not indexed: the same for the same recipient throughout pass 1), its length and its first
 * four characters (cheap to read from a cut string, unlike its hash).
 */
function bounceFingerprint(domain: number, recipient: string): number {
  const n = recipient.length;
  let h = Math.imul(domain ^ (n << 20), 0x9e3779b1);
  if (n > 0) h = Math.imul(h ^ recipient.charCodeAt(0), 0x85ebca6b);
  if (n > 1) h = Math.imul(h ^ recipient.charCodeAt(1), 0xc2b2ae35);
  if (n > 2) h = Math.imul(h ^ recipient.charCodeAt(2), 0x9e3779b1);
  if (n > 3) h = Math.imul(h ^ recipient.charCodeAt(3), 0x85ebca6b);
  h ^= h >>> 15;
  return h & (BOUNCE_FILTER_BITS - 1);
}

/** Is fingerprint `f`'s bit set? */
function maybeIn(filter: Uint8Array, f: number): boolean {
  return (filter[f >> 3] & (1 << (f & 7))) !== 0;
}

/** Evidence.add's `name` when the caller does not know the index. */
export const NAME_UNKNOWN = -2;

/** A resend counts only if it comes within this wait of the bounce. */
export const RESEND_HORIZON = 7 * 86_400;

interface RcptState {
  first: number;
  lastStatus: LineEvent["status"];
}

/**
 * A queue's messages are copied into a fresh Map after this many new messages (plus twice the
 * messages in flight, so the copies cost O(1) a message). A Map that has lived long sits in
 * V8's old generation, and V8 then allocates its hash tables there too: every message added
 * and removed would grow, rehash or shrink an old table, leaving ~100 bytes of old garbage a
 * message (most of what the evidence's heap grew by between full collections). A young Map's
 * tables die young.
 */
const RENEW_MAP = 256;

/** A queue's messages in flight, and how many were added since its Map was last renewed. */
interface Scope {
  messages: Map<string, Message>;
  added: number;
}

interface Message {
  sender: number;
  rcpts: Map<string, RcptState> | null;
  /** Single-recipient fast path. */
  rcpt: string;
  state: RcptState | null;
}

export interface RelayStats {
  key: string;
  index: number;
  attempts: number;
  picks: number;
  delivered: number;
  rejected: number;
  /** Outgoing address: Exim's I=, or votes from replies that name a client address. */
  address: string;
  votes: Map<string, number>;
}

/** A listing window on one relay: rejections by the list from `first` to `last`. */
export interface Window {
  relay: number;
  first: number;
  last: number;
  rejections: number;
  /** Last delivery through the relay to a domain known to consult the list before `first` (−Infinity if none). */
  cleanBefore: number;
  /** First such delivery after `last` (+Infinity if none). */
  cleanAfter: number;
  /** Deliveries to known subscribers inside [first, last]: evidence that the window is really several. */
  contradictions: number;
}

export interface ListStats {
  id: string;
  index: number;
  rejections: number;
  permanent: number;
  temporary: number;
  classification: Classification["class"];
  /** Per relay: the rejections merged into windows as they come (sorted, disjoint, gaps > WINDOW_GAP). */
  times: Map<number, Cluster[]>;
  /** Domains seen rejecting with this list (pass 1). */
  subscriberDomains: Set<number>;
  windows: Window[];
  /** Pass 2: domains that got mail through a listed relay → whether they rejected (1) or accepted (0). */
  exposed: Map<number, { rejected: number; accepted: number }>;
}

/** Rejections of one list on one relay, each within WINDOW_GAP of the next. */
export interface Cluster {
  first: number;
  last: number;
  rejections: number;
}

/**
 * Add a rejection at t to a relay's clusters: the same windows as sorting every rejection time
 * and splitting where consecutive ones lie more than WINDOW_GAP apart, in memory that grows with
 * the windows, not the rejections.
 */
export function addToClusters(clusters: Cluster[], t: number): void {
  let lo = 0;
  let hi = clusters.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (clusters[mid].first <= t) lo = mid + 1;
    else hi = mid;
  }
  const prev = lo > 0 ? clusters[lo - 1] : null;
  const next = lo < clusters.length ? clusters[lo] : null;
  const joinPrev = prev !== null && t - prev.last <= WINDOW_GAP;
  const joinNext = next !== null && next.first - t <= WINDOW_GAP;
  if (joinPrev && joinNext) {
    const p = prev as Cluster;
    const n = next as Cluster;
    p.last = n.last;
    p.rejections += n.rejections + 1;
    clusters.splice(lo, 1);
  } else if (joinPrev) {
    const p = prev as Cluster;
    if (t > p.last) p.last = t;
    p.rejections++;
  } else if (joinNext) {
    const n = next as Cluster;
    n.first = t;
    n.rejections++;
  } else {
    clusters.splice(lo, 0, { first: t, last: t, rejections: 1 });
  }
}

export interface Unparsed {
  count: number;
  samples: { file: string; line: number; text: string }[];
}

export class Evidence {
  lines = 0;
  unparsed: Unparsed = { count: 0, samples: [] };
  attempts = 0;
  minTime = Number.POSITIVE_INFINITY;
  maxTime = Number.NEGATIVE_INFINITY;

  readonly relays = new Map<string, RelayStats>();
  readonly relayList: RelayStats[] = [];
  readonly senders = new Map<string, number>();
  readonly domains = new Map<string, number>();
  /** Balancer picks per domain and per sender (index → count), all of them, not just those kept. */
  domainPicks: number[] = [];
  /**
   * Pass 2: new messages per domain — the picks less the users' resends (a resend repeats its
   * bounce's recipient, so counting it would weigh the domains that reject twice): the counts
   * the recipients' Zipf exponent is fitted to.
   */
  domainMessages: number[] = [];
  senderPicks: number[] = [];
  readonly lists = new Map<string, ListStats>();
  readonly replyClasses = new Map<string, number>();
  /** Status counts of attempts. */
  readonly statuses = { sent: 0, deferred: 0, bounced: 0, expired: 0 };
  /** Blocklist 5xx replies the MTA deferred (requeued) and those it bounced. */
  readonly block5xx = { deferred: 0, bounced: 0 };

  /** Balancer picks (first attempt of each submission): time, relay, sender. */
  readonly pickTime = new Column(LIMITS.picks);
  readonly pickRelay = new Column(LIMITS.picks);
  readonly pickSender = new Column(LIMITS.picks);
  picks = 0;
  /** Ages (since the first attempt) of retries after a deferral. */
  readonly retryAges = new Column(LIMITS.samples);

  /** Bounce times per (sender, recipient). */
  readonly bounces = new Map<string, number[]>();
  /** Recipients of those bounces: pass 2 looks a submission's key up only for these. */
  private readonly bouncedRecipients = new Set<string>();
  /** 1 for the domains of those recipients: most submissions need no look-up in the set. */
  private bouncedDomains = new Uint8Array(1024);
  /**
   * Pass 1: a bit per fingerprint (bounceFingerprint) of those recipients with their domains'
   * indices: a clear bit means not bounced, so most submissions to a domain with bounces need no
   * look-up in the set (which hashes the freshly cut recipient) either.
   */
  private readonly bounceFilter = new Uint8Array(BOUNCE_FILTER_BITS >> 3);
  /** The lists, as an array for pass 2's per-attempt loop. */
  private listArray: ListStats[] = [];
  bounceCount = 0;

  // Pass 2 results.
  /** Per bounce key: the wait to the first resend after each bounce (Infinity if none). */
  readonly resendWaits = new Map<string, number[]>();
  /** Submissions per bounce key: the first bounced message and every submission after its bounce. */
  readonly submissionsPerKey = new Map<string, number>();
  /** Resends found in pass 1 per domain (in time order): `domainMessages` is the picks less these. */
  private resendsPerDomain: number[] = [];

  /** Have the attempts come in time order so far (then pass 1 measured what pass 2 would)? */
  ordered = true;
  private online: OnlineExposure | null = new OnlineExposure();

  /** Messages in flight by scope, then message id (no joined key string per line). */
  private inFlight = new Map<string, Scope>();
  private inFlightCount = 0;
  private lastScope = "";
  private lastScopeMessages: Scope | null = null;
  private lastRelay: RelayStats | null = null;
  private pass: 1 | 2 = 1;

  /**
   * End pass 1: true when a second pass is needed (the attempts came out of time order); else
   * the windows, exposures and resends are complete and `startPass2` must not be called.
   */
  endPass1(): boolean {
    if (!this.ordered || this.online === null) return true;
    this.online.finish(this.lists.values());
    this.online = null;
    this.domainMessages = this.domainPicks.slice();
    this.resendsPerDomain.forEach((n, d) => {
      this.domainMessages[d] = Math.max(0, this.domainMessages[d] - n);
    });
    return false;
  }

  /** Start pass 2 (after every file went through pass 1): builds the listing windows and measures again. */
  startPass2(): void {
    this.pass = 2;
    this.online = null;
    this.resendWaits.clear();
    this.submissionsPerKey.clear();
    for (const list of this.lists.values()) list.exposed = new Map();
    this.inFlight = new Map();
    this.inFlightCount = 0;
    this.lastScopeMessages = null;
    for (const list of this.lists.values()) list.windows = buildWindows(list);
    this.listArray = [...this.lists.values()];
    this.domainMessages = this.domainPicks.slice();
    for (const [key, times] of this.bounces) {
      times.sort((a, b) => a - b);
      this.submissionsPerKey.set(key, 1);
      this.resendWaits.set(
        key,
        times.map(() => Number.POSITIVE_INFINITY),
      );
    }
  }

  /** Count a line that no parser understood (with a few samples). */
  noteUnparsed(file: string, lineNumber: number, text: string): void {
    if (this.pass === 2) return;
    this.unparsed.count++;
    if (this.unparsed.samples.length < LIMITS.unparsedSamples) {
      this.unparsed.samples.push({ file, line: lineNumber, text: detach(text.slice(0, 200)) });
    }
  }

  /**
   * Feed one parsed line; `name` is the index of an arrival's sender (from `senderIndex`) or of an
   * attempt's recipient domain (from `domainIndex`) when the caller knows it, else NAME_UNKNOWN.
   */
  add(e: LineEvent, name = NAME_UNKNOWN): void {
    if (this.pass === 1) this.lines++;
    switch (e.kind) {
      case "arrival":
        this.arrival(e, name);
        return;
      case "attempt":
        this.attempt(e, name);
        return;
      case "done": {
        if (this.scopeMessages(e.scope).messages.delete(e.message)) this.inFlightCount--;
        return;
      }
      default:
        return;
    }
  }

  private relay(key: string): RelayStats {
    const last = this.lastRelay;
    if (last !== null && last.key === key) return last;
    let r = this.relays.get(key);
    if (r === undefined) {
      key = detach(key);
      r = {
        key,
        index: this.relayList.length,
        attempts: 0,
        picks: 0,
        delivered: 0,
        rejected: 0,
        address: "",
        votes: new Map(),
      };
      this.relays.set(key, r);
      this.relayList.push(r);
    }
    this.lastRelay = r;
    return r;
  }

  private index(map: Map<string, number>, key: string): number {
    let i = map.get(key);
    if (i === undefined) {
      if (map.size >= LIMITS.keys) return -1;
      i = map.size;
      map.set(detach(key), i);
    }
    return i;
  }

  /** The index of a sender (lower-cased) as an arrival of it would get it; −1 past LIMITS.keys. */
  senderIndex(sender: string): number {
    return this.index(this.senders, sender);
  }

  /**
   * The index of a recipient domain (lower-cased) as an attempt to it would get it now: −1 past
   * LIMITS.keys, or in pass 2 for a domain pass 1 did not see.
   */
  domainIndex(domain: string): number {
    return this.pass === 1 ? this.index(this.domains, domain) : (this.domains.get(domain) ?? -1);
  }

  /** The messages in flight in one scope (a relay's queue). */
  private scopeMessages(scope: string): Scope {
    if (scope === this.lastScope && this.lastScopeMessages !== null) return this.lastScopeMessages;
    let messages = this.inFlight.get(scope);
    if (messages === undefined) {
      // (Renewed at its first message, a one-entry copy: the renewal's code runs before it is
      // compiled, so reaching it later does not deoptimise the compiled feeding loop.)
      messages = { messages: new Map(), added: RENEW_MAP };
      this.inFlight.set(detach(scope), messages);
    }
    this.lastScope = scope;
    this.lastScopeMessages = messages;
    return messages;
  }

  /** The message in flight (created if new). */
  private message(scope: string, id: string): Message {
    const s = this.scopeMessages(scope);
    const messages = s.messages;
    let m = messages.get(id);
    if (m === undefined) {
      if (this.inFlightCount >= LIMITS.inFlight) {
        // A log cut mid-way leaves messages open: drop the oldest (of this queue, else of the first).
        let from = messages;
        if (from.size === 0)
          for (const other of this.inFlight.values()) if (other.messages.size > 0) from = other.messages;
        const oldest = from.keys().next().value;
        if (oldest !== undefined) {
          from.delete(oldest);
          this.inFlightCount--;
        }
      }
      m = { sender: -1, rcpts: null, rcpt: "", state: null };
      messages.set(detach(id), m);
      this.inFlightCount++;
      if (++s.added >= RENEW_MAP + 2 * messages.size) {
        // A fresh copy (same entries, same order), young again: see RENEW_MAP.
        s.messages = new Map(messages);
        s.added = 0;
      }
    }
    return m;
  }

  private arrival(e: LineEvent, sender: number): void {
    const m = this.message(e.scope, e.message);
    m.sender = sender !== NAME_UNKNOWN ? sender : this.index(this.senders, e.sender);
  }

  private list(id: string, c: Classification): ListStats {
    let l = this.lists.get(id);
    if (l === undefined) {
      l = {
        id: detach(id),
        index: this.lists.size,
        rejections: 0,
        permanent: 0,
        temporary: 0,
        classification: c.class,
        times: new Map(),
        subscriberDomains: new Set(),
        windows: [],
        exposed: new Map(),
      };
      this.lists.set(l.id, l);
    }
    return l;
  }

  private attempt(e: LineEvent, name: number): void {
    const m = this.message(e.scope, e.message);
    // The recipient's state: is this the submission's first attempt (a balancer pick) or a retry?
    let state: RcptState | undefined;
    if (m.state === null) {
      m.rcpt = detach(e.recipient);
      m.state = { first: e.time, lastStatus: e.status };
    } else if (m.rcpt === e.recipient) {
      state = m.state;
    } else {
      m.rcpts ??= new Map();
      state = m.rcpts.get(e.recipient);
      if (state === undefined) m.rcpts.set(detach(e.recipient), { first: e.time, lastStatus: e.status });
    }
    const first = state === undefined;
    const relay = this.relay(e.relay);
    const rejected = e.status === "bounced" || e.status === "deferred" || e.status === "expired";
    const c = rejected && e.reply !== "" ? classifyReply(e.reply, e.status !== "deferred") : null;
    const isBlock = c !== null && (c.class === "blocklist" || c.class === "provider-block") && c.list !== null;
    if (this.pass === 2) {
      this.pass2(e, m, first, relay, isBlock ? (c as Classification) : null, name);
      if (state !== undefined) state.lastStatus = e.status;
      return;
    }
    const domain = name !== NAME_UNKNOWN ? name : this.index(this.domains, domainOfLower(e.recipient));
    this.attempts++;
    this.statuses[e.status]++;
    if (e.time < this.minTime) this.minTime = e.time;
    if (e.time > this.maxTime) this.maxTime = e.time;
    else if (e.time < this.maxTime && this.ordered) {
      this.ordered = false;
      this.online = null;
    }
    const online = this.online;
    if (online !== null && domain >= 0 && e.status === "sent") online.delivery(relay.index, e.time, domain);
    if (
      first &&
      online !== null &&
      (domain < 0 || (domain < this.bouncedDomains.length && this.bouncedDomains[domain] === 1)) &&
      maybeIn(this.bounceFilter, bounceFingerprint(domain, e.recipient)) &&
      this.bouncedRecipients.has(e.recipient)
    ) {
      this.resend(e, m.sender, domain);
    }
    relay.attempts++;
    if (e.relayAddress && e.relayAddress !== relay.address) relay.address = detach(e.relayAddress);
    if (e.status === "sent") relay.delivered++;
    else relay.rejected++;
    if (first) {
      relay.picks++;
      this.picks++;
      if (domain >= 0) this.domainPicks[domain] = (this.domainPicks[domain] ?? 0) + 1;
      if (m.sender >= 0) this.senderPicks[m.sender] = (this.senderPicks[m.sender] ?? 0) + 1;
      if (this.pickTime.push(e.time)) {
        this.pickRelay.push(relay.index);
        this.pickSender.push(m.sender);
      }
    } else if (state?.lastStatus === "deferred") {
      this.retryAges.push(e.time - state.first);
    }
    if (state !== undefined) state.lastStatus = e.status;
    if (c !== null) this.replyClasses.set(c.class, (this.replyClasses.get(c.class) ?? 0) + 1);
    if (isBlock) {
      const cl = c as Classification;
      const list = this.list(cl.list as string, cl);
      if (cl.permanent === true && e.status === "deferred") this.block5xx.deferred++;
      else if (cl.permanent === true && e.status === "bounced") this.block5xx.bounced++;
      list.rejections++;
      if (cl.permanent === false) list.temporary++;
      else list.permanent++;
      let clusters = list.times.get(relay.index);
      if (clusters === undefined) {
        clusters = [];
        list.times.set(relay.index, clusters);
      }
      addToClusters(clusters, e.time);
      if (online !== null) online.rejection(list, relay.index, e.time, domain);
      if (domain >= 0) list.subscriberDomains.add(domain);
      if (cl.ip) relay.votes.set(relay.votes.has(cl.ip) ? cl.ip : detach(cl.ip), (relay.votes.get(cl.ip) ?? 0) + 1);
    }
    if (e.status === "bounced" || e.status === "expired") {
      const bounceKey = `${m.sender}\u0000${e.recipient}`;
      let times = this.bounces.get(bounceKey);
      if (times === undefined) {
        if (this.bounces.size >= LIMITS.bounceKeys) return;
        times = [];
        const key = detach(bounceKey);
        this.bounces.set(key, times);
        this.bouncedRecipients.add(detach(e.recipient));
        const f = bounceFingerprint(domain, e.recipient);
        this.bounceFilter[f >> 3] |= 1 << (f & 7);
        if (domain >= 0) {
          // (A typed array grown by doubling: a holey array grown by index deoptimised this code.)
          if (domain >= this.bouncedDomains.length) {
            const grown = new Uint8Array(Math.max(2 * this.bouncedDomains.length, domain + 1));
            grown.set(this.bouncedDomains);
            this.bouncedDomains = grown;
          }
          this.bouncedDomains[domain] = 1;
        }
        if (online !== null) {
          this.resendWaits.set(key, []);
          this.submissionsPerKey.set(key, 1);
        }
      }
      if (times.length < 1000) {
        times.push(e.time);
        if (online !== null) this.resendWaits.get(bounceKey)?.push(Number.POSITIVE_INFINITY);
        this.bounceCount++;
      }
    }
  }

  /** Pass 1 in time order: a submission to a recipient that bounced before; is it a resend? */
  private resend(e: LineEvent, sender: number, domain: number): void {
    const key = `${sender}\u0000${e.recipient}`;
    const times = this.bounces.get(key);
    if (times === undefined) return;
    // The bounced message (1, set at the bounce) and every submission after the first bounce.
    if (e.time > times[0]) this.submissionsPerKey.set(key, (this.submissionsPerKey.get(key) ?? 1) + 1);
    // The latest bounce before this submission (bounces so far are in time order).
    let b = times.length - 1;
    while (b >= 0 && times[b] >= e.time) b--;
    if (b >= 0 && e.time - times[b] <= RESEND_HORIZON) {
      const waits = this.resendWaits.get(key) as number[];
      waits[b] = Math.min(waits[b], e.time - times[b]);
      if (domain >= 0) this.resendsPerDomain[domain] = (this.resendsPerDomain[domain] ?? 0) + 1;
    }
  }

  private pass2(
    e: LineEvent,
    m: Message,
    first: boolean,
    relay: RelayStats,
    c: Classification | null,
    name: number,
  ): void {
    // The domain's index only when a list has windows on this relay (most attempts need none).
    let domain = name;
    const lists = this.listArray;
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l];
      if (list.windows.length === 0 || !list.times.has(relay.index)) continue;
      if (domain === NAME_UNKNOWN) domain = this.domains.get(domainOfLower(e.recipient)) ?? -1;
      const w = windowAt(list.windows, relay.index, e.time);
      const rejectedHere = c !== null && c.list === list.id;
      if (w !== null && e.time >= w.first && e.time <= w.last) {
        // Inside a window: the relay is listed. A rejection by this list, or a delivery, says
        // whether the domain consults it; a rejection by another list says nothing.
        if (domain < 0) continue;
        if (rejectedHere || e.status === "sent") {
          let x = list.exposed.get(domain);
          if (x === undefined) {
            x = { rejected: 0, accepted: 0 };
            list.exposed.set(domain, x);
          }
          if (rejectedHere) x.rejected++;
          else x.accepted++;
          if (!rejectedHere && list.subscriberDomains.has(domain)) w.contradictions++;
        }
      } else if (e.status === "sent" && domain >= 0 && list.subscriberDomains.has(domain)) {
        // A delivery to a known subscriber through this relay: the relay was clean then.
        const before = windowAfter(list.windows, relay.index, e.time);
        if (before !== null && e.time > before.cleanBefore) before.cleanBefore = e.time;
        const after = windowBefore(list.windows, relay.index, e.time);
        if (after !== null && e.time < after.cleanAfter) after.cleanAfter = e.time;
      }
    }
    if (first && this.bouncedRecipients.has(e.recipient)) {
      const key = `${m.sender}\u0000${e.recipient}`;
      const times = this.bounces.get(key);
      if (times !== undefined) {
        // The bounced message (1, set in startPass2) and every submission after the first bounce.
        if (e.time > times[0]) this.submissionsPerKey.set(key, (this.submissionsPerKey.get(key) ?? 1) + 1);
        // The latest bounce before this submission: this may be its resend.
        let lo = 0;
        let hi = times.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (times[mid] < e.time) lo = mid + 1;
          else hi = mid;
        }
        const b = lo - 1;
        if (b >= 0 && e.time - times[b] <= RESEND_HORIZON) {
          const waits = this.resendWaits.get(key) as number[];
          waits[b] = Math.min(waits[b], e.time - times[b]);
          const d = name !== NAME_UNKNOWN ? name : (this.domains.get(domainOfLower(e.recipient)) ?? -1);
          if (d >= 0 && this.domainMessages[d] > 0) this.domainMessages[d]--;
        }
      }
    }
  }
}

/** A list's windows on every relay, from its rejections' clusters. */
function buildWindows(list: ListStats): Window[] {
  const windows: Window[] = [];
  for (const [relay, clusters] of list.times) {
    for (const c of clusters) {
      windows.push({
        relay,
        first: c.first,
        last: c.last,
        rejections: c.rejections,
        cleanBefore: Number.NEGATIVE_INFINITY,
        cleanAfter: Number.POSITIVE_INFINITY,
        contradictions: 0,
      });
    }
  }
  windows.sort((a, b) => a.relay - b.relay || a.first - b.first);
  return windows;
}

/** The relay's last window starting at or before t (windows sorted by relay, then start). */
function windowAt(windows: Window[], relay: number, t: number): Window | null {
  let lo = 0;
  let hi = windows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const w = windows[mid];
    if (w.relay < relay || (w.relay === relay && w.first <= t)) lo = mid + 1;
    else hi = mid;
  }
  const w = windows[lo - 1];
  return w !== undefined && w.relay === relay ? w : null;
}

/** The relay's first window starting after t. */
function windowAfter(windows: Window[], relay: number, t: number): Window | null {
  const at = windowAt(windows, relay, t);
  const i = at === null ? windows.findIndex((w) => w.relay === relay) : windows.indexOf(at) + 1;
  const w = windows[i];
  return i >= 0 && w !== undefined && w.relay === relay && w.first > t ? w : null;
}

/** The relay's last window ending before t. */
function windowBefore(windows: Window[], relay: number, t: number): Window | null {
  const w = windowAt(windows, relay, t);
  return w !== null && w.last < t ? w : null;
}
