// Display helpers for the notebooks, run by the Deno Jupyter kernel ("TypeScript (relaysim)").
// Import from a notebook in notebooks/:  import { showVegaLite, say } from "./_lib/display.ts";
//
// showVegaLite() emits ONE display_data output whose MIME bundle holds
//   application/vnd.vegalite.v5+json  the spec (interactive in JupyterLab and VS Code)
//   image/svg+xml                     the same chart rendered by relaysim's renderSvg, exactly as
//                                     `sim run` draws charts/*.svg (Notebook 6, GitHub, nbconvert)
//   image/png (optional)              relaysim's svgToPng (DejaVu fonts), for viewers without SVG
//   text/plain                        a one-line description
// Frontends pick the richest MIME type they can render. No text/html: Notebook 6 would prefer
// it to the SVG. The v5 MIME type is the newest JupyterLab registers; it renders these v6 specs.
import { Buffer } from "node:buffer";
import { type ChartSpec, renderSvg, svgToPng } from "relaysim";

/** JupyterLab 4.x (vega5-extension) registers only the v3/v4/v5 Vega-Lite MIME types. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

export interface ShowOptions {
  /** Also include a PNG (larger notebooks). Default false: the SVG is the static fallback. */
  png?: boolean;
  /** text/plain fallback; default: the chart's title. */
  title?: string;
}

/** The part of Deno's Jupyter API used here (the global exists only inside the Deno kernel). */
interface DenoJupyter {
  display(bundle: Record<string, unknown>, options: { raw: true }): Promise<void>;
}

/**
 * Deno 2.9's kernel publishes displays from a queue that its main thread drains concurrently with
 * the cell: when the cell ends right after a display, the kernel can report the cell idle before
 * the display is published, and the output is lost (seen under CPU load with nbconvert). A short
 * pause after each display lets the queue drain first; scripts/notebooks/check.sh still checks for
 * lost outputs and re-runs a notebook that lost some.
 */
const DRAIN_MS = 50;

async function display(bundle: Record<string, unknown>): Promise<void> {
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno;
  if (!deno?.jupyter) throw new Error("notebooks/_lib/display.ts: not running in Deno's Jupyter kernel");
  await deno.jupyter.display(bundle, { raw: true });
  await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
}

function titleOf(spec: ChartSpec): string {
  const title = (spec as { title?: string | { text?: string | string[] } }).title;
  const text = typeof title === "string" ? title : title?.text;
  return Array.isArray(text) ? text.join(" ") : (text ?? "Vega-Lite chart");
}

/** The MIME bundle for a chart (exported so it can be inspected or tested). */
export async function vegaLiteBundle(spec: ChartSpec, options: ShowOptions = {}): Promise<Record<string, unknown>> {
  const svg = await renderSvg(spec);
  const bundle: Record<string, unknown> = {
    [VEGALITE_MIME]: spec,
    "image/svg+xml": svg,
    "text/plain": `<chart: ${options.title ?? titleOf(spec)}>`,
  };
  if (options.png) bundle["image/png"] = Buffer.from(svgToPng(svg)).toString("base64");
  return bundle;
}

/** Displays a Vega-Lite chart, with its static fallbacks in the same output. */
export async function showVegaLite(spec: ChartSpec, options: ShowOptions = {}): Promise<void> {
  await display(await vegaLiteBundle(spec, options));
}

/** Displays Markdown (prose whose numbers a cell computed), with itself as the plain-text fallback. */
export async function say(markdown: string): Promise<void> {
  const text = markdown.replace(/^\n+|\s+$/g, "");
  await display({ "text/markdown": text, "text/plain": text });
}

/** Displays rows as a Markdown table (columns in the first row's key order). */
export async function table(rows: ReadonlyArray<Record<string, string | number>>): Promise<void> {
  if (rows.length === 0) return say("_(no rows)_");
  const columns = Object.keys(rows[0]);
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(" | ")} |`;
  await say(
    [
      line(columns),
      line(columns.map((c) => (typeof rows[0][c] === "number" ? "---:" : "---"))),
      ...rows.map((r) => line(columns.map((c) => r[c]))),
    ].join("\n"),
  );
}
