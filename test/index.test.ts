// The library API as users get it: `import … from "relaysim"` resolves through package.json's
// "exports" (self-reference) to dist/index.js, which `npm test` builds first. The API must be
// the CLI's own functions (no second implementation) and every export must carry TSDoc.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as relaysim from "relaysim";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { runScenario as runScenarioFromSource } from "../src/experiment/run.js";
import { parseScenario as parseScenarioFromSource } from "../src/scenario/load.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A small version of scenarios/18of20.json: one simulated day, three replications. */
const small: relaysim.ScenarioInput = {
  name: "api-small",
  seed: 7,
  replications: 3,
  horizon: "1d",
  pool: { servers: 20, balancer: { policy: "timer", period: "10m" } },
  blacklists: [{ name: "spamcop", subscribers: 0.3, reply: "5xx" }],
  listed: [{ servers: 2, on: ["spamcop"] }],
  recipients: { domains: 500, zipf: 1 },
  traffic: { senders: 50, rate: "20/d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};

describe('import from "relaysim"', () => {
  it("resolves through the exports map to dist/", () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
    expect(pkg.name).toBe("relaysim");
    expect(pkg.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
    expect(relaysim.VERSION).toBe(pkg.version);
  });

  it("exports the documented surface", () => {
    expect(Object.keys(relaysim).sort()).toEqual(
      [
        "ADVICE_WINDOW",
        "AdviseError",
        "BudgetError",
        "CalibrateError",
        "Calibrator",
        "LISTS",
        "LOG_FORMATS",
        "LogReadError",
        "MAILLOG_EPOCH",
        "MAILLOG_FORMATS",
        "MaillogFormatter",
        "relayAddress",
        "MAX_BOUNCE_BYTES",
        "REPLY_CLASSES",
        "REPLY_PATTERNS",
        "calibrateFiles",
        "calibrateLines",
        "classifyReply",
        "explainBounce",
        "explanationText",
        "listById",
        "listByZone",
        "needsAdvice",
        "parseBounce",
        "relayFromPath",
        "DEFAULT_TOLERANCE",
        "METRICS",
        "POLICIES",
        "ReplicationPool",
        "ScenarioError",
        "SweepError",
        "VEGA_LITE_SCHEMA",
        "VERSION",
        "adviceChart",
        "adviceCsv",
        "advise",
        "analytic",
        "closedFormResendFailure",
        "compare",
        "defaultWorkers",
        "deliveryDelayChart",
        "formatDuration",
        "listingsOverTimeChart",
        "loadScenario",
        "parseDuration",
        "parseJsonText",
        "parseRate",
        "parseScenario",
        "parseValues",
        "parseVary",
        "renderChart",
        "renderSvg",
        "replicationsChart",
        "resendByDelayChart",
        "retryAdviceSentences",
        "retryAges",
        "retrySchedule",
        "retryStoryParts",
        "runScenario",
        "runScenarioParallel",
        "scenarioJsonSchema",
        "scenarioLabels",
        "serversChart",
        "summarise",
        "summarisePoint",
        "summaryCharts",
        "svgToPng",
        "sweep",
        "sweepCharts",
        "sweepCsv",
        "sweepGrid",
        "sweepHeatmap",
        "sweepJson",
        "sweepLineChart",
        "sweepPoints",
        "timeseries",
      ].sort(),
    );
  });
});

describe("a scenario through the public API", () => {
  it("loads a shipped scenario file and rejects a bad object with a ScenarioError", () => {
    const story = relaysim.loadScenario(`${root}scenarios/18of20.json`);
    expect(story.pool.servers).toBe(20);
    expect(story.pool.balancer).toMatchObject({ policy: "timer", period: 600 });
    let error: unknown;
    try {
      relaysim.parseScenario({ ...small, pool: { ...small.pool, servers: -3 } }, "inline");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(relaysim.ScenarioError);
    expect((error as Error).message).toMatch(/^inline: pool\.servers: /);
  });

  it("runs it exactly as the CLI's own modules do", async () => {
    const scenario = relaysim.parseScenario(small, "inline");
    const { summary, results } = relaysim.runScenario(scenario);
    expect(summary.replications).toBe(3);
    expect(results.map((r) => r.replication)).toEqual([0, 1, 2]);
    expect(summary.totals.messages).toBeGreaterThan(2000);
    const first = summary.metrics.firstAttemptFailure.mean ?? Number.NaN;
    // 2 of 20 relays listed, 30 % of domains consulting: p·k/N = 3 % (DESIGN §5), loosely.
    expect(first).toBeGreaterThan(0.005);
    expect(first).toBeLessThan(0.08);

    // No second implementation: the source modules give byte-identical summaries.
    const direct = runScenarioFromSource(parseScenarioFromSource(small, "inline"));
    expect(JSON.stringify(summary)).toBe(JSON.stringify(direct.summary));
    const parallel = await relaysim.runScenarioParallel(scenario, { workers: 2 });
    expect(JSON.stringify(parallel.summary)).toBe(JSON.stringify(summary));

    const series = relaysim.timeseries(scenario, results);
    expect(series.length).toBe(24);
    const charts = relaysim.summaryCharts(summary, series);
    expect(charts.map((c) => c.name)).toContain("resend-failure-vs-delay");
    const svg = await relaysim.renderSvg(relaysim.resendByDelayChart(summary));
    expect(svg.startsWith("<svg")).toBe(true);
  });

  it("sweeps and compares with common random numbers", async () => {
    const scenario = relaysim.parseScenario({ ...small, replications: 2 }, "inline");
    // Sessions of 0 s: a resend at once is at the first attempt's very time, so in its timer slot
    // (with 2 s sessions about one resend in 300 crossed into the next slot).
    const atOnce = relaysim.parseScenario({ ...small, replications: 2, pool: { ...small.pool, sessionTime: 0 } });
    const result = await relaysim.sweep(atOnce, [relaysim.parseVary("resend.after=0m,20m")], { workers: 1 });
    const json = relaysim.sweepJson(result);
    expect(json.points.map((p) => p.values["resend.after"])).toEqual([0, 1200]);
    expect(relaysim.sweepCsv(json).split("\n")[0]).toBe("resend.after,metric,mean,ci95_low,ci95_high,replications");
    expect(relaysim.sweepCharts(json).length).toBeGreaterThan(0);
    // Resending at once stays in the same timer slot, on the same listed relay: always rejected.
    expect(json.points[0].metrics.resendFailure.mean).toBe(1);

    const sticky = relaysim.parseScenario({
      ...small,
      replications: 2,
      pool: { ...small.pool, balancer: { policy: "sticky" } },
    });
    const comparison = await relaysim.compare([scenario, sticky], { workers: 1 });
    expect(comparison.scenarios.map((s) => s.label)).toEqual(["api-small#1", "api-small#2"]);
    const [difference] = comparison.metrics.resendFailure.differences;
    // Same mail, recipients and listings: only the balancer differs, and sticky resends always fail.
    expect(difference.mean).toBe(1);
    expect(comparison.metrics.firstAttemptFailure.differences[0].n).toBe(2);
  });

  it("exposes the closed forms the charts draw", () => {
    const scenario = relaysim.parseScenario(small);
    const closed = relaysim.closedFormResendFailure(scenario);
    expect(closed).not.toBeNull();
    const d = 300;
    expect(closed?.at(d)).toBeCloseTo(relaysim.analytic.timer.rotateResendFailure(20, 2, 600, d), 12);
    expect(relaysim.analytic.random.resendFailure(20, 2)).toBeCloseTo(0.1, 12);
  });
});

describe("from logs and bounces through the public API (issue 13)", () => {
  const fixture = (name: string) => `${root}test/fixtures/${name}`;

  it("calibrates log lines in memory exactly as sim calibrate reads the files", async () => {
    const files = ["maillogs/postfix.log", "maillogs/exim.log", "maillogs/qmail.log"].map(fixture);
    const fromFiles = await relaysim.calibrateFiles(files, { year: 2026, name: "pool" });
    const texts = Object.fromEntries(files.map((f) => [f, readFileSync(f, "utf8")]));
    const fromLines = relaysim.calibrateLines(texts, { year: 2026, name: "pool" });
    expect(JSON.stringify(fromLines)).toBe(JSON.stringify(fromFiles));
    expect(fromFiles.calibration.relays.list.length).toBeGreaterThan(2);
    expect(fromFiles.calibration.lists.map((l) => l.name)).toContain("spamcop");
    // The scenario is one the rest of the API takes, and it carries the estimates.
    const scenario = relaysim.parseScenario(fromFiles.scenario, "calibrated");
    expect(scenario.name).toBe("pool");
    expect(scenario.pool.servers).toBe(fromFiles.calibration.relays.list.length);
    expect(scenario.calibration).toEqual(JSON.parse(JSON.stringify(fromFiles.calibration)));
  });

  it("closes the loop: a run's attempts as a Postfix log, calibrated back to the pool", () => {
    // Busy senders (a pick every few minutes each): the balancing policy is identifiable.
    const scenario = relaysim.parseScenario({
      ...small,
      replications: 1,
      pool: { servers: 6, balancer: small.pool.balancer },
      traffic: { senders: 30, rate: "200/d" },
    });
    const lines: string[] = [];
    relaysim.runScenario(scenario, {
      attemptSink: () => {
        const formatter = new relaysim.MaillogFormatter("postfix", ["spamcop"]);
        return { attempt: (r) => lines.push(...formatter.lines(r)) };
      },
    });
    const year = new Date(relaysim.MAILLOG_EPOCH * 1000).getUTCFullYear();
    const { calibration } = relaysim.calibrateLines(lines, { year });
    expect(calibration.source.unparsed.count).toBe(0);
    expect(calibration.relays.count.estimate).toBe(6);
    // Postfix names a relay by its syslog host; its address shows only in replies that quote it (rejections).
    const addresses = calibration.relays.list.flatMap((r) => (r.address === null ? [] : [r.address]));
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect([0, 1, 2, 3, 4, 5].map(relaysim.relayAddress)).toContain(a);
    expect(calibration.policy.policy).toBe("timer");
    expect(calibration.policy.period).toBeCloseTo(600, -1);
  });

  it("refuses logs without deliveries and bad options with a CalibrateError", async () => {
    expect(() => relaysim.calibrateLines(["not a log line", "nor this"])).toThrow(relaysim.CalibrateError);
    expect(() => relaysim.calibrateLines([], { year: 12 })).toThrow(/^year 12: expected a year$/);
    expect(() => relaysim.calibrateLines([], { name: "Bad Name" })).toThrow(relaysim.CalibrateError);
    await expect(relaysim.calibrateFiles([`${root}no-such.log`])).rejects.toBeInstanceOf(relaysim.LogReadError);
  });

  it("classifies a reply and explains a bounce", () => {
    const c = relaysim.classifyReply(
      "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using bl.spamcop.net",
    );
    expect(c.list).toBe("spamcop");
    expect(c.class).toBe("blocklist");
    expect(c.ip).toBe("192.0.2.7");
    expect(relaysim.REPLY_CLASSES).toContain(c.class);
    expect(relaysim.listById("spamcop")).toBe(c.listInfo);
    const bounce = relaysim.parseBounce(readFileSync(fixture("bounces/dsn-spamcop.eml"), "utf8"));
    expect(bounce.kind).toBe("dsn");
    const explanation = relaysim.explainBounce(bounce);
    expect(explanation.recipients[0].classification.list).toBe("spamcop");
    expect(relaysim.explanationText(explanation)).toMatch(/SpamCop/);
  });
});

describe("documentation", () => {
  it("gives every export of src/index.ts a TSDoc comment", () => {
    const entry = `${root}src/index.ts`;
    const program = ts.createProgram([entry], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(entry);
    if (!source) throw new Error("src/index.ts not found");
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error("src/index.ts is not a module");
    const exports = checker.getExportsOfModule(moduleSymbol);
    expect(exports.length).toBeGreaterThan(50);
    const undocumented = exports
      .filter((symbol) => {
        const own = symbol.getDocumentationComment(checker);
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        // `export * as analytic` carries its comment on the export declaration itself.
        const onExport = (symbol.declarations ?? []).some(
          (d) => ts.isNamespaceExport(d) && ts.getJSDocCommentsAndTags(d.parent).length > 0,
        );
        return own.length === 0 && target.getDocumentationComment(checker).length === 0 && !onExport;
      })
      .map((s) => s.getName());
    expect(undocumented).toEqual([]);
  });
});

describe("every entry point validates what it is given, with the CLI's messages (issue 10)", () => {
  const bad: Array<[string, relaysim.ScenarioInput, string]> = [
    [
      "servers: 0",
      { ...small, pool: { ...small.pool, servers: 0 } },
      "scenario: pool.servers: expected a positive integer, got 0",
    ],
    [
      "servers: -1",
      { ...small, pool: { ...small.pool, servers: -1 } },
      "scenario: pool.servers: expected a positive integer, got -1",
    ],
    [
      "replications: NaN",
      { ...small, replications: Number.NaN },
      "scenario: replications: expected a positive integer, got NaN",
    ],
    [
      "subscribers: 7",
      { ...small, blacklists: [{ name: "spamcop", subscribers: 7 }] },
      "scenario: blacklists.0.subscribers: expected a probability between 0 and 1, got 7",
    ],
    [
      "50 of 20 servers listed",
      { ...small, listed: [{ servers: 50, on: ["spamcop"] }] },
      "scenario: listed.0.servers: expected at most 20 (the pool's size), got 50",
    ],
  ];
  const entryPoints: Array<[string, (s: relaysim.ScenarioInput) => unknown]> = [
    ["runScenario", (s) => relaysim.runScenario(s)],
    ["runScenarioParallel", (s) => relaysim.runScenarioParallel(s, { workers: 1 })],
    ["compare", (s) => relaysim.compare([small, s], { workers: 1 })],
    ["sweep", (s) => relaysim.sweep(s, [relaysim.parseVary("resend.after=0m,20m")], { workers: 1 })],
    ["sweepGrid", (s) => relaysim.sweepGrid(s, [relaysim.parseVary("resend.after=0m,20m")], "scenario")],
    ["advise", (s) => relaysim.advise(s, { workers: 1 })],
  ];
  const cases = entryPoints.flatMap(([name, call]) =>
    bad.map(([what, s, message]) => [name, what, call, s, message] as const),
  );

  it.each(cases)("%s refuses %s", async (name, _what, call, scenario, message) => {
    let error: unknown;
    try {
      await call(scenario);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(relaysim.ScenarioError);
    // compare names each scenario by its place in the list.
    const lines = (error as Error).message.split("\n");
    expect(lines).toContain(name === "compare" ? message.replace(/^scenario/, "scenarios.1") : message);
  });

  it("checks options as the CLI checks its flags", async () => {
    const scenario = relaysim.parseScenario(small);
    expect(() => relaysim.runScenario(scenario, { replications: Number.NaN })).toThrow(
      "options: replications: expected a positive integer, got NaN",
    );
    await expect(relaysim.runScenarioParallel(scenario, { seed: 1.5, workers: 0 })).rejects.toThrow(
      "options: seed: expected an integer, got 1.5\noptions: workers: expected a positive integer, got 0",
    );
  });

  it("runs a scenario as written exactly as the parsed one", () => {
    const raw = relaysim.runScenario({ ...small, replications: 1 });
    const parsed = relaysim.runScenario(relaysim.parseScenario({ ...small, replications: 1 }));
    expect(JSON.stringify(raw.summary)).toBe(JSON.stringify(parsed.summary));
  });
});
