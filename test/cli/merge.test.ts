// `sim merge` refuses what does not belong together (exit 2, naming the file and the reason)
// rather than blending it.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
    [["a0.json", "broken.json"], /broken\.json: line 1, column 2: invalid JSON/],
    [["a0.json", "nope.json"], /nope\.json: cannot read partial file: no such file/],
  ])("refuses %j with exit 2", async (names, message) => {
    const r = await sim("merge", ...names.map(part), "--out", join(dir, "refused"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe("sim merge of crafted partials (issue 10)", () => {
  const dir = tempDir("relaysim-merge-hostile-");
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 2, horizon: "2h" })));
  const p0 = join(dir, "p0.json");
  const p1 = join(dir, "p1.json");
  let good: Json;

  beforeAll(async () => {
    expect((await sim("run", file, "--shard", "0/2", "--out", p0, "--workers", "1")).code).toBe(0);
    expect((await sim("run", file, "--shard", "1/2", "--out", p1, "--workers", "1")).code).toBe(0);
    good = JSON.parse(readFileSync(p0, "utf8"));
  });

  /** Merge a damaged copy of shard 0 with the real shard 1. */
  async function mergeDamaged(damage: (p: Json) => void, ...extra: string[]) {
    const copy = structuredClone(good);
    damage(copy);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify(copy));
    return sim("merge", bad, p1, "--no-charts", ...extra);
  }

  it("refuses a scenario name that is a path, and touches nothing there", async () => {
    const cwd = process.cwd();
    const sandbox = join(dir, "sandbox");
    const victim = join(sandbox, "h", "victim");
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, "keep.txt"), "mine");
    mkdirSync(join(sandbox, "a", "b"), { recursive: true });
    process.chdir(join(sandbox, "a", "b"));
    let r: Awaited<ReturnType<typeof sim>>;
    try {
      // Without --out, merge writes output/<name>: ../../h/victim relative to a/b/output.
      r = await mergeDamaged((p) => {
        p.scenario.name = "../../h/victim";
      });
    } finally {
      process.chdir(cwd);
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: scenario\.name: expected a name of lower-case letters/);
    expect(readdirSync(victim)).toEqual(["keep.txt"]);
    expect(readFileSync(join(victim, "keep.txt"), "utf8")).toBe("mine");
    expect(existsSync(join(sandbox, "a", "b", "output"))).toBe(false);
  });

  it.each([
    [
      "a resendFailure of 5",
      (p: Json) => (p.results[0].result.metrics.resendFailure = 5),
      "results.0.result.metrics.resendFailure: expected a probability between 0 and 1, got 5",
    ],
    [
      "a negative message count",
      (p: Json) => (p.results[0].result.counts.messages = -3),
      "results.0.result.counts.messages: expected a non-negative integer, got -3",
    ],
    [
      "another tool version",
      (p: Json) => (p.tool.version = "0.0.9"),
      'tool.version: expected relaysim version 0.1.0 (this one); re-run with it, got "0.0.9"',
    ],
    [
      "a missing result field",
      (p: Json) => delete p.results[0].result.servers,
      "results.0.result.servers: expected object, got nothing",
    ],
    ["missing results", (p: Json) => delete p.results, "results: expected array, got nothing"],
    ["a missing shard", (p: Json) => delete p.shard, "shard: expected object, got nothing"],
    [
      "too few servers in a result",
      (p: Json) => p.results[0].result.servers.attempts.pop(),
      expect.stringMatching(/^results\.0\.result\.servers\.attempts: expected 5 values, got \[/),
    ],
    [
      "more rejections than attempts",
      (p: Json) => (p.results[0].result.counts.firstRejected = p.results[0].result.counts.messages + 1),
      expect.stringMatching(/^results\.0\.result\.counts\.firstRejected: expected at most messages \(\d+\)/),
    ],
    [
      "a huge replication count",
      (p: Json) => (p.replications = 1e15),
      "replications: expected the scenario's 2, got 1000000000000000",
    ],
    ["a NaN-ish seed", (p: Json) => (p.seed = "NaN"), 'seed: expected an integer, got "NaN"'],
  ])("refuses %s with exit 2, the file and the JSON path", async (_name, damage, problem) => {
    const r = await mergeDamaged(damage, "--out", join(dir, "never"));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.map((l) => l.replace(/^.*bad\.json: /, ""))).toContainEqual(problem);
    expect(r.stderr).not.toMatch(/TypeError| {4}at /);
    expect(existsSync(join(dir, "never"))).toBe(false);
  });
});
// biome-ignore lint/suspicious/noExplicitAny: partials are plain JSON here, damaged by hand
type Json = any;
