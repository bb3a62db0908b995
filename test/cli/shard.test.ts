// Sharding end to end in separate processes: `sim run|sweep --shard I/N` then `sim merge` writes
// byte-identical files to a single run; bad shard specs exit 2 with a clear message.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simProcess, smallScenario, tempDir } from "../helpers/cli.js";

describe("sharded runs", () => {
  const dir = tempDir();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 5 })));
  const read = (d: string, names: string[]) => names.map((n) => readFileSync(join(dir, d, n), "utf8"));

  it("sim run --shard I/3 ×3 + sim merge = sim run, byte for byte", () => {
    for (let i = 0; i < 3; i++) {
      const r = simProcess(dir, "run", file, "--shard", `${i}/3`, "--workers", "1");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${i}/3`));
    }
    const parts = [2, 0, 1].map((i) => join("output", `small.part-${i}-of-3.json`));
    const merged = simProcess(dir, "merge", ...parts, "--out", "merged");
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    expect(simProcess(dir, "run", file, "--out", "single", "--workers", "2").code).toBe(0);
    const names = ["summary.json", "replications.csv", "timeseries.csv"];
    expect(read("merged", names)).toEqual(read("single", names));
  });

  it("sim sweep --shard I/2 ×2 + sim merge = sim sweep, byte for byte", () => {
    const vary = ["--vary", "resend.after=1m,10m", "--vary", "listed.0.servers=1..3/1", "-r", "3"];
    for (let i = 0; i < 2; i++) {
      expect(simProcess(dir, "sweep", file, ...vary, "--shard", `${i}/2`, "--out", `sweep-${i}.json`).code).toBe(0);
    }
    // Its 6 points summarised on 3 threads (summary-threads.ts), and on this one.
    const parts = ["sweep-0.json", "sweep-1.json"];
    expect(simProcess(dir, "merge", ...parts, "--out", "sweep-merged", "--workers", "3").code).toBe(0);
    expect(simProcess(dir, "merge", ...parts, "--out", "sweep-merged-1", "-w", "1").code).toBe(0);
    expect(simProcess(dir, "sweep", file, ...vary, "--out", "sweep-single").code).toBe(0);
    const single = read("sweep-single", ["sweep.json", "sweep.csv"]);
    expect(read("sweep-merged", ["sweep.json", "sweep.csv"])).toEqual(single);
    expect(read("sweep-merged-1", ["sweep.json", "sweep.csv"])).toEqual(single);
  });

  it.each([
    ["3/3", /between 0 and 2 \(N = 3\), got "3\/3"/],
    ["-1/2", /between 0 and 1 \(N = 2\), got "-1\/2"/],
    ["a/b", /expected I\/N with integers/],
  ])("refuses --shard %s with exit 2", (spec, message) => {
    const r = simProcess(dir, "run", file, `--shard=${spec}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("refuses --shard with --precision or --attempts", () => {
    expect(simProcess(dir, "run", file, "--shard", "0/2", "--precision", "resendFailure=0.1").code).toBe(2);
    expect(simProcess(dir, "run", file, "--shard", "0/2", "--attempts").stderr).toMatch(
      /--attempts cannot be combined/,
    );
  });
});
