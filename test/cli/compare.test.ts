// `sim compare`: compare.json with paired and unpaired intervals, and a table.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";

describe("sim compare", () => {
  const dir = tempDir();
  const timer = join(dir, "timer.json");
  const random = join(dir, "random.json");
  writeFileSync(timer, JSON.stringify(smallScenario({ name: "timer", replications: 10 })));
  writeFileSync(
    random,
    JSON.stringify(
      smallScenario({ name: "random", replications: 10, pool: { servers: 5, balancer: { policy: "random" } } }),
    ),
  );

  it("writes compare.json whose paired intervals are narrower than the unpaired ones", async () => {
    const out = join(dir, "cmp");
    const r = await sim("compare", timer, random, "--out", out, "--workers", "2");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/timer vs random: 10 paired replications/);
    expect(r.stdout).toMatch(/paired 95 % CI/);
    const c = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
    expect(c.scenarios.map((s: { label: string }) => s.label)).toEqual(["timer", "random"]);
    const d = c.metrics.firstAttemptFailure.differences[0];
    expect(d.ci95[1] - d.ci95[0]).toBeLessThan(d.unpairedCi95[1] - d.unpairedCi95[0]);
    expect(c.metrics.firstAttemptFailure.baseline.n).toBe(10);
  });

  it("needs two scenarios (exit 2)", async () => {
    const r = await sim("compare", timer, "--out", join(dir, "one"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least two/);
  });
});
