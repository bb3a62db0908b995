// The run loop: events in time order (FIFO among ties), the clock follows them, and an event
// scheduled in the past is refused as the model bug it is.
import { describe, expect, it } from "vitest";
import { type EventHandler, Simulator } from "../../src/engine/simulator.js";

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
