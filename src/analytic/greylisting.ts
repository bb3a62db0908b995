// Closed forms for a fresh greylisted triplet (DESIGN §2 "Greylisting", §5): a message whose
// (relay, sender, recipient) triplet is new to a greylisting receiver, no list rejecting it.
// `ages` are the MTA's retry ages (seconds after the first attempt, ascending, retryAges()).

/**
 * Retries from the same relay (`mta.retryFrom: "same"`): the message is delivered at the first
 * retry whose age is at least `delay`. Returns that retry's index (1 = the first retry) and age,
 * or null when no retry before the queue lifetime reaches the delay (the message bounces).
 */
export function sameRelayDelivery(ages: readonly number[], delay: number): { retry: number; age: number } | null {
  const i = ages.findIndex((a) => a >= delay);
  return i < 0 ? null : { retry: i + 1, age: ages[i] };
}

/** Whether every gap between attempts (0, ages…) is at least `delay`, as poolRetryDistribution assumes. */
export function gapsAtLeast(ages: readonly number[], delay: number): boolean {
  let previous = 0;
  for (const a of ages) {
    if (a - previous < delay) return false;
    previous = a;
  }
  return true;
}

/**
 * Retries re-picked uniformly from N relays (`mta.retryFrom: "pool"`, `random` balancer), when every
 * gap between attempts is at least the delay: a retry passes exactly when its relay carried an
 * earlier attempt of the message — the birthday problem. P(delivered at retry k) =
 * ∏_{i=1}^{k−1} (1 − i/N) · k/N, k = 1 … N. Entry k of the result is that probability (entry 0 is 0).
 */
export function poolRetryDistribution(N: number): number[] {
  if (!(Number.isInteger(N) && N >= 1)) throw new RangeError(`N must be an integer ≥ 1, got ${N}`);
  const p = [0];
  let allDistinct = 1;
  for (let k = 1; k <= N; k++) {
    p.push((allDistinct * k) / N);
    allDistinct *= 1 - k / N;
  }
  return p;
}

/**
 * Mean attempts (first included) and mean delivery delay (retry age + session) of a fresh
 * greylisted message under pool retries over N uniform relays, and the probability it is never
 * delivered because the queue lifetime comes first (ages lists only retries before it).
 */
export function poolRetryMeans(
  N: number,
  ages: readonly number[],
  delay: number,
  session: number,
): { attempts: number; delay: number; undelivered: number } {
  if (!gapsAtLeast(ages, delay)) throw new RangeError("poolRetryMeans needs every retry gap ≥ the delay");
  const p = poolRetryDistribution(N);
  let attempts = 0;
  let mean = 0;
  let delivered = 0;
  for (let k = 1; k < p.length && k <= ages.length; k++) {
    attempts += p[k] * (k + 1);
    mean += p[k] * (ages[k - 1] + session);
    delivered += p[k];
  }
  return { attempts: attempts / delivered, delay: mean / delivered, undelivered: 1 - delivered };
}
