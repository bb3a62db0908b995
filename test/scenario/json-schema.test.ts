// The published JSON Schema: generated from the validator's definitions (the committed file is
// never stale) and actually describing the scenarios we ship.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/scenario/json-schema.js";
import { schemaProblems } from "../helpers/json-schema.js";

const root = join(import.meta.dirname, "..", "..");
const committed = readFileSync(join(root, "schema", "scenario.schema.json"), "utf8");
const schema = JSON.parse(committed) as Record<string, unknown>;
const shipped = readdirSync(join(root, "scenarios")).filter((f) => f.endsWith(".json"));

describe("schema/scenario.schema.json", () => {
  it("is exactly what the definitions generate (run `npm run schema` after changing them)", () => {
    expect(committed).toBe(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  });

  it("is a closed object schema requiring name, pool and traffic", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["name", "pool", "traffic"]));
  });

  it.each(shipped)("scenarios/%s fits it", (file) => {
    const scenario = JSON.parse(readFileSync(join(root, "scenarios", file), "utf8"));
    expect(schemaProblems(schema, scenario)).toEqual([]);
  });

  it("rejects what the validator rejects structurally (the check above is not vacuous)", () => {
    const good = JSON.parse(readFileSync(join(root, "scenarios", "18of20.json"), "utf8"));
    const bad = [
      { ...good, pool: { ...good.pool, servers: -3 } },
      { ...good, bogus: 1 },
      { ...good, pool: { ...good.pool, balancer: { policy: "fastest" } } },
      { ...good, resend: { ...good.resend, after: { gamma: 3 } } },
      { ...good, name: "Bad Name" },
      { ...good, blacklists: [{ name: "spamcop", subscribers: 2 }] },
    ];
    for (const b of bad) expect(schemaProblems(schema, b), JSON.stringify(b).slice(0, 200)).not.toEqual([]);
  });
});
