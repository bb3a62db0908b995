// Closed forms for `round-robin` with `resetAfterIdle` τ (KumoMTA): with picks at Poisson rate Λ,
// each pick follows an idle gap of at least τ — and so starts the rotation over — independently
// with probability q = e^{−Λτ}; a pick's position after the start is then geometric.

/** P(a pick follows an idle gap ≥ τ) for Poisson picks of rate Λ per second: e^{−Λτ}. */
export function resetProbability(rate: number, tau: number): number {
  if (!(rate >= 0 && Number.isFinite(rate))) throw new RangeError(`rate must be ≥ 0 per second, got ${rate}`);
  if (!(tau > 0)) throw new RangeError(`resetAfterIdle τ must be > 0 seconds, got ${tau}`);
  return Math.exp(-rate * tau);
}

/**
 * The share of picks that go to the relay m places after the start (m = 0 … N−1), unweighted,
 * no exclusions: the picks since the last reset are J ~ Geometric(q), P(J = j) = q(1 − q)^j, and
 * the relay is the start + J mod N, so share(m) = q(1 − q)^m / (1 − (1 − q)^N). With q → 0 it is
 * 1/N (plain round-robin); with q = 1 every pick is the start relay.
 */
export function idleResetShares(N: number, q: number): number[] {
  if (!(Number.isInteger(N) && N >= 1)) throw new RangeError(`N must be an integer ≥ 1, got ${N}`);
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${q}`);
  if (q === 0) return new Array(N).fill(1 / N);
  const cycle = 1 - (1 - q) ** N;
  return Array.from({ length: N }, (_, m) => (q * (1 - q) ** m) / cycle);
}
