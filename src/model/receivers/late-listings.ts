// Receivers see listings late (DESIGN §2): a list's new listing and its delisting reach the
// receivers' mirrors after `propagation` (zone rebuilds and rsync to mirrors, DOMAIN.md), and
// receivers cache the list's answers (dnsbl-cache.ts). Compiled once per scenario; off — no
// delayed view, no cache, the plain ListingBoard — unless some list asks for either.
import { type Random, type Sampler, sampler } from "../../engine/index.js";
import type { Scenario } from "../../scenario/schema.js";
import { ListingBoard } from "../listing-board.js";
import type { Listing } from "../listings.js";
import type { Tally } from "../tally.js";
import { CachingListingBoard, type ListTtls } from "./dnsbl-cache.js";

/** What one scenario's receivers do late; null fields when no list asks for them. */
export interface ReceiverLag {
  /** Per list in `blacklists` order: delays of a listing and a delisting (0 s for lists without `propagation`). */
  propagation: Array<{ listing: Sampler; delisting: Sampler }> | null;
  ttls: ListTtls | null;
}

/** The scenario's lag, or null when every list is seen at once and uncached (the default). */
export function receiverLag(scenario: Scenario): ReceiverLag | null {
  const lists = scenario.blacklists;
  const zero = sampler({ fixed: 0 });
  const propagation = lists.some((b) => b.propagation !== undefined)
    ? lists.map((b) =>
        b.propagation === undefined
          ? { listing: zero, delisting: zero }
          : { listing: sampler(b.propagation.listing), delisting: sampler(b.propagation.delisting) },
      )
    : null;
  let cachedMask = 0;
  const listed = new Float64Array(lists.length);
  const clean = new Float64Array(lists.length);
  lists.forEach((b, i) => {
    if (b.cache === undefined || (b.cache.listed === 0 && b.cache.clean === 0)) return;
    cachedMask |= 1 << i;
    listed[i] = b.cache.listed;
    clean[i] = b.cache.clean;
  });
  const ttls = cachedMask === 0 ? null : { listed, clean, cachedMask };
  return propagation === null && ttls === null ? null : { propagation, ttls };
}

/** The listing board for a replication: plain, with a delayed view, with caches, or both. */
export function createListingBoard(
  servers: number,
  lists: number,
  domainLists: Int32Array,
  tempfailMask: number,
  tally: Tally,
  lag: ReceiverLag | null,
): ListingBoard {
  const delayed = lag?.propagation != null;
  if (lag?.ttls) return new CachingListingBoard(servers, lists, domainLists, tempfailMask, tally, delayed, lag.ttls);
  return new ListingBoard(servers, lists, domainLists, tempfailMask, tally, delayed);
}

/** A listing as the receivers' mirrors carry it: [from + listing delay, until + delisting delay). */
export interface SeenListing {
  server: number;
  list: number;
  from: number;
  until: number;
}

/**
 * The listings as the receivers see them. Each listing draws its two delays from its server's
 * own stream (`streamFor`, made on first need), in the order the server's listings come, so a
 * longer horizon only appends draws; constant delays draw nothing. A listing whose delisting
 * arrives no later than its listing is never seen.
 */
export function seenByReceivers(
  listings: readonly Listing[],
  propagation: NonNullable<ReceiverLag["propagation"]>,
  streamFor: (server: number) => Random,
): SeenListing[] {
  const streams = new Map<number, Random>();
  const draw = (s: Sampler, server: number): number => {
    if (s.constant) return s.mean;
    let random = streams.get(server);
    if (random === undefined) {
      random = streamFor(server);
      streams.set(server, random);
    }
    return s.sample(random);
  };
  const seen: SeenListing[] = [];
  for (const l of listings) {
    const delays = propagation[l.list];
    const from = l.from + draw(delays.listing, l.server);
    const until = l.until + draw(delays.delisting, l.server);
    if (until > from) seen.push({ server: l.server, list: l.list, from, until });
  }
  return seen;
}
