// Channels: a FIFO queue of c sessions per relay whose start times are known on arrival.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulator, sampler } from "../../../src/engine/index.js";
import { Channels } from "../../../src/model/capacity/channels.js";
import { START_UNKNOWN } from "../../../src/model/capacity/regime.js";
import { MessageTable } from "../../../src/model/messages.js";
import { SessionCounts } from "../../../src/model/session-counts.js";
import { SessionLengths } from "../../../src/model/streams.js";
import { Tally } from "../../../src/model/tally.js";

/**
 * Channels with sessions of `length`, fixed (the ring: each relay's sessions in turn) or drawn
 * (the same lengths from a sampler that does not say they are fixed, so arrive() scans).
 */
function channels(capacity: number, length: number, tally = new Tally(2, 1, 60, 0, 1000, 1000), drawn = false) {
  const lengths = drawn
    ? new SessionLengths({ constant: false, mean: length, sample: () => length }, [])
    : new SessionLengths(sampler({ fixed: length }), []);
  expect(lengths.constant).toBe(!drawn);
  return new Channels({
    servers: 2,
    capacity,
    sessions: new SessionCounts(2),
    simulator: new Simulator(),
    tally,
    lengths,
    messages: new MessageTable(),
    flow: { startSession: () => {} },
  });
}

describe.each([
  ["fixed", false],
  ["drawn", true],
])("Channels (session lengths %s)", (_name, drawn) => {
  it("starts an attempt on the session free soonest, in arrival order, and draws its length", () => {
    const c = channels(2, 10, undefined, drawn);
    expect(c.arrive(0, 0, 0, true)).toBe(0);
    expect(c.length).toBe(10);
    expect(c.arrive(0, 1, 0, true)).toBe(1);
    // Both sessions busy until 10 and 11: the third waits for the first, the fourth for the second.
    expect(c.arrive(0, 2, 0, true)).toBe(10);
    expect(c.arrive(0, 3, 0, true)).toBe(11);
    // Another relay's sessions are its own.
    expect(c.arrive(1, 3, 0, true)).toBe(3);
    expect(c.arrive(0, 3, 0, true)).not.toBe(START_UNKNOWN);
  });

  it("counts sessions, waits and busy time of the counted window", () => {
    const tally = new Tally(2, 1, 60, 5, 1000, 1000);
    const c = channels(1, 10, tally, drawn);
    c.arrive(0, 0, 0, false);
    c.arrive(0, 4, 0, true);
    expect(Array.from(tally.serverSessions)).toEqual([1, 0]);
    expect(Array.from(tally.serverWait)).toEqual([6, 0]);
    // [0, 10) clipped to the warm-up's end at 5, then [10, 20).
    expect(Array.from(tally.serverBusy)).toEqual([15, 0]);
  });
});

describe("Channels with a fixed session length", () => {
  /** The reference: the scan for the session free soonest, on the same arrivals. */
  function scanned(capacity: number, length: number, arrivals: Array<[number, number]>): number[] {
    const freeAt = Array.from({ length: 3 }, () => new Array<number>(capacity).fill(0));
    return arrivals.map(([server, time]) => {
      const free = freeAt[server];
      let soonest = 0;
      for (let c = 1; c < capacity; c++) if (free[c] < free[soonest]) soonest = c;
      const start = Math.max(free[soonest], time);
      free[soonest] = start + length;
      return start;
    });
  }

  it("takes the sessions in turn and gives the starts, waits and busy time of the scan", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(0, 1, 2, 2.5, 0.1, 7),
        // Gaps of 0 (equal times) and fractions that round: starts land on equal and inexact times.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(0, 0, 0.1, 0.3, 1, 2.5)), {
          maxLength: 120,
        }),
        (capacity, length, steps) => {
          let time = 0;
          const arrivals: Array<[number, number]> = [];
          for (const [server, gap] of steps) {
            time += gap;
            arrivals.push([server, time]);
          }
          const tally = new Tally(3, 1, 60, 0, 1e6, 1e6);
          const c = new Channels({
            servers: 3,
            capacity,
            sessions: new SessionCounts(3),
            simulator: new Simulator(),
            tally,
            lengths: new SessionLengths(sampler({ fixed: length }), []),
            messages: new MessageTable(),
            flow: { startSession: () => {} },
          });
          const starts = arrivals.map(([server, t]) => c.arrive(server, t, 0, true));
          const expected = scanned(capacity, length, arrivals);
          expect(starts).toEqual(expected);
          const wait = [0, 0, 0];
          const busy = [0, 0, 0];
          arrivals.forEach(([server, t], i) => {
            wait[server] += expected[i] - t;
            const end = expected[i] + length;
            busy[server] += Math.min(end, 1e6) - Math.max(expected[i], 0) > 0 ? Math.min(end, 1e6) - expected[i] : 0;
          });
          expect(Array.from(tally.serverWait)).toEqual(wait);
          expect(Array.from(tally.serverBusy)).toEqual(busy);
        },
      ),
      { seed: 1417, numRuns: 300 },
    );
  });
});
