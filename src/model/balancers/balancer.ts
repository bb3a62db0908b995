// The one small interface every balancer policy implements (DESIGN §2, "Balancer policies"),
// what a policy may know about the pool when it is built, and the health check's eligibility
// rule for policies that name a server (DESIGN §2, `avoidListed`).
import type { AleaRandom, Random } from "../../engine/index.js";
import type { SessionCounts } from "../session-counts.js";

export interface Balancer {
  /**
   * The server (0 … servers−1) for an attempt by `sender` at `time` (seconds). Per-attempt draws
   * come from `random`, the stream of the attempt's purpose (first attempts and resends draw
   * from different streams, DESIGN §2 "Randomness"); it defaults to the pool's stream.
   */
  pick(sender: number, time: number, random?: Random): number;
  /** The health check changed `PoolView.eligible`: policies that cache what they choose from rebuild it. */
  eligibilityChanged(): void;
  /**
   * The per-sender array a pick reads at `sender` (a base server, a pin, a cached answer), for the
   * plain loop to read ahead in large pools (model/look-ahead.ts); absent when the policy keeps none.
   */
  readonly senderTable?: Uint16Array | Int32Array;
}

/**
 * Every shadow world's copy of a policy's balancer at once (advise's worlds, model/shadow-resends.ts),
 * for a policy that can keep them cheaper together than as a Balancer each: each world picks as its
 * own Balancer would, with its own state, its first attempts drawing from its own copy of the
 * first-attempt pick stream (held inside).
 */
export interface BalancerWorlds {
  /**
   * A first attempt at `time` whose session ends at `end`: world w's server goes to `picked[w]`.
   * True when every world picked the same server (false is always safe: the outcome is then
   * looked up per world).
   */
  firstPicks(sender: number, time: number, end: number, picked: Int32Array): boolean;
  /**
   * Optional: a first attempt whose relay nobody reads (its domain consults no list, so every world
   * delivers it): each world's state moves as firstPicks would move it, where that is cheaper.
   */
  firstPass?(sender: number, time: number, end: number): void;
  /**
   * Optional: a first attempt, every world's state moved as firstPicks moves it, answering only
   * which worlds picked one of `servers` (bit v for relay v) — a mask of worlds, bit w for world w —
   * where that is cheaper than naming each world's relay; -1 when it is not (then nothing moved,
   * and the caller calls firstPicks). With `servers` the relays that reject the attempt's domain,
   * the answer is the worlds whose attempt bounces, and every other world delivers it.
   */
  firstPicksIn?(sender: number, time: number, end: number, servers: number): number;
  /** World w's pick for a resend at `time` whose session ends at `end`, drawing from `random`. */
  resendPick(w: number, sender: number, time: number, end: number, random: Random): number;
  /** The health check changed `eligible`: every world hears of it. */
  eligibilityChanged(): void;
}

/** What a policy's BalancerWorlds are built from. */
export interface WorldsView {
  readonly servers: number;
  readonly senders: number;
  /** A fresh "balancer" stream of the replication: the draws a policy makes when built (the same in every world). */
  readonly random: Random;
  /** Every session lasts the same. */
  readonly fixedLength: boolean;
  /** Each world's copy of the first-attempt pick stream (one per world). */
  readonly firstPicks: readonly AleaRandom[];
  /** The board's eligibility, shared by every world. */
  readonly eligible: Uint8Array;
}

/**
 * What a policy reads of the pool beyond `eligible`, declared by its class (a static `reads`):
 * the model chooses, when it compiles a scenario, the capacity regime that keeps it current.
 */
export interface BalancerReads {
  /** The sessions in progress per server (PoolView.sessions), current at every pick. */
  readonly sessions: boolean;
  /**
   * Whether a pick leaves state that later picks read (a pointer, a cached answer, a pin), so
   * that one more attempt (a resend, say) changes where other mail goes. False when each pick
   * depends only on the sender, the time, its random draws and eligibility.
   */
  readonly picksKeepState: boolean;
}

/** The declaration of a policy that reads nothing but eligibility, and whose picks keep no state. */
export const READS_NOTHING: BalancerReads = { sessions: false, picksKeepState: false };

/** A policy whose picks move state of its own (a pointer, a cache, a pin) and read nothing else. */
export const KEEPS_STATE: BalancerReads = { sessions: false, picksKeepState: true };

export interface PoolView {
  readonly servers: number;
  readonly senders: number;
  /** The "balancer" stream of this replication: a policy's draws when it is built come from it. */
  readonly random: Random;
  /** Sessions in progress per server, kept current only for a policy that declares `reads.sessions`. */
  readonly sessions: SessionCounts;
  /**
   * 1 for each server the operator's last health check found clean (all 1 without a check),
   * updated in place by the model, which then calls eligibilityChanged().
   */
  readonly eligible: Uint8Array;
}

/** Whether any server is eligible: when none is, the relay still has to send through one, so all count. */
export function anyEligible(eligible: Uint8Array): boolean {
  for (let v = 0; v < eligible.length; v++) if (eligible[v] === 1) return true;
  return false;
}

/**
 * For policies that name a server (timer, sticky): the named one if eligible, else the next
 * eligible one in index order (wrapping); the named one when no server is eligible.
 */
export function nextEligible(eligible: Uint8Array, server: number): number {
  if (eligible[server] === 1) return server;
  const n = eligible.length;
  for (let i = 1; i < n; i++) {
    const v = server + i < n ? server + i : server + i - n;
    if (eligible[v] === 1) return v;
  }
  return server;
}
