// scenario/parse.ts: validation without file access, so the browser page shares it; the file
// reader (load.ts) re-exports it unchanged.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as load from "../../src/scenario/load.js";
import { parseJsonText, parseScenario, ScenarioError } from "../../src/scenario/parse.js";

describe("scenario/parse.ts", () => {
  it("imports nothing from Node", () => {
    const source = readFileSync("src/scenario/parse.ts", "utf8");
    expect(source).not.toMatch(/from "node:|require\(/);
  });

  it("is what load.ts offers", () => {
    expect(load.parseScenario).toBe(parseScenario);
    expect(load.parseJsonText).toBe(parseJsonText);
    expect(load.ScenarioError).toBe(ScenarioError);
  });

  it("names the source, the path and what was expected", () => {
    const story = JSON.parse(readFileSync("scenarios/18of20.json", "utf8"));
    story.pool.servers = -3;
    expect(() => parseScenario(story, "form")).toThrow(/^form: pool\.servers: expected .*, got -3$/m);
    expect(() => parseJsonText('{"name": }', "pasted JSON")).toThrow(/^pasted JSON: line 1, column \d+: invalid JSON/);
  });
});
