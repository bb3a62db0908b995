// Reading scenario files: unreadable files and broken JSON (with line and column) become
// ScenarioErrors naming the file, and features not simulated yet are refused, not ignored.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatPath,
  lineColumn,
  loadScenario,
  parseJsonText,
  parseScenario,
  ScenarioError,
} from "../../src/scenario/load.js";
import { tempDir, writeScenario } from "../helpers/cli.js";

const dir = tempDir("relaysim-load-");

const minimal = () => ({
  name: "minimal",
  pool: { servers: 4 },
  traffic: { senders: 2, rate: "20/d" },
});

function errorOf(action: () => unknown): ScenarioError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return error as ScenarioError;
  }
  throw new Error("expected a ScenarioError");
}

describe("loadScenario: unreadable files", () => {
  it("names a missing file", () => {
    const file = join(dir, "nope.json");
    const error = errorOf(() => loadScenario(file));
    expect(error.message).toBe(`${file}: cannot read scenario: no such file`);
    expect(error.source).toBe(file);
    expect(error.problems).toEqual(["cannot read scenario: no such file"]);
  });

  it("names a directory", () => {
    const sub = join(dir, "a-folder.json");
    mkdirSync(sub);
    expect(errorOf(() => loadScenario(sub)).message).toBe(
      `${sub}: cannot read scenario: is a directory, expected a JSON file`,
    );
  });

  it("loads a valid file", () => {
    expect(loadScenario(writeScenario(dir, "ok.json", minimal())).name).toBe("minimal");
  });
});

describe("broken JSON", () => {
  it.each([
    // text, line, column (1-based, at the offending character)
    ['{\n  "name": "x",\n  "pool": {,\n}', 3, 12],
    ['{\n  "name": "x"\n  "pool": 1}', 3, 3],
    ['{"a": 1', 1, 8],
    ['{\r\n  "a": 1,\r\n  "b": tru\r\n}', 3, 11],
    ['{\n\t"a": [1, 2,]\n}', 2, 13],
  ])("%j → line %i, column %i", (text, line, column) => {
    const file = writeScenario(dir, "broken.json", text);
    const error = errorOf(() => loadScenario(file));
    expect(error.message).toMatch(
      new RegExp(`^${file.replace(/[.\\/]/g, "\\$&")}: line ${line}, column ${column}: invalid JSON: `),
    );
    expect(error.message).not.toMatch(/position \d+/);
    expect(error.message.split("\n")).toHaveLength(1);
  });

  it("gives the position and a one-line reason where V8 itself gives none (Node 20's 'Unexpected token')", () => {
    const file = writeScenario(dir, "token.json", '{\n  "name": "x",\n  "seed": undefined\n}');
    expect(errorOf(() => loadScenario(file)).message).toBe(
      `${file}: line 3, column 11: invalid JSON: Unexpected token 'u'`,
    );
  });

  it("says what is wrong when there is no position (empty file)", () => {
    const file = writeScenario(dir, "empty.json", "");
    expect(errorOf(() => loadScenario(file)).message).toBe(`${file}: invalid JSON: Unexpected end of JSON input`);
  });

  it("parseJsonText returns the value of valid text", () => {
    expect(parseJsonText('{"a": [1, 2]}', "x")).toEqual({ a: [1, 2] });
  });
});

describe("lineColumn and formatPath", () => {
  it("counts lines and columns from 1", () => {
    const text = "ab\ncd\n\nef";
    expect(lineColumn(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn(text, 2)).toEqual({ line: 1, column: 3 });
    expect(lineColumn(text, 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumn(text, 7)).toEqual({ line: 4, column: 1 });
    expect(lineColumn(text, 9)).toEqual({ line: 4, column: 3 });
  });

  it("joins paths with dots, the empty path being (root)", () => {
    expect(formatPath([])).toBe("(root)");
    expect(formatPath(["listed", 0, "on", 1])).toBe("listed.0.on.1");
  });
});

describe("parseScenario", () => {
  it("names the source it is given, 'scenario' by default", () => {
    expect(errorOf(() => parseScenario({})).message.startsWith("scenario: ")).toBe(true);
    expect(errorOf(() => parseScenario({}, "inline")).source).toBe("inline");
  });
});
