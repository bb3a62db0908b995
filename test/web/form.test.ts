// The form's JSON editing: field text ↔ scenario values, policy switches as a sweep fills them,
// and the schema's messages routed to the field whose path they name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  FIELDS,
  fieldFor,
  fieldText,
  fieldValue,
  get,
  listFields,
  type RawScenario,
  set,
  setListed,
  validate,
  withPolicy,
} from "../../src/web/form.js";

const story = (): RawScenario => JSON.parse(readFileSync("scenarios/18of20.json", "utf8"));

describe("form fields", () => {
  it("turn text into the JSON a scenario file holds", () => {
    expect(fieldValue("number", " 20 ")).toBe(20);
    expect(fieldValue("number", "-3")).toBe(-3);
    expect(fieldValue("number", "twenty")).toBe("twenty");
    expect(fieldValue("number", "")).toBe("");
    expect(fieldValue("text", "10m")).toBe("10m");
    expect(fieldValue("distribution", "5m..15m")).toEqual({ uniform: ["5m", "15m"] });
    expect(fieldValue("distribution", "5m – 15m")).toEqual({ uniform: ["5m", "15m"] });
    expect(fieldValue("distribution", "10m")).toBe("10m");
    expect(fieldValue("distribution", '{"exponential": "2h"}')).toEqual({ exponential: "2h" });
    expect(fieldValue("distribution", "{broken")).toBe("{broken");
    expect(fieldValue("number", '{"mailShare": 0.2}')).toEqual({ mailShare: 0.2 });
    expect(fieldValue("number", "{broken")).toBe("{broken");
  });

  it("show a value as text that reads back to the same value", () => {
    for (const [kind, value] of [
      ["distribution", { uniform: ["5m", "15m"] }],
      ["distribution", "10m"],
      ["distribution", { exponential: "2h" }],
      ["number", 0.3],
      // A list's `subscribers` rule: an object in a number field (it showed "[object Object]").
      ["number", { share: 0.3, exceptTop: 5 }],
      ["text", "20/d"],
    ] as const) {
      expect(fieldValue(kind, fieldText(kind, value))).toEqual(value);
    }
  });

  it("edit paths, creating what is missing", () => {
    const raw: RawScenario = {};
    set(raw, ["listed", 0, "servers"], 2);
    expect(raw).toEqual({ listed: [{ servers: 2 }] });
    expect(get(raw, ["listed", 0, "servers"])).toBe(2);
    expect(get(raw, ["pool", "servers"])).toBeUndefined();
    set(raw, ["listed", 0, "servers"], undefined);
    expect(raw).toEqual({ listed: [{}] });
  });

  it("list relays on every list when the scenario lists none yet", () => {
    const raw = story();
    delete raw.listed;
    setListed(raw, 3);
    expect(raw.listed).toEqual([{ servers: 3, on: ["spamcop"] }]);
    setListed(raw, 4);
    expect(raw.listed).toEqual([{ servers: 4, on: ["spamcop"] }]);
  });

  it("switch policy with the parameters a sweep fills in", () => {
    const raw = story();
    withPolicy(raw, "dns");
    expect(get(raw, ["pool", "balancer"])).toEqual({ policy: "dns", ttl: "5m" });
    withPolicy(raw, "timer");
    expect(get(raw, ["pool", "balancer"])).toEqual({
      policy: "timer",
      period: "10m",
      phase: "global",
      assignment: "rotate",
    });
    withPolicy(raw, "sticky");
    expect(get(raw, ["pool", "balancer"])).toEqual({ policy: "sticky" });
    expect(validate(raw).problems).toEqual([]);
  });

  it("show a balancer field only for the policies that take it", () => {
    const shown = (policy: string) => {
      const raw = story();
      withPolicy(raw, policy);
      return FIELDS.filter((f) => f.path[1] === "balancer" && f.when?.(raw) !== false).map((f) => f.id);
    };
    expect(shown("timer")).toEqual(["f-policy", "f-period", "f-phase", "f-assignment"]);
    expect(shown("dns")).toEqual(["f-policy", "f-ttl"]);
    expect(shown("sticky")).toEqual(["f-policy"]);
    expect(shown("random")).toEqual(["f-policy"]);
  });
});

describe("validation", () => {
  it("accepts the story as the CLI does", () => {
    const result = validate(story());
    expect(result.problems).toEqual([]);
    expect(result.scenario?.pool.servers).toBe(20);
  });

  it("routes each schema message to the field its path names", () => {
    const raw = story();
    set(raw, ["pool", "servers"], -3);
    set(raw, ["blacklists", 0, "subscribers"], 2);
    set(raw, ["resend", "after"], { uniform: ["5m", "soon"] });
    set(raw, ["recipients", "zipf"], "x");
    const { problems } = validate(raw);
    const fields = [...FIELDS, ...listFields(0)];
    const where = Object.fromEntries(problems.map((p) => [p.path, fieldFor(p.path, fields)?.id ?? null]));
    expect(where).toEqual({
      "pool.servers": "f-servers",
      "blacklists.0.subscribers": "f-list-0-subscribers",
      "resend.after": "f-after",
      // No field edits recipients: its message goes to the general list.
      "recipients.zipf": null,
    });
    expect(problems.find((p) => p.path === "pool.servers")?.message).toMatch(/got -3$/);
    // A path inside a field's value belongs to that field; the longest matching field wins.
    expect(fieldFor("resend.after.uniform.1", fields)?.id).toBe("f-after");
    expect(fieldFor("pool.balancer.policy", fields)?.id).toBe("f-policy");
    expect(fieldFor("pool", fields)).toBeNull();
  });
});
