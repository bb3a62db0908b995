// Each list's exposure and its windows' bounds measured in the one pass that also finds the
// windows, when the log is read in time order (as a syslog file, or a generated log, is).
// What the second pass measured with the windows known, this keeps in structures bounded by the
// windows and the domains, not by the log: per list and relay (a "track"), the deliveries since
// its latest rejection (per domain: first and last time, count). A later rejection within
// WINDOW_GAP puts them inside the window; one further away (or the log's end) makes them the
// gap between two windows, where the first and last deliveries to each domain bound the windows'
// end and onset. Which domains are subscribers is known only at the end, so each window keeps
// its per-domain candidates and they are resolved then. Deliveries in the same second as a
// rejection count as after it (sorting puts a rejection's own second inside its window), so a
// relay's deliveries of its latest second are held until its clock moves on.
import type { ListStats, Window } from "./evidence.js";

/** Rejections further apart than this start a new listing window (no delivery to a subscriber in between needed). */
export const WINDOW_GAP = 6 * 3600;

interface Pending {
  first: number;
  last: number;
  count: number;
  /** Read order of the first of these deliveries (to order the exposure table as a second pass would). */
  seq: number;
}

interface OnlineWindow {
  first: number;
  last: number;
  rejections: number;
  /** Deliveries inside, per domain. */
  inside: Map<number, number>;
  /** Last delivery before the window (after the previous one) per domain; the first window's is the relay's history. */
  before: Map<number, number> | Float64Array;
  /** First delivery after the window (before the next one) per domain. */
  after: Map<number, number>;
}

interface Track {
  list: ListStats;
  relay: number;
  windows: OnlineWindow[];
  /** Time of the latest rejection. */
  latest: number;
  pending: Map<number, Pending>;
}

interface RelayState {
  tracks: Track[];
  /** Time of the last delivery to each domain (NaN: none yet): the first window's onset bound. */
  lastDelivery: Float64Array;
  heldTime: number;
  /** Deliveries of the relay's latest second (domain, read order), the first `heldCount`. */
  held: number[];
  heldSeq: number[];
  heldCount: number;
}

/** Per list, per domain: rejected and accepted attempts inside the list's windows, and the read order of the first. */
interface Exposed {
  rejected: number;
  accepted: number;
  seq: number;
}

export class OnlineExposure {
  private readonly relays: RelayState[] = [];
  private readonly exposed = new Map<ListStats, Map<number, Exposed>>();
  private seq = 0;

  private relayState(relay: number): RelayState {
    while (this.relays.length <= relay) {
      this.relays.push({
        tracks: [],
        lastDelivery: new Float64Array(0),
        heldTime: Number.NaN,
        held: [],
        heldSeq: [],
        heldCount: 0,
      });
    }
    return this.relays[relay];
  }

  private exposure(list: ListStats, domain: number, seq: number): Exposed {
    let byDomain = this.exposed.get(list);
    if (byDomain === undefined) {
      byDomain = new Map();
      this.exposed.set(list, byDomain);
    }
    let x = byDomain.get(domain);
    if (x === undefined) {
      x = { rejected: 0, accepted: 0, seq };
      byDomain.set(domain, x);
    } else if (seq < x.seq) x.seq = seq;
    return x;
  }

  /** A delivery through `relay` at `time` to `domain` (≥ 0). */
  delivery(relay: number, time: number, domain: number): void {
    const r = relay < this.relays.length ? this.relays[relay] : this.relayState(relay);
    if (time !== r.heldTime) {
      if (r.heldCount > 0) this.flush(r);
      r.heldTime = time;
    }
    r.held[r.heldCount] = domain;
    r.heldSeq[r.heldCount++] = this.seq++;
  }

  /** A rejection naming `list` through `relay` at `time` for `domain` (−1 when the domain is not tracked). */
  rejection(list: ListStats, relay: number, time: number, domain: number): void {
    const seq = this.seq++;
    const r = this.relayState(relay);
    if (time !== r.heldTime) {
      this.flush(r);
      r.heldTime = time;
    }
    let track: Track | undefined;
    for (const t of r.tracks) if (t.list === list) track = t;
    if (track === undefined) {
      track = { list, relay, windows: [], latest: time, pending: new Map() };
      r.tracks.push(track);
      track.windows.push(openWindow(time, r.lastDelivery.slice()));
    } else if (time - track.latest <= WINDOW_GAP) {
      const w = track.windows[track.windows.length - 1];
      for (const [d, p] of track.pending) {
        w.inside.set(d, (w.inside.get(d) ?? 0) + p.count);
        this.exposure(list, d, p.seq).accepted += p.count;
      }
      // A fresh Map rather than clear(): a long-lived Map's tables are allocated in V8's old
      // generation, so refilling a cleared one leaves old garbage (evidence.ts, RENEW_MAP).
      track.pending = new Map();
      if (time > w.last) w.last = time;
    } else {
      const w = track.windows[track.windows.length - 1];
      const before = new Map<number, number>();
      for (const [d, p] of track.pending) {
        w.after.set(d, p.first);
        before.set(d, p.last);
      }
      track.pending = new Map();
      track.windows.push(openWindow(time, before));
    }
    track.latest = time;
    track.windows[track.windows.length - 1].rejections++;
    if (domain >= 0) this.exposure(list, domain, seq).rejected++;
  }

  /** Classify a relay's held deliveries (those of its latest second) against its tracks. */
  private flush(r: RelayState): void {
    const n = r.heldCount;
    if (n === 0) return;
    const time = r.heldTime;
    for (let i = 0; i < n; i++) {
      const d = r.held[i];
      for (const track of r.tracks) {
        if (time === track.latest) {
          const w = track.windows[track.windows.length - 1];
          w.inside.set(d, (w.inside.get(d) ?? 0) + 1);
          this.exposure(track.list, d, r.heldSeq[i]).accepted++;
        } else {
          const p = track.pending.get(d);
          if (p === undefined) track.pending.set(d, { first: time, last: time, count: 1, seq: r.heldSeq[i] });
          else {
            p.last = time;
            p.count++;
          }
        }
      }
      if (d >= r.lastDelivery.length) {
        const grown = new Float64Array(Math.max(d + 1, r.lastDelivery.length * 2, 1024)).fill(Number.NaN);
        grown.set(r.lastDelivery);
        r.lastDelivery = grown;
      }
      r.lastDelivery[d] = time;
    }
    r.heldCount = 0;
  }

  /**
   * At the log's end: each list's windows (sorted by relay, then start) with their bounds and
   * contradictions among its (now known) subscriber domains, and its exposure table.
   */
  finish(lists: Iterable<ListStats>): void {
    for (const r of this.relays) this.flush(r);
    const windows = new Map<ListStats, Window[]>();
    for (const r of this.relays) {
      for (const track of r.tracks) {
        const ws = track.windows;
        const last = ws[ws.length - 1];
        for (const [d, p] of track.pending) last.after.set(d, p.first);
        track.pending.clear();
        const subs = track.list.subscriberDomains;
        let out = windows.get(track.list);
        if (out === undefined) {
          out = [];
          windows.set(track.list, out);
        }
        for (const w of ws) {
          let cleanBefore = Number.NEGATIVE_INFINITY;
          let cleanAfter = Number.POSITIVE_INFINITY;
          let contradictions = 0;
          if (w.before instanceof Float64Array) {
            for (const d of subs) {
              const t = w.before[d];
              if (t > cleanBefore) cleanBefore = t;
            }
          } else {
            for (const [d, t] of w.before) if (t > cleanBefore && subs.has(d)) cleanBefore = t;
          }
          for (const [d, t] of w.after) if (t < cleanAfter && subs.has(d)) cleanAfter = t;
          for (const [d, n] of w.inside) if (subs.has(d)) contradictions += n;
          out.push({
            relay: track.relay,
            first: w.first,
            last: w.last,
            rejections: w.rejections,
            cleanBefore,
            cleanAfter,
            contradictions,
          });
        }
      }
    }
    for (const list of lists) {
      list.windows = (windows.get(list) ?? []).sort((a, b) => a.relay - b.relay || a.first - b.first);
      const byDomain = [...(this.exposed.get(list) ?? new Map<number, Exposed>())].sort((a, b) => a[1].seq - b[1].seq);
      list.exposed = new Map(byDomain.map(([d, x]) => [d, { rejected: x.rejected, accepted: x.accepted }]));
    }
  }
}

function openWindow(time: number, before: Map<number, number> | Float64Array): OnlineWindow {
  return { first: time, last: time, rejections: 0, inside: new Map(), before, after: new Map() };
}
