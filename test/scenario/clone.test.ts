// plainClone is structuredClone, faster for plain data: the same copy (prototypes, -0, undefined,
// key order, "__proto__" as an own key) or the same throw, for any value.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainClone } from "../../src/scenario/clone.js";

/** What structuredClone gives, or the name of what it throws. */
function outcome(clone: (x: unknown) => unknown, x: unknown): { value: unknown } | { threw: string } {
  try {
    return { value: clone(x) };
  } catch (error) {
    return { threw: (error as Error).name };
  }
}

function sameAsStructuredClone(x: unknown): void {
  const fast = outcome(plainClone, x);
  const slow = outcome(structuredClone, x);
  expect("threw" in fast ? fast.threw : "copied").toBe("threw" in slow ? slow.threw : "copied");
  if ("value" in fast && "value" in slow) {
    expect(isDeepStrictEqual(fast.value, slow.value)).toBe(true);
    // Key order, which isDeepStrictEqual ignores and JSON text shows.
    expect(JSON.stringify(fast.value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).toBe(
      JSON.stringify(slow.value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
    );
    if (typeof x === "object" && x !== null) expect(fast.value).not.toBe(x);
  }
}

describe("plainClone", () => {
  it("copies JSON data as structuredClone does, and never shares a container", () => {
    fc.assert(fc.property(fc.jsonValue(), sameAsStructuredClone), { numRuns: 2000, seed: 20261203 });
  });

  it("gives structuredClone's copy or throw for any value", () => {
    // fc.anything: -0, NaN, undefined values, null-prototype objects, boxed values, dates, maps, sets…
    const any = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(fc.property(any, sameAsStructuredClone), { numRuns: 2000, seed: 20261203 });
  });

  it("keeps a parsed __proto__ key as an own key, and copies cycles, extra array keys and functions as structuredClone does", () => {
    const parsed = JSON.parse('{"a": {"__proto__": {"x": 1}, "b": [1, 2]}}');
    sameAsStructuredClone(parsed);
    expect(Object.getPrototypeOf(plainClone(parsed).a)).toBe(Object.prototype);
    expect(Object.hasOwn(plainClone(parsed).a, "__proto__")).toBe(true);
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const copy = plainClone(cycle);
    expect(copy.self).toBe(copy);
    const extra = Object.assign([1, 2], { note: "x" });
    sameAsStructuredClone({ extra });
    sameAsStructuredClone({ f: () => 1 });
    sameAsStructuredClone({ s: Symbol("s") });
    const sparse = [1, 2, 3];
    delete sparse[1];
    sameAsStructuredClone(sparse);
    let deep: unknown = 1;
    for (let i = 0; i < 500; i++) deep = [deep];
    sameAsStructuredClone(deep);
  });
});
