import { describe, expect, it } from "vitest";
import { classOf, MAX_COMPOSITIONS, placementAt, placementClasses } from "../../src/model/placement-classes.js";

/** Every placement of k among n, ascending: the brute force the counting argument replaces. */
function allPlacements(n: number, k: number): number[][] {
  const out: number[][] = [];
  const chosen: number[] = [];
  const walk = (start: number) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let v = start; v < n; v++) {
      chosen.push(v);
      walk(v + 1);
      chosen.pop();
    }
  };
  walk(0);
  return out;
}

describe("placementClasses", () => {
  it("gives 2 of 20 its ten gap classes: 2/19 each for gaps 1–9, 1/19 for gap 10", () => {
    const classes = placementClasses(20, 2);
    expect(classes?.map((c) => c.gaps)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, 19 - i]));
    for (const c of (classes ?? []).slice(0, 9)) expect(c.probability).toBeCloseTo(2 / 19, 14);
    expect(classes?.[9].probability).toBeCloseTo(1 / 19, 14);
  });

  it.each([
    [6, 3],
    [8, 4],
    [9, 3],
    [12, 2],
    [10, 5],
    [7, 7],
    [5, 1],
    [5, 0],
  ])("matches every placement of %i relays with %i listed, counted one by one", (n, k) => {
    const counted = new Map<string, number>();
    const placements = allPlacements(n, k);
    for (const p of placements) {
      const key = classOf(p, n).join(",");
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
    const classes = placementClasses(n, k) ?? [];
    expect(classes.map((c) => c.gaps.join(",")).sort()).toEqual([...counted.keys()].sort());
    for (const c of classes)
      expect(c.probability).toBeCloseTo((counted.get(c.gaps.join(",")) ?? 0) / placements.length, 14);
    expect(classes.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(1, 14);
  });

  it("turns each class's gaps into placements of that class, every one of them as the start relay moves", () => {
    const n = 12;
    for (const k of [2, 3, 4]) {
      for (const c of placementClasses(n, k) ?? []) {
        const seen = new Set<string>();
        for (let start = 0; start < n; start++) {
          const p = placementAt(c.gaps, start, n);
          expect(p).toHaveLength(k);
          expect(classOf(p, n)).toEqual(c.gaps);
          seen.add(p.join(","));
        }
        // The class holds probability · C(n, k) placements, and the starts reach all of them.
        expect(seen.size).toBeCloseTo(c.probability * allPlacements(n, k).length, 9);
      }
    }
  });

  it("gives up (null) past MAX_COMPOSITIONS gap compositions, and refuses more listed relays than the pool has", () => {
    // C(999, 3) ≈ 1.7e8 compositions.
    expect(MAX_COMPOSITIONS).toBeLessThan(1.7e8);
    expect(placementClasses(1000, 4)).toBeNull();
    expect(placementClasses(1000, 2)).toHaveLength(500);
    expect(() => placementClasses(3, 4)).toThrow(RangeError);
    expect(() => placementClasses(3, -1)).toThrow(RangeError);
  });
});
