// Closed forms for the `timer` balancer, global phase, one user resend after delay d (DESIGN §5):
// the resend lands m slots after the first attempt, and m alone decides whether it can fail.

import { checkDelay, checkPeriod, checkPool, checkPoolWithListed } from "./validate.js";

/** One possible slot shift and its probability. */
export interface SlotShift {
  shift: number;
  probability: number;
}

/**
 * Distribution of the slot shift m between an attempt and a resend d seconds later. With the
 * phase uniform, the attempt sits at a uniform position u ∈ [0, 1) within its slot, so
 * m = ⌊u + d/T⌋: ⌊d/T⌋ with probability 1 − frac(d/T), ⌊d/T⌋ + 1 with probability frac(d/T).
 * Shifts of probability 0 are omitted.
 */
export function slotShiftDistribution(T: number, d: number): SlotShift[] {
  checkPeriod(T);
  checkDelay(d);
  const r = d / T;
  const whole = Math.floor(r);
  const frac = r - whole;
  const shifts: SlotShift[] = [{ shift: whole, probability: 1 - frac }];
  if (frac > 0) shifts.push({ shift: whole + 1, probability: frac });
  return shifts;
}

/**
 * `rotate`, averaged over random placements of the k listed servers: given the first attempt
 * went through a listed server s, the resend uses s + m (mod N). If m ≡ 0 (mod N) that is s
 * itself (fails surely); otherwise it is one of the other N − 1 servers, of which k − 1 are
 * listed. For d < T this is DESIGN's (1 − d/T) + (d/T)(k−1)/(N−1), for T ≤ d ≤ (N−1)T it is
 * (k−1)/(N−1); beyond, the rotation comes back to s and the curve rises again, every N·T.
 * Requires 1 ≤ k ≤ N (a resend needs a rejection).
 */
export function rotateResendFailure(N: number, k: number, T: number, d: number): number {
  checkPoolWithListed(N, k);
  const otherListed = N === 1 ? 1 : (k - 1) / (N - 1);
  let failure = 0;
  for (const { shift, probability } of slotShiftDistribution(T, d)) {
    failure += probability * (shift % N === 0 ? 1 : otherListed);
  }
  return failure;
}

/**
 * `rotate` with a fixed set of listed servers (DESIGN §5, the `indices` case): the first
 * attempt's server is uniform over the listed ones, so given shift m the resend fails with
 * probability #{listed s : (s + m) mod N listed} / k. Indices must be distinct integers in [0, N).
 */
export function rotateResendFailureFixed(N: number, indices: readonly number[], T: number, d: number): number {
  checkPoolWithListed(N, indices.length);
  const listed = new Uint8Array(N);
  for (const s of indices) {
    if (!(Number.isInteger(s) && s >= 0 && s < N)) {
      throw new RangeError(`server index must be an integer in [0, ${N}), got ${s}`);
    }
    if (listed[s]) throw new RangeError(`server index ${s} is listed twice`);
    listed[s] = 1;
  }
  let failure = 0;
  for (const { shift, probability } of slotShiftDistribution(T, d)) {
    let hits = 0;
    for (const s of indices) hits += listed[(s + shift) % N];
    failure += (probability * hits) / indices.length;
  }
  return failure;
}

/**
 * `shuffle`: in the same slot (m = 0) the sender gets the same server and fails surely; in any
 * other slot the server is a fresh uniform draw, listed with probability k/N. Hence
 * (1 − d/T) + (d/T)·k/N for d < T and k/N from d = T on. Requires 1 ≤ k ≤ N.
 */
export function shuffleResendFailure(N: number, k: number, T: number, d: number): number {
  checkPoolWithListed(N, k);
  let failure = 0;
  for (const { shift, probability } of slotShiftDistribution(T, d)) {
    failure += probability * (shift === 0 ? 1 : k / N);
  }
  return failure;
}

/**
 * Smallest resend delay at which the rotate and shuffle curves reach their plateau: T, the
 * first delay certain to leave the slot (rotate's plateau then lasts until (N − 1)·T). When
 * every server is listed (k = N) both curves are flat at 1 and the plateau starts at 0.
 */
export function plateauDelay(N: number, k: number, T: number): number {
  checkPool(N, k);
  checkPeriod(T);
  return k === N ? 0 : T;
}
