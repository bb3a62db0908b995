// Reading scenario files: unreadable files and broken JSON (with line and column) become
// ScenarioErrors naming the file, and features not simulated yet are refused, not ignored.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatPath,
  lineColumn,
  loadScenario,
  MAX_SCENARIO_BYTES,
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

describe("hostile input files (issue 10)", () => {
  const text = JSON.stringify(minimal(), null, 2);
  const write = (name: string, content: string | Uint8Array) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it("accepts a UTF-8 byte-order mark", () => {
    const file = write("bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(loadScenario(file).name).toBe("minimal");
    expect(parseJsonText(`\ufeff${text}`, "x")).toEqual(minimal());
  });

  it("says 'not UTF-8' for UTF-16 and for invalid bytes, in one visible line", () => {
    const utf16 = write("utf16.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    expect(errorOf(() => loadScenario(utf16)).message).toBe(
      `${utf16}: not UTF-8: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`,
    );
    const latin1 = write("latin1.json", Buffer.from(text.replace("minimal", "min\u00fcmal"), "latin1"));
    expect(errorOf(() => loadScenario(latin1)).message).toMatch(/: not UTF-8: byte \d+ \(0xfc\) is not valid UTF-8/);
  });

  it("refuses duplicate keys with their path", () => {
    const file = write("dup.json", '{"name": "a", "pool": {"servers": 4, "servers": 5}, "traffic": {}}');
    expect(errorOf(() => loadScenario(file)).problems).toEqual([
      'pool.servers: duplicate key "servers" (each key may appear once in an object) (line 1, column 38)',
    ]);
  });

  it("says 'a finite number' for 1e400 rather than 'got null'", () => {
    const file = write("inf.json", text.replace('"servers": 4', '"servers": 1e400'));
    const message = errorOf(() => loadScenario(file)).message;
    expect(message).toMatch(/pool\.servers: expected a finite number, got 1e400/);
    expect(message).not.toMatch(/null/);
    // From the library, an Infinity is shown as such.
    expect(errorOf(() => parseScenario({ ...minimal(), pool: { servers: Number.POSITIVE_INFINITY } })).message).toBe(
      "scenario: pool.servers: expected a positive integer, got Infinity",
    );
  });

  it("refuses a 100 000-deep array with an ordinary message (no stack overflow)", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const file = write("deep.json", text.replace('"name": "minimal"', `"name": "minimal", "description": ${deep}`));
    const error = errorOf(() => loadScenario(file));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^description(\.0)+: expected at most 64 levels of nesting \(line 2/);
  });

  it("describes deep or cyclic values from library callers without overflowing", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(errorOf(() => parseScenario({ ...minimal(), name: deep })).message).toBe(
      "scenario: name: expected a name, got a list",
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorOf(() => parseScenario({ ...minimal(), name: cyclic })).message).toBe(
      "scenario: name: expected a name, got a value of type object",
    );
  });

  it("reads at most 16 MB: a bigger file, /dev/zero or a pipe is refused", () => {
    const big = write("big.json", Buffer.alloc(MAX_SCENARIO_BYTES + 1, 0x20));
    expect(errorOf(() => loadScenario(big)).message).toBe(
      `${big}: cannot read scenario: larger than 16 MB, the most a scenario may be`,
    );
    if (existsSync("/dev/zero")) {
      expect(errorOf(() => loadScenario("/dev/zero")).message).toBe(
        "/dev/zero: cannot read scenario: larger than 16 MB, the most a scenario may be",
      );
    }
  });
});
