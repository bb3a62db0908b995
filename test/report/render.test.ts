// Rendering without a browser: SVG from vega's headless View, PNG from resvg — and proof that the
// PNG really contains text (resvg drops text silently when it has no font).
import { describe, expect, it } from "vitest";
import type { ChartSpec } from "../../src/report/charts/theme.js";
import { CONFIG, VEGA_LITE_SCHEMA } from "../../src/report/charts/theme.js";
import {
  compileSpec,
  rasterise,
  renderChart,
  renderSvg,
  svgsDrawn,
  svgToPng,
  svgToPngAsync,
} from "../../src/report/render.js";

const spec = {
  $schema: VEGA_LITE_SCHEMA,
  title: "Resend failure WWWWWWWWWWWW",
  width: 200,
  height: 100,
  data: {
    values: [
      { x: 1, y: 2 },
      { x: 2, y: 3 },
    ],
  },
  mark: "point",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  config: CONFIG,
} as ChartSpec;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Pixels darker than mid-grey in rows [top, bottom) — text and marks on a white background. */
function darkPixels(image: { width: number; pixels: Uint8Array }, top: number, bottom: number): number {
  let n = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = 4 * (y * image.width + x);
      if (image.pixels[i] + image.pixels[i + 1] + image.pixels[i + 2] < 3 * 128) n++;
    }
  }
  return n;
}

describe("render", () => {
  it("draws a chart to the same bytes whatever was drawn before it in the process (clip ids)", async () => {
    // A layered chart with clipped marks: vega numbers its clip paths with a process-wide counter.
    const encoding = { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } };
    const clipped = {
      ...spec,
      mark: undefined,
      encoding: undefined,
      layer: [
        { mark: { type: "point", clip: true }, encoding },
        { mark: { type: "line", clip: true }, encoding },
      ],
    } as unknown as ChartSpec;
    const first = await renderSvg(clipped);
    expect(first).toContain('clip-path="url(#clip1)"');
    await renderSvg(clipped);
    expect(await renderSvg(clipped)).toBe(first);
  });

  it("draws charts asked for at once one after another: the same bytes as drawn one by one", async () => {
    // Clipped layers of different sizes: drawn at the same time, their clip ids would interleave.
    const encoding = { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } };
    const layered = (n: number) =>
      ({
        ...spec,
        mark: undefined,
        encoding: undefined,
        layer: Array.from({ length: n }, (_, i) => ({
          mark: { type: i % 2 ? "line" : "point", clip: true },
          encoding,
        })),
      }) as unknown as ChartSpec;
    const specs = [layered(3), layered(1), layered(2), spec];
    const oneByOne: string[] = [];
    for (const s of specs) oneByOne.push(await renderSvg(s));
    expect(await Promise.all(specs.map((s) => renderSvg(s)))).toEqual(oneByOne);
    // A failed chart does not stop the ones queued after it.
    const failed = renderSvg({ ...spec, mark: "no-such-mark" } as unknown as ChartSpec);
    const after = renderSvg(specs[0]);
    await expect(failed).rejects.toThrow();
    expect(await after).toBe(oneByOne[0]);
  });

  it("says when every SVG asked for is drawn (sim advise's charts), a failed one included, PNGs aside", async () => {
    const drawn: number[] = [];
    const charts = [spec, { ...spec, mark: "no-such-mark" } as unknown as ChartSpec, spec].map((s, i) =>
      renderSvg(s).then(
        () => drawn.push(i),
        () => drawn.push(i),
      ),
    );
    await svgsDrawn();
    expect(drawn).toEqual([0, 1, 2]);
    await Promise.all(charts);
    // Asked later, it waits for the chart asked for since, not for a rasterisation.
    const png = svgToPngAsync(await renderSvg(spec));
    let later = false;
    const next = renderSvg(spec).then(() => {
      later = true;
    });
    await svgsDrawn();
    expect(later).toBe(true);
    await Promise.all([png, next]);
  });

  it("rasterises off the main thread to the same PNG bytes, one chart at a time or several at once", async () => {
    const svgs = [await renderSvg(spec), await renderSvg({ ...spec, mark: "bar" } as ChartSpec)];
    const sync = svgs.map((s) => Buffer.from(svgToPng(s)));
    const together = await Promise.all(svgs.map((s) => svgToPngAsync(s)));
    expect(together.map((p) => Buffer.from(p))).toEqual(sync);
    await expect(svgToPngAsync("<not svg")).rejects.toThrow();
    expect(Buffer.from(await svgToPngAsync(svgs[1]))).toEqual(sync[1]);
  });

  it("compiles Vega-Lite to Vega and renders an SVG with marks in DejaVu Sans", async () => {
    expect(compileSpec(spec).$schema).toMatch(/vega\/v/);
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("mark-symbol");
    expect(svg).toContain('font-family="DejaVu Sans"');
  });

  it("writes a PNG at twice the SVG's size", async () => {
    const { svg, png } = await renderChart(spec);
    expect([...png.slice(0, 8)]).toEqual(PNG_SIGNATURE);
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    expect(view.getUint32(16)).toBe(2 * width); // IHDR width
  });

  it("draws the title's text: with the fonts the title band is full of glyphs, without them empty", async () => {
    const svg = await renderSvg(spec);
    const withFonts = rasterise(svg);
    const noFonts = rasterise(svg, { fontFiles: [] });
    expect(Buffer.from(withFonts.png).equals(Buffer.from(noFonts.png))).toBe(false);
    // The title sits in the top ~30 px (60 rows at 2×); nothing else is drawn there.
    const titleWith = darkPixels(withFonts, 0, 50);
    const titleWithout = darkPixels(noFonts, 0, 50);
    expect(titleWithout).toBe(0);
    expect(titleWith).toBeGreaterThan(500);
  });

  it("measures text with the font, so long titles do not pad the chart with blank space", async () => {
    const title = "resend failure by delay in minutes"; // 34 characters
    const svg = await renderSvg({ ...spec, title } as ChartSpec);
    const width = Number(/width="(\d+)"/.exec(svg)?.[1]);
    // vega's own estimate (0.8 em per character) makes this 15 px title 408 px wide and the
    // chart at least 424 px; DejaVu Sans Bold needs about 300 px.
    expect(width).toBeLessThan(360);
  });

  it("writes text from the data into the SVG escaped: charts/*.svg hold no markup of their own", async () => {
    const markup = `"'><img src=x onerror=alert(1)><svg onload=alert(2)></svg></script><script>alert(3)</script>&amp;`;
    const crafted = {
      ...spec,
      title: { text: markup, subtitle: markup },
      data: { values: [{ x: markup, y: 1 }] },
      mark: "bar",
      encoding: {
        x: { field: "x", type: "nominal", title: markup },
        y: { field: "y", type: "quantitative" },
        color: { field: "x", type: "nominal", title: markup },
      },
    } as ChartSpec;
    const svg = await renderSvg(crafted);
    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(svg).toContain("&amp;amp;");
    const tags = new Set([...svg.matchAll(/<\/?([A-Za-z][\w:-]*)/g)].map((m) => m[1]));
    expect(
      [...tags].filter((t) => !["svg", "g", "path", "rect", "line", "text", "defs", "clipPath"].includes(t)),
    ).toEqual([]);
    // Attribute values are double-quoted with every " inside escaped, so this reads every attribute name.
    const attributes = new Set([...svg.matchAll(/\s([\w:-]+)="[^"]*"/g)].map((m) => m[1]));
    expect([...attributes].filter((a) => /^on|href$/i.test(a))).toEqual([]);
  });
});
