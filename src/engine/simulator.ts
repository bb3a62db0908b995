// The simulation clock and run loop. It only schedules: events are (time, integer payload)
// pairs whose meaning belongs to the model, which handles them one at a time in time order.
import { EventQueue } from "./event-queue.js";

/** Receives each event in time order; the payload's meaning is the model's business. */
export interface EventHandler {
  handle(time: number, payload: number): void;
}

export class Simulator {
  /** Current simulation time in seconds. */
  now = 0;
  /** Events handled so far. */
  eventsHandled = 0;
  private readonly queue = new EventQueue();

  /** Schedule `payload` at absolute `time`; scheduling in the past is a model bug. */
  schedule(time: number, payload: number): void {
    if (!(time >= this.now)) {
      throw new RangeError(`event scheduled at ${time}, before the current time ${this.now}`);
    }
    this.queue.push(time, payload);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Handle events in time order (FIFO among equal times) until none is left. */
  run(handler: EventHandler): void {
    const queue = this.queue;
    while (queue.size > 0) {
      const time = queue.peekTime();
      const payload = queue.peekPayload();
      queue.pop();
      this.now = time;
      this.eventsHandled++;
      handler.handle(time, payload);
    }
  }
}
