// SessionEnds against a plain sorted reference: releasing by a time removes exactly the ends
// at or before it, per server, however pushes and releases interleave.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SessionEnds } from "../../src/model/session-ends.js";

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
