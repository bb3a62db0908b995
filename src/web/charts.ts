// Drawing the report's Vega-Lite specs (report/charts/) in the page with vega, bundled in.
import * as vega from "vega";
import { compile } from "vega-lite";
import type { ChartSpec } from "../report/charts/theme.js";

/** Browsers without DejaVu Sans fall back to a similar sans-serif, as report.html does. */
const BROWSER_FONTS = '"DejaVu Sans", Verdana, "Helvetica Neue", Arial, sans-serif';

const views = new WeakMap<HTMLElement, vega.View>();

/** Draw (or redraw) a chart into an element, replacing what it showed. */
export async function drawChart(element: HTMLElement, spec: ChartSpec, label: string): Promise<void> {
  const withFont = { ...spec, config: { ...(spec.config ?? {}), font: BROWSER_FONTS } } as ChartSpec;
  const compiled = compile(withFont).spec;
  views.get(element)?.finalize();
  const view = new vega.View(vega.parse(compiled), { renderer: "svg", container: element, hover: true });
  views.set(element, view);
  await view.runAsync();
  const svg = element.querySelector("svg");
  if (svg) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
  }
}
