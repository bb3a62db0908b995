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
/** e^−R. */
const F1 = 4.541343538414966e-4;
const LAYERS = 256;
const TWO_24 = 16777216;

/**
 * X[2…255], written out: X[k+1] = −log(F[k+1]), with the heights F[k+1] = F[k] + V/X[k] of the
 * recursion below, computed once with Node 20's Math.log (test/engine/exponential.test.ts checks
 * them; from e^−X[k] instead of F[k] a fifth of them would differ in the last bit). Computing them at load would make every draw depend on the engine's log,
 * and engines differ: Chromium 156's Math.log gave other last bits than Node 20's for 7 % of
 * arguments (and its exp and pow differ too), while the page's runs must equal the CLI's
 * (test/web/page.test.ts). Only the rare tail and wedge tests below call Math.log.
 */
const EDGES = [
  6.941033629377211, 6.478378493832567, 6.14416466577247, 5.882144315795396, 5.66641016745403, 5.482890627526059,
  5.323090505754395, 5.181487281301497, 5.0542884899813005, 4.938777085901248, 4.8329397410251085, 4.7352429966017375,
  4.644491885420082, 4.559737061707347, 4.480211746528418, 4.405287693473569, 4.334443680317269, 4.267242480277361,
  4.20331371373518, 4.142340865664047, 4.084051310408293, 4.028208544647932, 3.9746060666737844, 3.9230625001354853,
  3.8734176703995047, 3.8255294185223323, 3.7792709924116634, 3.734528894039793, 3.6912010902374144, 3.6491955157608493,
  3.608428813128905, 3.5688252656483326, 3.5303158891293394, 3.4928376547740556, 3.456332821132756, 3.420748357251116,
  3.386035442460297, 3.3521490309001054, 3.319047470970744, 3.2866921715990647, 3.2550473085704454, 3.2240795652862597,
  3.1937579032122363, 3.164053358025969, 3.1349388580844364, 3.10638906233982, 3.078380215254086, 3.0508900166154507,
  3.023897504455672, 2.9973829495161257, 2.9713277599210848, 2.945714394895041, 2.920526286512736, 2.895747768600137,
  2.8713640120155315, 2.847360965635184, 2.823725302450031, 2.8004443702507333, 2.777506146439752, 2.7548991965623406,
  2.732612636194696, 2.7106360958679248, 2.6889596887417992, 2.667573980773262, 2.6464699631518043, 2.6256390267977836,
  2.6050729387408307, 2.584763820214136, 2.5647041263169004, 2.544886627111865, 2.525304390037823, 2.505950763528589,
  2.4868193617402046, 2.46790405029736, 2.449198932978245, 2.4306983392644153, 2.4123968126888657, 2.3942890999214534,
  2.3763701405361357, 2.3586350574093324, 2.3410791477030295, 2.3236978743901915, 2.306486858283575, 2.2894418705322646,
  2.2725588255531495, 2.255833774367214, 2.2392628983129037, 2.2228425031110315, 2.2065690132576585, 2.1904389667232147,
  2.1744490099377694, 2.1585958930438807, 2.1428764653998367, 2.127287671317363, 2.1118265460190364, 2.0964902118017092,
  2.0812758743932194, 2.06618081949057, 2.0512024094685795, 2.0363380802487643, 2.0215853383189204, 2.006941757894513,
  1.992404978213571, 1.9779727009573547, 1.9636426877895423, 1.949412758007179, 1.9352807862970454, 1.9212447005915219,
  1.9073024800183813, 1.8934521529393018, 1.8796917950722052, 1.8660195276928218, 1.8524335159111693,
  1.8389319670188735, 1.8255131289035134, 1.8121752885263844, 1.7989167704602846, 1.7857359354841196,
  1.7726311792312992, 1.7596009308890683, 1.7466436519460682, 1.7337578349855653, 1.7209420025219293,
  1.7081947058780518, 1.695514524101532, 1.682900062917548, 1.6703499537164461, 1.6578628525741668, 1.6454374393037177,
  1.6330724165359853, 1.620766508828252, 1.6085184617988524, 1.5963270412864774, 1.584191032532683, 1.5721092393862237,
  1.5600804835278819, 1.5481036037145073, 1.5361774550410259, 1.5243009082192198, 1.5124728488721106,
  1.5006921768428103, 1.4889578055167394, 1.4772686611561272, 1.465623682245739, 1.454021818848787, 1.442462031972006,
  1.4309432929388732, 1.4194645827699766, 1.408024891569529, 1.3966232179170355, 1.3852585682631156, 1.373929956328484,
  1.3626364025050801, 1.3513769332583287, 1.3401505805294984, 1.3289563811371101, 1.3177933761763183,
  1.3066606104151677, 1.2955571316865944, 1.284481990275006, 1.2734342382962347, 1.262412929069609, 1.251417116480846,
  1.2404458543344, 1.2294981956938424, 1.2185731922087837, 1.2076698934267545, 1.1967873460883964, 1.1859245934041955,
  1.1750806743109048, 1.1642546227056723, 1.1534454666557679, 1.142652227581666, 1.1318739194110718, 1.1211095477013235,
  1.1103581087274044, 1.0996185885325906, 1.0888899619385402, 1.0781711915113654, 1.0674612264799608,
  1.0567590016025445, 1.046063435977037, 1.0353734317905214, 1.0246878730026103, 1.0140056239570896, 1.0033255279156899,
  0.9926464055072688, 0.9819670530850555, 0.9712862409838963, 0.9606027116686594, 0.9499151777640688,
  0.9392223199552552, 0.9285227847472033, 0.9178151820700371, 0.907098082715683, 0.8963700155898826, 0.8856294647617442,
  0.8748748662910176, 0.8641046048109969, 0.8533170098423657, 0.8425103518103609, 0.8316828377342655,
  0.8208326065544042, 0.8099577240574106, 0.7990561773554794, 0.7881258688694847, 0.7771646097591217,
  0.7661701127354267, 0.755139984181974, 0.7440717155004999, 0.7329626735843571, 0.7218100903087478, 0.7106110509096465,
  0.6993624811032234, 0.6880611327737393, 0.6767035680295139, 0.6652861413926691, 0.653804979847656, 0.6422559604245274,
  0.6306346849334811, 0.6189364513948667, 0.6071562216202907, 0.5952885842914933, 0.5833277127487599,
  0.5712673165325787, 0.5591005855115307, 0.5468201251633004, 0.5344178812371554, 0.5218850515921246,
  0.5092119824436437, 0.4963880455186602, 0.4834014916534507, 0.4702392750821577, 0.45688684093140863,
  0.44332786607354063, 0.42954394022539877, 0.4155141696003441, 0.40121467889626516, 0.3866179779411067,
  0.371692145329904, 0.35639976025838016, 0.3406964810648351, 0.32452911701689485, 0.30783295467491706,
  0.2905279554912147, 0.2725131854784482, 0.25365836338589476, 0.23379048305965636, 0.21267151063094686,
  0.18995868962241036, 0.16512762256416347, 0.13730498093998544, 0.10483850756578597, 0.06385216381495742,
];

/** Right edges: X[0] = V/e^−R (the base layer's width with its tail folded in), X[1] = R, X[256] = 0. */
const X = new Float64Array(LAYERS + 1);
/** The heights between layers, F[k] = e^−X[k] for k ≥ 1 (F[256] = 1). */
const F = new Float64Array(LAYERS + 1);
/** X[k]/2^24: the grid step of U·X[k] with a 24-bit U. */
const STEP = new Float64Array(LAYERS);

// Each layer's height is its area over its width: F[k+1] = F[k] + V/X[k] (arithmetic only).
X[1] = R;
F[1] = F1;
for (let k = 1; k < LAYERS - 1; k++) {
  X[k + 1] = EDGES[k - 1];
  F[k + 1] = F[k] + V / X[k];
}
X[0] = V / F1;
X[LAYERS] = 0;
F[LAYERS] = 1;
for (let k = 0; k < LAYERS; k++) STEP[k] = X[k] / TWO_24;

/** The layers' right edges (for tests: the intervals [X[k+1], X[k]) are where each wedge lies). */
export const ZIGGURAT_EDGES: Readonly<Float64Array> = X;

/** One draw from the exponential distribution of mean 1, from `random`'s next uniform(s). */
export function exponential(random: Random): number {
  const u = random.next();
  const x = exponentialFast(u);
  // `+` keeps both arms numbers: with the call's untyped result as one arm, V8 boxed x on every draw.
  return x >= 0 ? x : +exponentialRest(u, random);
}

/**
 * exponential()'s draw when its first uniform `u` falls under a layer's inner rectangle (about
 * 98 % of draws); NaN otherwise, and then exponentialRest(u, random) gives it. For a loop that
 * steps its stream in locals (random.ts's AleaState): it need write the state back only for the rest.
 */
export function exponentialFast(u: number): number {
  const w = u * 4294967296;
  const layer = w >>> 24;
  const x = (w & 0xffffff) * STEP[layer];
  return x < X[layer + 1] ? x : Number.NaN;
}

/** The ~2 % of draws whose first uniform `u` is not under a layer's inner rectangle: the tail or a wedge, then retries. */
export function exponentialRest(u: number, random: Random): number {
  const first = u * 4294967296;
  let layer = first >>> 24;
  let x = (first & 0xffffff) * STEP[layer];
  for (;;) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    if (layer === 0) return R - Math.log(1 - random.next());
    // Under the curve: a height y in the layer with y < e^−x, that is x < −log y (y > 0).
    if (x < -Math.log(F[layer] + random.next() * (F[layer + 1] - F[layer]))) return x;
    const w = random.next() * 4294967296;
    layer = w >>> 24;
    x = (w & 0xffffff) * STEP[layer];
    if (x < X[layer + 1]) return x;
  }
}
