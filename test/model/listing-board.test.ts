// ListingBoard.rejectingServers names exactly the relays whose outcome() rejects a domain, through
// overlapping listings, several lists, and a delayed receivers' view that moves on its own events.
import { describe, expect, it } from "vitest";
import { randomStream } from "../../src/engine/random.js";
import { DELIVERED } from "../../src/model/codes.js";
import { ListingBoard } from "../../src/model/listing-board.js";
import { CachingListingBoard } from "../../src/model/receivers/dnsbl-cache.js";
import type { Tally } from "../../src/model/tally.js";

const tally = { addListedTime: () => {} } as unknown as Tally;

function expectRejectingAsOutcome(board: ListingBoard, servers: number, domains: number): number {
  let rejections = 0;
  for (let d = 0; d < domains; d++) {
    let expected = 0;
    for (let v = 0; v < servers; v++) if (board.outcome(d, v, 0) !== DELIVERED) expected |= 1 << v;
    expect(board.rejectingServers(d), `domain ${d}`).toBe(expected);
    if (expected !== 0) rejections++;
  }
  return rejections;
}

describe("ListingBoard.rejectingServers", () => {
  for (const [servers, delayed] of [
    [1, false],
    [20, false],
    [32, false],
    [20, true],
  ] as const) {
    it(`names the relays outcome() rejects (${servers} relays${delayed ? ", delayed view" : ""})`, () => {
      const lists = 3;
      const random = randomStream(9, servers, "board");
      // Each domain consults some of the lists (none, one, several).
      const domainLists = Int32Array.from({ length: 40 }, () => Math.floor(random.next() * 2 ** lists));
      const board = new ListingBoard(servers, lists, domainLists, 0, tally, delayed);
      expect(board.serversInMasks).toBe(true);
      // Open intervals per key, so that every listOff closes one listOn (overlaps merge).
      const open = new Int32Array(servers * lists * (delayed ? 2 : 1));
      let seen = 0;
      for (let step = 0; step < 600; step++) {
        const v = Math.floor(random.next() * servers);
        const list = Math.floor(random.next() * lists);
        const view = delayed && random.next() < 0.5;
        const key = view ? board.viewKey(v, list) : board.key(v, list);
        const slot = (view ? servers * lists : 0) + v * lists + list;
        if (open[slot] > 0 && random.next() < 0.5) {
          board.listOff(key, step);
          open[slot]--;
        } else {
          board.listOn(key, step);
          open[slot]++;
        }
        seen += expectRejectingAsOutcome(board, servers, domainLists.length);
      }
      // Enough rejecting domains along the way that a missed update would show.
      expect(seen).toBeGreaterThan(1000);
    });
  }
});

describe("CachingListingBoard", () => {
  it("does not offer rejectingServers, whose answer skips the receivers' caches", () => {
    // One relay, one list whose clean answers are cached for an hour, one domain consulting it.
    const ttls = { listed: Float64Array.of(0), clean: Float64Array.of(3600), cachedMask: 1 };
    const board = new CachingListingBoard(1, 1, Int32Array.of(1), 0, tally, false, ttls);
    const plain = new ListingBoard(1, 1, Int32Array.of(1), 0, tally, false);
    expect(board.outcome(0, 0, 0)).toBe(DELIVERED);
    board.listOn(0, 10);
    plain.listOn(0, 10);
    // The lists' view, which rejectingServers reads, rejects; the domain's cache still answers "clean".
    expect(plain.rejectingServers(0)).toBe(1);
    expect(plain.outcome(0, 0, 20)).not.toBe(DELIVERED);
    expect(board.outcome(0, 0, 20)).toBe(DELIVERED);
    expect(board.serversInMasks).toBe(false);
  });
});
