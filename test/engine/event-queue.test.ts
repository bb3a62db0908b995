// The event queue against a sorted reference: time order, FIFO among equal times, interleaved
// push/pop and growth past the initial capacity (fast-check, many ties).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/engine/event-queue.js";

/** Times drawn from a handful of values (many ties) mixed with arbitrary finite ones. */
const time = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.constantFrom(0, 0.5, 1e-9, 1e9),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
);

function drain(queue: EventQueue): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (queue.size > 0) {
    out.push([queue.peekTime(), queue.peekPayload()]);
    queue.pop();
  }
  return out;
}

describe("EventQueue", () => {
  it("pops in time order, FIFO among equal times (stable sort of the pushes)", () => {
    fc.assert(
      fc.property(fc.array(time, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (times, capacity) => {
        const queue = new EventQueue(capacity);
        for (const [i, t] of times.entries()) queue.push(t, i);
        expect(queue.size).toBe(times.length);
        // Array.prototype.sort is stable: equal times keep insertion order.
        const reference = times.map((t, i): [number, number] => [t, i]).sort((a, b) => a[0] - b[0]);
        expect(drain(queue)).toEqual(reference);
        expect(queue.size).toBe(0);
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it("agrees with a reference under interleaved pushes and pops", () => {
    const command = fc.oneof(
      { weight: 3, arbitrary: time.map((t) => ({ push: t })) },
      { weight: 2, arbitrary: fc.constant({ push: undefined }) },
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 400 }), (commands) => {
        const queue = new EventQueue(2);
        // Reference: pending (time, seq, payload), the minimum by (time, seq) leaves first.
        const pending: Array<{ time: number; seq: number }> = [];
        let seq = 0;
        for (const c of commands) {
          if (c.push !== undefined) {
            queue.push(c.push, seq);
            pending.push({ time: c.push, seq });
            seq++;
          } else if (pending.length > 0) {
            let best = 0;
            for (let i = 1; i < pending.length; i++) {
              const p = pending[i];
              const b = pending[best];
              if (p.time < b.time || (p.time === b.time && p.seq < b.seq)) best = i;
            }
            const [expected] = pending.splice(best, 1);
            expect([queue.peekTime(), queue.peekPayload()]).toEqual([expected.time, expected.seq]);
            queue.pop();
          }
          expect(queue.size).toBe(pending.length);
        }
        const rest = pending
          .sort((a, b) => a.time - b.time || a.seq - b.seq)
          .map((p): [number, number] => [p.time, p.seq]);
        expect(drain(queue)).toEqual(rest);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("keeps FIFO order among thousands of equal times across many growths", () => {
    const queue = new EventQueue(1);
    const n = 5000;
    for (let i = 0; i < n; i++) queue.push(i % 3, i);
    const popped = drain(queue);
    const expected = [0, 1, 2].flatMap((t) =>
      Array.from({ length: n }, (_, i) => i)
        .filter((i) => i % 3 === t)
        .map((i): [number, number] => [t, i]),
    );
    expect(popped).toEqual(expected);
  });

  it("keeps 32-bit payloads intact, negative ones included", () => {
    const queue = new EventQueue(4);
    const payloads = [0, -1, 2 ** 31 - 1, -(2 ** 31), 123456789];
    payloads.forEach((p, i) => {
      queue.push(i, p);
    });
    expect(drain(queue).map(([, p]) => p)).toEqual(payloads);
  });

  it("reports Infinity as the next time when empty, and clear() empties it and restarts FIFO numbering", () => {
    const queue = new EventQueue();
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
    queue.push(5, 1);
    queue.push(5, 2);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
    queue.push(3, 10);
    queue.push(3, 11);
    queue.push(1, 12);
    expect(drain(queue)).toEqual([
      [1, 12],
      [3, 10],
      [3, 11],
    ]);
  });
});
