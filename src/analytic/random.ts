// Closed forms for the `random` balancer with static listings (DESIGN §5): each attempt picks
// a server uniformly and independently, so attempts fail independently with probability k/N.

import { checkPool, checkProbability } from "./validate.js";

/** P(first attempt rejected) = p·k/N: the domain consults the list (p) and the server is listed (k/N). */
export function firstAttemptFailure(N: number, k: number, p: number): number {
  checkPool(N, k);
  checkProbability("p", p);
  return (p * k) / N;
}

/** P(resend rejected | previous attempt rejected) = k/N: the domain is known to be subscribed. */
export function resendFailure(N: number, k: number): number {
  checkPool(N, k);
  return k / N;
}

/** P(message never delivered) with A attempts = p·(k/N)^A: subscribed, then A independent listed picks. */
export function messageFailure(N: number, k: number, p: number, A: number): number {
  checkPool(N, k);
  checkProbability("p", p);
  if (!(Number.isInteger(A) && A >= 1)) throw new RangeError(`A must be an integer ≥ 1, got ${A}`);
  return p * (k / N) ** A;
}
