// Listing windows are built as rejections come, in memory that grows with the windows: they must
// be the windows of sorting every rejection time and splitting where two lie more than
// WINDOW_GAP apart, whatever the order the rejections arrive in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addToClusters, type Cluster, WINDOW_GAP } from "../../src/calibrate/evidence.js";

function sortAndSplit(times: number[]): Cluster[] {
  const sorted = [...times].sort((a, b) => a - b);
  const out: Cluster[] = [];
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] - sorted[i - 1] > WINDOW_GAP) {
      out.push({ first: sorted[start], last: sorted[i - 1], rejections: i - start });
      start = i;
    }
  }
  return out;
}

describe("addToClusters", () => {
  it("gives the sorted-and-split windows for rejections in any order", () => {
    // Times on a grid of a fraction of the gap, so that gaps of exactly WINDOW_GAP occur.
    const time = fc.integer({ min: 0, max: 400 }).map((k) => (k * WINDOW_GAP) / 8);
    fc.assert(
      fc.property(fc.array(time, { maxLength: 120 }), (times) => {
        const clusters: Cluster[] = [];
        for (const t of times) addToClusters(clusters, t);
        expect(clusters).toEqual(sortAndSplit(times));
      }),
      { seed: 13, numRuns: 2000 },
    );
  });
});
