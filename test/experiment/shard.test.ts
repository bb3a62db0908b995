// Shards: tasks split by number mod N, and merged partials give back exactly a single run's
// summary (or sweep) — and anything that does not belong together is refused.
import { describe, expect, it } from "vitest";
import { runScenarioParallel } from "../../src/experiment/parallel.js";
import {
  asPartial,
  MergeError,
  mergePartials,
  type PartialFile,
  runShard,
  shardTasks,
  sweepShard,
} from "../../src/experiment/shard.js";
import { sweep, sweepJson } from "../../src/experiment/sweep.js";
import { jsonText } from "../../src/report/files.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

const scenario = parseScenario(smallScenario({ replications: 5 }));
/** Through JSON, as partial files travel. */
const viaFile = (p: PartialFile, source: string) => ({
  source,
  partial: asPartial(JSON.parse(JSON.stringify(p)), source),
});

describe("shardTasks", () => {
  it("partitions points × replications by task number mod N", () => {
    const all = [0, 1, 2].flatMap((i) => shardTasks(3, 4, { index: i, count: 3 }));
    expect(all).toHaveLength(12);
    expect(new Set(all.map(([p, r]) => `${p}/${r}`)).size).toBe(12);
    expect(shardTasks(3, 4, { index: 1, count: 3 })).toEqual([
      [0, 1],
      [1, 0],
      [1, 3],
      [2, 2],
    ]);
    expect(shardTasks(1, 2, { index: 4, count: 5 })).toEqual([]);
  });
});

describe("runShard and mergePartials", () => {
  it("merge into the single run's summary, byte for byte", async () => {
    const parts = [];
    for (let i = 0; i < 3; i++)
      parts.push(viaFile(await runShard(scenario, { index: i, count: 3 }, { workers: 1 }), `p${i}`));
    const merged = mergePartials([parts[2], parts[0], parts[1]]);
    const single = await runScenarioParallel(scenario, { workers: 1 });
    expect(merged.kind).toBe("run");
    if (merged.kind !== "run") return;
    expect(jsonText(merged.summary)).toBe(jsonText(single.summary));
    expect(JSON.stringify(merged.results)).toBe(JSON.stringify(single.results));
  });

  it("merge sweep shards into the single sweep's files", async () => {
    const parameters = [{ path: "resend.after", values: ["1m", "10m", "20m"] }];
    const parts = [];
    for (let i = 0; i < 4; i++) {
      parts.push(
        viaFile(
          await sweepShard(scenario, parameters, { index: i, count: 4 }, { workers: 1, replications: 3 }),
          `p${i}`,
        ),
      );
    }
    const merged = mergePartials(parts);
    const single = await sweep(scenario, parameters, { workers: 1, replications: 3 });
    if (merged.kind !== "sweep") throw new Error("expected a sweep");
    expect(jsonText(sweepJson(merged.sweep))).toBe(jsonText(sweepJson(single)));

    // `consume` (sim merge's): the same files, each partial's results let go once checked.
    const again = parts.map(({ source, partial }) => viaFile(partial, source));
    const consumed = mergePartials(again, { consume: true });
    if (consumed.kind !== "sweep") throw new Error("expected a sweep");
    expect(jsonText(sweepJson(consumed.sweep))).toBe(jsonText(sweepJson(single)));
    expect(JSON.stringify(consumed.results)).toBe(JSON.stringify(merged.results));
    expect(again.map(({ partial }) => partial.results.length)).toEqual([0, 0, 0, 0]);
    expect(parts.every(({ partial }) => partial.results.length > 0)).toBe(true);
  });

  it("keeps no time series, servers or delays in a sweep's partials, and lets go of those an older partial holds", async () => {
    const parameters = [{ path: "resend.after", values: ["1m", "10m"] }];
    const parts = [];
    for (let i = 0; i < 2; i++) {
      const partial = await sweepShard(scenario, parameters, { index: i, count: 2 }, { workers: 1, replications: 2 });
      parts.push(viaFile(partial, `p${i}`));
    }
    const hasLeftOut = (r: object) => "timeseries" in r || "servers" in r || "delay" in r;
    const read = parts.flatMap(({ partial }) => partial.results.map((x) => x.result));
    expect(read.some(hasLeftOut)).toBe(false);
    expect(read.every((r) => "metrics" in r && "resendsByDelay" in r)).toBe(true);
    // As partial files were written before: those parts in every result, which a sweep never reads.
    const older = parts.map(({ source, partial }) => {
      const copy = JSON.parse(JSON.stringify(partial));
      for (const x of copy.results) {
        x.result.timeseries = { listed: [0], attempts: [1], rejections: [0] };
        x.result.servers = { attempts: [1] };
        x.result.delay = {};
      }
      return viaFile(copy, source);
    });
    const merged = mergePartials(parts);
    const fromOlder = mergePartials(older);
    if (merged.kind !== "sweep" || fromOlder.kind !== "sweep") throw new Error("expected sweeps");
    expect(jsonText(sweepJson(fromOlder.sweep))).toBe(jsonText(sweepJson(merged.sweep)));
    expect(fromOlder.results.flat().some(hasLeftOut)).toBe(false);
  });

  it("refuses partials that do not belong together", async () => {
    const spec = (index: number, count = 2) => ({ index, count });
    const a0 = viaFile(await runShard(scenario, spec(0), { workers: 1 }), "a0");
    const a1 = viaFile(await runShard(scenario, spec(1), { workers: 1 }), "a1");
    const seed = viaFile(await runShard(scenario, spec(1), { workers: 1, seed: 99 }), "seed");
    const reps = viaFile(await runShard(scenario, spec(1), { workers: 1, replications: 4 }), "reps");
    const other = viaFile(
      await runShard(parseScenario(smallScenario({ replications: 5, recipients: { domains: 60 } })), spec(1), {
        workers: 1,
      }),
      "other",
    );
    const three = viaFile(await runShard(scenario, spec(1, 3), { workers: 1 }), "three");
    const sweepPart = viaFile(
      await sweepShard(scenario, [{ path: "pool.servers", values: [5] }], spec(1), { workers: 1 }),
      "sw",
    );
    expect(() => mergePartials([a0, seed])).toThrow(/seed: seed \(99 vs 7\) differs/);
    expect(() => mergePartials([a0, reps])).toThrow(/number of replications/);
    expect(() => mergePartials([a0, other])).toThrow(/other: scenario differs/);
    expect(() => mergePartials([a0, three])).toThrow(/shard count/);
    expect(() => mergePartials([a0, sweepPart])).toThrow(/kind/);
    expect(() => mergePartials([a0, a0, a1])).toThrow(/shard 0\/2 also in a0/);
    expect(() => mergePartials([a0])).toThrow(/missing shard 1\/2/);
    expect(() => mergePartials([])).toThrow(MergeError);
    // A result moved to the wrong shard, or lost.
    const moved = structuredClone(a1);
    moved.partial.results.push(a0.partial.results[0]);
    expect(() => mergePartials([a0, moved])).toThrow(/does not belong to this shard/);
    const lost = structuredClone(a1);
    lost.partial.results.pop();
    expect(() => mergePartials([a0, lost])).toThrow(
      /results are missing: the partials hold 4; 1 point × 5 replications need 5/,
    );
  });

  it("refuses files that are not partials, and bad shard specs", async () => {
    expect(() => asPartial({ hello: 1 }, "x.json")).toThrow(/x\.json: not a relaysim partial file/);
    expect(() => asPartial({ format: "relaysim-partial/1", kind: "run" }, "y.json")).toThrow(
      /y\.json: tool: expected object, got nothing/,
    );
    await expect(runShard(scenario, { index: 2, count: 2 })).rejects.toThrow(/0 ≤ I < N/);
  });
});
