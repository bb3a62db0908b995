// The one small interface every balancer policy implements (DESIGN §2, "Balancer policies"),
// and what a policy may know about the pool when it is built.
import type { Random } from "../../engine/index.js";

export interface Balancer {
  /** The server (0 … servers−1) for an attempt by `sender` at `time` (seconds). */
  pick(sender: number, time: number): number;
}

export interface PoolView {
  readonly servers: number;
  readonly senders: number;
  /** The "balancer" stream of this replication: all of a policy's draws come from it. */
  readonly random: Random;
  /** Sessions in progress per server, kept by the model (least-connections reads it). */
  readonly sessions: Int32Array;
}
