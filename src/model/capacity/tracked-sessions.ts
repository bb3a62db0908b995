// For a balancer that declares it reads the sessions in progress (least-connections): each
// server's count of sessions is kept current at every pick, with their ends in a heap per server
// released lazily (session-ends.ts) instead of one event per session. With `pool.capacity`, an
// attempt that finds its server full (or others waiting) waits in the server's FIFO queue, and
// one SESSION_WAKE event per server, at its earliest session end, starts what then fits.
import type { Simulator } from "../../engine/index.js";
import { KIND_BITS, SESSION_WAKE } from "../codes.js";
import type { MessageTable } from "../messages.js";
import { SessionEnds } from "../session-ends.js";
import type { SessionLengths } from "../streams.js";
import type { Tally } from "../tally.js";
import { type CapacityRegime, type RegimeContext, type SessionStarter, START_UNKNOWN } from "./regime.js";
import { ServerQueues } from "./server-queues.js";

export class TrackedSessions implements CapacityRegime {
  length = 0;
  private readonly sessions: Int32Array;
  private readonly ends: SessionEnds;
  /** With a capacity: attempts waiting for a session, per server; null without a limit. */
  private readonly queues: ServerQueues | null;
  private readonly capacity: number;
  private readonly simulator: Simulator;
  private readonly tally: Tally;
  private readonly lengths: SessionLengths;
  private readonly messages: MessageTable;
  private readonly flow: SessionStarter;

  constructor(context: RegimeContext) {
    this.sessions = context.sessions;
    this.ends = new SessionEnds(context.servers);
    this.queues = context.capacity !== null ? new ServerQueues(context.servers) : null;
    this.capacity = context.capacity ?? Number.POSITIVE_INFINITY;
    this.simulator = context.simulator;
    this.tally = context.tally;
    this.lengths = context.lengths;
    this.messages = context.messages;
    this.flow = context.flow;
  }

  /** Release every server's ended sessions, so the balancer reads the counts at `time`. */
  beforePick(time: number): void {
    const earliest = this.ends.earliest;
    for (let v = 0; v < earliest.length; v++) if (earliest[v] <= time) this.release(v, time);
  }

  /** Starts are decided here, from the session counts, not on arrival. */
  arrive(_server: number, _time: number, _kind: number, _counted: boolean): number {
    return START_UNKNOWN;
  }

  admit(slot: number, server: number, time: number, kind: number): void {
    this.release(server, time);
    const queues = this.queues;
    // FIFO: while others wait for this server, a newcomer waits behind them.
    if (queues !== null && (queues.lengths[server] > 0 || this.sessions[server] >= this.capacity)) {
      queues.push(server, slot);
      // One wake-up is pending exactly while the queue is not empty.
      if (queues.lengths[server] === 1) this.scheduleWake(server);
    } else {
      this.flow.startSession(slot, server, time, this.lengths.draw(kind));
    }
  }

  sessionStarted(server: number, time: number, end: number, waitingSince: number, counted: boolean): void {
    this.sessions[server]++;
    this.ends.push(server, end);
    this.tally.addBusyTime(server, time, end);
    if (counted) this.tally.countSession(server, time - waitingSince);
  }

  /** Sessions ended: start the queued attempts that now fit, and wait again if some still don't. */
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
    this.sessions[server] -= this.ends.releaseBy(server, time);
  }

  /** Wake a full server's queue when its earliest session ends. */
  private scheduleWake(server: number): void {
    this.simulator.schedule(this.ends.earliest[server], (server << KIND_BITS) | SESSION_WAKE);
  }
}
