// Rendering charts without a browser: Vega-Lite → Vega → SVG with vega's headless View, then
// SVG → PNG with resvg at 2× using the DejaVu fonts, so files look the same on every machine.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile } from "vega-lite";
import { type ChartSpec, FONT } from "./charts/theme.js";
import { FontWidths, textWidthFunction } from "./font-metrics.js";

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
  (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = width;
}

/** The Vega spec a Vega-Lite spec compiles to; throws on an invalid spec. */
export function compileSpec(spec: ChartSpec): vega.Spec {
  return compile(spec).spec as vega.Spec;
}

/**
 * The chart as a standalone SVG document (vega's `renderer: "none"` needs no canvas or DOM).
 * vega numbers clip paths and gradients with process-wide counters: they are reset first, so a
 * chart's bytes depend on its spec alone, not on which charts the process drew before it
 * (`sim advise` draws the run's charts before its advice chart). Charts must not be drawn
 * concurrently (one await at a time), or their ids would interleave.
 */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  measureTextWithFonts();
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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

/** Rasterise an SVG. Throws if a default font file is missing, instead of silently dropping text. */
export function rasterise(svg: string, options: PngOptions = {}): Raster {
  const fontFiles = options.fontFiles ?? FONT_FILES;
  if (options.fontFiles === undefined) {
    const missing = fontFiles.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`fonts missing (install fonts-dejavu-core): ${missing.join(", ")}; charts would lose their text`);
    }
  }
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: options.scale ?? 2 },
    background: "white",
    font: { loadSystemFonts: false, fontFiles, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, pixels: image.pixels, png: image.asPng() };
}

/** The PNG of an SVG chart (see rasterise). */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  return rasterise(svg, options).png;
}

/** A chart rendered as an SVG document and its PNG. */
export interface RenderedChart {
  svg: string;
  png: Uint8Array;
}

/** Render a Vega-Lite spec to SVG and PNG, as charts/*.svg and *.png are written. */
export async function renderChart(spec: ChartSpec, options: PngOptions = {}): Promise<RenderedChart> {
  const svg = await renderSvg(spec);
  return { svg, png: svgToPng(svg, options) };
}
