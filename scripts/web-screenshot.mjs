// `npm run web-screenshot`: regenerate docs/img/web.png, the README's picture of the web page —
// dist/web/relaysim.html (rebuilt first) in headless Chromium with the 18of20 preset, after Run,
// once `sim advise`'s full answer is on screen; the picture ends below the advice chart.
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { buildWeb, OUT_FILE } from "./build-web.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(ROOT, "docs/img/web.png");

await buildWeb();
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(OUT_FILE).href);
  await page.waitForSelector("body[data-ready=true]");
  await page.click("#run");
  await page.waitForSelector("#verdict[data-final=true]", { timeout: 600_000 });
  await page.waitForSelector("#advice-chart svg");
  const bottom = await page.evaluate(() => {
    const figure = document.getElementById("advice-chart")?.closest("figure");
    return Math.ceil((figure?.getBoundingClientRect().bottom ?? 2000) + window.scrollY + 8);
  });
  mkdirSync(dirname(target), { recursive: true });
  await page.screenshot({ path: target, clip: { x: 0, y: 0, width: 1100, height: bottom }, fullPage: true });
  console.log(`wrote ${target}`);
} finally {
  await browser.close();
}
