// The classes of a random placement of k listed relays among N (DESIGN §2, "Pool and listings":
// a static `listed` entry by count draws its relays uniformly): a placement's class is the ring
// of gaps between consecutive listed relays, which turning the pool leaves alone. On rotating
// pools the class explains most of a replication's spread (docs/performance.md, "2026-12-02
// placement"), and its distribution is known exactly, which conditional Monte Carlo over the
// placement uses (docs/performance.md, "2026-12-02 strata").
//
// Counting: a placement {a_1 < … < a_k} and the choice of which listed relay comes first give a
// start relay s and a composition (g_1, …, g_k) of N into k positive gaps, and every (s, g) pair
// arises this way exactly once. So the C(N, k) placements are the N · C(N − 1, k − 1) pairs
// counted k times each, and a class of c compositions holds N · c / k placements.

/** One class of placements: its gaps from its first listed relay, and its probability. */
export interface PlacementClass {
  /** The ring of gaps, written from its smallest rotation (entry by entry, as numbers). */
  gaps: readonly number[];
  /** The share of all C(N, k) placements in the class. */
  probability: number;
}

/** The most compositions placementClasses walks before it gives up (C(N − 1, k − 1)). */
export const MAX_COMPOSITIONS = 100_000;

/** Gap lists compared entry by entry, as numbers. */
function byGaps(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The smallest rotation of a ring of gaps. */
function canonical(gaps: readonly number[]): number[] {
  let best = gaps;
  for (let i = 1; i < gaps.length; i++) {
    const turned = [...gaps.slice(i), ...gaps.slice(0, i)];
    if (byGaps(turned, best) < 0) best = turned;
  }
  return [...best];
}

/** C(n, r) as a float (exact below 2^53). */
function binomial(n: number, r: number): number {
  let c = 1;
  for (let i = 1; i <= r; i++) c = (c * (n - r + i)) / i;
  return Math.round(c);
}

/**
 * Every class of placements of `k` listed relays among `servers`, in the order of their gaps,
 * with their probabilities; null when there are more than MAX_COMPOSITIONS gap compositions to
 * walk. One listed relay (or none) is one class.
 */
export function placementClasses(servers: number, k: number): PlacementClass[] | null {
  if (!(Number.isInteger(servers) && Number.isInteger(k) && k >= 0 && k <= servers && servers >= 1)) {
    throw new RangeError(`placementClasses: expected 0 ≤ k ≤ servers, got k = ${k}, servers = ${servers}`);
  }
  if (k <= 1) return [{ gaps: k === 1 ? [servers] : [], probability: 1 }];
  if (binomial(servers - 1, k - 1) > MAX_COMPOSITIONS) return null;
  const counts = new Map<string, { gaps: number[]; compositions: number }>();
  const gaps: number[] = [];
  const walk = (left: number) => {
    if (gaps.length === k - 1) {
      const ring = canonical([...gaps, left]);
      const key = ring.join(",");
      const seen = counts.get(key);
      if (seen) seen.compositions++;
      else counts.set(key, { gaps: ring, compositions: 1 });
      return;
    }
    // Leave at least one relay for each gap still to come.
    for (let g = 1; g <= left - (k - 1 - gaps.length); g++) {
      gaps.push(g);
      walk(left - g);
      gaps.pop();
    }
  };
  walk(servers);
  const placements = binomial(servers, k);
  return [...counts.values()]
    .sort((a, b) => byGaps(a.gaps, b.gaps))
    .map(({ gaps, compositions }) => ({ gaps, probability: (servers * compositions) / k / placements }));
}

/** The listed relays of a class's placement that starts at relay `start`, ascending. */
export function placementAt(gaps: readonly number[], start: number, servers: number): number[] {
  const relays: number[] = [];
  let at = start;
  for (const gap of gaps) {
    relays.push(at % servers);
    at += gap;
  }
  return relays.sort((a, b) => a - b);
}

/** The class (its gaps, canonical) of the listed relays `listed` in a pool of `servers`. */
export function classOf(listed: readonly number[], servers: number): number[] {
  const sorted = [...listed].sort((a, b) => a - b);
  if (sorted.length <= 1) return sorted.length === 1 ? [servers] : [];
  return canonical(sorted.map((v, i) => (i + 1 < sorted.length ? sorted[i + 1] - v : sorted[0] + servers - v)));
}
