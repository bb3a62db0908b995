// `sim schema`: prints the scenario JSON Schema, byte for byte the committed schema file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim } from "../helpers/cli.js";

const root = join(import.meta.dirname, "..", "..");

describe("sim schema", () => {
  it("prints the JSON Schema, identical to schema/scenario.schema.json", async () => {
    const { code, stdout, stderr } = await sim("schema");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toBe(readFileSync(join(root, "schema", "scenario.schema.json"), "utf8"));
    const schema = JSON.parse(stdout);
    expect(schema.title).toBe("relaysim scenario");
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["name", "pool", "traffic", "blacklists"]));
  });

  it("takes no arguments", async () => {
    expect((await sim("schema", "extra")).code).toBe(2);
  });
});
