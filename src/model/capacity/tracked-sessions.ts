// For a balancer that declares it reads the sessions in progress (least-connections): each
// server's count of sessions is kept current at every pick by one structure of all servers'
// session ends, released lazily (session-ends.ts), instead of one event per session end. With
// `pool.capacity`, an attempt that finds its server full (or others waiting) waits in the
// server's FIFO queue, and one SESSION_WAKE event per server, at its earliest session end,
// starts what then fits.
//
// An attempt whose session can start at once starts in arrive(), so the mail flow takes its fast
// path (no message slot for a message delivered at once). The length it hands over is
// `end − time` for end = time + drawn length: the flow's delay (`length`, or `end − submitted`
// on the slow path) and end time (`time + length`) then come out exactly as they did when every
// attempt went through admit(); in the rare case where time + (end − time) would not give back
// `end` (times below a session length), the attempt takes admit() with the length drawn.
import type { Simulator } from "../../engine/index.js";
import { KIND_BITS, SESSION_WAKE } from "../codes.js";
import type { MessageTable } from "../messages.js";
import { type FifoSessionEnds, type HeapSessionEnds, sessionClock } from "../session-ends.js";
import type { SessionLengths } from "../streams.js";
import type { Tally } from "../tally.js";
import { type CapacityRegime, type RegimeContext, type SessionStarter, START_UNKNOWN } from "./regime.js";
import { ServerQueues } from "./server-queues.js";

export class TrackedSessions implements CapacityRegime {
  /** The length of the session arrive() started last (NaN before: a double from construction, see Simulator.now). */
  length = Number.NaN;
  /** Sessions in progress per server (the counts of PoolView.sessions). */
  readonly sessions: Int32Array;
  /** The session ends (arrivals.ts's runTracked reads and moves them with a fixed length). */
  readonly ends: FifoSessionEnds | HeapSessionEnds;
  /** With a capacity: attempts waiting for a session, per server; null without a limit. */
  private readonly queues: ServerQueues | null;
  /** Attempts waiting per server (the queues' lengths; all 0 without a limit). */
  readonly waiting: Int32Array;
  /** Sessions a relay runs at once (Infinity without a limit). */
  readonly capacity: number;
  private readonly simulator: Simulator;
  private readonly tally: Tally;
  readonly lengths: SessionLengths;
  private readonly messages: MessageTable;
  private readonly flow: SessionStarter;
  /** arrive() drew this length and left the start to admit() (see above); -1 when it did not. */
  private drawn = -1;

  constructor(context: RegimeContext) {
    this.sessions = context.sessions.counts;
    this.ends = sessionClock(context.sessions, context.capacity, context.lengths.constant);
    this.queues = context.capacity !== null ? new ServerQueues(context.servers) : null;
    this.waiting = this.queues?.lengths ?? new Int32Array(context.servers);
    this.capacity = context.capacity ?? Number.POSITIVE_INFINITY;
    this.simulator = context.simulator;
    this.tally = context.tally;
    this.lengths = context.lengths;
    this.messages = context.messages;
    this.flow = context.flow;
  }

  /** Release every server's ended sessions, so the balancer reads the counts at `time`. */
  beforePick(time: number): void {
    this.ends.releaseTo(time);
  }

  /** A session that can start now (a free session and nobody waiting) starts here. */
  arrive(server: number, time: number, kind: number, counted: boolean): number {
    this.ends.releaseTo(time);
    // FIFO: while others wait for this server, a newcomer waits behind them.
    if (this.waiting[server] > 0 || this.sessions[server] >= this.capacity) return START_UNKNOWN;
    const duration = this.lengths.draw(kind);
    const end = time + duration;
    const length = end - time;
    if (time + length !== end) {
      this.drawn = duration;
      return START_UNKNOWN;
    }
    this.length = length;
    this.begin(server, time, end, 0, counted);
    return time;
  }

  /** An attempt arrive() could not start: it waits in its server's queue (or starts with the length arrive() drew). */
  admit(slot: number, server: number, time: number, _kind: number): void {
    const m = this.messages;
    if (this.drawn >= 0) {
      const duration = this.drawn;
      this.drawn = -1;
      this.begin(server, time, time + duration, time - m.waitingSince[slot], m.counted[slot] === 1);
      this.flow.startSession(slot, server, time, duration);
      return;
    }
    const queues = this.queues as ServerQueues;
    queues.push(server, slot);
    // One wake-up is pending exactly while the queue is not empty.
    if (queues.lengths[server] === 1) this.scheduleWake(server);
  }

  /** Counted in begin(), before the flow starts the session. */
  sessionStarted(_server: number, _time: number, _end: number, _waitingSince: number, _counted: boolean): void {}

  /** Sessions ended: start the queued attempts that now fit, and wait again if some still don't. */
  wake(server: number, time: number): void {
    const queues = this.queues as ServerQueues;
    const m = this.messages;
    this.ends.releaseTo(time);
    while (queues.lengths[server] > 0 && this.sessions[server] < this.capacity) {
      const slot = queues.shift(server);
      const duration = this.lengths.draw(m.pendingKind[slot]);
      this.begin(server, time, time + duration, time - m.waitingSince[slot], m.counted[slot] === 1);
      this.flow.startSession(slot, server, time, duration);
    }
    if (queues.lengths[server] > 0) this.scheduleWake(server);
  }

  /** A session on `server` [time, end) that waited `wait`: counted, busy time, and its end kept. */
  private begin(server: number, time: number, end: number, wait: number, counted: boolean): void {
    this.ends.push(server, end);
    this.tally.addBusyTime(server, time, end);
    if (counted) this.tally.countSession(server, wait);
  }

  /** Wake a full server's queue when its earliest session ends. */
  private scheduleWake(server: number): void {
    this.simulator.scheduleSoon(this.ends.earliest(server), (server << KIND_BITS) | SESSION_WAKE);
  }
}
