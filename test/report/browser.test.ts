// report.html in a real browser (Debian's chromium through playwright-core): every chart draws
// marks, nothing is logged as an error and no request leaves the machine. Saves a screenshot.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { summaryCharts } from "../../src/report/charts/index.js";
import { reportHtml } from "../../src/report/html.js";
import { smallRun } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);

describe("report.html in Chromium", () => {
  const folder = mkdtempSync(join(tmpdir(), "relaysim-report-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("needs Chromium on CI", () => {
    // Skipping silently on CI would hide a broken setup (.ci/run installs chromium).
    if (process.env.CI) expect(available, `${CHROMIUM} is missing; .ci/run should install chromium`).toBe(true);
  });

  it.skipIf(!available && !process.env.CI)("renders every chart offline, without errors", async () => {
    const { summary, series } = smallRun();
    const charts = summaryCharts(summary, series);
    const file = join(folder, "report.html");
    writeFileSync(file, reportHtml({ summary, charts }));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const outside: string[] = [];
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file://") || url.startsWith("data:")) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));

      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction((n) => document.querySelectorAll(".chart svg.marks").length === n, charts.length, {
        timeout: 30_000,
      });
      const marks = await page.$$eval(".chart", (elements) =>
        elements.map((el) => ({
          name: el.getAttribute("data-chart"),
          marks: el.querySelectorAll(
            "svg .mark-symbol path, svg .mark-rect path, svg .mark-line path, svg .mark-area path, svg .mark-rule line",
          ).length,
        })),
      );
      expect(marks).toHaveLength(charts.length);
      for (const chart of marks) expect(chart.marks, `${chart.name} has no marks`).toBeGreaterThan(0);

      // Tooltips: hovering a point of the first chart shows vega-tooltip's box.
      const point = page.locator("#chart-0 .mark-symbol path").first();
      await point.hover({ force: true });
      await page.waitForSelector("#vg-tooltip-element.visible", { timeout: 5000 });

      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      mkdirSync("output", { recursive: true });
      await page.screenshot({ path: join("output", "report-browser-test.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
