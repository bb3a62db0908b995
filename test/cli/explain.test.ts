import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";

const dsn = fileURLToPath(new URL("../fixtures/bounces/dsn-spamcop.eml", import.meta.url));
const dir = tempDir();

function scenarioFile(name: string, patch: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(smallScenario({ name, ...patch })));
  return file;
}

describe("sim explain", () => {
  it("explains a DSN without a scenario: list, relay, lookup page", async () => {
    const r = await sim("explain", dsn);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SpamCop");
    expect(r.stdout).toContain("203.0.113.17");
    expect(r.stdout).toContain("https://www.spamcop.net/bl.shtml?203.0.113.17");
  });

  it("with a sticky pool says to ask the provider: resends take the same relay", async () => {
    const file = scenarioFile("sticky", { pool: { servers: 5, balancer: { policy: "sticky" } } });
    const r = await sim("explain", dsn, "--scenario", file, "--json");
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.scenario).toBe("sticky");
    expect(e.recipients[0].action).toBe("ask-provider");
    expect(e.recipients[0].sentences.join(" ")).toContain("same listed relay");
  });

  it("with a random pool says to resend now", async () => {
    const file = scenarioFile("random", { pool: { servers: 5, balancer: { policy: "random" } } });
    const r = await sim("explain", dsn, "--scenario", file, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).recipients[0].action).toBe("resend-now");
  });

  it("exits 2 on an unreadable bounce or an invalid scenario", async () => {
    expect((await sim("explain", join(dir, "missing.eml"))).code).toBe(2);
    expect((await sim("explain", dir)).code).toBe(2);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{");
    expect((await sim("explain", dsn, "--scenario", bad)).code).toBe(2);
  });

  it("checks --seed as run and advise do: exit 2 naming the flag", async () => {
    const file = scenarioFile("seed", { pool: { servers: 5, balancer: { policy: "random" } } });
    const r = await sim("explain", dsn, "--scenario", file, "--seed", "1.5");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--seed: expected an integer, got 1.5");
  });
});
