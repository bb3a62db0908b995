// The form's JSON editing: field text ↔ scenario values, policy switches as a sweep fills them,
// and the schema's messages routed to the field whose path they name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  editField,
  FIELD_GROUPS,
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
    expect(shown("dns")).toEqual(["f-policy", "f-ttl", "f-resolvers", "f-records"]);
    expect(shown("stick-table")).toEqual(["f-policy", "f-expire", "f-balance"]);
    expect(shown("round-robin")).toEqual(["f-policy", "f-reset-after-idle"]);
    expect(shown("sticky")).toEqual(["f-policy"]);
    expect(shown("random")).toEqual(["f-policy"]);
  });
});

describe("optional settings", () => {
  const field = (id: string) => FIELDS.find((f) => f.id === id) ?? expect.fail(`no field ${id}`);

  it("every fixed field sits in one fieldset of the page", () => {
    const grouped = Object.values(FIELD_GROUPS).flat();
    expect([...grouped].sort()).toEqual(FIELDS.map((f) => f.id).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it("every field of every policy names a setting the schema accepts", () => {
    // Fill each field with a valid value and validate: a wrong path is a strict-object error.
    const values: Record<string, string> = {
      "f-expire": "20m",
      "f-balance": "random",
      "f-reset-after-idle": "10m",
      "f-resolvers": "4",
      "f-records": "2",
      "f-per-message": '{"uniform": [1, 4]}',
      "f-retry-from": "pool",
      "f-on-blocklist": "requeue",
      "f-greylisting": "0.2",
      "f-greylisting-delay": "5m",
    };
    for (const policy of ["stick-table", "round-robin", "dns"]) {
      const raw = story();
      withPolicy(raw, policy);
      for (const [id, text] of Object.entries(values)) {
        const f = field(id);
        if (f.when === undefined || f.when(raw)) editField(raw, f, text);
      }
      expect(validate(raw).problems, policy).toEqual([]);
    }
  });

  it("write what the CLI reads, and emptying one puts the default back", () => {
    const raw = story();
    const before = structuredClone(raw);
    editField(raw, field("f-greylisting"), "0.25");
    expect(raw.greylisting).toEqual({ domains: 0.25 });
    expect(field("f-greylisting-delay").when?.(raw)).toBe(true);
    editField(raw, field("f-greylisting-delay"), "2m");
    expect(validate(raw).scenario?.greylisting?.delay).toBe(120);
    editField(raw, field("f-greylisting-delay"), " ");
    expect(raw.greylisting).toEqual({ domains: 0.25 });
    // Emptying the share switches greylisting off: the whole block goes, its delay included.
    editField(raw, field("f-greylisting"), "");
    expect(raw).toEqual(before);
    expect(field("f-greylisting-delay").when?.(raw)).toBe(false);

    editField(raw, field("f-per-message"), "3");
    expect(validate(raw).scenario?.recipients.perMessage).toEqual({ fixed: 3 });
    editField(raw, field("f-per-message"), "");
    expect(raw).toEqual(before);

    editField(raw, field("f-on-blocklist"), "requeue");
    expect(validate(raw).scenario?.mta.onBlocklist).toBe("requeue");
  });

  it("shows a select's default while the scenario leaves it out", () => {
    expect(fieldText("select", get(story(), ["mta", "retryFrom"]) ?? field("f-retry-from").fallback)).toBe("same");
    expect(field("f-on-blocklist").fallback).toBe("bounce");
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
