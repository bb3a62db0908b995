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
  /** Current simulation time in seconds. */
  now = 0;
  /** Events handled so far. */
  eventsHandled = 0;
  private readonly queue = new EventQueue();
  // One recurring event kept beside the heap: a source with exactly one pending event at a
  // time (a Poisson arrival stream) re-arms itself when it fires. Most events of a run are
  // such arrivals, and skipping the heap's push and pop for them halves the cost per event.
  private streamTime = Number.POSITIVE_INFINITY;
  private streamPayload = 0;
  /** Events left until the watch's next tick (run() sets it; a stream batch counts down too). */
  private countdown = 0x7fffffff;

  /** Schedule `payload` at absolute `time`; scheduling in the past is a model bug. */
  schedule(time: number, payload: number): void {
    if (!(time >= this.now)) {
      throw new RangeError(`event scheduled at ${time}, before the current time ${this.now}`);
    }
    this.queue.push(time, payload);
  }

  /**
   * Set the recurring stream's next event (replacing any pending one); Infinity disarms it.
   * At equal times, events in the heap go first.
   */
  armStream(time: number, payload: number): void {
    if (!(time >= this.now)) {
      throw new RangeError(`stream event at ${time}, before the current time ${this.now}`);
    }
    this.streamTime = time;
    this.streamPayload = payload;
  }

  /** Events waiting, the armed stream event included. */
  get pending(): number {
    return this.queue.size + (this.streamTime === Number.POSITIVE_INFINITY ? 0 : 1);
  }

  /**
   * For the stream's handler, which may handle the stream's following events itself (a run of
   * arrivals) instead of returning to run(): the stream's next event is at `time`. When it is the
   * very next event — before every queued one (queued events at equal times go first) and not the
   * watch's tick — it is taken now, as run() would take it: the clock moves to it, it counts as
   * handled, and true comes back. Otherwise it is armed (armStream) and run() takes it in turn.
   */
  continueStream(time: number, payload: number): boolean {
    if (time < this.queue.peekTime() && this.countdown > 1 && time >= this.now) {
      this.countdown--;
      this.now = time;
      this.eventsHandled++;
      return true;
    }
    this.armStream(time, payload);
    return false;
  }

  /**
   * For the stream's handler, which may also handle some queued events itself while it holds the
   * stream's next event at `time` (the stream not armed): whether the earliest queued event is
   * the very next event — due at or before `time` (queued events at equal times go first) and not
   * the watch's tick. Its payload is then peekQueued()'s, and takeQueued() takes it.
   */
  queuedBefore(time: number): boolean {
    return this.queue.peekTime() <= time && this.countdown > 1;
  }

  /** The earliest queued event's payload (undefined behaviour when none is queued). */
  peekQueued(): number {
    return this.queue.peekPayload();
  }

  /**
   * Take the earliest queued event, as run() would (after queuedBefore() said it is next): the
   * clock moves to it, it counts as handled, and its time comes back.
   */
  takeQueued(): number {
    const time = this.queue.peekTime();
    this.queue.pop();
    this.countdown--;
    this.now = time;
    this.eventsHandled++;
    return time;
  }

  /** Handle events in time order (FIFO among equal times) until none is left; `watch` sees the clock. */
  run(handler: EventHandler, watch: ClockWatch | null = null): void {
    const queue = this.queue;
    const every = watch ? Math.max(1, Math.floor(watch.every)) : 0x7fffffff;
    this.countdown = every;
    for (;;) {
      const queued = queue.peekTime();
      let time: number;
      let payload: number;
      if (this.streamTime < queued) {
        time = this.streamTime;
        payload = this.streamPayload;
        this.streamTime = Number.POSITIVE_INFINITY;
      } else if (queue.size > 0) {
        time = queued;
        payload = queue.peekPayload();
        queue.pop();
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
