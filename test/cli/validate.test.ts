// `sim validate FILE...`: ok lines for good files, every problem of bad ones, exit 0 or 2.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const dir = tempDir("relaysim-validate-");
const root = join(import.meta.dirname, "..", "..");

describe("sim validate", () => {
  it("accepts every shipped scenario (sim validate scenarios/*.json)", async () => {
    const files = readdirSync(join(root, "scenarios"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => join(root, "scenarios", f));
    expect(files.length).toBeGreaterThan(0);
    const { code, stdout, stderr } = await sim("validate", ...files);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const file of files) expect(stdout).toContain(`${file}: ok`);
  });

  it("reports a good file as ok with its size and policy", async () => {
    const file = writeScenario(dir, "good.json", smallScenario());
    const { code, stdout } = await sim("validate", file);
    expect(code).toBe(0);
    expect(stdout).toBe(`${file}: ok (small: 5 servers, timer balancing)\n`);
  });

  it("exits 2 on a bad file, printing each problem with file and path", async () => {
    const file = writeScenario(dir, "bad.json", smallScenario({ pool: { servers: -3, foo: 1 } }));
    const { code, stdout, stderr } = await sim("validate", file);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`${file}: pool.servers: expected a positive integer, got -3\n`);
    expect(stderr).toContain(`${file}: pool.foo: expected a known key, got unknown key "foo"\n`);
  });

  it("checks every file of a mixed list and exits 2 if any is bad", async () => {
    const good = writeScenario(dir, "good2.json", smallScenario());
    const bad = writeScenario(dir, "bad2.json", "{ not json");
    const missing = join(dir, "missing.json");
    const { code, stdout, stderr } = await sim("validate", bad, good, missing);
    expect(code).toBe(2);
    expect(stdout).toContain(`${good}: ok`);
    expect(stderr).toContain(`${bad}: line 1, column 3: invalid JSON`);
    expect(stderr).toContain(`${missing}: cannot read scenario: no such file`);
  });

  it("needs at least one file", async () => {
    const { code, stderr } = await sim("validate");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^sim: /);
  });
});
