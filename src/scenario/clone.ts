// A deep copy of a scenario, as sweeps make three of for every point of their grid (the written
// form to set the point's values in, the normalised shape to check them against, the input that
// parseScenario remembers). structuredClone took ~17 µs a scenario, a third of a grid point's
// cost (docs/performance.md, "A grid's points"); this plain copy takes ~2 µs. Browser-safe.

/** What copyPlain returns for a value it leaves to structuredClone. */
const NOT_PLAIN = Symbol("not plain");

/** Nesting beyond this is left to structuredClone (which copies cycles): scenarios have ~6 levels. */
const MAX_DEPTH = 100;

/**
 * structuredClone(value), faster for plain data — what JSON.parse and zod make: primitives, objects
 * whose prototype is Object's, dense arrays without other properties. Anything else (a Date, a
 * Map, a class instance, a function, a symbol, a sparse array, a cycle) goes to structuredClone,
 * which copies it or throws, as before (test/scenario/clone.test.ts holds the two equal).
 */
export function plainClone<T>(value: T): T {
  const copy = copyPlain(value, 0);
  return copy === NOT_PLAIN ? structuredClone(value) : (copy as T);
}

function copyPlain(x: unknown, depth: number): unknown {
  if (typeof x !== "object" || x === null) return typeof x === "function" || typeof x === "symbol" ? NOT_PLAIN : x;
  if (depth > MAX_DEPTH) return NOT_PLAIN;
  const proto = Object.getPrototypeOf(x);
  if (proto === Array.prototype && Array.isArray(x)) {
    const a = x as unknown[];
    if (Object.keys(a).length !== a.length) return NOT_PLAIN;
    const copy = new Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = copyPlain(a[i], depth + 1);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      copy[i] = v;
    }
    return copy;
  }
  if (proto !== Object.prototype) return NOT_PLAIN;
  const o = x as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key in o) {
    const v = copyPlain(o[key], depth + 1);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    // JSON.parse makes "__proto__" an own key; an assignment would set the copy's prototype.
    if (key === "__proto__")
      Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
    else copy[key] = v;
  }
  return copy;
}
