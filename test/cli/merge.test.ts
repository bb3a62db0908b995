// `sim merge` refuses what does not belong together (exit 2, naming the file and the reason)
// rather than blending it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";

describe("sim merge", () => {
  const dir = tempDir();
  const file = join(dir, "small.json");
  // Not "other.json": that is where its partial goes, and sim no longer writes a partial over a scenario.
  const other = join(dir, "other-scenario.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 3 })));
  writeFileSync(other, JSON.stringify(smallScenario({ replications: 3, traffic: { senders: 11, rate: "30/d" } })));
  const part = (name: string) => join(dir, name);

  beforeAll(async () => {
    const runs: string[][] = [
      [file, "--shard", "0/2", "--out", part("a0.json")],
      [file, "--shard", "1/2", "--out", part("a1.json")],
      [file, "--shard", "1/2", "--seed", "8", "--out", part("seed.json")],
      [other, "--shard", "1/2", "--out", part("other.json")],
    ];
    for (const args of runs) expect((await sim("run", ...args, "--workers", "1")).code).toBe(0);
    writeFileSync(part("junk.json"), '{"hello": 1}');
    writeFileSync(part("broken.json"), "{");
  });

  it("merges a complete set", async () => {
    const r = await sim("merge", part("a1.json"), part("a0.json"), "--out", join(dir, "merged"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Merged 2 partial files/);
  });

  it.each([
    [["a0.json", "seed.json"], /seed\.json: seed \(8 vs 7\) differs from .*a0\.json's/],
    [["a0.json", "other.json"], /other\.json: scenario differs/],
    [["a0.json"], /missing shard 1\/2/],
    [["a0.json", "a0.json", "a1.json"], /shard 0\/2 also in/],
    [["a0.json", "junk.json"], /junk\.json: not a relaysim partial file/],
    [["a0.json", "broken.json"], /broken\.json: not JSON/],
    [["a0.json", "nope.json"], /nope\.json: cannot read partial file: no such file/],
  ])("refuses %j with exit 2", async (names, message) => {
    const r = await sim("merge", ...names.map(part), "--out", join(dir, "refused"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
