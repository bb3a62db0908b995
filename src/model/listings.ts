// Which server is on which list when (DESIGN §2, "Pool and listings"), as intervals drawn
// at the start of a replication. The model turns them into on/off events; overlapping
// intervals of one server on one list merge because the model counts them.
import type { Random } from "../engine/index.js";
import type { Scenario } from "../scenario/schema.js";

export interface Listing {
  server: number;
  /** Index of the list in `blacklists`. */
  list: number;
  from: number;
  /** Infinity for "until further notice". */
  until: number;
}

/** `count` distinct servers out of `servers`, uniformly (a partial Fisher–Yates shuffle). */
export function drawDistinct(servers: number, count: number, random: Random): number[] {
  const order = Array.from({ length: servers }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.next() * (servers - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count);
}

/** The static `listed` entries of a scenario, placed with the "placement" stream. */
export function staticListings(scenario: Scenario, placement: Random): Listing[] {
  const listIndex = new Map(scenario.blacklists.map((b, i) => [b.name, i]));
  const listings: Listing[] = [];
  for (const entry of scenario.listed) {
    const servers = entry.indices ?? drawDistinct(scenario.pool.servers, entry.servers ?? 0, placement);
    for (const name of entry.on) {
      const list = listIndex.get(name) as number;
      for (const server of servers) {
        listings.push({
          server,
          list,
          from: entry.from,
          until: entry.until ?? Number.POSITIVE_INFINITY,
        });
      }
    }
  }
  return listings;
}
