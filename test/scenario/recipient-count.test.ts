// recipients.perMessage (DESIGN §1): every form normalised, absent means absent (so a
// one-recipient scenario's normalised form, and its goldens, do not change), and each mistake
// reported as FILE: PATH: expected …, got ….
import { describe, expect, it } from "vitest";
import { loadScenario, ScenarioError } from "../../src/scenario/load.js";
import { tempDir, writeScenario } from "../helpers/cli.js";

const dir = tempDir("relaysim-recipient-count-");

const withPerMessage = (perMessage?: unknown) => ({
  name: "recipients",
  pool: { servers: 4 },
  recipients: perMessage === undefined ? { domains: 50 } : { domains: 50, perMessage },
  traffic: { senders: 2, rate: "20/d" },
});

function problem(perMessage: unknown): string {
  const file = writeScenario(dir, "bad.json", withPerMessage(perMessage));
  try {
    loadScenario(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    const text = (error as Error).message;
    expect(text.startsWith(`${file}: recipients.perMessage`), text).toBe(true);
    return text.slice(file.length + 2);
  }
  throw new Error(`${JSON.stringify(perMessage)} loaded without error`);
}

describe("recipients.perMessage", () => {
  it("is absent from the normalised scenario when not written", () => {
    const s = loadScenario(writeScenario(dir, "none.json", withPerMessage()));
    expect(s.recipients).toEqual({ domains: 50, zipf: 1 });
    expect("perMessage" in s.recipients).toBe(false);
  });

  it.each<[unknown, unknown]>([
    [3, { fixed: 3 }],
    [{ fixed: 1 }, { fixed: 1 }],
    [{ uniform: [1, 5] }, { uniform: [1, 5] }],
    [{ empirical: [1, 1, 2, 7] }, { empirical: [1, 1, 2, 7] }],
    [{ shares: [0.917, 0.046, 0.019] }, { shares: [0.917, 0.046, 0.019] }],
    [1000, { fixed: 1000 }],
  ])("normalises %j", (written, normalised) => {
    const s = loadScenario(writeScenario(dir, "ok.json", withPerMessage(written)));
    expect(s.recipients.perMessage).toEqual(normalised);
  });

  it.each<[unknown]>([
    [0],
    [1001],
    [2.5],
    ["3"],
    [{ uniform: [4, 2] }],
    [{ empirical: [] }],
    [{ empirical: [0, 1] }],
    [{ shares: [0, 0] }],
    [{ shares: [-1, 2] }],
    [{ fixed: 2, extra: 1 }],
    [{ exponential: 3 }],
  ])("refuses %j, naming the path and what was expected", (written) => {
    expect(problem(written)).toMatch(/^recipients\.perMessage(\.[\w.]+)?: expected .+, got .+$/);
  });
});
