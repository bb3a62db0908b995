// The one small interface of the pool's capacity regimes (DESIGN §2, `pool.capacity`): how many
// SMTP sessions a relay runs at once and when a waiting attempt's session starts. One regime is
// chosen per scenario at compile time (index.ts), from the capacity and from what the balancer
// declares it reads; the mail flow calls it and never asks which one it has.
import type { Simulator } from "../../engine/index.js";
import type { MessageTable } from "../messages.js";
import type { SessionCounts } from "../session-counts.js";
import type { SessionLengths } from "../streams.js";
import type { Tally } from "../tally.js";

/** What arrive() returns when the regime cannot tell the start yet: the attempt goes to admit(). */
export const START_UNKNOWN = -1;

/** The mail flow's side: a session of a message (its slot) starts on `server` now. */
export interface SessionStarter {
  startSession(slot: number, server: number, time: number, duration: number): void;
}

/** What a regime works with: the replication's parts it shares with the mail flow. */
export interface RegimeContext {
  readonly servers: number;
  /** Sessions a relay runs at once (DESIGN §2); null for no limit. */
  readonly capacity: number | null;
  /** Sessions in progress per server, which the balancer reads (PoolView.sessions). */
  readonly sessions: SessionCounts;
  readonly simulator: Simulator;
  readonly tally: Tally;
  readonly lengths: SessionLengths;
  readonly messages: MessageTable;
  readonly flow: SessionStarter;
}

export interface CapacityRegime {
  /** The session length drawn by the last arrive() that returned a start. */
  readonly length: number;
  /** Before the balancer picks at `time`: bring what it reads up to date. */
  beforePick(time: number): void;
  /**
   * An attempt of `kind` arrives at `server` at `time`: when the regime knows its session's start
   * now, it reserves the session, draws its length into `length` and returns the start (≥ time);
   * otherwise it returns START_UNKNOWN and the attempt, given a message slot, goes to admit().
   */
  arrive(server: number, time: number, kind: number, counted: boolean): number;
  /** Take a message's attempt whose start arrive() could not tell: start it now or queue it. */
  admit(slot: number, server: number, time: number, kind: number): void;
  /** The flow started a session on `server` [time, end) of an attempt handed over at `waitingSince`. */
  sessionStarted(server: number, time: number, end: number, waitingSince: number, counted: boolean): void;
  /** A SESSION_WAKE event the regime scheduled for `server`. */
  wake(server: number, time: number): void;
}
