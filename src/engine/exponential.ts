// The standard exponential distribution by the ziggurat method (Marsaglia & Tsang, "The Ziggurat
// Method for Generating Random Variables", J. Stat. Software 5(8), 2000), 256 layers: in about
// 98 % of draws one uniform, a multiplication and a comparison, instead of `-log(1 − u)`, whose
// `Math.log` was a fifth of the simulation loop (docs/performance.md).
//
// The area under e^−x is covered by 256 layers of equal area V: the base layer is the rectangle
// [0, R) × [0, e^−R) plus the tail beyond R; layer k (1…255) is the rectangle [0, X[k]) ×
// [e^−X[k], e^−X[k+1]), with X[1] = R, each X[k+1] fixed by the area and X[256] = 0. A draw picks
// a layer uniformly and a point uniformly in it, x = U·X[k]: when x < X[k+1] the point lies
// under the curve whatever its height (accepted at once); otherwise it is in the wedge between
// the rectangle and the curve (accepted when a uniform height falls under e^−x, else a new
// layer is drawn) or, in the base layer, in the tail, which is R plus a fresh exponential
// (memorylessness). So the result is exactly exponential, up to the uniforms' resolution.
//
// One draw of the stream gives both the layer and U: a Random is a multiple of 2^−32 (Alea,
// random.ts), the top 8 of its 32 bits pick the layer and the low 24 bits are U (disjoint
// bits, unlike the original's, which reused the layer's bits in U). So x lies on a grid of
// X[k]/2^24 (below 5·10^−7 of the mean); −log(1 − u) had a step of 2^−32 near 0 but stopped at
// 22.2 means (u = 1 − 2^−32) with steps up to log 2 there; the ziggurat's tail has no such end.
import type { Random } from "./random.js";

/** The base layer's right edge (Marsaglia & Tsang's r = 7.69711747013104972 for 256 layers, as a double). */
const R = 7.69711747013105;
/** Each layer's area. */
const V = 3.949659822581572e-3;
const LAYERS = 256;
const TWO_24 = 16777216;

/** Right edges: X[0] = V/e^−R (the base layer's width with its tail folded in), X[1] = R, X[256] = 0. */
const X = new Float64Array(LAYERS + 1);
/** e^−X[k] for k ≥ 1 (F[256] = 1): the heights between layers. */
const F = new Float64Array(LAYERS + 1);
/** X[k]/2^24: the grid step of U·X[k] with a 24-bit U. */
const STEP = new Float64Array(LAYERS);

X[0] = V / Math.exp(-R);
X[1] = R;
for (let k = 1; k < LAYERS - 1; k++) X[k + 1] = -Math.log(Math.exp(-X[k]) + V / X[k]);
X[LAYERS] = 0;
for (let k = 1; k <= LAYERS; k++) F[k] = Math.exp(-X[k]);
for (let k = 0; k < LAYERS; k++) STEP[k] = X[k] / TWO_24;

/** The layers' right edges (for tests: the intervals [X[k+1], X[k]) are where each wedge lies). */
export const ZIGGURAT_EDGES: Readonly<Float64Array> = X;

/** One draw from the exponential distribution of mean 1, from `random`'s next uniform(s). */
export function exponential(random: Random): number {
  const w = random() * 4294967296;
  const layer = w >>> 24;
  const x = (w & 0xffffff) * STEP[layer];
  // `+` keeps both arms numbers: with the call's untyped result as one arm, V8 boxed x on every draw.
  return x < X[layer + 1] ? x : +exponentialSlow(random, layer, x);
}

/** The ~2 % of draws not under a layer's inner rectangle: the tail or a wedge, then retries. */
function exponentialSlow(random: Random, first: number, firstX: number): number {
  let layer = first;
  let x = firstX;
  for (;;) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    if (layer === 0) return R - Math.log(1 - random());
    if (F[layer] + random() * (F[layer + 1] - F[layer]) < Math.exp(-x)) return x;
    const w = random() * 4294967296;
    layer = w >>> 24;
    x = (w & 0xffffff) * STEP[layer];
    if (x < X[layer + 1]) return x;
  }
}
