// report.html's "Calibrated from logs" section (issue 13): a calibrated scenario's report shows
// each estimate with its interval, evidence and method; a crafted calibration block (it is read
// from summary.json or the scenario file) can only ever become text.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MAILLOG_EPOCH, MaillogFormatter } from "../../src/calibrate/maillog.js";
import { calibrateLines } from "../../src/calibrate/run.js";
import { runScenario } from "../../src/experiment/run.js";
import type { Summary } from "../../src/experiment/summary.js";
import { calibrationHtml } from "../../src/report/calibration-html.js";
import { reportHtml } from "../../src/report/html.js";
import { parseScenario } from "../../src/scenario/load.js";
import { craftedPages, outsideScripts, PAYLOAD } from "./payloads.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/maillogs/${name}`, import.meta.url));
const YEAR = new Date(MAILLOG_EPOCH * 1000).getUTCFullYear();

/** A pool of 5 relays, one on SpamCop, simulated for a day, logged as Postfix, calibrated back. */
function calibratedRun(): { summary: Summary; calibration: Record<string, unknown> } {
  const truth = parseScenario({
    name: "truth",
    seed: 11,
    replications: 1,
    horizon: "1d",
    pool: { servers: 5, balancer: { policy: "timer", period: "10m" } },
    blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
    listed: [{ servers: 1, on: ["spamcop"] }],
    recipients: { domains: 300, zipf: 1 },
    traffic: { senders: 20, rate: "150/d" },
    resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
  });
  const lines: string[] = [];
  runScenario(truth, {
    attemptSink: () => {
      const formatter = new MaillogFormatter("postfix", ["spamcop"]);
      return { attempt: (r) => lines.push(...formatter.lines(r)) };
    },
  });
  const { scenario } = calibrateLines({ "relays/mail.log": lines }, { year: YEAR, name: "pool" });
  const calibrated = parseScenario({ ...scenario, replications: 2, horizon: "6h" }, "calibrated");
  const { summary } = runScenario(calibrated);
  return { summary, calibration: scenario.calibration as Record<string, unknown> };
}

describe("a calibrated scenario's report", () => {
  const { summary, calibration } = calibratedRun();

  it("has the Calibrated from logs section with each estimate, its interval, evidence and method", () => {
    const page = reportHtml({ summary, charts: [] });
    const section = page.slice(page.indexOf('<section id="calibration"'));
    expect(section).toContain("<h2>Calibrated from logs</h2>");
    const c = summary.scenario.calibration as {
      relays: { count: { estimate: number; evidence: number; method: string } };
      lists: {
        name: string;
        subscribers: { byDomain: { ci95: [number, number]; evidence: number; method: string } };
      }[];
      policy: { policy: string };
    };
    expect(section).toMatch(
      new RegExp(
        `<th scope="row">relays \\(N\\)</th><td>${c.relays.count.estimate}</td><td>5 – 5</td><td>${c.relays.count.evidence.toLocaleString("en-US")}</td>`,
      ),
    );
    const spamcop = c.lists.find((l) => l.name === "spamcop");
    if (!spamcop) throw new Error("the calibration found no SpamCop list");
    const [low, high] = spamcop.subscribers.byDomain.ci95.map((x) => `${(100 * x).toFixed(1)} %`);
    expect(section).toContain(`<th scope="row">spamcop: share of domains consulting it</th><td>`);
    expect(section).toContain(`<td>${low} – ${high}</td><td>${spamcop.subscribers.byDomain.evidence}</td>`);
    expect(section).toContain(spamcop.subscribers.byDomain.method);
    expect(section).toContain(`<th scope="row">balancing</th><td>timer (10 min)</td><td>—</td><td>`);
    // The section sits with the results, before the charts.
    expect(page.indexOf("<h2>Results</h2>")).toBeLessThan(page.indexOf("<h2>Calibrated from logs</h2>"));
    expect(page.indexOf("<h2>Calibrated from logs</h2>")).toBeLessThan(page.indexOf("<h2>Charts</h2>"));
    expect(calibration.tool).toEqual({ name: "relaysim", version: expect.any(String), command: "calibrate" });
  });

  it("has no such section without a calibration block", () => {
    const plain = { ...summary, scenario: { ...summary.scenario, calibration: undefined } };
    expect(reportHtml({ summary: plain, charts: [] })).not.toContain("Calibrated from logs");
    expect(calibrationHtml(undefined)).toBeNull();
    expect(calibrationHtml([calibration])).toBeNull();
    expect(calibrationHtml("<b>x</b>")).toBeNull();
  });
});

describe("a crafted calibration block", () => {
  // A real block with many kinds of field: several files, lists, windows, reasons.
  const logs = Object.fromEntries(
    ["postfix.log", "exim.log", "qmail.log", "mixed.log", "garbled.log"].map((f) => [
      f,
      readFileSync(fixture(f), "utf8"),
    ]),
  );
  const { calibration } = calibrateLines(logs, { year: 2026 });
  const clean = JSON.parse(JSON.stringify(calibration)) as Record<string, unknown>;
  // Built inside the first test that needs it, so that raw markup fails that test by name.
  let crafted: ReturnType<typeof craftedPages<Record<string, unknown>>> | null = null;
  const pages = () => {
    crafted ??= craftedPages(clean, (value) => `<!DOCTYPE html><body>${calibrationHtml(value)}</body>`, true);
    return crafted;
  };

  it("shows the payload in any leaf as text, never as markup", () => {
    const run = pages();
    expect(run.refused).toEqual([]);
    // Every text field the section shows carries the payload into the page, escaped.
    expect(run.pages.length).toBeGreaterThan(0);
    const shown = run.pages.flatMap((p) => p.paths.map((path) => path.join(".")));
    for (const path of [
      "source.start",
      "source.end",
      "policy.policy",
      "policy.reasons.0",
      "lists.0.name",
      "retry.schedule",
    ])
      expect(shown).toContain(path);
    for (const page of run.pages) {
      expect(page.html).toContain("&lt;img src=x onerror=&quot;window.__pwned=1;alert(1)&quot;&gt;");
      expect(page.html).not.toMatch(/<(img|svg|script|iframe)\b/i);
    }
  });

  it("gives a report page (with the scenario's other fields intact) where the payload is only text", () => {
    const { summary } = calibratedRun();
    // The page holding the most payloads at once.
    const all = pages().pages.reduce((a, b) => (b.paths.length > a.paths.length ? b : a)).value;
    const crafted = { ...summary, scenario: { ...summary.scenario, calibration: all } };
    const page = outsideScripts(reportHtml({ summary: crafted as Summary, charts: [] }));
    expect(page).toContain("Calibrated from logs");
    expect(page).not.toContain("<img src=x");
    expect(page).not.toContain("<svg onload");
    expect(page).toContain("&lt;/script&gt;&lt;script&gt;window.__pwned=3");
  });

  it("survives wrong types, hostile keys and deep or huge values", () => {
    const variants: unknown[] = [
      { ...clean, lists: "not a list" },
      { ...clean, lists: [null, 7, PAYLOAD, [PAYLOAD], { name: { toString: PAYLOAD } }] },
      { ...clean, relays: { count: { estimate: PAYLOAD, ci95: [PAYLOAD, 1], evidence: "lots", method: [PAYLOAD] } } },
      { ...clean, policy: { policy: { toString: "x" }, period: Number.NaN, reasons: PAYLOAD } },
      { ...clean, source: [PAYLOAD], traffic: null, recipients: 5, retry: true, resend: [] },
      JSON.parse(`{"source":{"start":${"[".repeat(5000)}${"]".repeat(5000)}}}`),
      { lists: Array.from({ length: 10_000 }, () => ({ name: PAYLOAD })) },
      { source: { start: PAYLOAD.repeat(10_000) } },
      Object.assign(Object.create(null), { __proto__: PAYLOAD, constructor: PAYLOAD }),
    ];
    for (const v of variants) {
      const out = String(calibrationHtml(v));
      expect(out).toContain("Calibrated from logs");
      expect(out).not.toMatch(/<(img|svg|script)\b/i);
      // Lists are capped (the schema allows 30), long texts cut.
      expect(out.length).toBeLessThan(200_000);
    }
  });
});
