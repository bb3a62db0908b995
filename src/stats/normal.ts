// Standard normal distribution: CDF and quantile, accurate to ~1e-15 relative in the tails.
// Used for large-sample intervals, as the starting point of the Student-t quantile and by Wilson's z.

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
// 1/√π, the leading constant of the asymptotic expansion of erfc.
const INV_SQRT_PI = 0.5641895835477563;

// W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631-637; coefficients as in netlib specfun CALERF (1985 revision).
// Three intervals: |x| ≤ 0.46875 (erf), 0.46875 < |x| ≤ 4 and |x| > 4 (erfc).
const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const ERFC_C = [
  0.5641884969886701, 8.883149794388375, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const ERFC_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037493,
];
const ERFC_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.01608378514874228, 0.0006587491615298378,
  0.016315387137302097,
];
const ERFC_Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

/** exp(-x²) computed as exp(-h²)·exp(-(x-h)(x+h)) with h = x rounded to 1/16, as Cody does, so that x² is not rounded before exp magnifies the error. */
function expNegSquare(x: number): number {
  const h = Math.trunc(x * 16) / 16;
  return Math.exp(-h * h) * Math.exp(-(x - h) * (x + h));
}

/** Complementary error function erfc(x) = 1 − erf(x), with full relative accuracy for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y * y;
    let num = ERF_A[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]) * ysq;
      den = (den + ERF_B[i]) * ysq;
    }
    // erf is odd and small here, so 1 − erf(x) loses nothing.
    return 1 - (x * (num + ERF_A[3])) / (den + ERF_B[3]);
  }
  if (y <= 4) {
    let num = ERFC_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]) * y;
      den = (den + ERFC_D[i]) * y;
    }
    result = (expNegSquare(y) * (num + ERFC_C[7])) / (den + ERFC_D[7]);
  } else if (y >= 26.543) {
    // erfc(26.543) underflows IEEE doubles (Cody's XBIG).
    result = 0;
  } else {
    const ysq = 1 / (y * y);
    let num = ERFC_P[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + ERFC_P[i]) * ysq;
      den = (den + ERFC_Q[i]) * ysq;
    }
    const r = (ysq * (num + ERFC_P[4])) / (den + ERFC_Q[4]);
    result = (expNegSquare(y) * (INV_SQRT_PI - r)) / y;
  }
  return x < 0 ? 2 - result : result;
}

/** Φ(x), the standard normal CDF: Φ(x) = erfc(−x/√2)/2, accurate in relative terms in the lower tail. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

// P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
// function" (2003): rational approximations with relative error < 1.15e-9 before refinement.
const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const ACKLAM_B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const ACKLAM_P_LOW = 0.02425;

/** Acklam's approximation alone (|relative error| < 1.15e-9), for p in (0, 0.5]. */
function acklamLowerHalf(p: number): number {
  if (p < ACKLAM_P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) * q + ACKLAM_C[5]) /
      ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r + ACKLAM_A[4]) * r + ACKLAM_A[5]) *
      q) /
    (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r + ACKLAM_B[4]) * r + 1)
  );
}

/**
 * Φ⁻¹(p): Acklam's approximation refined by one Halley step on Φ(x) − p, which brings it to
 * ~1e-15 relative (Acklam, op. cit., "refinement using Halley's rational method").
 * p = 0 → −∞, p = 1 → +∞; p outside [0, 1] or NaN → RangeError.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Work in the lower half only: for p ≥ 0.5, 1 − p is exact (Sterbenz), so the symmetry
  // Φ⁻¹(p) = −Φ⁻¹(1 − p) costs nothing and the refinement always sees a small, accurate tail.
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklamLowerHalf(p);
  const e = normalCdf(x) - p;
  // Halley: u = e/φ(x); x ← x − u/(1 + x·u/2).
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
