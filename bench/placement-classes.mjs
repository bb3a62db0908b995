// The listed relays' placement classes, shared by the placement studies (placement-variance.mjs,
// placement-strata.mjs): a class is the ring of gaps between consecutive listed relays, which
// turning the pool leaves alone, written from its numerically smallest rotation ("1,19" … "10,10"
// for 2 of 20).

/** Gap lists compared entry by entry, as numbers. */
export function byGaps(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The class of the listed relays `listed` (ascending indices) in a pool of `servers`. */
export function placementClass(listed, servers) {
  if (listed.length < 2) return String(listed.length);
  const gaps = listed.map((v, i) => (listed[(i + 1) % listed.length] - v + servers) % servers);
  return gaps
    .map((_, i) => [...gaps.slice(i), ...gaps.slice(0, i)])
    .sort(byGaps)[0]
    .join(",");
}

/** The relays listed in a replication: those with listed time (its `servers.listed`). */
export function listedRelays(listedTime) {
  return listedTime.flatMap((t, v) => (t > 0 ? [v] : []));
}

/** Every class's probability when `k` of `servers` relays are listed, all C(servers, k) placements alike. */
export function classWeights(servers, k) {
  const counts = new Map();
  let total = 0;
  const chosen = [];
  const walk = (start) => {
    if (chosen.length === k) {
      const c = placementClass(chosen, servers);
      counts.set(c, (counts.get(c) ?? 0) + 1);
      total++;
      return;
    }
    for (let v = start; v < servers; v++) {
      chosen.push(v);
      walk(v + 1);
      chosen.pop();
    }
  };
  walk(0);
  return new Map([...counts].map(([c, n]) => [c, n / total]));
}
