// The browser bundle is built without Node: esbuild targets the browser with no polyfills, so
// the engine, model and stats bundle only because they import nothing of Node's, and any Node
// import makes the build fail (scripts/build-web.mjs).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without type declarations
import { BROWSER_MODULES, browserOptions, bundle } from "../../scripts/build-web.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const folder = mkdtempSync(join(tmpdir(), "relaysim-web-bundle-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function entry(name: string, source: string): string {
  const file = join(folder, name);
  writeFileSync(file, source);
  return file;
}

describe("the browser bundle", () => {
  it("bundles the engine, model, stats and bounce explainer for the browser without Node shims", async () => {
    const file = entry(
      "core.ts",
      [
        `export * from ${JSON.stringify(join(ROOT, "src/engine/index.ts"))};`,
        `export { CompiledScenario, simulateReplication } from ${JSON.stringify(join(ROOT, "src/model/simulate.ts"))};`,
        `export { tInterval } from ${JSON.stringify(join(ROOT, "src/stats/student.ts"))};`,
        `export { wilson } from ${JSON.stringify(join(ROOT, "src/stats/wilson.ts"))};`,
        `export { LogHistogram } from ${JSON.stringify(join(ROOT, "src/stats/histogram.ts"))};`,
        `export { runReplication } from ${JSON.stringify(join(ROOT, "src/experiment/run.ts"))};`,
        `export { summarise } from ${JSON.stringify(join(ROOT, "src/experiment/summary.ts"))};`,
        `export { parseScenario } from ${JSON.stringify(join(ROOT, "src/scenario/parse.ts"))};`,
        // `sim explain`'s reading, classifying and wording: the page's "Paste a bounce" box.
        `export { parseBounce } from ${JSON.stringify(join(ROOT, "src/explain/bounce.ts"))};`,
        `export { explainBounce, explanationText } from ${JSON.stringify(join(ROOT, "src/explain/explain.ts"))};`,
        `export { classifyReply } from ${JSON.stringify(join(ROOT, "src/classify/replies.ts"))};`,
      ].join("\n"),
    );
    const js: string = await bundle(file);
    expect(js.length).toBeGreaterThan(10_000);
    expect(browserOptions().platform).toBe("browser");
  });

  it("fails to build when bundled code imports a Node module", async () => {
    const file = entry(
      "leak.ts",
      `import { runReplication } from ${JSON.stringify(join(ROOT, "src/experiment/run.ts"))};\nimport { readFileSync } from "node:fs";\nexport const x = [runReplication, readFileSync];\n`,
    );
    await expect(bundle(file)).rejects.toThrow(/Could not resolve "node:fs"/);
  });

  it("fails for the Node worker pool unless it is swapped for the browser's", async () => {
    const pool = join(ROOT, "src/experiment/pool.ts");
    expect(Object.keys(BROWSER_MODULES)).toEqual([pool]);
    // Bundled as a file of its own it is not swapped: worker_threads cannot be resolved.
    await expect(bundle(entry("pool.ts", `export * from ${JSON.stringify(pool)};`))).rejects.toThrow(
      /Could not resolve "node:(os|worker_threads)"/,
    );
  });
});
