// Argument checks shared by the closed forms of DESIGN §5, so each formula file states only
// its mathematics and every bad input fails the same way (RangeError naming the argument).

/** N servers (integer ≥ 1) with k of them listed (integer, 0 ≤ k ≤ N). */
export function checkPool(N: number, k: number): void {
  if (!(Number.isInteger(N) && N >= 1)) throw new RangeError(`N must be an integer ≥ 1, got ${N}`);
  if (!(Number.isInteger(k) && k >= 0 && k <= N)) {
    throw new RangeError(`k must be an integer in [0, N = ${N}], got ${k}`);
  }
}

/** As checkPool, and k ≥ 1: a resend follows a rejection, which needs a listed server. */
export function checkPoolWithListed(N: number, k: number): void {
  checkPool(N, k);
  if (k < 1) throw new RangeError("k must be ≥ 1: with no listed server nothing is rejected or resent");
}

export function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${p}`);
}

/** A positive finite duration in seconds (a timer period). */
export function checkPeriod(T: number): void {
  if (!(T > 0 && Number.isFinite(T))) throw new RangeError(`period T must be > 0 seconds, got ${T}`);
}

/** A finite delay ≥ 0 in seconds. */
export function checkDelay(d: number): void {
  if (!(d >= 0 && Number.isFinite(d))) throw new RangeError(`delay d must be ≥ 0 seconds, got ${d}`);
}
