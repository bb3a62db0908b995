// The sessions in progress on each server: their count (`sessions`, which least-connections
// reads at every pick) and their end times. Ended sessions are released lazily, all servers'
// at once, when the model next looks (releaseTo) — instead of one session-end event per
// attempt, and instead of scanning every server for ended sessions at each pick: one structure
// holds every server's ends in end order, so a look at which nothing ended is one comparison.
// Two shapes, chosen once per replication: with a fixed session length, ends come in the order
// sessions start (a ring buffer, FIFO); with variable lengths, a binary min-heap. With a capacity,
// each server's earliest end is kept too (its queue's wake-up time). SessionEnds, one small heap
// per server, gives that earliest end for variable lengths.
import { grown } from "./grown.js";
import type { SessionCounts } from "./session-counts.js";

/** What the capacity regime needs of the sessions in progress (session-ends.ts). */
export interface SessionClock {
  /** Sessions in progress per server, current as of the last releaseTo. */
  readonly sessions: SessionCounts;
  /** A session on `server` started now and ends at `end` (≥ every time released so far). */
  push(server: number, end: number): void;
  /** Release every server's sessions that ended by `time` (at or before it). */
  releaseTo(time: number): void;
  /** The earliest end of `server`'s sessions in progress (Infinity when none); kept only with a capacity. */
  earliest(server: number): number;
}

/** Build the clock for a replication: FIFO for a fixed session length, a heap otherwise. */
export function sessionClock(
  sessions: SessionCounts,
  capacity: number | null,
  fixedLength: boolean,
): FifoSessionEnds | HeapSessionEnds {
  return fixedLength ? new FifoSessionEnds(sessions, capacity) : new HeapSessionEnds(sessions, capacity);
}

/**
 * Ends that arrive in non-decreasing order (a fixed session length: each session ends its length
 * after it starts, and starts come in time order), for all servers in one ring buffer. With a
 * capacity, a server's earliest end (its queue's wake-up, rare) is its first end in the ring:
 * ends of one server come in ring order too. Per message the ring is one write and one read.
 */
export class FifoSessionEnds implements SessionClock {
  readonly sessions: SessionCounts;
  // The ring (public for the least-connections arrivals loop, which writes release() out;
  // only push, release and that loop move them).
  ends = new Float64Array(64);
  owners = new Int32Array(64);
  head = 0;
  size = 0;
  /** The earliest end in progress (Infinity when none): releaseTo's one comparison. */
  next = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  /** Whether earliest() is kept (with a capacity). */
  private readonly limited: boolean;

  constructor(sessions: SessionCounts, capacity: number | null) {
    this.sessions = sessions;
    this.limited = capacity !== null;
  }

  push(server: number, end: number): void {
    if (!(end >= this.last)) this.outOfOrder(end);
    this.last = end;
    this.sessions.add(server);
    if (this.size === this.ends.length) this.grow();
    const i = (this.head + this.size) & (this.ends.length - 1);
    this.ends[i] = end;
    this.owners[i] = server;
    this.size++;
    // `end` when the ring was empty, else unchanged: no branch that only a replication's first
    // session takes (an optimised loop that has this inlined would meet it without type feedback at
    // the next replication's start, and be deoptimised).
    this.next = this.ends[this.head];
  }

  releaseTo(time: number): void {
    // Small enough to inline at every pick: most looks release nothing.
    if (time >= this.next) this.release(time);
  }

  /** releaseTo()'s release, out of line (time ≥ next). */
  private release(time: number): void {
    const ends = this.ends;
    const owners = this.owners;
    const mask = ends.length - 1;
    const sessions = this.sessions;
    let head = this.head;
    let size = this.size;
    while (size > 0 && ends[head] <= time) {
      sessions.remove(owners[head]);
      head = (head + 1) & mask;
      size--;
    }
    this.head = head;
    this.size = size;
    this.next = size > 0 ? ends[head] : Number.POSITIVE_INFINITY;
  }

  earliest(server: number): number {
    if (!this.limited || this.sessions.counts[server] === 0) return Number.POSITIVE_INFINITY;
    const mask = this.ends.length - 1;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask;
      if (this.owners[i] === server) return this.ends[i];
    }
    throw new Error(`FifoSessionEnds: server ${server} counts sessions it has no end for`);
  }

  private outOfOrder(end: number): never {
    throw new Error(`FifoSessionEnds: session end ${end} before an earlier one (${this.last})`);
  }

  private grow(): void {
    const n = this.ends.length;
    const ends = new Float64Array(2 * n);
    const owners = new Int32Array(2 * n);
    for (let k = 0; k < n; k++) {
      ends[k] = this.ends[(this.head + k) & (n - 1)];
      owners[k] = this.owners[(this.head + k) & (n - 1)];
    }
    this.ends = ends;
    this.owners = owners;
    this.head = 0;
  }
}

/**
 * Ends in any order (variable session lengths): all servers' in one binary min-heap of
 * (end, server); with a capacity, each server's also in a SessionEnds heap for its earliest end.
 */
export class HeapSessionEnds implements SessionClock {
  readonly sessions: SessionCounts;
  private ends = new Float64Array(64);
  private owners = new Int32Array(64);
  private size = 0;
  private readonly own: SessionEnds | null;

  constructor(sessions: SessionCounts, capacity: number | null) {
    this.sessions = sessions;
    this.own = capacity === null ? null : new SessionEnds(sessions.servers);
  }

  push(server: number, end: number): void {
    this.sessions.add(server);
    this.own?.push(server, end);
    if (this.size === this.ends.length) {
      this.ends = grown(this.ends, 2 * this.size);
      this.owners = grown(this.owners, 2 * this.size);
    }
    const ends = this.ends;
    const owners = this.owners;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ends[parent] <= end) break;
      ends[i] = ends[parent];
      owners[i] = owners[parent];
      i = parent;
    }
    ends[i] = end;
    owners[i] = server;
  }

  releaseTo(time: number): void {
    // Small enough to inline at every pick: most looks release nothing.
    if (this.size > 0 && this.ends[0] <= time) this.release(time);
  }

  private release(time: number): void {
    const ends = this.ends;
    const owners = this.owners;
    while (this.size > 0 && ends[0] <= time) {
      const server = owners[0];
      this.sessions.remove(server);
      // The server's own heap drops all its ends by `time` at once; later calls for it drop none.
      this.own?.releaseBy(server, time);
      const n = --this.size;
      const end = ends[n];
      const owner = owners[n];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && ends[child + 1] < ends[child]) child++;
        if (end <= ends[child]) break;
        ends[i] = ends[child];
        owners[i] = owners[child];
        i = child;
      }
      ends[i] = end;
      owners[i] = owner;
    }
  }

  earliest(server: number): number {
    return this.own === null ? Number.POSITIVE_INFINITY : this.own.earliest[server];
  }
}

/** End times of the sessions in progress on each server, as one small binary min-heap per server. */
export class SessionEnds {
  private heaps: Float64Array[];
  readonly sizes: Int32Array;
  /** Earliest end per server (Infinity when none is in progress). */
  readonly earliest: Float64Array;

  constructor(servers: number) {
    this.heaps = Array.from({ length: servers }, () => new Float64Array(8));
    this.sizes = new Int32Array(servers);
    this.earliest = new Float64Array(servers).fill(Number.POSITIVE_INFINITY);
  }

  push(server: number, end: number): void {
    let heap = this.heaps[server];
    let i = this.sizes[server]++;
    if (i === heap.length) {
      heap = grown(heap, heap.length * 2);
      this.heaps[server] = heap;
    }
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent] <= end) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = end;
    this.earliest[server] = heap[0];
  }

  /** Remove the sessions of `server` that ended by `time`; returns how many. */
  releaseBy(server: number, time: number): number {
    const heap = this.heaps[server];
    let released = 0;
    while (this.sizes[server] > 0 && heap[0] <= time) {
      const n = --this.sizes[server];
      const last = heap[n];
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap[child + 1] < heap[child]) child++;
        if (last <= heap[child]) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
      released++;
    }
    this.earliest[server] = this.sizes[server] === 0 ? Number.POSITIVE_INFINITY : heap[0];
    return released;
  }
}
