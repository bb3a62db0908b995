// Messages in flight between attempts (waiting for a user resend or an MTA retry), as
// struct-of-arrays with a free list. A message delivered at its first attempt never
// takes a slot, so memory follows the number in flight, not the number simulated.

import { grown } from "./grown.js";

export class MessageTable {
  sender = new Int32Array(0);
  domain = new Int32Array(0);
  /** Submissions so far: the first send plus user resends (MTA retries do not count). */
  submissions = new Int32Array(0);
  /** Attempts so far, MTA retries included. */
  attempts = new Int32Array(0);
  firstSubmitted = new Float64Array(0);
  /** The message's number within the replication (for attempts.csv). */
  id = new Float64Array(0);
  /** The delay the user waited before the pending resend (for resendFailureByDelay). */
  resendDelay = new Float64Array(0);
  /** 1 when submitted in [warmup, horizon): only those count in the metrics. */
  counted = new Uint8Array(0);
  /** Server whose queue holds the message after a 4xx; -1 otherwise. */
  server = new Int32Array(0);
  /** Time the message arrived at `server`'s queue (MTA retry ages count from it). */
  queuedAt = new Float64Array(0);
  /** Age in `server`'s queue at which the pending MTA retry was scheduled (exact, to feed back to the schedule). */
  retryAge = new Float64Array(0);
  /** Length of the pending attempt's session, drawn when it took its place in a server's queue. */
  duration = new Float64Array(0);
  /** Kind of the attempt waiting for a session (first, user resend, MTA retry). */
  pendingKind = new Int32Array(0);
  /** When the pending attempt was handed to its server (queue waits count from it). */
  waitingSince = new Float64Array(0);
  private free: number[] = [];
  private used = 0;

  get inFlight(): number {
    return this.used - this.free.length;
  }

  allocate(): number {
    if (this.free.length > 0) return this.free.pop() as number;
    if (this.used === this.sender.length) this.grow(Math.max(64, this.used * 2));
    return this.used++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  private grow(capacity: number): void {
    this.sender = grown(this.sender, capacity);
    this.domain = grown(this.domain, capacity);
    this.submissions = grown(this.submissions, capacity);
    this.attempts = grown(this.attempts, capacity);
    this.firstSubmitted = grown(this.firstSubmitted, capacity);
    this.id = grown(this.id, capacity);
    this.resendDelay = grown(this.resendDelay, capacity);
    this.counted = grown(this.counted, capacity);
    this.server = grown(this.server, capacity);
    this.queuedAt = grown(this.queuedAt, capacity);
    this.retryAge = grown(this.retryAge, capacity);
    this.duration = grown(this.duration, capacity);
    this.pendingKind = grown(this.pendingKind, capacity);
    this.waitingSince = grown(this.waitingSince, capacity);
  }
}
