// Floor division by comparison: `Math.floor((t + offset) / width)` for times t that come in order
// (a simulation clock), found by comparing t with the ends of the last slot instead of dividing.
// Exact, not approximate: the answer is the division's own, rounding included.
//
// Rounded addition and division are monotone (t ≤ t' gives fl(t + o) ≤ fl(t' + o) and
// fl(a / w) ≤ fl(a' / w) for w > 0), and so is floor. So once the division gave slot k at a time
// `from`, and slotUntil found a time `until` at which it gives at most k, every t in
// [from, until] gets k exactly. `until` lies a few units in the last place below the true edge;
// the times in between (if any ever come) take the division again.

/** A double relative step comfortably above the rounding of (k + 1)·width − offset and back. */
const MARGIN = 8 * Number.EPSILON;

/**
 * A time at which `Math.floor((time + offset) / width)` is at most `k`, within a few units in
 * the last place of the first time it exceeds k (width > 0, finite offset; an infinite width
 * puts every finite time in slot 0). −Infinity when none is found, so a cache never hits.
 */
export function slotUntil(k: number, offset: number, width: number): number {
  const edge = (k + 1) * width - offset;
  if (!Number.isFinite(edge)) {
    return Math.floor((Number.MAX_VALUE + offset) / width) <= k ? Number.MAX_VALUE : Number.NEGATIVE_INFINITY;
  }
  let margin = MARGIN * (Math.abs((k + 1) * width) + Math.abs(offset));
  let until = edge;
  for (let tries = 0; tries < 4; tries++) {
    if (Math.floor((until + offset) / width) <= k) return until;
    until = edge - margin;
    margin *= 16;
  }
  return Number.NEGATIVE_INFINITY;
}
