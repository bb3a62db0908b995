// The run loop: events in time order (FIFO among ties), the clock follows them, and an event
// scheduled in the past is refused as the model bug it is.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EventHandler, Simulator } from "../../src/engine/simulator.js";
import { sameMap } from "../helpers/v8-maps.js";

describe("Simulator", () => {
  it("handles events in time order, FIFO among equal times, with the clock at each event's time", () => {
    const sim = new Simulator();
    const seen: Array<[number, number, number]> = [];
    for (const [t, p] of [
      [5, 1],
      [1, 2],
      [5, 3],
      [0, 4],
      [1, 5],
    ])
      sim.schedule(t, p);
    expect(sim.pending).toBe(5);
    sim.run({ handle: (time, payload) => seen.push([time, payload, sim.now]) });
    expect(seen).toEqual([
      [0, 4, 0],
      [1, 2, 1],
      [1, 5, 1],
      [5, 1, 5],
      [5, 3, 5],
    ]);
    expect(sim.eventsHandled).toBe(5);
    expect(sim.pending).toBe(0);
    expect(sim.now).toBe(5);
  });

  it("lets handlers schedule follow-ups, at the current time too, and runs until none is left", () => {
    const sim = new Simulator();
    const times: number[] = [];
    const handler: EventHandler = {
      handle(time, payload) {
        times.push(time);
        if (payload < 6) sim.schedule(payload % 2 === 0 ? time : time + 0.5, payload + 1);
      },
    };
    sim.schedule(1, 0);
    sim.run(handler);
    expect(times).toEqual([1, 1, 1.5, 1.5, 2, 2, 2.5]);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });

  it("refuses events in the past and NaN times, and schedules nothing then", () => {
    const sim = new Simulator();
    expect(() => sim.schedule(-1, 0)).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, 0)).toThrow(RangeError);
    expect(sim.pending).toBe(0);
    sim.schedule(10, 0);
    let thrown: unknown;
    sim.run({
      handle(time) {
        try {
          sim.schedule(time - 1e-9, 1);
        } catch (error) {
          thrown = error;
        }
      },
    });
    expect(thrown).toBeInstanceOf(RangeError);
    expect(String((thrown as Error).message)).toMatch(/before the current time 10/);
    expect(sim.eventsHandled).toBe(1);
  });

  it("refuses to arm the stream in the past, naming the stream, and leaves it disarmed", () => {
    const sim = new Simulator();
    sim.schedule(10, 0);
    let thrown: unknown;
    sim.run({
      handle(time, payload) {
        if (payload !== 0) return;
        try {
          sim.armStream(time - 6, 1);
        } catch (error) {
          thrown = error;
        }
      },
    });
    expect(thrown).toBeInstanceOf(RangeError);
    expect(String((thrown as Error).message)).toBe("stream event at 4, before the current time 10");
    expect(sim.pending).toBe(0);
    expect(() => sim.armStream(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe("Simulator with a clock watch", () => {
  it("ticks every `every` events with the clock at that event, and never without a watch", () => {
    const sim = new Simulator();
    for (let t = 0; t < 7; t++) sim.schedule(t * 10, t);
    const ticks: number[] = [];
    sim.run({ handle() {} }, { every: 3, tick: (now) => ticks.push(now) });
    expect(ticks).toEqual([20, 50]);
  });
});

describe("Simulator.continueStream", () => {
  /**
   * A stream at times 1, 2, 3, … handled in runs (continueStream) beside queued events, against
   * the same stream re-armed through run() one event at a time: the same order, clock and count.
   */
  function order(batch: boolean, queued: number[], every: number) {
    const sim = new Simulator();
    const seen: string[] = [];
    const ticks: number[] = [];
    for (const t of queued) sim.schedule(t, 1);
    sim.armStream(1, 0);
    sim.run(
      {
        handle(time, payload) {
          if (payload === 1) {
            seen.push(`q${time}`);
            return;
          }
          let t = time;
          for (;;) {
            seen.push(`s${t}@${sim.now}`);
            if (t >= 8) return;
            if (!batch) {
              sim.armStream(t + 1, 0);
              return;
            }
            if (!sim.continueStream(t + 1, 0)) return;
            t += 1;
          }
        },
      },
      { every, tick: (now) => ticks.push(now) },
    );
    return { seen, ticks, events: sim.eventsHandled };
  }

  it("takes the stream's next event only when it comes before every queued one (queued first at equal times)", () => {
    const batched = order(true, [3, 3.5, 6], 1000);
    expect(batched).toEqual(order(false, [3, 3.5, 6], 1000));
    expect(batched.seen.slice(0, 5)).toEqual(["s1@1", "s2@2", "q3", "s3@3", "q3.5"]);
    expect(batched.events).toBe(11);
  });

  it("stops a run for the watch's tick, which then sees the same events as without runs", () => {
    for (const every of [1, 2, 3, 5]) expect(order(true, [2.5, 7], every)).toEqual(order(false, [2.5, 7], every));
  });
});

describe("Simulator's stream runs (streamBound, streamBudget, tookStream)", () => {
  /**
   * A stream at times 1, 2, 3, … handled in runs beside queued events, as the plain arrival loop
   * takes them (model/replication.ts), against the same stream re-armed through run() one event
   * at a time: the same order, clock and count. At `scheduleAt` the stream's handler schedules a
   * queued event 0.25 later, which the run must then let go first.
   */
  function order(batch: boolean, queued: number[], every: number, scheduleAt = -1) {
    const sim = new Simulator();
    const seen: string[] = [];
    const ticks: number[] = [];
    for (const t of queued) sim.schedule(t, 1);
    sim.armStream(1, 0);
    sim.run(
      {
        handle(time, payload) {
          if (payload === 1) {
            seen.push(`q${time}`);
            return;
          }
          let t = time;
          let bound = sim.streamBound();
          let budget = sim.streamBudget();
          let taken = 0;
          for (;;) {
            if (t === scheduleAt) {
              if (batch) {
                sim.tookStream(taken, t);
                budget -= taken;
                taken = 0;
              }
              seen.push(`clock ${sim.now}, events ${sim.eventsHandled}`);
              sim.schedule(t + 0.25, 1);
              bound = sim.streamBound();
            }
            seen.push(`s${t}`);
            if (t >= 8) break;
            if (!batch) {
              sim.armStream(t + 1, 0);
              break;
            }
            if (!(t + 1 < bound) || taken >= budget) {
              sim.armStream(t + 1, 0);
              break;
            }
            taken++;
            t += 1;
          }
          sim.tookStream(taken, t);
          // The clock a run leaves is the one run() would have: its last event's time.
          if (sim.now !== t) seen.push(`clock ${sim.now} after s${t}`);
        },
      },
      { every, tick: (now) => ticks.push(now) },
    );
    return { seen, ticks, events: sim.eventsHandled };
  }

  it("takes the stream's next event only when it comes before every queued one (queued first at equal times)", () => {
    const batched = order(true, [3, 3.5, 6], 1000);
    expect(batched).toEqual(order(false, [3, 3.5, 6], 1000));
    expect(batched.seen.slice(0, 5)).toEqual(["s1", "s2", "q3", "s3", "q3.5"]);
    expect(batched.events).toBe(11);
  });

  it("stops a run for the watch's tick, which then sees the same events as without runs", () => {
    for (const every of [1, 2, 3, 5]) expect(order(true, [2.5, 7], every)).toEqual(order(false, [2.5, 7], every));
  });

  it("lets an event the run schedules go first, with the clock and counts reported before it schedules", () => {
    for (const every of [1, 3, 1000]) {
      const batched = order(true, [6.5], every, 2);
      expect(batched).toEqual(order(false, [6.5], every, 2));
      expect(batched.seen.slice(0, 5)).toEqual(["s1", "clock 2, events 2", "s2", "q2.25", "s3"]);
    }
  });
});

describe("Simulator.tookStream for an event settled aside", () => {
  /**
   * A stream at 1, 2, …, 8 whose every event brings a follow-up 0.5 later that does nothing but
   * count: queued (the reference) or, with `aside`, settled at once while the watch's budget
   * allows, as one more event taken with the clock where it is (as capacity/arrivals.ts settles a
   * held wait).
   */
  function run(aside: boolean, every: number) {
    const sim = new Simulator();
    const ticks: number[] = [];
    let followUps = 0;
    let settled = 0;
    const clocks: number[] = [];
    sim.armStream(1, 0);
    sim.run(
      {
        handle(time, payload) {
          if (payload === 1) {
            followUps++;
            return;
          }
          if (aside && sim.streamBudget() >= 1) {
            sim.tookStream(1, time);
            followUps++;
            settled++;
            clocks.push(sim.now - time);
          } else sim.schedule(time + 0.5, 1);
          if (time < 8) sim.armStream(time + 1, 0);
        },
      },
      { every, tick: (now) => ticks.push(now) },
    );
    return { events: sim.eventsHandled, ticks: ticks.length, followUps, settled, clocks };
  }

  it("counts a settled event as handled and against the watch's countdown, and leaves the clock", () => {
    for (const every of [1, 2, 3, 5, 1000]) {
      const aside = run(true, every);
      const queued = run(false, every);
      expect(aside.events).toBe(16);
      expect(queued.events).toBe(16);
      expect(aside.ticks).toBe(queued.ticks);
      expect(aside.followUps).toBe(8);
      // Settled only where the budget leaves the tick to run(): never at every 1 or 2.
      if (every >= 3) expect(aside.settled).toBeGreaterThan(0);
      else expect(aside.settled).toBe(0);
      // The clock stays at the stream event that settled it.
      expect(aside.clocks).toEqual(aside.clocks.map(() => 0));
    }
  });
});

describe("Simulator.scheduleSoon and takeQueuedBefore", () => {
  /**
   * A model whose queued events schedule follow-ups from a script (at 0 to 3 s later: many equal
   * times), beside a stream at 1, 2, …, `last`. The fast way sends the script's "soon" events to
   * the second heap and takes the stream in runs that hand over the queued events due first
   * (as capacity/arrivals.ts does); the reference schedules everything in one heap and re-arms the
   * stream through run(). Order, clock, event count and the watch's ticks must be the same.
   */
  type Step = { soon: boolean; delays: number[] };
  function order(fast: boolean, script: Step[], initial: number[], last: number, every: number) {
    const sim = new Simulator();
    const seen: string[] = [];
    const ticks: number[] = [];
    const STREAM = -1;
    let nextId = 0;
    const queue = (time: number, soon: boolean) => {
      const id = nextId++;
      if (fast && soon) sim.scheduleSoon(time, id);
      else sim.schedule(time, id);
    };
    const queued = (time: number, id: number) => {
      seen.push(`q${id}@${time}/${sim.now}`);
      const step = script[id % script.length];
      // At most 300 events in all: a script that always schedules two would never end.
      for (const d of step.delays) if (nextId < 300) queue(time + d, step.soon);
    };
    const drain = (next: number) => {
      while (sim.takeQueuedBefore(next)) queued(sim.now, sim.taken);
      return sim.continueStream(next, STREAM);
    };
    for (const t of initial) queue(t, t % 2 === 0);
    sim.armStream(1, STREAM);
    sim.run(
      {
        handle(time, payload) {
          if (payload !== STREAM) return queued(time, payload);
          let t = time;
          for (;;) {
            seen.push(`s${t}@${sim.now}`);
            if (t >= last) return;
            if (!fast) return sim.armStream(t + 1, STREAM);
            if (!sim.continueStream(t + 1, STREAM) && !drain(t + 1)) return;
            t += 1;
          }
        },
      },
      { every, tick: (now) => ticks.push(now) },
    );
    return { seen, ticks, events: sim.eventsHandled, pending: sim.pending };
  }

  it("hands over the same events in the same order as one heap, equal times included", () => {
    const step = fc.record({
      soon: fc.boolean(),
      delays: fc.array(fc.constantFrom(0, 0.5, 1, 2, 3), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(1, 2, 3, 7, 1000),
        (script, initial, last, every) => {
          const fast = order(true, script, initial, last, every);
          const reference = order(false, script, initial, last, every);
          expect(fast).toEqual(reference);
        },
      ),
      { seed: 1416, numRuns: 300 },
    );
  });

  it("takes nothing that is not the very next event", () => {
    const sim = new Simulator();
    sim.schedule(5, 1);
    sim.scheduleSoon(3, 2);
    sim.scheduleSoon(5, 3);
    expect(sim.takeQueuedBefore(2.5)).toBe(false);
    expect(sim.takeQueuedBefore(3)).toBe(true);
    expect([sim.taken, sim.now, sim.eventsHandled]).toEqual([2, 3, 1]);
    // At 5 the general heap's event was scheduled first, so it leaves first.
    expect(sim.takeQueuedBefore(5)).toBe(true);
    expect(sim.taken).toBe(1);
    expect(sim.takeQueuedBefore(5)).toBe(true);
    expect(sim.taken).toBe(3);
    expect(sim.pending).toBe(0);
    expect(() => sim.scheduleSoon(4, 4)).toThrow(RangeError);
  });
});

describe("Simulator.nextSeq, earliestSeq and scheduleSoonAt", () => {
  it("keep an event's place in the order while the caller holds it, equal times included", () => {
    // Reference: four events at one time, scheduled in turn, leave in that order.
    const reference = new Simulator();
    const seen: number[] = [];
    reference.schedule(2, 1);
    reference.scheduleSoon(2, 2);
    reference.schedule(2, 3);
    reference.scheduleSoon(2, 4);
    reference.run({ handle: (_t, p) => seen.push(p) });
    // The same, with events 2 and 4 numbered when they would have been scheduled but handed over last.
    const sim = new Simulator();
    const held: number[] = [];
    sim.schedule(2, 1);
    const seq2 = sim.nextSeq();
    expect(sim.earliestSeq()).toBeLessThan(seq2);
    sim.schedule(2, 3);
    const seq4 = sim.nextSeq();
    // Ties: the held event 2 goes after event 1 and before event 3.
    expect(sim.earliestSeq()).toBeLessThan(seq2);
    sim.scheduleSoonAt(2, seq4, 4);
    sim.scheduleSoonAt(2, seq2, 2);
    sim.run({ handle: (_t, p) => held.push(p) });
    expect(held).toEqual(seen);
    expect(held).toEqual([1, 2, 3, 4]);
    expect(sim.earliestSeq()).toBe(Number.POSITIVE_INFINITY);
    expect(() => sim.scheduleSoonAt(1, sim.nextSeq(), 5)).toThrow(RangeError);
  });
});

describe("Simulator's shape", () => {
  it("is the same for a simulator built after another ran at fractional times as for one built before", () => {
    const before = new Simulator();
    const ran = new Simulator();
    ran.schedule(1.5, 1);
    ran.armStream(0.25, 2);
    ran.run({ handle: () => {} });
    // Compared before anything reads `before`'s fields: a read moves an object off a replaced map.
    expect(sameMap(before, new Simulator())).toBe(true);
    expect(ran.now).toBe(1.5);
    expect(before.now).toBe(0);
  });
});
