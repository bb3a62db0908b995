// When `sim advise` rasterises its charts' PNGs: the run's charts as soon as each is drawn, beside
// the simulation, but the last (replications), whose PNG waits for the simulation's end, where it
// runs beside the advice chart's (cli/commands/advise.ts, TAIL_PNGS). Observed through resvg's
// renderAsync, wrapped to log each call, and advise, wrapped to end only once the other run
// charts' PNGs are done: a PNG asked for as soon as drawn is then logged before the end.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { sim, tempDir } from "../helpers/cli.js";

const log: string[] = [];

vi.mock("@resvg/resvg-js", async (importOriginal) => {
  const real = await importOriginal<typeof import("@resvg/resvg-js")>();
  return {
    ...real,
    renderAsync: (svg: string, ...rest: unknown[]) => {
      log.push(`rasterise ${svg.length}`);
      return (real.renderAsync as (...a: unknown[]) => Promise<unknown>)(svg, ...rest).finally(() =>
        log.push("rasterised"),
      );
    },
  };
});

vi.mock("../../src/experiment/advise.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/experiment/advise.js")>();
  return {
    ...real,
    advise: async (...args: Parameters<typeof real.advise>) => {
      const result = await real.advise(...args);
      // The run's first four charts' PNGs rasterised, and a few turns more.
      while (log.filter((l) => l === "rasterised").length < 4) await new Promise((r) => setTimeout(r, 5));
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      log.push("simulation over");
      return result;
    },
  };
});

const dir = tempDir("relaysim-advise-charts-");
const root = join(import.meta.dirname, "..", "..");

describe("sim advise's PNGs", () => {
  it("rasterises the run's last chart once the simulation is over, the others as drawn", async () => {
    const out = join(dir, "out");
    const r = await sim(
      "advise",
      join(root, "scenarios", "18of20.json"),
      "--out",
      out,
      "--max-replications",
      "10",
      "--policies",
      "sticky",
      "--workers",
      "2",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const asked = (chart: string) =>
      log.indexOf(`rasterise ${readFileSync(join(out, "charts", `${chart}.svg`), "utf8").length}`);
    const over = log.indexOf("simulation over");
    expect(over).toBeGreaterThan(0);
    for (const chart of ["resend-failure-vs-delay", "servers", "delivery-delay", "listings-over-time"]) {
      expect(asked(chart)).toBeGreaterThanOrEqual(0);
      expect(asked(chart)).toBeLessThan(over);
    }
    expect(asked("replications")).toBeGreaterThan(over);
    expect(asked("advice")).toBeGreaterThan(over);
    expect(log.filter((l) => l.startsWith("rasterise "))).toHaveLength(6);
  });
});
