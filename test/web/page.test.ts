// dist/web/relaysim.html in a real browser (Debian's chromium through playwright-core): it loads
// from file:// with no request leaving the page and no console error; a form filled through its
// labels (and once with the keyboard only) runs 18of20 and its summary.json is byte for byte
// `sim run --json`'s; a permalink restores the form; the schema's messages sit next to their
// fields; a pasted bounce is explained in `sim explain`'s words, inertly; axe-core finds no
// serious or critical accessibility violation.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without type declarations
import { buildWeb } from "../../scripts/build-web.mjs";
import { parseScenario, type ScenarioError } from "../../src/scenario/parse.js";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const CHROMIUM = "/usr/bin/chromium";
const DSN = join("test", "fixtures", "bounces", "dsn-spamcop.eml");
const SPAMCOP_LINE =
  "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.7";
const HOSTILE = "<img src=x onerror=window.__pwned=1>";
const available = existsSync(CHROMIUM);
const folder = tempDir("relaysim-web-");
const PAGE = join(folder, "relaysim.html");
/** Few replications keep the test fast; the CLI gets the same -r. */
const REPLICATIONS = 3;

let browser: Browser;

/**
 * Where two JSON values differ beyond a relative `tolerance` for numbers (anything else must be
 * equal): JSON paths with both values. ECMAScript leaves Math.log, Math.exp and ** to the
 * engine, and Chromium's V8 and Node 20's disagree in the last bit for a few per cent of
 * arguments, so a simulated delay can differ by an ulp between the page and the CLI.
 */
function numbersApart(a: unknown, b: unknown, tolerance: number, path = "$"): string[] {
  if (typeof a === "number" && typeof b === "number") {
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} ≠ ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => numbersApart(x, b[i], tolerance, `${path}[${i}]`));
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    if (keys.join() !== Object.keys(b).join()) return [`${path}: keys ${keys} ≠ ${Object.keys(b)}`];
    return keys.flatMap((k) =>
      numbersApart((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tolerance, `${path}.${k}`),
    );
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}

interface Watched {
  page: Page;
  errors: string[];
  outside: string[];
}

async function openPage(url = pathToFileURL(PAGE).href): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 }, acceptDownloads: true });
  const errors: string[] = [];
  const outside: string[] = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith("file://") || u.startsWith("blob:") || u.startsWith("data:")) return route.continue();
    outside.push(u);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  return { page, errors, outside };
}

/** Press Tab until the element with this id has the focus (the keyboard path). */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`#${id} cannot be reached with Tab`);
}

async function downloaded(page: Page, button: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  return readFileSync(await download.path(), "utf8");
}

/** Paste a bounce into the box and press Explain. */
async function explainOnPage(page: Page, text: string): Promise<void> {
  await page.getByLabel("Paste a bounce").fill(text);
  await page.getByRole("button", { name: "Explain", exact: true }).click();
  await page.waitForSelector("#explanation p");
}

/** The explanation's lines as shown: `sim explain`'s text without blank lines and indentation. */
async function shownLines(page: Page): Promise<string[]> {
  return page.$$eval("#explanation > *", (els) => els.map((e) => e.textContent ?? ""));
}

function cliLines(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => (l.startsWith("  ") ? l.slice(2) : l));
}

async function formState(page: Page): Promise<Record<string, string>> {
  return page.$$eval("#form input, #form select", (els) =>
    Object.fromEntries(els.map((e) => [e.id, (e as HTMLInputElement).value])),
  );
}

describe.skipIf(!available && !process.env.CI)("the web page in Chromium", () => {
  beforeAll(async () => {
    await buildWeb(PAGE);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("loads from file:// with the 18of20 preset, no request outside and no console error", async () => {
    const { page, errors, outside } = await openPage();
    expect(await page.inputValue("#f-servers")).toBe("20");
    expect(await page.inputValue("#preset")).toBe("18of20");
    const presets = await page.$$eval("#preset option", (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(presets).toContain("sticky-pool");
    // The link is written 200 ms after the last edit (debounced), so wait for it rather than race it.
    await page.waitForFunction(() => location.hash !== "", null, { timeout: 10_000 });
    expect(await page.evaluate(() => location.hash)).toMatch(/^#s=[A-Za-z0-9_-]+$/);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it("runs a form filled through its labels; its summary.json is `sim run --json`'s, byte for byte", async () => {
    const { page, errors, outside } = await openPage();
    await page.getByLabel("Start from a preset").selectOption("18of20");
    await page.getByLabel("Relays in the pool").fill("16");
    await page.getByLabel("Listed relays").fill("3");
    await page.getByLabel("List 1 subscriber share").fill("0.4");
    await page.getByLabel("Users resend after").fill("5m..12m");
    await page.getByLabel("Seed", { exact: true }).fill("7");
    await page.getByLabel("Replications (at least)").fill(String(REPLICATIONS));
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.waitForSelector("#verdict[data-verdict]");
    expect(await page.textContent("#verdict")).toMatch(/\S/);
    await page.waitForSelector("#download-summary:not([disabled])");
    const summary = await downloaded(page, "#download-summary");
    const scenarioText = await downloaded(page, "#download-scenario");
    await page.getByRole("button", { name: "Stop", exact: true }).click();

    const scenario = JSON.parse(scenarioText);
    expect(scenario.pool.servers).toBe(16);
    expect(scenario.listed[0].servers).toBe(3);
    expect(scenario.blacklists[0].subscribers).toBe(0.4);
    expect(scenario.resend.after).toEqual({ uniform: ["5m", "12m"] });
    const file = writeScenario(folder, "from-the-page.json", scenarioText);
    const cli = await sim(
      "run",
      file,
      "--seed",
      "7",
      "-r",
      String(REPLICATIONS),
      "--json",
      "--no-charts",
      "--out",
      join(folder, "out"),
    );
    expect(cli.code).toBe(0);
    // Byte for byte; if that ever fails, the first message says where (an ulp, or a real difference).
    expect(numbersApart(JSON.parse(summary), JSON.parse(cli.stdout), 0).slice(0, 10)).toEqual([]);
    expect(summary).toBe(cli.stdout);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  // Slow (sim advise runs up to 100 replications of ~20 waits and 5 other policies, twice): run it
  // with WEB_ADVICE=1. Its numbers agree to rounding, not bit for bit: see numbersApart.
  it.runIf(process.env.WEB_ADVICE === "1")("gives `sim advise --json`'s advice for pasted JSON", async () => {
    const { page, errors } = await openPage();
    const text = `${JSON.stringify(smallScenario({ name: "pasted", seed: 11 }), null, 2)}\n`;
    await page.locator("#json-box summary").click();
    await page.getByLabel("Scenario JSON", { exact: true }).fill(text);
    await page.getByRole("button", { name: "Use this JSON" }).click();
    expect(await page.inputValue("#f-name")).toBe("pasted");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.waitForSelector("#verdict[data-final=true]", { timeout: 300_000 });
    const advice = await downloaded(page, "#download-advice");
    const cli = await sim(
      "advise",
      writeScenario(folder, "pasted.json", text),
      "--json",
      "--out",
      join(folder, "advice"),
    );
    expect(cli.code).toBe(0);
    expect(numbersApart(JSON.parse(advice), JSON.parse(cli.stdout), 1e-12)).toEqual([]);
    // The bounce box with the full advice: `sim explain --scenario`'s explanation.
    await explainOnPage(page, readFileSync(DSN, "utf8"));
    const explained = await downloaded(page, "#download-explanation");
    const cliExplain = await sim("explain", DSN, "--scenario", join(folder, "pasted.json"), "--json");
    expect(cliExplain.code).toBe(0);
    expect(explained).toBe(cliExplain.stdout);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("runs with the keyboard only", async () => {
    const { page, errors } = await openPage();
    // A day of mail instead of a week keeps it quick.
    await tabTo(page, "f-horizon");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("1d");
    await tabTo(page, "f-replications");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(String(REPLICATIONS));
    expect(await page.inputValue("#f-horizon")).toBe("1d");
    await tabTo(page, "run");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#verdict[data-verdict]");
    await tabTo(page, "stop");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("#answer")?.getAttribute("aria-busy") === "false");
    expect(await page.textContent("#verdict")).toMatch(/wait/i);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("restores the same form from a permalink", async () => {
    const { page } = await openPage();
    await page.getByLabel("Start from a preset").selectOption("dns-ttl");
    await page.getByLabel("DNS TTL").fill("7m");
    await page.getByLabel("Listed relays").fill("4");
    await page.waitForFunction(() => location.hash.length > 3);
    await page.waitForTimeout(400); // the link follows edits after 200 ms
    const url = await page.evaluate(() => location.href);
    const state = await formState(page);
    const json = await page.inputValue("#json");
    await page.close();

    const again = await openPage(url);
    expect(await formState(again.page)).toEqual(state);
    expect(await again.page.inputValue("#json")).toBe(json);
    expect(state["f-ttl"]).toBe("7m");
    expect(again.errors).toEqual([]);
    await again.page.close();
  });

  it("edits the mail settings: greylisting shows its delay, emptying it takes the block away", async () => {
    const { page, errors } = await openPage();
    expect(await page.inputValue("#f-retry-from")).toBe("same");
    expect(await page.locator("#f-greylisting-delay").count()).toBe(0);
    await page.getByLabel("Share of domains that greylist").fill("0.2");
    await page.waitForSelector("#f-greylisting-delay");
    // The form was rebuilt around the edit: the keyboard is still in the field.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-greylisting");
    await page.getByLabel("Greylisting delay").fill("2m");
    await page.getByLabel("A blocklist rejection").selectOption("requeue");
    const raw = JSON.parse(await page.inputValue("#json"));
    expect(raw.greylisting).toEqual({ domains: 0.2, delay: "2m" });
    expect(raw.mta.onBlocklist).toBe("requeue");
    expect(await page.isDisabled("#run")).toBe(false);
    await page.getByLabel("Share of domains that greylist").fill("");
    await page.waitForFunction(() => document.getElementById("f-greylisting-delay") === null);
    expect(JSON.parse(await page.inputValue("#json")).greylisting).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the schema's message next to the field it is about", async () => {
    const { page } = await openPage();
    await page.getByLabel("Relays in the pool").fill("-3");
    const raw = JSON.parse(await page.inputValue("#json"));
    let expected = "";
    try {
      parseScenario(raw, "form");
    } catch (error) {
      expected =
        (error as ScenarioError).problems.find((p) => p.startsWith("pool.servers: "))?.slice("pool.servers: ".length) ??
        "";
    }
    expect(expected).toMatch(/-3/);
    expect(await page.textContent("#f-servers-error")).toBe(expected);
    expect(await page.getAttribute("#f-servers", "aria-invalid")).toBe("true");
    expect(await page.getAttribute("#f-servers", "aria-describedby")).toContain("f-servers-error");
    expect(await page.isDisabled("#run")).toBe(true);
    await page.close();
  });

  it("opens a scenario file, and reports a broken one with its line and column", async () => {
    const { page, errors } = await openPage();
    await page.getByLabel("Open a scenario file").setInputFiles(join("scenarios", "sticky-pool.json"));
    await page.waitForFunction(() => (document.getElementById("f-name") as HTMLInputElement).value === "sticky-pool");
    expect(await page.inputValue("#f-policy")).toBe("sticky");
    const broken = writeScenario(folder, "broken.json", '{\n  "name": "x",\n  "pool": }\n');
    await page.getByLabel("Open a scenario file").setInputFiles(broken);
    await page.waitForSelector("#scenario-errors:not([hidden])");
    expect(await page.textContent("#scenario-errors")).toMatch(/^broken\.json: line 3, column \d+: invalid JSON/);
    expect(await page.inputValue("#f-name")).toBe("sticky-pool");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("explains a pasted bounce in `sim explain`'s words and fields, with a checked lookup link", async () => {
    const { page, errors, outside } = await openPage();
    const line = writeScenario(folder, "spamcop-line.txt", `${SPAMCOP_LINE}\n`);
    for (const [text, file] of [
      [SPAMCOP_LINE, line],
      [readFileSync(DSN, "utf8"), DSN],
    ]) {
      await explainOnPage(page, text);
      const cliJson = await sim("explain", file, "--json");
      const cliText = await sim("explain", file);
      expect(cliJson.code).toBe(0);
      expect(await downloaded(page, "#download-explanation")).toBe(cliJson.stdout);
      expect(await shownLines(page)).toEqual(cliLines(cliText.stdout));
    }
    // The one-line paste: list, relay address, permanent, lookup page, typical listing.
    await explainOnPage(page, SPAMCOP_LINE);
    const shown = await page.textContent("#explanation");
    expect(shown).toContain("The list: SpamCop (SCBL). The relay address it names: 192.0.2.7.");
    expect(shown).toContain("permanently (5xx)");
    expect(shown).toContain("Typical listing: delisted automatically 24 h after the last report");
    const links = await page.$$eval("#explanation a", (as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
    expect(links).toEqual([
      ["https://www.spamcop.net/bl.shtml?192.0.2.7", "https://www.spamcop.net/bl.shtml?192.0.2.7"],
    ]);
    // No run yet: the CLI's words without --scenario, and the page says how to get advice.
    expect(await page.getAttribute("#explanation", "data-actions")).toBe("ask-provider");
    expect(await page.textContent("#explain-note")).toMatch(/Press Run/);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    await page.close();
  });

  it("keeps a hostile paste inert: text, never markup", async () => {
    const { page, errors } = await openPage();
    const pastes = [
      HOSTILE,
      `554 5.7.1 ${HOSTILE} Client host [192.0.2.7] blocked using bl.spamcop.net`,
      readFileSync(DSN, "utf8").replace("bob@partner.example", `bob${HOSTILE}@partner.example`),
    ];
    for (const text of pastes) {
      await explainOnPage(page, text);
      expect(await page.$$("#explanation img, #explanation script, #explanation [onerror]")).toEqual([]);
      expect(await page.textContent("#explanation")).toContain(HOSTILE);
    }
    await page.waitForTimeout(100);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned ?? null)).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("has no serious or critical accessibility violation (axe-core), answer and explanation included", async () => {
    const { page } = await openPage();
    await page.getByLabel("Simulated time").fill("1d");
    await page.getByLabel("Replications (at least)").fill("2");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.waitForSelector("#download-summary:not([disabled])");
    await page.waitForSelector("#advice-chart svg");
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    // After a run the explanation carries this pool's advice, as `sim explain --scenario` does.
    await explainOnPage(page, readFileSync(DSN, "utf8"));
    const explained = JSON.parse(await downloaded(page, "#download-explanation"));
    expect(explained.scenario).toBe("18of20");
    expect(explained.recipients[0].sentences.join(" ")).toContain('In pool "18of20" (20 relays, timer balancing)');
    expect(["resend-now", "wait-then-resend", "ask-provider"]).toContain(explained.recipients[0].action);
    expect(await page.textContent("#explain-note")).toMatch(/first look|sim advise on this pool/);
    const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    await page.addScriptTag({ content: axe });
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as {
          axe: { run: () => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> };
        }
      ).axe.run();
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
    await page.close();
  });
});
