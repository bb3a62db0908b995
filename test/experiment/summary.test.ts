// A sweep's point summary (summarisePoint: sim merge's) is summarise's Summary without the two
// parts sweep.json never shows, and it reads nothing of what a sweep's partials leave out.
import { describe, expect, it } from "vitest";
import { runScenarioParallel } from "../../src/experiment/parallel.js";
import { summarise, summarisePoint } from "../../src/experiment/summary.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

describe("summarisePoint", () => {
  it("is summarise without servers and deliveryDelayCdf, from results without time series, servers or delays", async () => {
    for (const recipients of [undefined, { domains: 40, perMessage: { uniform: [1, 3] } }]) {
      const scenario = parseScenario(smallScenario({ replications: 4, ...(recipients ? { recipients } : {}) }));
      const { results } = await runScenarioParallel(scenario, { workers: 1 });
      const { servers, deliveryDelayCdf, ...rest } = summarise(scenario, scenario.seed, results);
      expect(servers.length).toBeGreaterThan(0);
      expect(deliveryDelayCdf.length).toBeGreaterThan(0);
      const bare = results.map(({ timeseries: _t, servers: _s, delay: _d, ...kept }) => kept).reverse();
      const point = summarisePoint(scenario, scenario.seed, bare);
      expect(JSON.stringify(point)).toBe(JSON.stringify(rest));
      expect(point.recipients === undefined).toBe(recipients === undefined);
    }
  });
});
