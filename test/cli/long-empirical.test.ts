// Empirical distributions as long as a real log's waits (a calibrated pool's, or a user's
// export): 150 000 values. Math.max(...values) overflowed the stack past ~120 000 arguments
// (RangeError), so such a scenario could not be run nor its advice notes written.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { receiverAdviceNotes } from "../../src/report/receivers-words.js";
import { parseScenario } from "../../src/scenario/load.js";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";

const LONG = 150_000;
const seconds = (i: number) => `${60 + (i % 3600)}s`;

describe("empirical distributions with 150 000 values", () => {
  const dir = tempDir();
  const scenario = smallScenario({
    horizon: "2d",
    replications: 1,
    blacklists: [
      {
        name: "spamcop",
        subscribers: 0.5,
        delistAfter: { empirical: Array.from({ length: LONG }, (_, i) => seconds(i)) },
        propagation: { delisting: { empirical: Array.from({ length: LONG }, (_, i) => seconds(i)) } },
        cache: { listed: "10m" },
      },
    ],
    listed: undefined,
    compromise: { ratePerServer: "1/1d", cleanup: { exponential: "3h" } },
    recipients: {
      domains: 50,
      zipf: 1,
      perMessage: { empirical: Array.from({ length: LONG }, (_, i) => 1 + (i % 3)) },
    },
  });

  it("run (the lifecycle's reach, the recipient counts)", async () => {
    const file = join(dir, "long.json");
    writeFileSync(file, JSON.stringify(scenario));
    const r = await sim("run", file, "--no-charts", "--out", join(dir, "out"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("are described in the advice's notes (how late the delisting shows)", () => {
    const { blacklists } = parseScenario(scenario);
    const notes = receiverAdviceNotes(blacklists, {
      duration: (s) => `${s} s`,
      percent: (p) => `${p * 100} %`,
      distribution: () => "a while",
    } as Parameters<typeof receiverAdviceNotes>[1]);
    expect(notes.join(" ")).toMatch(/spamcop/);
  });
});
