// `npm run build:web`: bundle the browser page (src/web/) and the library it runs (engine, model,
// stats, experiment, charts, vega) into one self-contained file, dist/web/relaysim.html, that
// opens from file:// with no request. esbuild targets the browser with no Node polyfills, so a
// Node import anywhere in the bundled code fails the build (test/web/bundle.test.ts checks it).
// One module is swapped, on purpose and by name: experiment/pool.ts (worker_threads) becomes
// web/pool.ts, the same pool on Web Workers, so parallel.ts, advise.ts and compare.ts run as is.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT_FILE = join(ROOT, "dist/web/relaysim.html");

/** Project modules with a browser counterpart: the only substitutions in the bundle. */
export const BROWSER_MODULES = {
  [join(ROOT, "src/experiment/pool.ts")]: join(ROOT, "src/web/pool.ts"),
};

/** esbuild options for browser code: no Node built-ins, no polyfills, everything bundled. */
export function browserOptions(extra = {}) {
  return {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    write: false,
    minify: true,
    legalComments: "none",
    logLevel: "silent",
    // advise.ts writes advice.csv with csv-stringify, whose Node entry uses the Buffer global at
    // load time; the page never writes CSV, and the package's own browser build loads cleanly.
    alias: { "csv-stringify/sync": "csv-stringify/browser/esm/sync" },
    ...extra,
  };
}

/** Resolve "./pool.js" (TypeScript's .js spelling of a .ts file) and swap BROWSER_MODULES. */
const browserModules = {
  name: "relaysim-browser-modules",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      const swapped = BROWSER_MODULES[target];
      return swapped ? { path: swapped } : undefined;
    });
  },
};

/** Virtual modules: the worker bundle's text and the scenario library. */
function virtualModules(workerSource) {
  return {
    name: "relaysim-virtual",
    setup(build) {
      build.onResolve({ filter: /^relaysim:/ }, (args) => ({ path: args.path, namespace: "relaysim" }));
      build.onLoad({ filter: /.*/, namespace: "relaysim" }, (args) => {
        if (args.path === "relaysim:worker-source") {
          return { contents: `export default ${JSON.stringify(workerSource)};`, loader: "js" };
        }
        if (args.path === "relaysim:presets") {
          const dir = join(ROOT, "scenarios");
          const presets = Object.fromEntries(
            readdirSync(dir)
              .filter((f) => f.endsWith(".json"))
              .sort()
              .map((f) => [f.slice(0, -".json".length), readFileSync(join(dir, f), "utf8")]),
          );
          return { contents: `export default ${JSON.stringify(presets)};`, loader: "js", watchFiles: [dir] };
        }
        return undefined;
      });
    },
  };
}

function firstErrors(error) {
  const errors = error.errors ?? [];
  if (errors.length === 0) return String(error.message ?? error);
  return errors
    .slice(0, 5)
    .map(
      (e) =>
        `${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}${e.notes?.[0] ? ` (${e.notes[0].text})` : ""}`,
    )
    .join("\n");
}

/** Bundle one entry for the browser; returns its JavaScript. Throws with esbuild's first errors. */
export async function bundle(entry, plugins = []) {
  try {
    const result = await esbuild.build(browserOptions({ entryPoints: [entry], plugins: [browserModules, ...plugins] }));
    return result.outputFiles[0].text;
  } catch (error) {
    throw new Error(`bundling ${entry} for the browser failed:\n${firstErrors(error)}`);
  }
}

/** JavaScript safe inside a <script> element: no "</script" or "<!--" can end or confuse it. */
function scriptText(js) {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** Build the page's HTML text. */
export async function buildPage() {
  const worker = await bundle(join(ROOT, "src/web/worker.ts"));
  const main = await bundle(join(ROOT, "src/web/main.ts"), [virtualModules(worker)]);
  const template = readFileSync(join(ROOT, "src/web/page.html"), "utf8");
  const css = readFileSync(join(ROOT, "src/web/page.css"), "utf8");
  // Functions as replacements: "$&" and friends in the bundle must stay literal.
  return template.replace("/*STYLE*/", () => css).replace("/*SCRIPT*/", () => scriptText(main));
}

/** Write dist/web/relaysim.html (through a temporary file, so a failed build leaves no half page). */
export async function buildWeb(file = OUT_FILE) {
  const html = await buildPage();
  mkdirSync(dirname(file), { recursive: true });
  const staging = `${file}.partial`;
  writeFileSync(staging, html);
  renameSync(staging, file);
  return { file, bytes: Buffer.byteLength(html) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { file, bytes } = await buildWeb();
    console.log(`wrote ${file} (${(bytes / 1024 / 1024).toFixed(2)} MB)`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
