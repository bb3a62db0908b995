// SessionEnds against a plain sorted reference: releasing by a time removes exactly the ends
// at or before it, per server, however pushes and releases interleave. And the two clocks of
// all servers' sessions (FIFO for a fixed length, a heap otherwise) against a plain list.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SessionCounts } from "../../src/model/session-counts.js";
import { FifoSessionEnds, HeapSessionEnds, SessionEnds, sessionClock } from "../../src/model/session-ends.js";

describe("SessionEnds", () => {
  it("releases exactly the sessions that ended by the given time", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            server: fc.integer({ min: 0, max: 2 }),
            push: fc.boolean(),
            t: fc.double({ min: 0, max: 100, noNaN: true }),
          }),
          { maxLength: 300 },
        ),
        (ops) => {
          const ends = new SessionEnds(3);
          const reference: number[][] = [[], [], []];
          for (const { server, push, t } of ops) {
            if (push) {
              ends.push(server, t);
              reference[server].push(t);
            } else {
              const expected = reference[server].filter((e) => e <= t).length;
              reference[server] = reference[server].filter((e) => e > t);
              expect(ends.releaseBy(server, t)).toBe(expected);
            }
            expect(ends.sizes[server]).toBe(reference[server].length);
            expect(ends.earliest[server]).toBe(Math.min(...reference[server]));
          }
        },
      ),
      { seed: 17, numRuns: 200 },
    );
  });
});

/** A plain reference: every session in progress as (server, end), released by filtering. */
function referenceClock(servers: number) {
  let live: { server: number; end: number }[] = [];
  return {
    push: (server: number, end: number) => live.push({ server, end }),
    releaseTo: (time: number) => {
      live = live.filter((s) => s.end > time);
    },
    count: (server: number) => live.filter((s) => s.server === server).length,
    earliest: (server: number) => Math.min(...live.filter((s) => s.server === server).map((s) => s.end)),
    servers,
  };
}

const clockOps = fc.array(
  fc.record({
    push: fc.boolean(),
    server: fc.nat(),
    /** How far the clock moves before this operation, and the session's length when it is a push. */
    step: fc.double({ min: 0, max: 3, noNaN: true }),
    length: fc.double({ min: 0, max: 5, noNaN: true }),
  }),
  { maxLength: 300 },
);

describe.each([
  { name: "FifoSessionEnds (a fixed session length)", fixed: true },
  { name: "HeapSessionEnds (variable lengths)", fixed: false },
])("$name", ({ fixed }) => {
  it("keeps every server's count and earliest end as a plain list of sessions does", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        clockOps,
        (servers, capacity, fixedLength, ops) => {
          const counts = new SessionCounts(servers);
          const clock = sessionClock(counts, capacity, fixed);
          expect(clock).toBeInstanceOf(fixed ? FifoSessionEnds : HeapSessionEnds);
          const reference = referenceClock(servers);
          let now = 0;
          for (const o of ops) {
            now += o.step;
            // The regime reads counts only after releasing to now, and starts a session only below capacity.
            clock.releaseTo(now);
            reference.releaseTo(now);
            const server = o.server % servers;
            if (o.push && (capacity === null || counts.counts[server] < capacity)) {
              const end = now + (fixed ? fixedLength : o.length);
              clock.push(server, end);
              reference.push(server, end);
            }
            for (let v = 0; v < servers; v++) {
              expect(counts.counts[v]).toBe(reference.count(v));
              if (capacity !== null) expect(clock.earliest(v)).toBe(reference.earliest(v));
            }
          }
        },
      ),
      { seed: 23, numRuns: 300 },
    );
  });
});

describe("FifoSessionEnds", () => {
  it("refuses an end before an earlier one (lengths that are not fixed)", () => {
    const clock = new FifoSessionEnds(new SessionCounts(2), null);
    clock.push(0, 5);
    expect(() => clock.push(1, 4)).toThrow(/before an earlier one/);
  });

  it("grows past its first ring of ends", () => {
    const counts = new SessionCounts(3);
    const clock = new FifoSessionEnds(counts, null);
    for (let i = 0; i < 1000; i++) {
      clock.push(i % 3, i);
      if (i % 10 === 0) clock.releaseTo(i / 2);
    }
    clock.releaseTo(899.5);
    expect(Array.from(counts.counts)).toEqual([34, 33, 33]);
  });
});
