// Closed forms for the receiver side (DESIGN §2, "Recipients" and "Receivers see listings late"):
// the chance that a message's domain consults a list under a rule by rank or by mail, and how a
// receiver's DNS cache of a list's answers ramps a listing's effect up and down.
import { checkProbability } from "./validate.js";

function checkDomains(domains: number, zipf: number, exceptTop: number): void {
  if (!(Number.isInteger(domains) && domains >= 1))
    throw new RangeError(`domains must be an integer ≥ 1, got ${domains}`);
  if (!(zipf >= 0 && Number.isFinite(zipf))) throw new RangeError(`zipf must be ≥ 0, got ${zipf}`);
  if (!(Number.isInteger(exceptTop) && exceptTop >= 0)) {
    throw new RangeError(`exceptTop must be an integer ≥ 0, got ${exceptTop}`);
  }
}

/**
 * Share of all mail that goes to the domains outside the `exceptTop` most popular, under Zipf
 * popularity 1/(i+1)^zipf over `domains` domains: Σ_{i≥k} w_i / Σ_i w_i.
 */
export function mailShareOutsideTop(domains: number, zipf: number, exceptTop: number): number {
  checkDomains(domains, zipf, exceptTop);
  let total = 0;
  let outside = 0;
  // Smallest weights first, so the sum loses no precision to the large ones.
  for (let i = domains - 1; i >= 0; i--) {
    const w = (i + 1) ** -zipf;
    total += w;
    if (i >= exceptTop) outside += w;
  }
  return outside / total;
}

/**
 * P(a message's domain consults the list), averaged over the draw of subscriptions:
 * `{share: p, exceptTop: k}` gives p · (share of mail outside the top k), since each domain
 * there consults the list with probability p independently of its popularity;
 * `{mailShare: m}` gives m exactly, since the consulting domains are drawn so that their share of
 * mail is m in expectation (model/receivers/subscribers.ts). A plain number p is `{share: p}`.
 */
export function subscribedMailShare(
  rule: number | { share?: number; mailShare?: number; exceptTop?: number },
  domains: number,
  zipf: number,
): number {
  if (typeof rule === "number") {
    checkProbability("share", rule);
    return rule;
  }
  const k = rule.exceptTop ?? 0;
  if (rule.mailShare !== undefined) {
    checkProbability("mailShare", rule.mailShare);
    checkDomains(domains, zipf, k);
    return rule.mailShare;
  }
  const p = rule.share ?? 0;
  checkProbability("share", p);
  return p * mailShareOutsideTop(domains, zipf, k);
}

/**
 * A receiver's cache of a list's answer for one relay, looked up at the times of a Poisson
 * process of rate r (the receiver's mail through that relay). An answer is kept for its TTL T;
 * a lookup with no valid entry asks the list and caches what it says.
 *
 * Derivation. While the list's answer stays the same, the cache alternates between a valid
 * entry (exactly T) and no entry (until the next lookup: Exp(r)), a renewal process with cycle
 * T + 1/r on average. In its steady state the entry is valid with probability T/(T + 1/r) and,
 * given valid, its remaining life is uniform on (0, T) (the inspection paradox for a fixed
 * length). When the list's answer changes at time 0, a lookup at t > 0 still gets the old
 * answer iff the entry valid at 0 is still valid at t: probability (T − t)⁺ · r/(1 + rT).
 * Lookups after the first miss cache the new answer, so that is also the fraction of attempts
 * at t (PASTA) that see the old answer.
 */
export function staleAnswerFraction(t: number, ttl: number, rate: number): number {
  if (!(ttl >= 0 && Number.isFinite(ttl))) throw new RangeError(`ttl must be ≥ 0 seconds, got ${ttl}`);
  if (!(rate >= 0 && Number.isFinite(rate))) throw new RangeError(`rate must be ≥ 0 per second, got ${rate}`);
  if (!(t >= 0)) throw new RangeError(`t must be ≥ 0 seconds, got ${t}`);
  return (Math.max(ttl - t, 0) * rate) / (1 + rate * ttl);
}

/**
 * The same, for the first lookup at or after time t (t + Exp(r)) rather than at a uniform time:
 * E[(T − t − E)⁺]·r/(1 + rT) with E ~ Exp(r), and E[(a − E)⁺] = a − (1 − e^{−ra})/r for a ≥ 0.
 * A test can observe this once per independent receiver, which makes its indicators i.i.d.
 */
export function staleFirstLookupAfter(t: number, ttl: number, rate: number): number {
  staleAnswerFraction(t, ttl, rate);
  const a = Math.max(ttl - t, 0);
  if (a === 0 || rate === 0) return 0;
  return ((a - -Math.expm1(-rate * a) / rate) * rate) / (1 + rate * ttl);
}
