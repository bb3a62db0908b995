// The counters one replication keeps (DESIGN §3): per-message outcomes, resends by delay,
// per-server attempts and listed time, and the time series. Everything here is a sum, so
// replications and shards combine by adding.
import { LogHistogram } from "../stats/histogram.js";

export class Tally {
  /** Counted messages (submitted in [warmup, horizon)). */
  messages = 0;
  firstRejected = 0;
  resends = 0;
  resendRejected = 0;
  delivered = 0;
  failed = 0;
  bounced = 0;
  /** Attempts of counted messages: first sends, user resends and MTA retries. */
  attempts = 0;
  retries = 0;
  /** Delivery delays (end of the delivering session − first submission) of counted messages. */
  readonly delay = new LogHistogram();
  /** resendFailureByDelay: first user resends and the rejected ones per `delayBin` of the user's wait. */
  resendsByDelay: number[] = [];
  resendFailuresByDelay: number[] = [];
  /**
   * laterResendFailureByDelay: second and later user resends, binned apart (DESIGN §3) because
   * they land in slots the earlier attempts already used, so they do not follow the first-resend curve.
   */
  laterResendsByDelay: number[] = [];
  laterResendFailuresByDelay: number[] = [];
  readonly serverAttempts: Float64Array;
  readonly serverRejections: Float64Array;
  /**
   * Sessions of counted messages per server and their total queue wait; busy: seconds of any
   * message's sessions within [warmup, horizon), summed over a server's sessions (utilisation ≤ 1).
   */
  readonly serverSessions: Float64Array;
  readonly serverBusy: Float64Array;
  readonly serverWait: Float64Array;
  /** Seconds each server spent listed on at least one list, within [warmup, horizon). */
  readonly serverListed: Float64Array;
  /**
   * Per `output.timeseries` bucket of [0, horizon): server-seconds listed, attempts, rejections.
   * Plain arrays of numbers, not Float64Arrays: a run of 7000 days at 1 h has 168 000 buckets, and
   * the result's copy of a Float64Array (`[...a]`, experiment/result.ts) goes through its iterator,
   * a heap number per fractional element — 10–15× the time of copying an array's elements, and a
   * tenth of a whole `sim run`'s CPU with the garbage it left. The loops' `[bucket]++` cost the same.
   */
  readonly bucketListed: number[];
  readonly bucketAttempts: number[];
  readonly bucketRejections: number[];
  /** Per-recipient counts when messages have several recipients (recipients.perMessage); null otherwise. */
  recipients: RecipientTally | null = null;

  constructor(
    servers: number,
    readonly buckets: number,
    readonly delayBin: number,
    /** The counted window [warmup, horizon) and the time series' bucket width, all in seconds. */
    readonly warmup = 0,
    readonly horizon = Number.POSITIVE_INFINITY,
    readonly bucketWidth = Number.POSITIVE_INFINITY,
  ) {
    this.serverAttempts = new Float64Array(servers);
    this.serverRejections = new Float64Array(servers);
    this.serverListed = new Float64Array(servers);
    this.serverSessions = new Float64Array(servers);
    this.serverBusy = new Float64Array(servers);
    this.serverWait = new Float64Array(servers);
    this.bucketListed = new Array<number>(buckets).fill(0);
    this.bucketAttempts = new Array<number>(buckets).fill(0);
    this.bucketRejections = new Array<number>(buckets).fill(0);
  }

  /** A user resend after waiting `delay`, rejected or not; `first` for the message's first resend. */
  resend(delay: number, rejected: boolean, first: boolean): void {
    const bin = Math.floor(delay / this.delayBin);
    const resends = first ? this.resendsByDelay : this.laterResendsByDelay;
    const failures = first ? this.resendFailuresByDelay : this.laterResendFailuresByDelay;
    while (resends.length <= bin) {
      resends.push(0);
      failures.push(0);
    }
    this.resends++;
    resends[bin]++;
    if (rejected) {
      this.resendRejected++;
      failures[bin]++;
    }
  }

  /** An attempt on `server` at `time`: per-server counts when counted, the time series always. */
  countAttempt(time: number, server: number, rejected: boolean, counted: boolean): void {
    if (counted) {
      this.attempts++;
      this.serverAttempts[server]++;
      if (rejected) this.serverRejections[server]++;
    }
    const bucket = Math.floor(time / this.bucketWidth);
    if (bucket < this.buckets) {
      this.bucketAttempts[bucket]++;
      if (rejected) this.bucketRejections[bucket]++;
    }
  }

  /** A session of a counted message on `server` that waited `wait` seconds for its start. */
  countSession(server: number, wait: number): void {
    this.serverSessions[server]++;
    this.serverWait[server] += wait;
  }

  /**
   * Add a session [from, to) of one server to its busy time, clipped to the counted window
   * [warmup, horizon): utilisation is busy time over that window, so it cannot exceed 1 — a
   * session of a counted message that runs after the horizon (an overloaded queue drains long
   * after it) is not busy time of the window, and one of a warm-up message inside it is.
   */
  addBusyTime(server: number, from: number, to: number): void {
    const lo = Math.max(from, this.warmup);
    const hi = Math.min(to, this.horizon);
    if (hi > lo) this.serverBusy[server] += hi - lo;
  }

  /** Add a listed interval of one server to the counters, clipped to the counted window. */
  addListedTime(server: number, from: number, to: number): void {
    const lo = Math.max(from, this.warmup);
    const hi = Math.min(to, this.horizon);
    if (hi > lo) this.serverListed[server] += hi - lo;
    const width = this.bucketWidth;
    const end = Math.min(to, this.horizon);
    for (let b = Math.floor(from / width); b < this.buckets && b * width < end; b++) {
      const overlap = Math.min(end, (b + 1) * width) - Math.max(from, b * width);
      if (overlap > 0) this.bucketListed[b] += overlap;
    }
  }
}

/** Per-recipient counters of one replication (counted messages only); sums, like Tally's. */
export class RecipientTally {
  /** Recipients of counted messages. */
  recipients = 0;
  /** Distinct domains of counted messages: their first submission's SMTP transactions. */
  domains = 0;
  /** Recipients whose first attempt (in the first submission) was rejected, 4xx or 5xx. */
  firstRejected = 0;
  /** Recipients in user resends (a recipient resent twice counts twice) and the rejected ones. */
  resent = 0;
  resentRejected = 0;
  /** Recipients finally delivered, and finally failed (bounced and not resent again). */
  delivered = 0;
  failed = 0;
}
