// slotUntil (engine/slots.ts): a time up to which floor((t + offset)/width) keeps the slot k it had,
// found once per slot so that callers compare instead of dividing. It must never claim a time of
// the next slot (the cached answer would be wrong), and it should sit next to the slot's end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { slotUntil } from "../../src/engine/slots.js";

const slotOf = (t: number, offset: number, width: number) => Math.floor((t + offset) / width);

/** The double after x (x ≥ 0). */
function nextUp(x: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += 1n;
  return f[0];
}

const widths = fc.oneof(
  fc.constantFrom(600, 3600, 86400, 0.001, 1e-7, 1e7, 1 / 3, 7000 * 86400),
  fc.double({ min: 1e-6, max: 1e8, noNaN: true }),
);

describe("slotUntil", () => {
  it("gives a time still in slot k, within a few units in the last place of the slot's end", () => {
    fc.assert(
      fc.property(
        widths,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (width, share, t) => {
          const offset = share < 0.5 ? 0 : share * width;
          const k = slotOf(t, offset, width);
          const until = slotUntil(k, offset, width);
          expect(slotOf(until, offset, width)).toBeLessThanOrEqual(k);
          // Close to the end: a relative step of 1e-11 further is in a later slot.
          const step = 1e-11 * ((k + 1) * width + offset);
          expect(slotOf(until + step, offset, width)).toBeGreaterThan(k);
        },
      ),
      { numRuns: 2000, seed: 20261201 },
    );
  });

  it("answers like the division at every double next to many slot ends", () => {
    for (const [width, offset] of [
      [600, 0],
      [600, 123.456789],
      [3600, 0],
      [0.1, 0.07],
      [1 / 3, 0],
      [86400, 86399.99999999999],
    ]) {
      let from = Number.POSITIVE_INFINITY;
      let until = Number.NEGATIVE_INFINITY;
      let k = 0;
      for (let j = 1; j < 3000; j += 7) {
        let t = Math.max(0, j * width - offset);
        for (let s = 0; s < 8; s++) t = t > 0 ? t - Number.EPSILON * t : t;
        for (let s = 0; s < 16; s++, t = nextUp(t)) {
          if (!(t >= from && t <= until)) {
            k = slotOf(t, offset, width);
            from = t;
            until = slotUntil(k, offset, width);
          }
          if (k !== slotOf(t, offset, width)) throw new Error(`width ${width}, offset ${offset}: ${t} cached ${k}`);
        }
      }
    }
  });

  it("puts every finite time in slot 0 of an infinite width", () => {
    expect(slotUntil(0, 0, Number.POSITIVE_INFINITY)).toBe(Number.MAX_VALUE);
    expect(slotOf(Number.MAX_VALUE, 0, Number.POSITIVE_INFINITY)).toBe(0);
  });
});
