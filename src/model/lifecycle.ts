// The compromise lifecycle of DESIGN §2 ("Pool and listings", `compromise`): per replication,
// Poisson compromises of clean servers, cleanup, and each list's listing and delisting, as the
// same Listing intervals that static `listed` entries produce.
import { type Random, sampler } from "../engine/index.js";
import type { Scenario } from "../scenario/schema.js";
import type { Listing } from "./listings.js";

/** One compromise of one server and the listings it causes. */
export interface CompromiseCycle {
  server: number;
  compromisedAt: number;
  cleanedAt: number;
  /** One per list that lists the server before the cleanup, in `blacklists` order. */
  listings: Listing[];
}

/**
 * The compromises starting in [0, horizon) and their listings (which may run past it).
 * Each server is clean at t = 0 and is compromised after an Exp(ratePerServer) clean time; its
 * spam is cleaned up `cleanup` later; list b lists it at compromise + listingDelay_b if that is
 * strictly before the cleanup, until cleanup + delistAfter_b; the next compromise comes an
 * Exp(rate) clean time after the cleanup (none while compromised).
 *
 * Draw order, for determinism: server 0's cycles, then server 1's, …; within a cycle the clean
 * time before it, the cleanup, then for each list in `blacklists` order its listing delay and
 * its delist time — drawn even when the listing does not happen, so that one list's outcome
 * does not shift the draws of the others. Constant distributions draw nothing
 * (Sampler.constant). Ordered by server, then compromise time.
 */
export function compromiseCycles(scenario: Scenario, random: Random): CompromiseCycle[] {
  const compromise = scenario.compromise;
  const cycles: CompromiseCycle[] = [];
  if (compromise === null || !(compromise.ratePerServer > 0)) return cycles;
  const meanClean = 1 / compromise.ratePerServer;
  const cleanup = sampler(compromise.cleanup);
  const lists = scenario.blacklists.map((b) => ({ delay: sampler(b.listingDelay), delist: sampler(b.delistAfter) }));
  const horizon = scenario.horizon;
  for (let server = 0; server < scenario.pool.servers; server++) {
    // 1 − u lies in (0, 1], so the clean time is finite.
    let compromisedAt = -meanClean * Math.log(1 - random());
    while (compromisedAt < horizon) {
      const cleanedAt = compromisedAt + cleanup.sample(random);
      const listings: Listing[] = [];
      for (let list = 0; list < lists.length; list++) {
        const listedAt = compromisedAt + lists[list].delay.sample(random);
        const delistedAt = cleanedAt + lists[list].delist.sample(random);
        if (listedAt < cleanedAt) listings.push({ server, list, from: listedAt, until: delistedAt });
      }
      cycles.push({ server, compromisedAt, cleanedAt, listings });
      compromisedAt = cleanedAt - meanClean * Math.log(1 - random());
    }
  }
  return cycles;
}

/**
 * The listing intervals of compromiseCycles, flattened: what the model turns into on/off
 * events, alongside staticListings. Intervals of one server on one list may overlap (a
 * delisting still pending when the next listing starts); the model counts them, and
 * mergeIntervals gives their union.
 */
export function compromiseListings(scenario: Scenario, random: Random): Listing[] {
  return compromiseCycles(scenario, random).flatMap((cycle) => cycle.listings);
}

/**
 * The union of the intervals of each (server, list): disjoint, non-touching intervals ordered
 * by server, list and start. [a, b) and [b, c) merge into [a, c).
 */
export function mergeIntervals(listings: readonly Listing[]): Listing[] {
  const sorted = [...listings].sort((x, y) => x.server - y.server || x.list - y.list || x.from - y.from);
  const merged: Listing[] = [];
  let current: Listing | undefined;
  for (const l of sorted) {
    if (current !== undefined && l.server === current.server && l.list === current.list && l.from <= current.until) {
      if (l.until > current.until) current.until = l.until;
    } else {
      current = { server: l.server, list: l.list, from: l.from, until: l.until };
      merged.push(current);
    }
  }
  return merged;
}
