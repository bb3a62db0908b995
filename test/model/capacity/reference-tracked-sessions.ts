// The tracked-sessions regime and its per-server heaps exactly as they were before the session
// counts moved to one structure of session ends (commit 80d13c6 of src/model/capacity/
// tracked-sessions.ts and src/model/session-ends.ts), kept here as the reference the faster
// regime is checked against (tracked-sessions.equivalence.test.ts): every count, every attempt
// record and every random draw must come out the same. It uses the regime interface's slow
// path (START_UNKNOWN, admit, sessionStarted), which replication.ts still offers.
import type { Simulator } from "../../../src/engine/index.js";
import type { CapacityRegime, RegimeContext, SessionStarter } from "../../../src/model/capacity/regime.js";
import { START_UNKNOWN } from "../../../src/model/capacity/regime.js";
import { ServerQueues } from "../../../src/model/capacity/server-queues.js";
import { KIND_BITS, SESSION_WAKE } from "../../../src/model/codes.js";
import type { MessageTable } from "../../../src/model/messages.js";
import type { SessionCounts } from "../../../src/model/session-counts.js";
import type { SessionLengths } from "../../../src/model/streams.js";
import type { Tally } from "../../../src/model/tally.js";

class ReferenceSessionEnds {
  private heaps: Float64Array[];
  readonly sizes: Int32Array;
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
      const grown = new Float64Array(heap.length * 2);
      grown.set(heap);
      this.heaps[server] = grown;
      heap = grown;
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

export class ReferenceTrackedSessions implements CapacityRegime {
  length = 0;
  private readonly sessions: Int32Array;
  /** The same counts, told of each change (what least-connections reads now). */
  private readonly counts: SessionCounts;
  private readonly ends: ReferenceSessionEnds;
  private readonly queues: ServerQueues | null;
  private readonly capacity: number;
  private readonly simulator: Simulator;
  private readonly tally: Tally;
  private readonly lengths: SessionLengths;
  private readonly messages: MessageTable;
  private readonly flow: SessionStarter;

  constructor(context: RegimeContext) {
    this.sessions = context.sessions.counts;
    this.counts = context.sessions;
    this.ends = new ReferenceSessionEnds(context.servers);
    this.queues = context.capacity !== null ? new ServerQueues(context.servers) : null;
    this.capacity = context.capacity ?? Number.POSITIVE_INFINITY;
    this.simulator = context.simulator;
    this.tally = context.tally;
    this.lengths = context.lengths;
    this.messages = context.messages;
    this.flow = context.flow;
  }

  beforePick(time: number): void {
    const earliest = this.ends.earliest;
    for (let v = 0; v < earliest.length; v++) if (earliest[v] <= time) this.release(v, time);
  }

  arrive(_server: number, _time: number, _kind: number, _counted: boolean): number {
    return START_UNKNOWN;
  }

  admit(slot: number, server: number, time: number, kind: number): void {
    this.release(server, time);
    const queues = this.queues;
    if (queues !== null && (queues.lengths[server] > 0 || this.sessions[server] >= this.capacity)) {
      queues.push(server, slot);
      if (queues.lengths[server] === 1) this.scheduleWake(server);
    } else {
      this.flow.startSession(slot, server, time, this.lengths.draw(kind));
    }
  }

  sessionStarted(server: number, time: number, end: number, waitingSince: number, counted: boolean): void {
    this.counts.add(server);
    this.ends.push(server, end);
    this.tally.addBusyTime(server, time, end);
    if (counted) this.tally.countSession(server, time - waitingSince);
  }

  wake(server: number, time: number): void {
    const queues = this.queues as ServerQueues;
    this.release(server, time);
    while (queues.lengths[server] > 0 && this.sessions[server] < this.capacity) {
      const slot = queues.shift(server);
      this.flow.startSession(slot, server, time, this.lengths.draw(this.messages.pendingKind[slot]));
    }
    if (queues.lengths[server] > 0) this.scheduleWake(server);
  }

  private release(server: number, time: number): void {
    for (let n = this.ends.releaseBy(server, time); n > 0; n--) this.counts.remove(server);
  }

  private scheduleWake(server: number): void {
    this.simulator.schedule(this.ends.earliest[server], (server << KIND_BITS) | SESSION_WAKE);
  }
}
