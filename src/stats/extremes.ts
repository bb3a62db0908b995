// Largest and smallest of a list without spreading it into Math.max/Math.min: a spread passes
// every element as an argument and overflows the stack above ~125 000 of them (issue 10).

/** The largest of `values` and `floor` (`floor` alone when there are none). NaNs are skipped. */
export function maxOf(values: Iterable<number>, floor = Number.NEGATIVE_INFINITY): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** The smallest of `values` and `ceiling` (`ceiling` alone when there are none). NaNs are skipped. */
export function minOf(values: Iterable<number>, ceiling = Number.POSITIVE_INFINITY): number {
  let min = ceiling;
  for (const v of values) if (v < min) min = v;
  return min;
}
