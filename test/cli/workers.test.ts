// `sim run --workers N` in separate processes: byte-identical output files for N = 1, 2, 3.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simProcess, smallScenario, tempDir } from "../helpers/cli.js";

describe("sim run --workers", () => {
  const dir = tempDir();
  const file = join(dir, "small.json");
  writeFileSync(file, JSON.stringify(smallScenario({ replications: 7 })));

  it("writes byte-identical summary.json, replications.csv and timeseries.csv for 1, 2 and 3 workers", () => {
    const files = ["summary.json", "replications.csv", "timeseries.csv"];
    const outputs = [1, 2, 3].map((workers) => {
      const out = join(dir, `w${workers}`);
      const r = simProcess(dir, "run", file, "--workers", String(workers), "--out", out);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).workers).toBe(workers);
      return files.map((f) => readFileSync(join(out, f), "utf8"));
    });
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });

  it("refuses a bad worker count with exit 2", () => {
    const r = simProcess(dir, "run", file, "--workers", "0", "--out", join(dir, "bad"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers: expected a positive integer, got 0/);
  });

  it("reports the replications a precision target needed", () => {
    const out = join(dir, "precise");
    const r = simProcess(dir, "run", file, "--workers", "2", "--precision", "firstAttemptFailure=0.03", "--out", out);
    expect(r.code).toBe(0);
    const n = Number(/precision: (\d+) replications to reach the targets/.exec(r.stdout)?.[1]);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).replications).toBe(n);
  });
});
