// Messages in flight between attempts (waiting for a user resend or an MTA retry), as
// struct-of-arrays with a free list. A message delivered at its first attempt never
// takes a slot, so memory follows the number in flight, not the number simulated.

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
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.sender = grow(this.sender, (n) => new Int32Array(n));
    this.domain = grow(this.domain, (n) => new Int32Array(n));
    this.submissions = grow(this.submissions, (n) => new Int32Array(n));
    this.attempts = grow(this.attempts, (n) => new Int32Array(n));
    this.firstSubmitted = grow(this.firstSubmitted, (n) => new Float64Array(n));
    this.id = grow(this.id, (n) => new Float64Array(n));
    this.resendDelay = grow(this.resendDelay, (n) => new Float64Array(n));
    this.counted = grow(this.counted, (n) => new Uint8Array(n));
    this.server = grow(this.server, (n) => new Int32Array(n));
    this.queuedAt = grow(this.queuedAt, (n) => new Float64Array(n));
    this.retryAge = grow(this.retryAge, (n) => new Float64Array(n));
    this.duration = grow(this.duration, (n) => new Float64Array(n));
    this.pendingKind = grow(this.pendingKind, (n) => new Int32Array(n));
    this.waitingSince = grow(this.waitingSince, (n) => new Float64Array(n));
  }
}
