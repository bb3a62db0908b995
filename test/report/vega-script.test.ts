// vega and vega-lite as the bundled CLI runs them: one CommonJS script (dist/bundle/vega-libs.cjs,
// made by `npm run build`) with V8's code cache of it — taken by V8, and drawing what the packages draw.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as vega from "vega";
import { compile } from "vega-lite";
import { describe, expect, it } from "vitest";
import { runVegaScript, svgOf } from "../../src/report/vega-script.js";

const BUNDLE = new URL("../../dist/bundle/", import.meta.url);
const SCRIPT = fileURLToPath(new URL("vega-libs.cjs", BUNDLE));
const CACHE = fileURLToPath(new URL("vega-libs.cache", BUNDLE));

/** Two of the build's warm-up charts: a layered chart with a legend, and a vertical concatenation. */
const specs = JSON.parse(readFileSync(new URL("../../scripts/vega-warm-up.json", import.meta.url), "utf8")).slice(1, 3);

describe("the bundled vega script", () => {
  const loaded = runVegaScript(SCRIPT, CACHE);

  it("runs with the code cache the build made (V8 refuses a cache of other code)", () => {
    expect(loaded.cache).toBe("accepted");
  });

  it("draws the SVGs the vega and vega-lite packages draw, byte for byte", async () => {
    expect(specs).toHaveLength(2);
    for (const spec of specs) {
      const svg = await svgOf(loaded.libs, spec);
      expect(svg).toContain("<svg");
      expect(svg).toBe(await svgOf({ vega, compile }, spec));
    }
  });

  it("says when there was no cache, and runs without one", async () => {
    const bare = runVegaScript(SCRIPT);
    expect(bare.cache).toBe("none");
    expect(await svgOf(bare.libs, specs[0])).toBe(await svgOf({ vega, compile }, specs[0]));
  });
});
