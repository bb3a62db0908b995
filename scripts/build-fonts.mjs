// The third step of `npm run build`: subsets of the DejaVu fonts the PNGs are drawn with
// (src/report/render.ts), in dist/fonts/. resvg reads a font file whole each time it lays out a
// text run (fontdb's files are not memory-mapped in resvg-js): DejaVuSans.ttf (760 KB) was opened
// some 2 700 times by one `sim advise scenarios/18of20.json`. A subset of the characters charts
// use (Latin, punctuation, arrows, mathematical signs, geometric shapes) is a fifth of that and
// draws the same PNG bytes for text made of them — harfbuzz's subsetter keeps each glyph's
// outline, advance and kerning, and every layout feature. render.ts uses a subset only for SVGs
// whose every character it holds, and only while the installed fonts are the ones it was cut
// from (their size and modification time, in fonts.json); otherwise the full fonts, as before.
//
// No fonts installed (no fonts-dejavu-core): nothing is written, and render.ts reports the missing
// fonts when a chart is drawn, as before.
//
//   node scripts/build-fonts.mjs
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import subsetFont from "subset-font";
// tsc's output, the build's first step.
import { FONT_FILES, FontWidths } from "../dist/report/font-metrics.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT_DIR = join(ROOT, "dist/fonts");

/** The fonts the PNGs are drawn with (render.ts), re-exported for test/report/render-fonts.test.ts. */
export { FONT_FILES };
/**
 * The characters kept where the fonts have them, as inclusive ranges of code points: Basic Latin,
 * Latin-1 and Latin Extended-A, general punctuation (dashes, quotes, ellipsis, thin spaces), super-
 * and subscripts, currency, letterlike symbols and number forms, arrows, mathematical operators,
 * and geometric shapes (the advice chart's ◆).
 */
export const SUBSET_RANGES = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x2000, 0x206f],
  [0x2070, 0x20cf],
  [0x2100, 0x218f],
  [0x2190, 0x21ff],
  [0x2200, 0x22ff],
  [0x25a0, 0x25ff],
];

async function main() {
  rmSync(OUT_DIR, { recursive: true, force: true });
  const missing = FONT_FILES.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    console.error(`build-fonts: ${missing.join(", ")} not installed: no font subsets (charts need fonts-dejavu-core)`);
    return;
  }
  // Only characters every face draws: one the fonts lack (or one face lacks) is drawn by resvg's
  // fallback, which differs between the full fonts and their subsets, so text with it keeps the
  // full fonts (render.ts reads these ranges).
  const faces = FONT_FILES.map((f) => FontWidths.load(f));
  const ranges = [];
  let text = "";
  for (const [from, to] of SUBSET_RANGES)
    for (let c = from; c <= to; c++) {
      if (!faces.every((face) => face.maps(c))) continue;
      text += String.fromCodePoint(c);
      const last = ranges.at(-1);
      if (last !== undefined && last[1] === c - 1) last[1] = c;
      else ranges.push([c, c]);
    }
  mkdirSync(OUT_DIR, { recursive: true });
  const fonts = [];
  for (const file of FONT_FILES) {
    const { size, mtimeMs } = statSync(file);
    const subset = await subsetFont(readFileSync(file), text, {
      targetFormat: "truetype",
      // Every name record, as in the full font: fontdb finds the family and style by name.
      preserveNameIds: Array.from({ length: 26 }, (_, id) => id),
    });
    writeFileSync(join(OUT_DIR, basename(file)), subset);
    fonts.push({ from: file, size, mtimeMs, subset: basename(file) });
  }
  writeFileSync(join(OUT_DIR, "fonts.json"), `${JSON.stringify({ ranges, fonts })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
