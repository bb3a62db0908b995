#!/usr/bin/env node
// Type-checks the notebooks' TypeScript, which Deno's kernel only strips of types: each
// notebook's code cells, in order, become one module in notebooks/.typecheck/ (git-ignored),
// checked by the project's tsc with its strict settings, together with notebooks/_lib/.
// `import … from "relaysim"` resolves to dist/index.d.ts through package.json's exports, so
// run `npm run build` first.
//
// Usage: node scripts/notebooks/typecheck.mjs [NOTEBOOK.ipynb ...]   (default: notebooks/*.ipynb)
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const notebooks = join(root, "notebooks");
const out = join(notebooks, ".typecheck");

const files = process.argv.slice(2).map((f) => resolve(f));
if (files.length === 0) {
  for (const f of readdirSync(notebooks).sort()) if (f.endsWith(".ipynb")) files.push(join(notebooks, f));
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const modules = files.map((file) => {
  const nb = JSON.parse(readFileSync(file, "utf8"));
  const cells = nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
    // The module sits one folder below the notebook: same relative imports, one level up.
    .map((text) => text.replaceAll('from "./_lib/', 'from "../_lib/'));
  const target = join(out, `${basename(file, ".ipynb")}.ts`);
  writeFileSync(
    target,
    `// Generated from ${basename(file)} by scripts/notebooks/typecheck.mjs.\nexport {};\n${cells.join("\n")}\n`,
  );
  return target;
});
const libs = readdirSync(join(notebooks, "_lib"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => join(notebooks, "_lib", f));
const tsconfig = join(out, "tsconfig.json");
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: "../../tsconfig.json",
    compilerOptions: { noEmit: true, allowImportingTsExtensions: true, rootDir: "..", sourceMap: false },
    files: [...libs, ...modules],
    include: [],
  }),
);
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", tsconfig, "--pretty", "false"], { encoding: "utf8" });
process.stdout.write(result.stdout.replaceAll(`${out}/`, "notebooks/.typecheck/"));
process.stderr.write(result.stderr);
if (result.status === 0) rmSync(out, { recursive: true, force: true });
process.exit(result.status ?? 1);
