// Rendering charts without a browser: Vega-Lite → Vega → SVG with vega's headless View, then
// SVG → PNG with resvg at 2× using the DejaVu fonts, so files look the same on every machine.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Resvg, type ResvgRenderOptions, renderAsync } from "@resvg/resvg-js";
import type * as vega from "vega";
import { type ChartSpec, FONT } from "./charts/theme.js";
import { FontWidths, textWidthFunction } from "./font-metrics.js";
import { vegaLibs } from "./vega-libs.js";
import { svgOf } from "./vega-script.js";

/** Debian's fonts-dejavu-core, installed by .ci/run: the only fonts the PNGs are drawn with. */
export const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
export const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) =>
  join(FONT_DIR, f),
);

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
  /** Font files resvg may use; default {@link FONT_FILES}. resvg silently drops text it has no font for. */
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

/** resvg's options for `options`. Throws if a default font file is missing, instead of silently dropping text. */
function resvgOptions(options: PngOptions): ResvgRenderOptions {
  const fontFiles = options.fontFiles ?? FONT_FILES;
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
  const image = new Resvg(svg, resvgOptions(options)).render();
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
  const image = pngQueue.then(() => renderAsync(svg, resvgOptions(options)));
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
