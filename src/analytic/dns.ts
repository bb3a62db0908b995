// Closed forms for `dns` with shared resolver caches and several records per answer.

import { checkDelay, checkPeriod, checkPool } from "./validate.js";

/**
 * The share of a resolver's queries that find a cached answer, for queries at Poisson rate Λ
 * per second: the cache alternates between `ttl` cached and an idle Exp(Λ) wait for the query
 * that resolves again, so (PASTA) a query finds it cached with probability Λ·ttl / (1 + Λ·ttl).
 */
export function cachedShare(rate: number, ttl: number): number {
  checkPeriod(ttl);
  if (!(rate >= 0 && Number.isFinite(rate))) throw new RangeError(`rate must be ≥ 0 per second, got ${rate}`);
  return (rate * ttl) / (1 + rate * ttl);
}

/**
 * P(a query d seconds after another one by a sender of the same resolver still uses the answer
 * that one used): a query finding the cache resolved a uniform time ago (share c = cachedShare)
 * sees it expire uniformly within ttl, one that resolved sees it last the whole ttl, so the
 * answer survives d < ttl with probability 1 − c·d/ttl, and never beyond. With one resolver the
 * next resolution names the next relay, so this is also P(same relay) for N > 1 and d < ttl.
 * The second query's own resolution counts: both are part of the Poisson stream's time average
 * only when they are rare among the resolver's queries.
 */
export function sameAnswer(rate: number, ttl: number, d: number): number {
  checkDelay(d);
  if (d >= ttl) return 0;
  return 1 - (cachedShare(rate, ttl) * d) / ttl;
}

/**
 * P(every record of an answer resolved before the health check is excluded), with m of N relays
 * excluded at random and k consecutive records: (m)_k / (N)_k. Only then does a client with
 * fallback still reach an excluded relay; with one record it is m/N.
 */
export function allRecordsExcluded(N: number, m: number, k: number): number {
  checkPool(N, m);
  if (!(Number.isInteger(k) && k >= 1 && k <= N)) throw new RangeError(`k must be an integer in [1, N], got ${k}`);
  let p = 1;
  for (let i = 0; i < k; i++) p *= (m - i) / (N - i);
  return Math.max(0, p);
}
