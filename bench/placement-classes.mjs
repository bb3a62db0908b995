// The listed relays' placement classes for the placement studies (placement-variance.mjs,
// placement-strata.mjs), as strings: src/model/placement-classes.ts's classes (the ring of gaps
// between consecutive listed relays, from its numerically smallest rotation: "1,19" … "10,10" for
// 2 of 20) and their exact probabilities.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const { classOf, placementClasses } = await import(
  pathToFileURL(resolve(import.meta.dirname, "../dist/model/placement-classes.js")).href
);

/** The class of the listed relays `listed` in a pool of `servers`. */
export function placementClass(listed, servers) {
  return classOf(listed, servers).join(",");
}

/** The relays listed in a replication: those with listed time (its `servers.listed`). */
export function listedRelays(listedTime) {
  return listedTime.flatMap((t, v) => (t > 0 ? [v] : []));
}

/**
 * Every class's probability when `k` of `servers` relays are listed, all C(servers, k) placements
 * alike, in the order of the classes' gaps.
 */
export function classWeights(servers, k) {
  const classes = placementClasses(servers, k);
  if (classes === null) throw new RangeError(`${k} of ${servers} relays: too many placements to enumerate`);
  return new Map(classes.map((c) => [c.gaps.join(","), c.probability]));
}
