// DESIGN §3's standard, held in `npm test` by a fast deterministic slice of the coverage harness
// (harness.ts), and at full size by `npm run coverage` (COVERAGE=full), which prints the table.
import { describe, expect, it } from "vitest";
import { binomialTail, cases, measure, measureShadowedWaits, NOMINAL, passMark, runsFor, table } from "./harness.js";

const full = process.env.COVERAGE === "full";
/** advise's grid for a 10-minute timer, thinned: at once, inside the slot, at and past its end. */
const SHADOWED_WAITS = [0, 60, 180, 300, 450, 600, 900, 1200];

describe.runIf(full)("coverage harness (npm run coverage)", () => {
  const runs = Number(process.env.COVERAGE_RUNS ?? runsFor());
  it(`holds every 95 % interval to ≥ 93 % over ${runs} independent runs per case`, () => {
    const rows = cases().flatMap((c) => {
      const r = measure(c, runs);
      console.log(table(r));
      return r;
    });
    const shadowed = measureShadowedWaits(runs, SHADOWED_WAITS);
    console.log(table([shadowed]));
    rows.push(shadowed);
    console.log(`\n${table(rows)}\n`);
    for (const r of rows) expect(r.coverage, `${r.case}: ${r.type}`).toBeGreaterThanOrEqual(0.93);
  });
});

describe("coverage harness sizing", () => {
  it("sizes the full run so that a correct 95 % method fails the 93 % bar with probability < 1e-6", () => {
    const n = runsFor();
    expect(binomialTail(n, NOMINAL)).toBeLessThan(1e-6);
    expect(binomialTail(n - 1, NOMINAL)).toBeGreaterThanOrEqual(1e-6);
  });
});

describe.skipIf(full)("coverage slice (npm test)", () => {
  // 60 runs of 20 replications each on the case the issue measured (pooled Wilson: 56 % of
  // bins; plain t: 88 % overall). passMark gives the count a correct method reaches except
  // with probability 1e-6.
  const runs = 60;
  const mark = passMark(runs);
  it(`timer/rotate with random placement: each interval type holds the closed form in ≥ ${mark} of ${runs} runs`, () => {
    const c = cases().find((x) => x.name === "timer rotate, random placement");
    if (!c) throw new Error("case missing");
    const rows = measure(c, runs);
    expect(rows.map((r) => r.type)).toEqual(["metric resendFailure", "per-bin resendFailureByDelay"]);
    for (const r of rows) expect(r.held, `${r.type}: ${r.held}/${r.runs}\n${table(rows)}`).toBeGreaterThanOrEqual(mark);
  });
});

describe.skipIf(full)("coverage slice of advise's shadowed waits (npm test)", () => {
  const runs = 60;
  const mark = passMark(runs);
  it(`each wait's interval holds the closed form in ≥ ${mark} of ${runs} runs (one wait checked per run)`, () => {
    const row = measureShadowedWaits(runs, SHADOWED_WAITS);
    expect(row.held, table([row])).toBeGreaterThanOrEqual(mark);
  });
});
