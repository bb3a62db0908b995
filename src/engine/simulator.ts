// The simulation clock and run loop. It only schedules: events are (time, integer payload)
// pairs whose meaning belongs to the model, which handles them one at a time in time order.
import { EventQueue } from "./event-queue.js";

/** Receives each event in time order; the payload's meaning is the model's business. */
export interface EventHandler {
  handle(time: number, payload: number): void;
}

/**
 * Watches the clock of a long run: `tick(now)` every `every` events, so a caller can report
 * how far a replication has got. A counter, not a closure per event: the loop stays cheap.
 */
export interface ClockWatch {
  readonly every: number;
  tick(now: number): void;
}

export class Simulator {
  /**
   * Current simulation time in seconds. Declared with a fraction (NaN) and set to 0 in the
   * constructor: V8 gives a field the representation of the first value stored, and a 0 there is
   * a small integer, widened to a double at the first fractional time — which replaces the class's
   * hidden class (map), so that every loop compiled against the old one was deoptimised when the
   * next replication built its simulator (bench/loop.mjs times a process's second replication).
   * Fields that will hold fractions are declared this way throughout the hot path.
   */
  now = Number.NaN;
  /** Events handled so far. */
  eventsHandled = 0;
  /** The payload of the event takeQueuedBefore() took last. */
  taken = 0;
  private readonly queue = new EventQueue();
  // Events the model knows fall soon (a queued attempt's session start): a second heap, as few
  // as attempts are waiting, beside the general one that holds every resend and retry of the
  // next hours. Both share one order number, and the earliest (time, order) of the two leaves
  // first, so the events come out exactly as from one heap; a small heap just costs fewer levels.
  private readonly soon = new EventQueue(64);
  /** The next order number of a queued event: FIFO among equal times across both heaps. */
  private seq = 0;
  /** The earliest time queued in either heap (Infinity when none): the stream's one comparison. */
  private earliest = Number.POSITIVE_INFINITY;
  // One recurring event kept beside the heap: a source with exactly one pending event at a
  // time (a Poisson arrival stream) re-arms itself when it fires. Most events of a run are
  // such arrivals, and skipping the heap's push and pop for them halves the cost per event.
  private streamTime = Number.POSITIVE_INFINITY;
  private streamPayload = 0;
  /** Events left until the watch's next tick (run() sets it; a stream batch counts down too). */
  private countdown = 0x7fffffff;

  constructor() {
    this.now = 0;
  }

  /** Schedule `payload` at absolute `time`; scheduling in the past is a model bug. */
  schedule(time: number, payload: number): void {
    if (!(time >= this.now)) this.refuse(time, "event scheduled");
    this.queue.insert(time, this.seq++, payload);
    if (time < this.earliest) this.earliest = time;
  }

  /**
   * schedule() for an event the model expects soon — before most of those queued — (a waiting
   * attempt's start): the same order among all events, a cheaper heap.
   */
  scheduleSoon(time: number, payload: number): void {
    this.scheduleSoonAt(time, this.seq++, payload);
  }

  /** The heap holding the earliest queued event (either when none is queued). */
  private first(): EventQueue {
    const soon = this.soon;
    const queue = this.queue;
    if (soon.size === 0) return queue;
    if (queue.size === 0) return soon;
    const a = soon.peekTime();
    const b = queue.peekTime();
    return a < b || (a === b && soon.peekSeq() < queue.peekSeq()) ? soon : queue;
  }

  /** Remove the earliest queued event (from `queue`, first()'s answer). */
  private pop(queue: EventQueue): void {
    queue.pop();
    this.earliest = Math.min(this.queue.peekTime(), this.soon.peekTime());
  }

  /**
   * Set the recurring stream's next event (replacing any pending one); Infinity disarms it.
   * At equal times, events in the heap go first.
   */
  armStream(time: number, payload: number): void {
    // The message is built out of line (refuse): inlined here, TurboFan could hoist its number-to-string
    // conversion onto the callers' hot paths (docs/performance.md, section la).
    if (!(time >= this.now)) this.refuse(time, "stream event");
    this.streamTime = time;
    this.streamPayload = payload;
  }

  /** Events waiting, the armed stream event included. */
  get pending(): number {
    return this.queue.size + this.soon.size + (this.streamTime === Number.POSITIVE_INFINITY ? 0 : 1);
  }

  /**
   * For the stream's handler, which may take the stream's following events itself (a run of
   * arrivals) instead of returning to run(): a stream event at a time strictly before this bound
   * comes before every queued event, in either heap (queued events at equal times go first). The
   * bound moves only when something is scheduled.
   */
  streamBound(): number {
    return this.earliest;
  }

  /** How many stream events a run may take itself before the watch's next tick, which run() must see. */
  streamBudget(): number {
    return this.countdown - 1;
  }

  /**
   * A run took `count` more stream events, the last at `time`: the clock, the count of events
   * handled and the watch's countdown as run() would have left them. The run reports before
   * anything else reads the clock or schedules, and arms its next event (armStream) or not.
   */
  tookStream(count: number, time: number): void {
    this.countdown -= count;
    this.eventsHandled += count;
    this.now = time;
  }

  /**
   * For a stream handler that takes its events one at a time (capacity/arrivals.ts): the
   * stream's next event is at `time`. When it is the very next event — before every queued one
   * (queued events at equal times go first) and not the watch's tick — it is taken now, as run()
   * would take it: the clock moves to it, it counts as handled, and true comes back. Otherwise it
   * is armed (armStream) and run() takes it in turn.
   */
  continueStream(time: number, payload: number): boolean {
    if (time < this.earliest && this.countdown > 1 && time >= this.now) {
      // Armed or not before (a handler may have armed it, then handled queued events first).
      this.streamTime = Number.POSITIVE_INFINITY;
      this.countdown--;
      this.now = time;
      this.eventsHandled++;
      return true;
    }
    this.armStream(time, payload);
    return false;
  }

  /**
   * For the stream's handler, which may also handle queued events itself while it holds the
   * stream's next event at `time` (armed there, or held): when the earliest queued event is the
   * very next event — due at or before `time` (queued events at equal times go first) and not
   * the watch's tick — take it as run() would (the clock moves to it, it counts as handled, its
   * payload is left in `taken`) and return true; otherwise false, and nothing moves.
   */
  takeQueuedBefore(time: number): boolean {
    const at = this.earliest;
    if (!(at <= time) || this.countdown <= 1) return false;
    const queue = this.first();
    this.taken = queue.peekPayload();
    this.pop(queue);
    this.countdown--;
    this.now = at;
    this.eventsHandled++;
    return true;
  }

  /**
   * The order number schedule() would give an event now, for an event a stream's handler keeps
   * outside the heaps for a while (capacity/arrivals.ts): among equal times it goes before every
   * event scheduled later. It takes the event's place in the order; hand it over with
   * scheduleSoonAt() if run() is to handle it.
   */
  nextSeq(): number {
    return this.seq++;
  }

  /** The order number of the earliest queued event (in either heap; Infinity when none): ties with nextSeq()'s. */
  earliestSeq(): number {
    return this.queue.size + this.soon.size === 0 ? Number.POSITIVE_INFINITY : this.first().peekSeq();
  }

  /** scheduleSoon() of an event whose order number `seq` nextSeq() gave. */
  scheduleSoonAt(time: number, seq: number, payload: number): void {
    if (!(time >= this.now)) this.refuse(time, "event scheduled");
    this.soon.insert(time, seq, payload);
    if (time < this.earliest) this.earliest = time;
  }

  /** An event scheduled or armed in the past: the model bug it is. Never inlined on a hot path's way. */
  private refuse(time: number, what: string): never {
    throw new RangeError(`${what} at ${time}, before the current time ${this.now}`);
  }

  /** Handle events in time order (FIFO among equal times) until none is left; `watch` sees the clock. */
  run(handler: EventHandler, watch: ClockWatch | null = null): void {
    const every = watch ? Math.max(1, Math.floor(watch.every)) : 0x7fffffff;
    this.countdown = every;
    for (;;) {
      const queued = this.earliest;
      let time: number;
      let payload: number;
      if (this.streamTime < queued) {
        time = this.streamTime;
        payload = this.streamPayload;
        this.streamTime = Number.POSITIVE_INFINITY;
      } else if (this.queue.size + this.soon.size > 0) {
        const queue = this.first();
        time = queued;
        payload = queue.peekPayload();
        this.pop(queue);
      } else {
        return;
      }
      this.now = time;
      this.eventsHandled++;
      if (--this.countdown === 0) {
        this.countdown = every;
        watch?.tick(time);
      }
      handler.handle(time, payload);
    }
  }
}
