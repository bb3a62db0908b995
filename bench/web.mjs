// Benchmark of the offline web page (issue 15): in headless Chromium (Debian's, through
// playwright-core), open dist/web/relaysim.html from file://, keep the 18of20 preset, press Run
// and time the first verdict on screen (the page records it from the click, performance.now()),
// the scenario's own summary (sim run's 20 replications), and with --full the complete advice.
// Each repetition is a fresh page, so workers start and warm up every time, as for a user.
// Builds the page first. Usage: node bench/web.mjs [--repeat N] [--full] [--json]
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { buildWeb, OUT_FILE } from "../scripts/build-web.mjs";
import { median } from "./median.mjs";

const CHROMIUM = "/usr/bin/chromium";
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const repeat = Number(option("--repeat", "5"));
const full = args.includes("--full");
const asJson = args.includes("--json");

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing (scripts/install-deps.sh installs it)`);
  process.exit(1);
}
await buildWeb();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});

async function once() {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await page.goto(pathToFileURL(OUT_FILE).href);
  await page.waitForSelector("body[data-ready=true]");
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await page.click("#run");
  await page.waitForSelector("body[data-first-verdict-ms]", { timeout: 120_000 });
  const firstVerdict = Number(await page.evaluate(() => document.body.dataset.firstVerdictMs)) / 1000;
  const verdict = await page.evaluate(() => document.getElementById("verdict")?.dataset.verdict);
  await page.waitForSelector("#download-summary:not([disabled])", { timeout: 120_000 });
  const summary = await page.evaluate(() => performance.now());
  let complete = null;
  if (full) {
    await page.waitForSelector("#verdict[data-final=true]", { timeout: 600_000 });
    complete = await page.evaluate(() => performance.now());
  }
  const started = await page.evaluate(() => Number(document.body.dataset.runStartedMs));
  await page.close();
  return {
    cores,
    verdict,
    firstVerdict,
    summary: (summary - started) / 1000,
    fullAdvice: complete === null ? null : (complete - started) / 1000,
  };
}

const runs = [];
for (let k = 0; k < repeat; k++) runs.push(await once());
await browser.close();

const result = {
  scenario: "18of20",
  cores: runs[0].cores,
  repeat,
  firstVerdictSeconds: { median: median(runs.map((r) => r.firstVerdict)), runs: runs.map((r) => r.firstVerdict) },
  summarySeconds: { median: median(runs.map((r) => r.summary)), runs: runs.map((r) => r.summary) },
  fullAdviceSeconds: full
    ? { median: median(runs.map((r) => r.fullAdvice)), runs: runs.map((r) => r.fullAdvice) }
    : null,
  verdicts: [...new Set(runs.map((r) => r.verdict))],
};
if (asJson) console.log(JSON.stringify(result, null, 2));
else {
  const f = (x) => `${x.toFixed(2)} s`;
  console.log(`web page, 18of20, headless Chromium, ${result.cores} workers, ${repeat} fresh pages`);
  console.log(
    `first verdict:  median ${f(result.firstVerdictSeconds.median)}  (${runs.map((r) => f(r.firstVerdict)).join(", ")})  target ≤ 2 s`,
  );
  console.log(`summary (20 replications): median ${f(result.summarySeconds.median)}`);
  if (full) console.log(`full advice (sim advise's): median ${f(result.fullAdviceSeconds.median)}`);
  console.log(`verdict: ${result.verdicts.join(", ")}`);
}
