// Every world of LeastConnectionsWorlds picks what a LeastConnectionsBalancer of its own does over
// SessionCounts and FifoSessionEnds: the same servers, drawing the same numbers, through busy
// spells (counts past the first levels, rings past their first size) and eligibility changes.
import { describe, expect, it } from "vitest";
import { type AleaRandom, randomStream } from "../../../src/engine/random.js";
import { LeastConnectionsBalancer } from "../../../src/model/balancers/least-connections.js";
import { LeastConnectionsWorlds } from "../../../src/model/balancers/least-connections-worlds.js";
import { SessionCounts } from "../../../src/model/session-counts.js";
import { FifoSessionEnds } from "../../../src/model/session-ends.js";

describe("LeastConnectionsWorlds", () => {
  it("fits pools of at most 32 relays with fixed session lengths", () => {
    expect(LeastConnectionsWorlds.fits(32, true)).toBe(true);
    expect(LeastConnectionsWorlds.fits(33, true)).toBe(false);
    expect(LeastConnectionsWorlds.fits(20, false)).toBe(false);
  });

  // World 4's stream is one draw ahead of the others': alike sessions do not make it their equal.
  const firstStream = (w: number) => {
    const random = randomStream(5, 0, "first");
    if (w === 4) random.next();
    return random;
  };

  for (const servers of [1, 7, 32]) {
    it(`picks as a balancer per world does (${servers} relays)`, () => {
      const worlds = 5;
      const eligible = new Uint8Array(servers).fill(1);
      const together = new LeastConnectionsWorlds(
        servers,
        Array.from({ length: worlds }, (_, w) => firstStream(w)),
        eligible,
      );
      const apart = Array.from({ length: worlds }, (_, w) => {
        const sessions = new SessionCounts(servers);
        const ends = new FifoSessionEnds(sessions, null);
        const first = firstStream(w);
        const balancer = new LeastConnectionsBalancer({
          servers,
          senders: 1,
          random: randomStream(5, 0, "unused"),
          sessions,
          eligible,
        });
        return { ends, first, balancer };
      });
      const resends = Array.from({ length: worlds }, (_, w) => [
        randomStream(5, w, "resend"),
        randomStream(5, w, "resend"),
      ]);
      const schedule = randomStream(5, 0, "schedule");
      const picked = new Int32Array(worlds);
      const length = 30;
      let time = 0;
      /** World w's own balancer: its pick at `at`, drawing from `random`, and its session until at + length. */
      const pickApart = (w: number, at: number, random: AleaRandom) => {
        const a = apart[w];
        a.ends.releaseTo(at);
        const server = a.balancer.pick(0, at, random);
        a.ends.push(server, at + length);
        return server;
      };
      const resend = (w: number, at: number) => {
        const server = together.resendPick(w, 0, at, at + length, resends[w][0]);
        expect(server).toBe(pickApart(w, at, resends[w][1]));
      };
      for (let i = 0; i < 20_000; i++) {
        // Busy and quiet spells: up to ~60 sessions in progress, then a few, now and then none.
        const before = time;
        time += i % 4000 < 2000 ? schedule.next() : 40 * schedule.next();
        if (i % 3000 === 1500) {
          for (let v = 0; v < servers; v++) eligible[v] = schedule.next() < 0.6 ? 1 : 0;
          together.eligibilityChanged();
          for (const a of apart) a.balancer.eligibilityChanged();
        }
        // Now and then a world's resend between two first attempts, its session ending between theirs.
        if (i % 11 === 5) resend(i % (worlds - 1), before + (time - before) * schedule.next());
        // Now and then only the worlds that picked some relays (firstPicksIn, a mask of worlds).
        if (i % 3 === 2) {
          let relays = 0;
          for (let v = 0; v < servers; v++) if (schedule.next() < 0.3) relays |= 1 << v;
          const bounced = together.firstPicksIn(0, time, time + length, relays);
          let expected = 0;
          apart.forEach((a, w) => {
            if (((relays >>> pickApart(w, time, a.first)) & 1) === 1) expected |= 1 << w;
          });
          expect(bounced).toBe(expected);
        } else {
          const alike = together.firstPicks(0, time, time + length, picked);
          expect(alike).toBe(picked.every((server) => server === picked[0]));
          apart.forEach((a, w) => {
            expect(picked[w]).toBe(pickApart(w, time, a.first));
          });
        }
        // And at the same time as the first attempt (a wait of 0 does that).
        if (i % 7 === 3) resend(i % (worlds - 1), time);
      }
    });
  }

  it("keeps worlds in one state until a resend parts them, and joins them again when their sessions are alike", () => {
    const servers = 6;
    const eligible = new Uint8Array(servers).fill(1);
    const together = new LeastConnectionsWorlds(
      servers,
      Array.from({ length: 5 }, (_, w) => firstStream(w)),
      eligible,
    );
    const picked = new Int32Array(5);
    const length = 10;
    // Streams at two positions: two states.
    expect(together.distinctStates).toBe(2);
    together.firstPicks(0, 0, length, picked);
    expect(picked[1]).toBe(picked[0]);
    expect(picked[3]).toBe(picked[0]);
    // World 1 resends: a session of its own. World 2 too, on another relay or the same.
    together.resendPick(1, 0, 1, 1 + length, randomStream(5, 1, "resend"));
    together.resendPick(2, 0, 2, 2 + length, randomStream(5, 2, "resend"));
    expect(together.distinctStates).toBe(4);
    together.firstPicks(0, 3, 3 + length, picked);
    // Once the resends' sessions and the first attempts picked while they lasted have ended, worlds
    // 0 to 3 are alike again; world 4's stream still is a draw ahead.
    for (let time = 20; time < 60; time += 11) together.firstPicks(0, time, time + length, picked);
    expect(together.distinctStates).toBe(2);
    expect(new Set(picked.subarray(0, 4)).size).toBe(1);
  });

  it("joins states only when their sessions end at the same times on the same relays", () => {
    // One relay: every pick is relay 0 without a draw, so only the sessions' ends tell states apart.
    const together = new LeastConnectionsWorlds(
      1,
      Array.from({ length: 3 }, () => randomStream(5, 0, "first")),
      new Uint8Array(1).fill(1),
    );
    const picked = new Int32Array(3);
    const resend = randomStream(5, 0, "resend");
    together.firstPicks(0, 0, 10, picked);
    together.firstPicks(0, 0.5, 10.5, picked);
    together.resendPick(1, 0, 1, 11, resend);
    together.resendPick(2, 0, 2, 12, resend);
    // Worlds 1 and 2 hold the same number of sessions, ending first at 10.5, then at 11 and at 12.
    together.firstPicks(0, 10.2, 20.2, picked);
    expect(together.distinctStates).toBe(3);
    together.firstPicks(0, 12.5, 22.5, picked);
    expect(together.distinctStates).toBe(1);
  });
});
