// Closed forms for the `stick-table` balancer (HAProxy `stick on src` with `expire E`) under a
// static listing and no health check: a resend d seconds after a rejection goes back to the
// pinned (listed) relay while the pin survives, and to a fresh dispatch once it has lapsed.

import { checkDelay, checkPeriod, checkPoolWithListed } from "./validate.js";

/**
 * P(the pin survives d seconds) when the sender's own attempts, which refresh it, form a Poisson
 * process of rate λ per second (its other messages; its few resends are left out): the pin
 * lapses as soon as some gap between refreshes, or the last one and the resend, reaches E.
 * q(d) = 1 for d < E; at d = E it drops to 1 − e^{−λE} (no refresh in [0, E)); beyond, the
 * first refresh at x < E restarts the clock, q(d) = ∫₀^E λe^{−λx} q(d − x) dx, which
 * differentiates to the delay equation q′(d) = −λe^{−λE} q(d − E), integrated here on a grid of
 * E/steps (trapezoid; the integrand q(d − E) is continuous except at d = 2E, an O(1/steps) error).
 */
export function pinSurvival(rate: number, E: number, d: number, steps = 2000): number {
  checkPeriod(E);
  checkDelay(d);
  if (!(rate >= 0 && Number.isFinite(rate))) throw new RangeError(`rate must be ≥ 0 per second, got ${rate}`);
  if (d < E) return 1;
  const decay = Math.exp(-rate * E);
  const c = rate * decay;
  const h = E / steps;
  // q[j] = q(E + j·h); q(u − E) for u = E + j·h is 1 while j < steps, then q[j − steps].
  const n = Math.ceil((d - E) / h);
  const q = new Float64Array(n + 1);
  q[0] = 1 - decay;
  const back = (j: number) => (j < steps ? 1 : q[j - steps]);
  for (let j = 1; j <= n; j++) q[j] = q[j - 1] - (c * h * (back(j - 1) + back(j))) / 2;
  // Linear interpolation between the grid points around d.
  const x = (d - E) / h;
  const j = Math.min(Math.floor(x), n - 1);
  if (n === 0) return q[0];
  return Math.max(0, q[j] + (q[j + 1] - q[j]) * (x - j));
}

/**
 * P(resend rejected | the attempt before it was rejected), k of N relays listed on the list the
 * domain consults: the pinned relay again while the pin survives (always rejected), else a
 * fresh dispatch, listed with probability k/N — for `random`, and for `roundrobin` once the
 * shared pointer has moved on by many other senders' dispatches.
 */
export function resendFailure(N: number, k: number, rate: number, E: number, d: number): number {
  checkPoolWithListed(N, k);
  const q = pinSurvival(rate, E, d);
  return q + (1 - q) * (k / N);
}
