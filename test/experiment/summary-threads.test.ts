// sim merge summarises a sweep's points on several threads: every summary has the bits of the
// one-thread summarisePoints, whichever thread made it, and a failure in a thread is an error.
import { describe, expect, it } from "vitest";
import { asPartial, checkPartials, sweepShard } from "../../src/experiment/shard.js";
import { summariseSweepInThreads } from "../../src/experiment/summary-threads.js";
import { summarisePoints } from "../../src/experiment/sweep.js";
import { jsonText } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

async function checkedSweep() {
  const scenario = parseScenario(smallScenario({ replications: 4 }));
  const parameters = [{ path: "resend.after", values: ["1m", "5m", "10m", "20m", "30m", "45m", "1h"] }];
  const partial = await sweepShard(scenario, parameters, { index: 0, count: 1 }, { workers: 1 });
  const checked = checkPartials([{ source: "p", partial: asPartial(JSON.parse(JSON.stringify(partial)), "p") }]);
  if (checked.kind !== "sweep") throw new Error("expected a sweep");
  return checked;
}

describe("summariseSweepInThreads", () => {
  it("gives summarisePoints' summaries, byte for byte, on 1, 2 and 3 threads", async () => {
    const { grid, seed, results } = await checkedSweep();
    const one = jsonText(summarisePoints(grid, seed, results));
    for (const threads of [1, 2, 3]) {
      const told: number[] = [];
      const summaries = await summariseSweepInThreads(grid, seed, results, threads, (done, points) => {
        expect(points).toBe(7);
        told.push(done);
      });
      expect(jsonText(summaries)).toBe(one);
      if (threads > 1) expect(told).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it("rejects when a point's summary fails, in a worker or in this thread", async () => {
    const { grid, seed, results } = await checkedSweep();
    // A replication given twice: summarise refuses it (inReplicationOrder). Points 0–3 go to the
    // two workers first (two each), so point 0 fails in a worker; point 6 in whichever thread takes it.
    const damage = (at: number) => results.map((point, p) => (p === at ? [point[0], ...point.slice(0, 3)] : point));
    for (const at of [0, 6]) {
      for (const threads of [1, 3]) {
        await expect(summariseSweepInThreads(grid, seed, damage(at), threads)).rejects.toThrow(
          /replication 1 is missing or repeated/,
        );
      }
    }
  });
});
