// SessionCounts' index of servers by count against the two scans least-connections used to make
// at every pick (the fewest sessions among the chosen servers, how many tie at it, the j-th of
// them in index order), however sessions start and end and the chosen servers change, on pools
// of one to three 32-bit words of servers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nthBit, SessionCounts } from "../../src/model/session-counts.js";

/** The old pick's two scans: the fewest sessions of a chosen server and the chosen servers at it, in index order. */
function scan(counts: Int32Array, chosen: Uint8Array): { least: number; tied: number[] } {
  let least = 2147483647;
  for (let v = 0; v < counts.length; v++) if (chosen[v] === 1 && counts[v] < least) least = counts[v];
  const tied: number[] = [];
  for (let v = 0; v < counts.length; v++) if (chosen[v] === 1 && counts[v] === least) tied.push(v);
  return { least, tied };
}

const operation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("add" as const), at: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("remove" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("choose" as const), mask: fc.array(fc.boolean()) }) },
);

/** The j-th set bit of x (from 0, lowest first) the plain way: clear the j lowest, take the lowest left. */
function nthBitByLoop(x: number, j: number): number {
  let y = x;
  for (let k = 0; k < j; k++) y &= y - 1;
  return 31 - Math.clz32(y & -y);
}

describe("nthBit", () => {
  /** Every j below x's bit count gives the loop's answer. */
  const agrees = (x: number): void => {
    const bits = [...Array(32).keys()].filter((b) => (x >>> b) & 1).length;
    for (let j = 0; j < bits; j++) expect(nthBit(x, j)).toBe(nthBitByLoop(x, j));
  };

  it("finds the j-th set bit as the loop does, in single bits, runs and patterns of every width", () => {
    for (const x of [-1, 0x55555555, 0xaaaaaaaa | 0, 0xffff0000 | 0, 0x0000ffff, 0x00ff00ff, 0x80000001 | 0]) agrees(x);
    for (let bit = 0; bit < 32; bit++) for (const x of [1 << bit, ~(1 << bit), (1 << bit) - 1, -(1 << bit)]) agrees(x);
  });

  it("finds the j-th set bit as the loop does in random words", () => {
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), agrees), { numRuns: 3000 });
  });
});

describe("SessionCounts", () => {
  it("gives the fewest sessions, its ties and the j-th tie as the two scans do", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), fc.array(operation, { maxLength: 400 }), (servers, ops) => {
        const s = new SessionCounts(servers);
        const chosen = new Uint8Array(servers).fill(1);
        for (const o of ops) {
          if (o.op === "add") s.add(o.at % servers);
          else if (o.op === "remove") {
            // Only a server with a session in progress can end one.
            const busy = [...s.counts.keys()].filter((v) => s.counts[v] > 0);
            if (busy.length > 0) s.remove(busy[o.at % busy.length]);
          } else {
            for (let v = 0; v < servers; v++) chosen[v] = o.mask[v % Math.max(1, o.mask.length)] ? 1 : 0;
            if (!chosen.includes(1)) chosen[servers - 1] = 1;
            s.chooseAmong(chosen);
          }
          const { least, tied } = scan(s.counts, chosen);
          expect(s.least).toBe(least);
          expect(s.ties).toBe(tied.length);
          for (let j = 0; j < tied.length; j++) expect(s.nthLeast(j)).toBe(tied[j]);
        }
      }),
      { seed: 2026, numRuns: 300 },
    );
  });

  it("counts past its first levels (no capacity: sessions pile up on a server)", () => {
    const s = new SessionCounts(40);
    for (let i = 0; i < 100; i++) for (let v = 0; v < 40; v++) if (v !== 33) s.add(v);
    for (let i = 0; i < 99; i++) s.add(33);
    expect(s.least).toBe(99);
    expect(s.ties).toBe(1);
    expect(s.nthLeast(0)).toBe(33);
    s.add(33);
    expect([s.least, s.ties, s.nthLeast(39)]).toEqual([100, 40, 39]);
  });

  it("refuses to choose among no server", () => {
    expect(() => new SessionCounts(3).chooseAmong(new Uint8Array(3))).toThrow(/no server/);
  });
});
