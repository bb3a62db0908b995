// The lines scripts/build-cli.mjs rewrites in dependencies it bundles, so that the CLI's start
// builds nothing it does not use: each rewritten file must behave as the original.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a build script, plain JavaScript without declarations
import { rewrittenLines, stringWidthLines } from "../../scripts/build-cli.mjs";
import { tempDir } from "../helpers/cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Text a terminal shows at different widths: ASCII, dashes, CJK, emoji (RGI, modified, ZWJ, keycap), marks, colour codes. */
const SAMPLES = [
  "abc",
  "wait 5–15 min ≤ 10 % ≡ …",
  "日本語のテキスト",
  "👍",
  "👍🏽 ok",
  "👨‍👩‍👧 family",
  "1️⃣ one",
  "#⃣",
  "e\u0301te\u0301",
  "\u001b[31mred\u001b[0m",
  "\u200b\u00ad",
  "한국어",
  "ｆｕｌｌ",
];

describe("string-width, as bundled (its segmenter and emoji expression made on first use)", () => {
  const dir = tempDir();
  for (const file of [
    join(ROOT, "node_modules/string-width/index.js"),
    join(ROOT, "node_modules/cliui/node_modules/string-width/index.js"),
  ]) {
    it(`measures as the package does: ${file.slice(ROOT.length)}`, async () => {
      const require = createRequire(file);
      // The rewritten text beside the original's imports, resolved from the package's folder.
      const source = rewrittenLines(file, stringWidthLines(file)).replace(
        /from '([^']+)'/g,
        (_: string, name: string) => `from '${pathToFileURL(require.resolve(name)).href}'`,
      );
      const copy = join(dir, `${file.length}-string-width.mjs`);
      writeFileSync(copy, source);
      const bundled = (await import(pathToFileURL(copy).href)).default as (text: string) => number;
      const original = (await import(pathToFileURL(file).href)).default as (text: string) => number;
      for (const text of SAMPLES) expect(bundled(text), text).toBe(original(text));
      // It tells wide from narrow: the samples are not all one width a character.
      expect(new Set(SAMPLES.map((t) => original(t) / [...t].length)).size).toBeGreaterThan(3);
    });
  }
});
