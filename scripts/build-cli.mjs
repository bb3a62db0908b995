// The second step of `npm run build`, after tsc: bundle the compiled CLI (dist/cli/start.js) as one
// CommonJS script, dist/bundle/sim.cjs, with V8's code cache of it (sim.cache), which bin/sim.js
// runs; and the replication pool's worker (dist/experiment/worker.js), sim merge's summary threads
// (dist/experiment/summary-worker.js) and calibrate's reading thread (dist/calibrate/read-worker.js)
// as ES modules beside it. Node 20 has no compile cache:
// loading the CLI's ~300 ES modules one by one (resolve, read, compile, link each) cost about as
// much as a sweep's serial part, and one bundle halved that; a script, unlike an ES module, can be
// compiled with a code cache (node:vm), which takes V8's parsing and compiling of the CLI's code
// off every command's start (docs/performance.md, "2026-12-02 boot"). dist/ itself stays as tsc
// wrote it: the library export (dist/index.js) and the tests use it.
//
// The CLI script holds the report writer too (esbuild turns its dynamic imports into functions
// that run its modules on first use: V8 only pre-parses code it does not run, and the cache keeps
// only what ran); vega stays apart (vega-libs.cjs, its own cache, loaded on the first chart). The
// workers share chunks of ES modules. All files sit flat in dist/bundle/, so worker-threads.ts
// finds the worker as "./worker.js" beside the script, and calibrate/reader.ts its reading thread
// as "./read-worker.js" (without that entry, sim calibrate silently read in one thread:
// test/cli/calibrate.test.ts checks it starts). The workers' source maps chain through
// dist/*.js.map back to src/*.ts (node --enable-source-maps); the CLI script has none, since
// node:vm maps no stack traces: bin/sim.js runs tsc's dist/cli/sim.js under --enable-source-maps.
//
//   node scripts/build-cli.mjs [--metafile]   (--metafile prints what each output holds)
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT_DIR = join(ROOT, "dist/bundle");

/**
 * Loaded from node_modules at run time, not bundled: resvg's native addons (its platform packages,
 * @resvg/resvg-js-linux-x64-gnu and the like; their loader is bundled, below), and vega-embed,
 * only read as a file (report/html.ts inlines its browser build). vega and vega-lite are bundled
 * into the lazy report chunks: from node_modules they were some 60 ES modules, each read in
 * turns of the event loop, and `sim advise` imports them while its main thread simulates a
 * replication each turn, so the import took seconds of wall time and the charts waited for it.
 */
export const EXTERNAL = ["vega-embed", "@resvg/resvg-js-*"];

/**
 * An esbuild plugin that rewrites lines of a dependency's file (the files `filter` matches): each
 * [from, to] pair of `lines` (or of `lines(path)`) replaces the line `from`. The build fails if a
 * line is not there, so a changed dependency is noticed rather than bundled unchanged.
 */
function lineRewrite(name, filter, lines) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, (args) => ({
        contents: rewrittenLines(args.path, typeof lines === "function" ? lines(args.path) : lines),
        loader: "js",
      }));
    },
  };
}

/** A file's text with each [from, to] of `lines` replacing the line `from`; throws if one is not there. */
export function rewrittenLines(path, lines) {
  let contents = readFileSync(path, "utf8");
  for (const [from, to] of lines) {
    if (!contents.includes(from)) throw new Error(`${path}: expected the line ${JSON.stringify(from)}`);
    contents = contents.replace(from, to);
  }
  return contents;
}

/**
 * yargs finds its locale files (its messages in the user's language: LANG=de_DE prints German
 * usage errors) from its own import.meta.url, which bundled would be the bundle's. This points
 * it at its installed package instead.
 */
const yargsShim = lineRewrite("relaysim-yargs-locales", /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/, [
  [
    "const __dirname = fileURLToPath(import.meta.url);",
    'const __dirname = join(dirname(createRequire(import.meta.url).resolve("yargs/package.json")), "lib/platform-shims/esm.mjs");',
  ],
  ["const require = createRequire(import.meta.url);", "const require = createRequire(__dirname);"],
]);

/**
 * seedrandom loads Node's crypto module when it loads, for autoseeding (seedrandom() without a
 * seed), which relaysim never does: crypto and the streams it pulls in cost tens of ms in every
 * thread. Bundled, it loads crypto on the first autoseed instead.
 */
const seedrandomShim = lineRewrite("relaysim-seedrandom-lazy-crypto", /[\\/]seedrandom[\\/]seedrandom\.js$/, [
  ["nodecrypto = require('crypto');", "nodecrypto = { get randomBytes() { return require('crypto').randomBytes; } };"],
]);

/**
 * string-width (yargs' and cliui's) builds an Intl.Segmenter when it loads: ICU's break
 * iterator, about 20 ms, for measuring help text no command prints unless asked. yargs' own
 * (version 8, node_modules/string-width; cliui's and vega-lite's are 7) also makes a regular
 * expression of every RGI emoji sequence, ICU's sets of strings: ~21 ms more (a profile of `sim
 * advise`: 37 ms in that module's top level). Bundled, both are made on their first use.
 */
const SEGMENTER = [
  "const segmenter = new Intl.Segmenter();",
  "let segmenterMade; const segmenter = { segment: (text) => (segmenterMade ??= new Intl.Segmenter()).segment(text) };",
];
const RGI_EMOJI = [
  "const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;",
  "let rgiEmojiMade; const rgiEmojiRegex = { test: (text) => (rgiEmojiMade ??= /^\\p{RGI_Emoji}$/v).test(text) };",
];
/** The lines rewritten in a string-width's index.js (test/cli/build-rewrites.test.ts loads the result). */
export const stringWidthLines = (path) =>
  path === join(ROOT, "node_modules", "string-width", "index.js") ? [SEGMENTER, RGI_EMOJI] : [SEGMENTER];
const stringWidthShim = lineRewrite("relaysim-string-width-lazy", /[\\/]string-width[\\/]index\.js$/, stringWidthLines);

/**
 * resvg-js's loader asks whether node runs on musl with `process.report.getReport()`: a whole
 * diagnostic report, for which every worker thread is interrupted to write its own — 33 ms of the
 * main thread in a profile of `sim advise`, on its first chart, while the worker waits. Bundled, it
 * first reads /usr/bin/ldd for "musl" (as napi-rs's loaders now do), and asks for the report only
 * where that file cannot be read.
 */
const RESVG_MUSL = [
  "const{glibcVersionRuntime:e}=process.report.getReport().header;return!e",
  'try{return readFileSync("/usr/bin/ldd","utf8").includes("musl")}catch{}const{glibcVersionRuntime:e}=process.report.getReport().header;return!e',
];
const resvgShim = lineRewrite("relaysim-resvg-musl", /[\\/]@resvg[\\/]resvg-js[\\/]js-binding\.js$/, [RESVG_MUSL]);

/**
 * vega and vega-lite as one CommonJS script with V8's code cache (report/vega-script.ts): the
 * bundled renderer imports report/vega-code-cache.js, which runs dist/bundle/vega-libs.cjs with
 * vega-libs.cache on the first chart, in place of report/vega-libs.js, which imports the packages.
 */
const vegaCodeCache = {
  name: "relaysim-vega-code-cache",
  setup(build) {
    build.onResolve({ filter: /^\.\/vega-libs\.js$/ }, (args) =>
      args.importer.endsWith(`${sep}report${sep}render.js`)
        ? { path: join(ROOT, "dist/report/vega-code-cache.js") }
        : undefined,
    );
  },
};

/**
 * vega-canvas looks for the optional `canvas` package with a top-level await, which a CommonJS
 * script cannot hold; a require() inside the same try finds it, or not, alike.
 */
const vegaCanvasShim = lineRewrite(
  "relaysim-vega-canvas-require",
  /[\\/]vega-canvas[\\/]build[\\/]vega-canvas\.node\.js$/,
  [["NodeCanvas = await import('canvas');", "NodeCanvas = require('canvas');"]],
);

/**
 * esbuild options shared by the CLI script, the workers' modules and vega's script (which sets its
 * own plugins): the dependency lines rewritten above, and vega from its own script.
 */
const COMMON = {
  bundle: true,
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  plugins: [yargsShim, seedrandomShim, stringWidthShim, resvgShim, vegaCodeCache],
  logLevel: "warning",
};

/**
 * dist/bundle/vega-libs.cjs and its code cache vega-libs.cache: the script draws the charts of
 * scripts/vega-warm-up.json (specs relaysim drew for scenarios/18of20.json, their data trimmed),
 * then V8's code cache keeps every function compiled by then, so `sim` compiles none of them again.
 * V8 refuses a cache made by another node or under other V8 flags (any flag on node's command
 * line): `sim` then compiles vega as it did without one. So this runs with the flags `sim` runs with.
 */
async function buildVegaScript() {
  const file = join(OUT_DIR, "vega-libs.cjs");
  await esbuild.build({
    ...COMMON,
    entryPoints: [join(ROOT, "dist/report/vega-libs.js")],
    outfile: file,
    format: "cjs",
    plugins: [vegaCanvasShim],
  });
  const { runVegaScript, svgOf } = await import(join(ROOT, "dist/report/vega-script.js"));
  const { libs, script } = runVegaScript(file);
  const specs = JSON.parse(readFileSync(join(ROOT, "scripts/vega-warm-up.json"), "utf8"));
  for (const spec of specs) await svgOf(libs, spec);
  writeFileSync(join(OUT_DIR, "vega-libs.cache"), script.createCachedData());
}

/**
 * What the build runs the CLI script through before it keeps V8's code cache of it: every function
 * that ran is in the cache, compiled; the rest V8 compiles as before if a command calls it. Parsing
 * a scenario is what most commands do; a run besides (with or without charts) measured no better,
 * and enlarged the cache that every command, `sim --version` too, reads (docs/performance.md).
 */
const WARM_UP = [["--version"], ["validate", join(ROOT, "scenarios/18of20.json")]];

/**
 * dist/bundle/sim.cjs: the CLI as one CommonJS script. Its `import.meta.url` (worker-threads.ts,
 * calibrate/reader.ts, report/html.ts, vega-code-cache.ts and the yargs rewrite above find files
 * from it) is the script's own file URL. Without whitespace and comments (names are kept) the
 * script is a third smaller; it is ASCII (a bundle test keeps it so: one other character and node
 * decodes the whole script as two-byte text).
 */
async function buildCliScript() {
  const file = join(OUT_DIR, "sim.cjs");
  const result = await esbuild.build({
    ...COMMON,
    // The script's exports: the CLI, and the chart renderer as the CLI loads it (bench/chart-phase.mjs).
    stdin: {
      contents: 'export { sim } from "./cli/start.js";\nexport const renderer = () => import("./report/render.js");\n',
      resolveDir: join(ROOT, "dist"),
      sourcefile: "sim-script.js",
    },
    outfile: file,
    format: "cjs",
    minifyWhitespace: true,
    define: { "import.meta.url": "__relaysimUrl" },
    banner: { js: 'var __relaysimUrl = require("node:url").pathToFileURL(__filename).href;' },
    metafile: true,
  });
  return { file, result };
}

/**
 * sim.cache beside the script: V8's code cache of it after the WARM_UP commands ran, their output
 * dropped. As with vega's cache, V8 refuses it under other V8 flags, so this runs with the flags
 * `sim` runs with (none), and `sim` then compiles the script as if there were no cache.
 */
async function makeCliCache(file) {
  const { runCachedScript } = await import(join(ROOT, "dist/cached-script.js"));
  const { exports, script } = runCachedScript(file);
  const io = { stdout: () => {}, stderr: (text) => process.stderr.write(text) };
  for (const argv of WARM_UP) {
    const code = await exports.sim(argv, io);
    if (code !== 0) throw new Error(`sim ${argv.join(" ")}: exit code ${code} in the warm-up`);
  }
  writeFileSync(join(OUT_DIR, "sim.cache"), script.createCachedData());
}

/** Bundle into OUT_DIR (emptied first: chunk names carry content hashes). */
export async function buildCli({ metafile = false } = {}) {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const workers = await esbuild.build({
    ...COMMON,
    entryPoints: {
      worker: join(ROOT, "dist/experiment/worker.js"),
      "read-worker": join(ROOT, "dist/calibrate/read-worker.js"),
      "summary-worker": join(ROOT, "dist/experiment/summary-worker.js"),
    },
    outdir: OUT_DIR,
    splitting: true,
    format: "esm",
    sourcemap: true,
    // Bundled CommonJS (seedrandom) calls require() for Node's modules; ES modules have none.
    banner: {
      js: 'import { createRequire as __relaysimRequire } from "node:module";\nconst require = __relaysimRequire(import.meta.url);',
    },
    metafile,
  });
  const cli = await buildCliScript();
  await buildVegaScript();
  await makeCliCache(cli.file);
  if (!metafile) return {};
  return { metafile: { outputs: { ...workers.metafile.outputs, ...cli.result.metafile.outputs } } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await buildCli({ metafile: process.argv.includes("--metafile") });
  if (result.metafile) {
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith(".map"))
        console.log(`${file}: ${output.bytes} bytes, ${Object.keys(output.inputs).length} inputs`);
    }
  }
}
