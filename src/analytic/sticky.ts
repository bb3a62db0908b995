// Closed forms for the `sticky` balancer with static listings (DESIGN §5): a sender always goes
// out through the same uniformly drawn server, so a rejected message is rejected on every resend.

import { checkPool, checkPoolWithListed, checkProbability } from "./validate.js";

/** P(first attempt rejected) = p·k/N: the sender's server is uniform over the pool. */
export function firstAttemptFailure(N: number, k: number, p: number): number {
  checkPool(N, k);
  checkProbability("p", p);
  return (p * k) / N;
}

/** P(resend rejected | first attempt rejected) = 1: same server, same lists, same domain. */
export function resendFailure(N: number, k: number): number {
  checkPoolWithListed(N, k);
  return 1;
}

/** P(message never delivered) = p·k/N whatever the number of attempts A ≥ 1. */
export function messageFailure(N: number, k: number, p: number, A: number): number {
  checkPool(N, k);
  checkProbability("p", p);
  if (!(Number.isInteger(A) && A >= 1)) throw new RangeError(`A must be an integer ≥ 1, got ${A}`);
  return (p * k) / N;
}
