// M/M/c queueing formulas for relays with `capacity` (c concurrent sessions, Poisson arrivals,
// exponential session times), the textbook check on the simulator's server queues.

function checkQueue(c: number, lambda: number, mu: number): void {
  if (!(Number.isInteger(c) && c >= 1)) throw new RangeError(`c must be an integer ≥ 1, got ${c}`);
  if (!(lambda >= 0 && Number.isFinite(lambda))) {
    throw new RangeError(`lambda must be a finite rate ≥ 0 per second, got ${lambda}`);
  }
  if (!(mu > 0 && Number.isFinite(mu))) throw new RangeError(`mu must be a finite rate > 0 per second, got ${mu}`);
  if (!(lambda < c * mu)) {
    throw new RangeError(`unstable queue: lambda = ${lambda} ≥ c·mu = ${c * mu}`);
  }
}

/**
 * Erlang C: probability that an arrival has to wait, for c servers, arrival rate lambda and
 * service rate mu (both per second). Computed from Erlang B by the stable recursion
 * B(0) = 1, B(j) = A·B(j−1)/(j + A·B(j−1)) with A = λ/μ, then C = c·B/(c − A(1 − B))
 * (Kleinrock, Queueing Systems I, §3.5; avoids the factorials and powers of the direct sum).
 * Throws RangeError unless lambda < c·mu.
 */
export function erlangC(c: number, lambda: number, mu: number): number {
  checkQueue(c, lambda, mu);
  const A = lambda / mu;
  let B = 1;
  for (let j = 1; j <= c; j++) B = (A * B) / (j + A * B);
  return (c * B) / (c - A * (1 - B));
}

/** Mean wait in queue Wq = C/(cμ − λ) seconds (Kleinrock, op. cit.). */
export function mmcMeanWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda, mu) / (c * mu - lambda);
}

/** Mean time in system W = Wq + 1/μ seconds. */
export function mmcMeanSojourn(c: number, lambda: number, mu: number): number {
  return mmcMeanWait(c, lambda, mu) + 1 / mu;
}
