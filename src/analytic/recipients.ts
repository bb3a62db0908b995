// Closed forms for messages with several recipients (DESIGN §5, "Several recipients") under the
// `random` balancer with k of N relays on one 5xx list: a message picks one relay and its R
// recipients' domains are independent draws from the popularity shares w, so the message is
// rejected when the relay is listed and any of its domains consults the list.

import { checkPool, checkProbability } from "./validate.js";

/** `counts[i]` is P(R = i + 1); returns E[f(R)]. */
function expectation(counts: readonly number[], f: (r: number) => number): number {
  return counts.reduce((sum, p, i) => sum + p * f(i + 1), 0);
}

/**
 * P(a message's first attempt is rejected) = (k/N)·(1 − E[u^R]), where u is the popularity
 * mass of the domains that do not consult the list (given the replication's subscriptions).
 */
export function messageFirstFailure(N: number, k: number, u: number, counts: readonly number[]): number {
  checkPool(N, k);
  checkProbability("u", u);
  return (k / N) * (1 - expectation(counts, (r) => u ** r));
}

/** P(a recipient's first attempt is rejected) = (k/N)·(1 − u), whatever the message's other recipients. */
export function recipientFirstFailure(N: number, k: number, u: number): number {
  checkPool(N, k);
  checkProbability("u", u);
  return (k / N) * (1 - u);
}

/** Averaged over subscriptions (each domain consults with probability p) for many equally popular domains: (k/N)·(1 − E[(1 − p)^R]). */
export function messageFirstFailureUniform(N: number, k: number, p: number, counts: readonly number[]): number {
  checkProbability("p", p);
  return messageFirstFailure(N, k, 1 - p, counts);
}

/** E[distinct domains of a message] = E_R[Σ_i 1 − (1 − w_i)^R] for popularity shares w (summing to 1). */
export function distinctDomains(shares: readonly number[], counts: readonly number[]): number {
  return expectation(counts, (r) => shares.reduce((sum, w) => sum + 1 - (1 - w) ** r, 0));
}
