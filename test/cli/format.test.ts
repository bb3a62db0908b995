// The terminal summary says when its intervals are conditional on a single replication (DESIGN §3).
import { describe, expect, it } from "vitest";
import { summaryTable } from "../../src/cli/format.js";
import { runScenario } from "../../src/experiment/run.js";
import { smallRun, storyScenario } from "../report/fixtures.js";

describe("summaryTable", () => {
  it("says the intervals are conditional with one replication, and only then", () => {
    const one = runScenario(storyScenario({ horizon: "1d", replications: 1 })).summary;
    expect(summaryTable(one)).toMatch(/One replication: the intervals are conditional/);
    expect(summaryTable(smallRun().summary)).not.toMatch(/conditional/);
  });
});
