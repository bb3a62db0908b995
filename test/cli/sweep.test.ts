// `sim sweep`: --vary and sweep blocks, the files it writes, and exit 2 naming the bad
// PATH or VALUES.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";

describe("sim sweep", () => {
  const dir = tempDir();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 2 })));

  it("writes sweep.json and sweep.csv for a grid, and prints a table", async () => {
    const out = join(dir, "grid");
    const r = await sim(
      "sweep",
      file,
      "--vary",
      "resend.after=0m..10m/5m",
      "--vary",
      "pool.balancer.policy=timer,sticky",
      "--out",
      out,
      "--workers",
      "1",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sweep of 6 points × 2 replications/);
    const json = JSON.parse(readFileSync(join(out, "sweep.json"), "utf8"));
    expect(json.parameters).toEqual([
      { path: "resend.after", values: [0, 300, 600] },
      { path: "pool.balancer.policy", values: ["timer", "sticky"] },
    ]);
    expect(json.points[1].values).toEqual({ "resend.after": 0, "pool.balancer.policy": "sticky" });
    const csv = readFileSync(join(out, "sweep.csv"), "utf8").split("\n");
    expect(csv[0]).toBe("resend.after,pool.balancer.policy,metric,mean,ci95_low,ci95_high,replications");
    expect(csv[1]).toMatch(/^0,timer,firstAttemptFailure,/);
  });

  it("uses the scenario's sweep block when there is no --vary", async () => {
    const blockFile = join(dir, "block.json");
    writeFileSync(
      blockFile,
      JSON.stringify(smallScenario({ replications: 2, sweep: [{ path: "listed.0.servers", values: "1..2/1" }] })),
    );
    const r = await sim("sweep", blockFile, "--json", "--out", join(dir, "block"), "--workers", "1");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).points.map((p: { values: unknown }) => p.values)).toEqual([
      { "listed.0.servers": 1 },
      { "listed.0.servers": 2 },
    ]);
  });

  it.each([
    [["--vary", "resend.aftr=1m"], /resend has no "aftr"/],
    [["--vary", "resend.after"], /--vary resend\.after: expected PATH=VALUES/],
    [
      ["--vary", "resend.after=5m..1m/1m"],
      /--vary resend\.after=5m\.\.1m\/1m: range "5m\.\.1m\/1m": expected the end at or after the start/,
    ],
    [["--vary", "pool.servers=0"], /\(pool\.servers=0\): pool\.servers: expected a positive integer, got 0/],
    [["--vary", "resend.after=soon"], /\(resend\.after=soon\): resend\.after:/],
    [["--vary", "seed=1,2"], /use --seed/],
    [[], /nothing to vary/],
  ])("exits 2 for %j, naming the bad part", async (args, message) => {
    const r = await sim("sweep", file, ...args, "--out", join(dir, "bad"), "--workers", "1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("names a bad sweep block entry with the file", async () => {
    const bad = join(dir, "bad-block.json");
    writeFileSync(bad, JSON.stringify(smallScenario({ sweep: [{ path: "pool.servers", values: "1..x/1" }] })));
    const r = await sim("sweep", bad, "--out", join(dir, "bad2"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-block\.json: sweep\.0: range end "x"/);
  });
});
