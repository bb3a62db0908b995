// Every world of LeastConnectionsWorlds picks what a LeastConnectionsBalancer of its own does over
// SessionCounts and FifoSessionEnds: the same servers, drawing the same numbers, through busy
// spells (counts past the first levels, rings past their first size) and eligibility changes.
import { describe, expect, it } from "vitest";
import { randomStream } from "../../../src/engine/random.js";
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

  for (const servers of [1, 7, 32]) {
    it(`picks as a balancer per world does (${servers} relays)`, () => {
      const worlds = 4;
      const eligible = new Uint8Array(servers).fill(1);
      const together = new LeastConnectionsWorlds(
        servers,
        Array.from({ length: worlds }, () => randomStream(5, 0, "first")),
        eligible,
      );
      const apart = Array.from({ length: worlds }, () => {
        const sessions = new SessionCounts(servers);
        const ends = new FifoSessionEnds(sessions, null);
        const first = randomStream(5, 0, "first");
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
      for (let i = 0; i < 20_000; i++) {
        // Busy and quiet spells: up to ~60 sessions in progress, then none.
        time += i % 4000 < 2000 ? schedule() : 20 * schedule();
        if (i % 3000 === 1500) {
          for (let v = 0; v < servers; v++) eligible[v] = schedule() < 0.6 ? 1 : 0;
          together.eligibilityChanged();
          for (const a of apart) a.balancer.eligibilityChanged();
        }
        together.firstPicks(0, time, time + length, picked);
        apart.forEach((a, w) => {
          a.ends.releaseTo(time);
          const server = a.balancer.pick(0, time, a.first);
          a.ends.push(server, time + length);
          expect(picked[w]).toBe(server);
        });
        // Now and then a world's resend, at the same time as the first attempt (a wait of 0 does that).
        const w = i % 7 === 3 ? i % worlds : -1;
        if (w >= 0) {
          const server = together.resendPick(w, 0, time, time + length, resends[w][0]);
          const a = apart[w];
          a.ends.releaseTo(time);
          const expected = a.balancer.pick(0, time, resends[w][1]);
          a.ends.push(expected, time + length);
          expect(server).toBe(expected);
        }
      }
    });
  }
});
