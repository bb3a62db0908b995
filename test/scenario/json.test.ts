// The checks JSON.parse does not make: encodings, duplicate keys, non-finite numbers and
// nesting depth, each named with its JSON path (issue 10).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeUtf8,
  invalidUtf8Offset,
  jsonProblem,
  keptKeys,
  MAX_JSON_DEPTH,
  parsedJsonProblem,
  textKeys,
} from "../../src/scenario/json.js";

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (text: string) => new TextEncoder().encode(text);

describe("decodeUtf8", () => {
  it("drops a UTF-8 byte-order mark", () => {
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toEqual({ text: "{}" });
  });

  it("keeps non-ASCII text", () => {
    expect(decodeUtf8(utf8('{"d": "Zürich €"}'))).toEqual({ text: '{"d": "Zürich €"}' });
  });

  it.each([
    ["UTF-16LE with BOM", bytes(0xff, 0xfe, 0x7b, 0x00), /not UTF-8: the file is UTF-16/],
    ["UTF-16BE with BOM", bytes(0xfe, 0xff, 0x00, 0x7b), /not UTF-8: the file is UTF-16/],
    ["UTF-16LE without BOM", bytes(0x7b, 0x00, 0x7d, 0x00), /not UTF-8 text: byte 1 is a NUL/],
    ["Latin-1", bytes(0x22, 0x5a, 0xfc, 0x22), /not UTF-8: byte 2 \(0xfc\) is not valid UTF-8/],
  ])("refuses %s, saying not UTF-8", (_name, input, message) => {
    const result = decodeUtf8(input);
    expect("problem" in result && result.problem).toMatch(message);
  });
});

describe("invalidUtf8Offset", () => {
  it.each([
    [[0x41, 0xc3, 0xa9], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x41, 0xc0, 0xaf], 1], // overlong "/"
    [[0xed, 0xa0, 0x80], 0], // a UTF-16 surrogate
    [[0x41, 0x42, 0xe2, 0x82], 2], // truncated at the end
    [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
    [[0x80], 0],
  ])("%j → %i", (input, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(input))).toBe(offset);
  });
});

describe("jsonProblem", () => {
  it("accepts ordinary JSON, including equal keys in different objects", () => {
    expect(jsonProblem('{"a": {"x": 1}, "b": {"x": [1, -2.5e3, "x"]}, "c": "\\"a\\""}')).toBeNull();
  });

  it("names a duplicate key with its path", () => {
    expect(jsonProblem('{"pool": {"servers": 3, "balancer": {}, "servers": 20}}')).toEqual({
      path: ["pool", "servers"],
      offset: 40,
      message: 'duplicate key "servers" (each key may appear once in an object)',
    });
  });

  it("compares keys after unescaping", () => {
    expect(jsonProblem('{"listed": [{}, {"on": 1, "\\u006fn": 2}]}')?.path).toEqual(["listed", 1, "on"]);
  });

  it("refuses numbers beyond a double's range, with their path", () => {
    expect(jsonProblem('{"a": [1, 2, -1e400]}')).toMatchObject({
      path: ["a", 2],
      message: "expected a finite number, got -1e400",
    });
    // Underflow to zero is a finite number: nothing to say.
    expect(jsonProblem("[1e-400]")).toBeNull();
    expect(jsonProblem('{"b": 1E400}')?.path).toEqual(["b"]);
  });

  it("refuses a number written out in more digits than a double reaches, and no shorter one", () => {
    // 10^309 has no exponent to give it away; 10^308 (309 digits) is the largest power a double holds.
    expect(jsonProblem(`[0, 1${"0".repeat(309)}]`)).toMatchObject({
      path: [1],
      message: `expected a finite number, got 1${"0".repeat(36)}...`,
    });
    expect(jsonProblem(`[-1${"0".repeat(308)}, 0.${"0".repeat(400)}1, 9${"9".repeat(298)}]`)).toBeNull();
  });

  it("refuses nesting deeper than the limit without recursing", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const problem = jsonProblem(`{"x": ${deep}}`);
    expect(problem?.message).toBe(`expected at most ${MAX_JSON_DEPTH} levels of nesting`);
    expect(problem?.path.length).toBe(MAX_JSON_DEPTH);
    expect(jsonProblem(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`)).toBeNull();
  });
});

describe("parsedJsonProblem", () => {
  // JSON texts written token by token, so that they can hold what JSON.stringify never writes:
  // keys given twice (also as escapes of each other, and __proto__), numbers past a double's
  // range, strings full of quotes, backslashes, colons and brackets, and nesting near the limit.
  const key = fc.constantFrom('"a"', '"b"', '"\\u0061"', '"a\\\\"', '"\\""', '"__proto__"', '":"');
  const nasty = fc
    .string({ unit: fc.constantFrom('"', "\\", ":", "{", "[", "]", "}", "a", "é"), maxLength: 6 })
    .map((t) => JSON.stringify(t));
  const number = fc.oneof(
    fc.constantFrom("1e400", "-1E999", "1e-400", "0", "-0.5", `1${"0".repeat(309)}`, `9${"9".repeat(298)}`),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  );
  const { value } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      number,
      nasty,
      fc.constantFrom("true", "false", "null"),
      tie("array"),
      tie("object"),
    ),
    array: fc.array(tie("value"), { maxLength: 4 }).map((a) => `[${a.join(", ")}]`),
    object: fc
      .array(fc.tuple(key, tie("value")), { maxLength: 4 })
      .map((members) => `{${members.map(([k, v]) => `${k}: ${v}`).join(",")}}`),
  }));
  const nested = fc
    .tuple(fc.integer({ min: MAX_JSON_DEPTH - 4, max: MAX_JSON_DEPTH + 2 }), value, fc.boolean())
    .map(([depth, inner, objects]) =>
      objects
        ? `${'{"x":'.repeat(depth)}${inner}${"}".repeat(depth)}`
        : `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`,
    );

  it("finds what jsonProblem finds, where it finds it, in any JSON text", () => {
    let problems = 0;
    fc.assert(
      fc.property(fc.oneof(value, nested), (text) => {
        const expected = jsonProblem(text);
        const parsed = JSON.parse(text);
        expect(parsedJsonProblem(text, parsed)).toEqual(expected);
        if (expected) problems++;
        // Without a problem the counts agree, so jsonProblem's slower scan is never run.
        else expect(keptKeys(parsed)).toBe(textKeys(text, MAX_JSON_DEPTH));
      }),
      { numRuns: 3000, seed: 20261203 },
    );
    // Both kinds of text were drawn: those with a problem and those without.
    expect(problems).toBeGreaterThan(300);
    expect(problems).toBeLessThan(2700);
  });

  it("stops on a string that never closes (a text JSON.parse would refuse)", () => {
    expect(textKeys('"open', MAX_JSON_DEPTH)).toBe(-1);
    expect(textKeys('"a\\"', MAX_JSON_DEPTH)).toBe(-1);
    expect(textKeys('{"a": "open', MAX_JSON_DEPTH)).toBe(-1);
  });

  it("counts a key given twice as an escape, and __proto__ given twice", () => {
    expect(parsedJsonProblem('{"a": 1, "\\u0061": 2}', { a: 2 })?.message).toMatch(/duplicate key "a"/);
    const text = '{"__proto__": 1, "__proto__": 2}';
    expect(parsedJsonProblem(text, JSON.parse(text))?.message).toMatch(/duplicate key "__proto__"/);
    expect(parsedJsonProblem('{"a\\"": [":", "{"]}', { 'a"': [":", "{"] })).toBeNull();
  });
});
