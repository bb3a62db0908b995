// Golden summaries: every shipped scenario, run at its own seed, must reproduce its committed
// summary.json byte for byte. A change here is a deliberate, explained commit: regenerate with
// `npm run golden:update` and say in the commit message why the numbers moved.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/run.js";
import { jsonText } from "../../src/report/files.js";
import { loadScenario } from "../../src/scenario/load.js";

const scenarios = readdirSync("scenarios")
  .filter((f) => f.endsWith(".json"))
  .sort();
const update = process.env.UPDATE_GOLDEN === "1";

describe.each(scenarios)("scenarios/%s", (file) => {
  it("reproduces its golden summary.json", () => {
    const scenario = loadScenario(join("scenarios", file));
    const text = jsonText(runScenario(scenario).summary);
    const golden = join("test", "golden", `${scenario.name}.summary.json`);
    if (update) writeFileSync(golden, text);
    expect(
      text === readFileSync(golden, "utf8"),
      `${golden} differs: run npm run golden:update if the change is intended`,
    ).toBe(true);
  });
});
