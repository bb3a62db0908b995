#!/usr/bin/env node
// Writes the project-local Jupyter kernelspec for the TypeScript kernel (Deno's
// `deno jupyter`, from the npm package "deno" in this project's node_modules).
//
// Output: <root>/notebooks/.jupyter/kernels/relaysim-ts/kernel.json
// Jupyter finds it when JUPYTER_PATH includes <root>/notebooks/.jupyter, which
// scripts/notebooks/check.sh and open.sh set. Nothing global is written and no
// Python/IPython tooling is needed.
//
// Usage: node scripts/notebooks/kernelspec.mjs [--print-path]
//   --print-path  print only the JUPYTER_PATH directory (for shell scripts)
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const KERNEL_NAME = "relaysim-ts";
export const DISPLAY_NAME = "TypeScript (relaysim)";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const jupyterPath = join(root, "notebooks", ".jupyter");
const kernelDir = join(jupyterPath, "kernels", KERNEL_NAME);

/** Absolute path of the deno executable shipped by the npm package "deno". */
function findDeno() {
  const require = createRequire(join(root, "package.json"));
  let api;
  try {
    // install_api.cjs returns node_modules/deno/deno (hard link made by the
    // package's postinstall) or, if the postinstall did not run, the binary
    // inside the platform package @deno/<os>-<arch>[-glibc] (an optional
    // dependency fetched from the npm registry like any other package).
    api = require("deno/install_api.cjs");
  } catch {
    throw new Error(
      'npm package "deno" is not installed in this project: add it to devDependencies and run `npm install`',
    );
  }
  const exe = api.runInstall();
  if (!existsSync(exe)) throw new Error(`deno executable not found at ${exe}`);
  return exe;
}

function main() {
  if (process.argv.includes("--print-path")) {
    process.stdout.write(`${jupyterPath}\n`);
    return;
  }
  const deno = findDeno();
  const spec = {
    argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    env: {
      DENO_NO_UPDATE_CHECK: "1",
      DENO_NO_PROMPT: "1",
    },
    metadata: { generated_by: "scripts/notebooks/kernelspec.mjs" },
  };
  mkdirSync(kernelDir, { recursive: true });
  writeFileSync(join(kernelDir, "kernel.json"), `${JSON.stringify(spec, null, "\t")}\n`);
  process.stderr.write(`kernelspec ${KERNEL_NAME} -> ${kernelDir} (${deno})\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`kernelspec: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
}
