// Rendering charts without a browser: Vega-Lite → Vega → SVG with vega's headless View, then
// SVG → PNG with resvg at 2× using the DejaVu fonts, so files look the same on every machine.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Resvg, type ResvgRenderOptions, renderAsync } from "@resvg/resvg-js";
import type * as vega from "vega";
import { type ChartSpec, FONT } from "./charts/theme.js";
import { FONT_DIR, FONT_FILES, FontWidths, textWidthFunction } from "./font-metrics.js";
import { vegaLibs } from "./vega-libs.js";
import { svgOf } from "./vega-script.js";

export { FONT_DIR, FONT_FILES };

/**
 * Where `npm run build` writes subsets of FONT_FILES (scripts/build-fonts.mjs): dist/fonts/ from
 * src/report/, dist/report/ and dist/bundle/ alike.
 */
export const SUBSET_DIR = fileURLToPath(new URL("../../dist/fonts/", import.meta.url));

/** Font files that hold some characters only, and which. */
export interface FontSubsets {
  files: string[];
  /** Inclusive ranges of the code points every file holds. */
  ranges: [number, number][];
}

/**
 * The subsets of FONT_FILES in `dir` (fonts.json and the files it names), or null when there are
 * none or they were cut from fonts other than those installed now (size or modification time
 * changed): then the full fonts draw every chart.
 */
export function readFontSubsets(dir: string, fonts: readonly string[] = FONT_FILES): FontSubsets | null {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, "fonts.json"), "utf8"));
  } catch {
    return null;
  }
  const { ranges, fonts: made } = (manifest ?? {}) as { ranges?: unknown; fonts?: unknown };
  const isRange = (r: unknown): r is [number, number] =>
    Array.isArray(r) && r.length === 2 && r.every(Number.isSafeInteger) && r[0] <= r[1];
  if (!Array.isArray(ranges) || !ranges.every(isRange) || !Array.isArray(made)) return null;
  const files: string[] = [];
  for (const font of fonts) {
    const entry = made.find((m) => (m as { from?: unknown })?.from === font) as
      | { size?: unknown; mtimeMs?: unknown; subset?: unknown }
      | undefined;
    if (entry === undefined || typeof entry.subset !== "string" || !/^[\w.-]+\.ttf$/.test(entry.subset)) return null;
    const file = join(dir, entry.subset);
    try {
      const { size, mtimeMs } = statSync(font);
      if (size !== entry.size || mtimeMs !== entry.mtimeMs || !statSync(file).isFile()) return null;
    } catch {
      return null;
    }
    files.push(file);
  }
  return { files, ranges };
}

/**
 * Whether every character of an SVG document, those written as character references included,
 * lies in `ranges` (markup, tabs and line ends aside). Attributes are read too: a character there
 * that no text draws only costs the full fonts.
 */
export function svgWithin(svg: string, ranges: readonly [number, number][]): boolean {
  const inside = (c: number) => ranges.some(([from, to]) => c >= from && c <= to);
  for (let i = 0; i < svg.length; i++) {
    const c = svg.codePointAt(i) as number;
    if (c > 0xffff) i++; // the second half of a surrogate pair
    if (c >= 0x20 && c <= 0x7e) {
      if (c === 0x26 && svg.charCodeAt(i + 1) === 0x23) {
        // &#NNN; or &#xHH;
        const reference = /^&#(?:x([0-9a-fA-F]+)|([0-9]+));/.exec(svg.slice(i, i + 16));
        if (reference === null) return false;
        const code = reference[1] !== undefined ? Number.parseInt(reference[1], 16) : Number(reference[2]);
        if (!inside(code)) return false;
      }
    } else if (c !== 0x09 && c !== 0x0a && c !== 0x0d && !inside(c)) return false;
  }
  return true;
}

/** FONT_FILES' subsets (dist/fonts/), read once; null without them. */
let subsets: FontSubsets | null | undefined;

/**
 * The font files to rasterise an SVG with: the subsets when they hold every character of it (the
 * same pixels from a fifth of the bytes, which resvg reads whole for each text run), else the full
 * fonts.
 */
export function fontFilesFor(svg: string): string[] {
  subsets ??= readFontSubsets(SUBSET_DIR);
  return subsets !== null && svgWithin(svg, subsets.ranges) ? subsets.files : FONT_FILES;
}

let measuring = false;

/**
 * Make headless vega measure text with DejaVu's real advance widths (see font-metrics.ts), once
 * per process; without the font files it keeps vega's own estimate.
 */
function measureTextWithFonts(): void {
  if (measuring) return;
  measuring = true;
  const [regular, bold] = FONT_FILES;
  if (!existsSync(regular) || !existsSync(bold)) return;
  const width = textWidthFunction(FontWidths.load(regular), FontWidths.load(bold));
  // vega exports textMetrics at run time (vl-convert replaces `width` the same way) but its
  // type declarations omit it.
  (vegaLibs().vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = width;
}

/** The Vega spec a Vega-Lite spec compiles to; throws on an invalid spec. */
export function compileSpec(spec: ChartSpec): vega.Spec {
  return vegaLibs().compile(spec).spec as vega.Spec;
}

/** The end of the last SVG queued: each starts after it (renderSvg). */
let svgQueue: Promise<unknown> = Promise.resolve();

/**
 * The chart as a standalone SVG document (vega's `renderer: "none"` needs no canvas or DOM).
 * vega numbers clip paths and gradients with process-wide counters: they are reset first, so a
 * chart's bytes depend on its spec alone, not on which charts the process drew before it
 * (`sim advise` draws the run's charts before its advice chart). Their ids would interleave if
 * two charts were drawn at once, so calls queue: each chart is drawn after the one called before
 * it, whoever awaits what, and after a turn of the event loop — vega's awaits settle as
 * microtasks, so without it a queue of charts would draw in one block, and the pool's worker
 * threads, which get their next replication in this thread's turns (sim advise draws the run's
 * charts while its policy table simulates), would wait for all of them.
 */
export function renderSvg(spec: ChartSpec): Promise<string> {
  const drawn = svgQueue.then(() => new Promise((resolve) => setImmediate(resolve))).then(() => drawSvg(spec));
  svgQueue = drawn.catch(() => {});
  return drawn;
}

/**
 * Settles when every SVG asked for so far is drawn (the PNGs may still be rasterising, off this
 * thread): until then this thread is busy drawing, and `sim advise` lets the pool's workers simulate.
 */
export function svgsDrawn(): Promise<void> {
  return svgQueue.then(() => {});
}

function drawSvg(spec: ChartSpec): Promise<string> {
  measureTextWithFonts();
  return svgOf(vegaLibs(), spec);
}

/** How to rasterise an SVG chart. */
export interface PngOptions {
  /**
   * Font files resvg may use; default {@link FONT_FILES}, or their subsets where those draw the
   * same (fontFilesFor). resvg silently drops text it has no font for.
   */
  fontFiles?: string[];
  /** Pixel scale; default 2 (sharp on high-density screens and in READMEs). */
  scale?: number;
}

/** A rasterised image: resvg's RGBA pixels, for tests that look at what was drawn. */
export interface Raster {
  width: number;
  height: number;
  /** RGBA, row by row. */
  pixels: Uint8Array;
  png: Uint8Array;
}

/** resvg's options for `svg` and `options`. Throws if a default font file is missing, instead of silently dropping text. */
function resvgOptions(svg: string, options: PngOptions): ResvgRenderOptions {
  const fontFiles = options.fontFiles ?? fontFilesFor(svg);
  if (options.fontFiles === undefined) {
    const missing = fontFiles.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`fonts missing (install fonts-dejavu-core): ${missing.join(", ")}; charts would lose their text`);
    }
  }
  return {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    background: "white",
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: FONT, sansSerifFamily: FONT },
  };
}

/** Rasterise an SVG. Throws if a default font file is missing, instead of silently dropping text. */
export function rasterise(svg: string, options: PngOptions = {}): Raster {
  const image = new Resvg(svg, resvgOptions(svg, options)).render();
  return { width: image.width, height: image.height, pixels: image.pixels, png: image.asPng() };
}

/** The PNG of an SVG chart (see rasterise). */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  return rasterise(svg, options).png;
}

/** The end of the last rasterisation queued: each starts after it (svgToPngAsync). */
let pngQueue: Promise<unknown> = Promise.resolve();

/**
 * The PNG of an SVG chart, the same bytes as svgToPng's, rasterised on libuv's thread pool: this
 * thread meanwhile draws the next chart's SVG, assembles report.html or simulates. Only the PNG
 * encoding, a third of the work, comes back to this thread. One rasterisation at a time: several
 * at once on the pool's threads took 30–40 % more CPU seconds for the same PNGs (on 2 cores).
 */
export function svgToPngAsync(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  const image = pngQueue.then(() => renderAsync(svg, resvgOptions(svg, options)));
  pngQueue = image.catch(() => {});
  return image.then((rendered) => rendered.asPng());
}

/** A chart rendered as an SVG document and its PNG. */
export interface RenderedChart {
  svg: string;
  png: Uint8Array;
}

/**
 * Render a Vega-Lite spec to SVG and PNG, as charts/*.svg and *.png are written. Charts may be
 * asked for all at once: their SVGs are drawn one after another (renderSvg), and each PNG is
 * rasterised off this thread while the next SVG is drawn.
 */
export async function renderChart(spec: ChartSpec, options: PngOptions = {}): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { svg, png: await svgToPngAsync(svg, options) };
}
