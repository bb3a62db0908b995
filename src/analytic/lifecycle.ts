// Renewal-theory closed form for the compromise lifecycle (DESIGN §2): the long-run fraction of
// time a server is listed on one list, for fixed listing delay, cleanup and delist times.
import { checkDelay } from "./validate.js";

/*
 * Derivation. One server, one list; rate λ of compromise while clean; fixed listing delay L,
 * cleanup time C, delist time D (seconds). Compromise n happens at T_n; cleanup at T_n + C; the
 * next compromise at T_{n+1} = T_n + C + E_n with E_n ~ Exp(λ) i.i.d. (clean times).
 *
 * If L ≥ C no compromise is ever listed: the fraction is 0. Otherwise compromise n gives the
 * listing I_n = [s_n, e_n) with s_n = T_n + L and e_n = T_n + C + D. Both ends move with T_n, so
 * s_n and e_n are increasing in n: the union of I_0 … I_n ends at e_n, and I_{n+1} adds
 *     e_{n+1} − max(s_{n+1}, e_n)
 *   = (e_{n+1} − e_n) − max(s_{n+1} − e_n, 0)
 *   = (C + E_n) − max(E_n + L − D, 0)
 *   = (C − L) + min(E_n + L, D).
 * (It can overlap more than one earlier listing when D > C + L; the telescoping above counts
 * that correctly since only the latest end matters.) Call that R_n, the reward of cycle
 * [T_n, T_{n+1}) of length C + E_n. The pairs (R_n, C + E_n) are i.i.d., so by the
 * renewal-reward theorem the union's length up to t, over t, tends to E[R]/E[C + E], the
 * boundary terms (first listing, last partial cycle) being O(1) against t.
 *
 *   E[min(E + L, D)] = D                             if D ≤ L,
 *                    = L + E[min(E, D − L)]
 *                    = L + (1 − e^{−λ(D − L)})/λ      if D > L   (E[min(E, a)] = (1 − e^{−λa})/λ).
 *
 * So, with E[C + E] = C + 1/λ:
 *
 *   f = λ(C − L + D)/(1 + λC)                         if L < C and D ≤ L,
 *   f = (1 + λC − e^{−λ(D − L)})/(1 + λC)             if L < C and D > L,
 *   f = 0                                             if L ≥ C.
 *
 * Checks: D → ∞ gives 1 (never delisted); λ → 0 gives λ(C − L + D), one listing of length
 * C − L + D per mean clean time 1/λ; both branches agree at D = L: λC/(1 + λC).
 */

/**
 * Long-run fraction of time one server is listed on one list (union of its listing intervals),
 * for compromise rate `rate` (per second, while clean) and fixed listingDelay L, cleanup C and
 * delistAfter D (seconds). Derivation above.
 */
export function listedFraction(rate: number, listingDelay: number, cleanup: number, delistAfter: number): number {
  if (!(rate >= 0 && Number.isFinite(rate)))
    throw new RangeError(`rate must be a finite rate ≥ 0 per second, got ${rate}`);
  checkDelay(listingDelay);
  checkDelay(cleanup);
  if (!(delistAfter >= 0)) throw new RangeError(`delistAfter must be ≥ 0 seconds, got ${delistAfter}`);
  const L = listingDelay;
  const C = cleanup;
  const D = delistAfter;
  if (rate === 0 || L >= C) return 0;
  if (D === Number.POSITIVE_INFINITY) return 1;
  const lc = rate * C;
  if (D <= L) return (rate * (C - L + D)) / (1 + lc);
  // −expm1(−x) = 1 − e^{−x}, accurate when λ(D − L) is small.
  return (lc - Math.expm1(-rate * (D - L))) / (1 + lc);
}
