// The draws a LookAhead takes in blocks (model/look-ahead.ts) are the ones submit() takes one
// message at a time, in the same order within each stream — with the reading pass (large pools,
// MailModel.plainArrivalsAhead) and without it (the worlds' run, whose domains are drawn in the
// drawing loop itself). Exact equality, fixed seeds.
import { describe, expect, it } from "vitest";
import { AliasTable, exponential } from "../../src/engine/index.js";
import { BLOCK, LookAhead } from "../../src/model/look-ahead.js";
import { Streams } from "../../src/model/streams.js";

const SENDERS = 2000;
const DOMAINS = 300;
// Zipf-like weights, so that the alias table's columns and aliases both come up.
const domainTable = new AliasTable(Array.from({ length: DOMAINS }, (_, i) => 1 / (i + 1)));

/** The next `count` messages' (gap, sender, domain) as submit() draws them: gap, then sender, from arrivals; domain from recipients. */
function oneAtATime(seed: number, replication: number, count: number) {
  const streams = new Streams(seed, replication);
  const gaps: number[] = [];
  const senders: number[] = [];
  const domains: number[] = [];
  for (let i = 0; i < count; i++) {
    gaps.push(exponential(streams.arrivals));
    senders.push(Math.floor(streams.arrivals.next() * SENDERS));
    domains.push(domainTable.sample(streams.recipients));
  }
  return { gaps, senders, domains };
}

/** The same messages taken from a LookAhead's blocks. */
function inBlocks(seed: number, replication: number, blocks: number, readingPass: boolean) {
  const streams = new Streams(seed, replication);
  const senderTable = readingPass ? new Uint16Array(SENDERS) : null;
  const domainLists = readingPass ? new Int32Array(DOMAINS) : null;
  const ahead = new LookAhead(streams.arrivals, streams.recipients, domainTable, SENDERS, senderTable, domainLists);
  const gaps: number[] = [];
  const senders: number[] = [];
  const domains: number[] = [];
  for (let b = 0; b < blocks; b++) {
    ahead.fill();
    expect(ahead.position).toBe(0);
    gaps.push(...ahead.gaps);
    senders.push(...ahead.senders);
    domains.push(...ahead.domains);
  }
  return { gaps, senders, domains };
}

describe("LookAhead", () => {
  for (const readingPass of [true, false]) {
    it(`draws what submit() draws, in the same order (${readingPass ? "with" : "without"} the reading pass)`, () => {
      for (const [seed, replication] of [
        [1, 0],
        [20130805, 3],
      ]) {
        const blocks = 8;
        const expected = oneAtATime(seed, replication, blocks * BLOCK);
        const taken = inBlocks(seed, replication, blocks, readingPass);
        expect(taken.gaps).toEqual(expected.gaps);
        expect(taken.senders).toEqual(expected.senders);
        expect(taken.domains).toEqual(expected.domains);
      }
    });
  }
});
