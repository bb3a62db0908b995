// `pool.capacity` sessions a relay with a balancer that reads no session counts: a FIFO queue of
// c servers per relay, simulated without session events (Kiefer and Wolfowitz's workload vector):
// attempts take, in arrival order, the session that is free soonest, so each start is known on
// arrival. Only an attempt that must wait needs an event, at its start (ATTEMPT_START), when its
// outcome is decided by the listings then.
//
// With a fixed session length the session free soonest is known without a scan: starts on a
// relay come in time order (each is the later of the arrival and the earliest free time, and
// both only grow), so each session taken ends no earlier than every other of its relay's — it
// becomes the last to free up, and the relay's sessions free up in turn, a ring. Which of several
// sessions free at the same time an attempt takes changes nothing: only the free times count.
import type { SessionLengths } from "../streams.js";
import type { Tally } from "../tally.js";
import type { CapacityRegime, RegimeContext } from "./regime.js";

export class Channels implements CapacityRegime {
  /** The length of the session arrive() reserved last (NaN before: a double from construction, see Simulator.now). */
  length = Number.NaN;
  /** When each of a server's `capacity` sessions is next free, server-major. */
  readonly freeAt: Float64Array;
  readonly capacity: number;
  private readonly lengths: SessionLengths;
  private readonly tally: Tally;
  /** With a fixed session length, each server's session free soonest (the ring's head); null otherwise. */
  readonly heads: Int32Array | null;
  /** The fixed session length; NaN when lengths vary. */
  readonly fixedLength: number;

  constructor(context: RegimeContext) {
    this.capacity = context.capacity as number;
    this.freeAt = new Float64Array(context.servers * this.capacity);
    this.lengths = context.lengths;
    this.tally = context.tally;
    this.heads = context.lengths.constant ? new Int32Array(context.servers) : null;
    // A fixed length draws nothing from its stream.
    this.fixedLength = context.lengths.constant ? context.lengths.draw(0) : Number.NaN;
  }

  beforePick(_time: number): void {}

  /** capacity/arrivals.ts writes this out for a fixed length (the ring): keep the two in step. */
  arrive(server: number, time: number, kind: number, counted: boolean): number {
    const duration = this.lengths.draw(kind);
    this.length = duration;
    const freeAt = this.freeAt;
    const first = server * this.capacity;
    let soonest = first;
    const heads = this.heads;
    if (heads !== null) {
      const head = heads[server];
      soonest += head;
      heads[server] = head + 1 === this.capacity ? 0 : head + 1;
    } else {
      for (let c = first + 1; c < first + this.capacity; c++) if (freeAt[c] < freeAt[soonest]) soonest = c;
    }
    const start = Math.max(freeAt[soonest], time);
    freeAt[soonest] = start + duration;
    this.tally.addBusyTime(server, start, start + duration);
    if (counted) this.tally.countSession(server, start - time);
    return start;
  }

  admit(_slot: number, _server: number, _time: number, _kind: number): void {
    throw new Error("Channels.admit: every start is known on arrival");
  }

  sessionStarted(_server: number, _time: number, _end: number, _waitingSince: number, _counted: boolean): void {}

  wake(_server: number, _time: number): void {}
}
