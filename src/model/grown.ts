// Growing the struct-of-arrays tables (message table, recipient book, greylist, shadow resends,
// session heaps and counts, routes): one copy routine instead of a hand-written one per table.

type Grown = Int32Array | Float64Array | Uint8Array;

/** A copy of `a` in a new array of the same type and length `n` (≥ a.length), zeros past a's end. */
export function grown<T extends Grown>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}
