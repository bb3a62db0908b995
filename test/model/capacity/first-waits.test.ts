// FirstWaits (capacity/arrivals.ts's held first attempts): the waits leave in (start, order
// number) order — a sort of what was pushed — whatever the pushes and pops interleaved, through
// growth of the ring and with many equal starts; each record keeps its fields until released.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FirstWaits } from "../../../src/model/capacity/first-waits.js";

describe("FirstWaits", () => {
  it("hands the waits back by start, then by order number, with their fields", () => {
    const op = fc.oneof(
      // A push at now + a delay of whole or half seconds (equal starts), or a pop.
      fc.constantFrom(0, 0.5, 1, 2, 2, 4).map((d) => ({ push: d })),
      fc.constant({ push: -1 }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const waits = new FirstWaits();
        // The arrivals loop's lanes: a wait's start at 13, its submission time at 12.
        const lanes = new Float64Array(14);
        const model: { start: number; seq: number; id: number }[] = [];
        let seq = 0;
        let now = 0;
        const popOne = () => {
          model.sort((a, b) => a.start - b.start || a.seq - b.seq);
          const expected = model.shift() as { start: number; seq: number; id: number };
          expect([waits.nextTime, waits.nextSeq]).toEqual([expected.start, expected.seq]);
          const r = waits.pop();
          expect([waits.id[r], waits.submitted[r], waits.server[r], waits.counted[r]]).toEqual([
            expected.id,
            expected.id / 2,
            expected.id % 7,
            expected.id % 2,
          ]);
          waits.release(r);
          now = expected.start;
        };
        for (const o of ops) {
          if (o.push < 0) {
            if (model.length > 0) popOne();
            continue;
          }
          const id = seq;
          model.push({ start: now + o.push, seq, id });
          lanes[13] = now + o.push;
          lanes[12] = id / 2;
          waits.pushFrom(lanes, seq++, id, id % 5, id % 11, id % 7, id % 2 === 1);
          expect(waits.size).toBe(model.length);
        }
        while (model.length > 0) popOne();
        expect(waits.size).toBe(0);
        expect(waits.nextTime).toBe(Number.POSITIVE_INFINITY);
      }),
      { seed: 1417, numRuns: 300 },
    );
  });
});
