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

  it("adds per-recipient rows to the table when messages have several recipients", async () => {
    const lists = (name: string, extra: object) => {
      const file = join(dir, `${name}.json`);
      const recipients = { domains: 200, perMessage: { uniform: [2, 6] } };
      writeFileSync(file, JSON.stringify(smallScenario({ name, replications: 4, recipients, ...extra })));
      return file;
    };
    const out = join(dir, "cmp-lists");
    const r = await sim(
      "compare",
      lists("bounce", {}),
      lists("requeue", { mta: { onBlocklist: "requeue" } }),
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recipients never delivered\s+requeue\s+\d/);
    expect(r.stdout).toMatch(/recipients per message\s+requeue\s+\d\.\d\d\s/);
    const c = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
    expect(c.recipients.recipientFailure.differences[0].n).toBe(4);
    // One recipient per message: no such rows.
    const plain = await sim("compare", timer, random, "--out", join(dir, "cmp-plain"));
    expect(plain.stdout).not.toMatch(/recipients never delivered/);
  });

  it("needs two scenarios (exit 2)", async () => {
    const r = await sim("compare", timer, "--out", join(dir, "one"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at least two/);
  });
});
