// The scenario format's definitions: defaults filled and units normalised, and every kind of
// mistake reported as `FILE: PATH: expected …, got …` (DESIGN §1).
import { describe, expect, it } from "vitest";
import { loadScenario, ScenarioError } from "../../src/scenario/load.js";
import { POLICIES } from "../../src/scenario/schema.js";
import { tempDir, writeScenario } from "../helpers/cli.js";

const dir = tempDir("relaysim-schema-");

const minimal = () => ({
  name: "minimal",
  pool: { servers: 4 },
  traffic: { senders: 2, rate: "20/d" },
});

/** Load `content` from a file and return the error's lines (the test fails if it loads). */
function problems(content: unknown, name = "bad.json"): { file: string; lines: string[] } {
  const file = writeScenario(dir, name, content);
  try {
    loadScenario(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).source).toBe(file);
    return { file, lines: (error as Error).message.split("\n") };
  }
  throw new Error(`${JSON.stringify(content)} loaded without error`);
}

/** Every line names the file and a path and says what was expected and what was found. */
function expectWellFormed(file: string, lines: string[]): void {
  for (const line of lines) {
    expect(line.startsWith(`${file}: `), line).toBe(true);
    expect(line.slice(file.length + 2), line).toMatch(/^(\(root\)|[A-Za-z$][\w$]*(\.[\w$]+)*): expected .+, got .+$/);
  }
}

describe("defaults and normalisation", () => {
  it("fills every default of a minimal scenario and normalises units to seconds", () => {
    const file = writeScenario(dir, "minimal.json", minimal());
    expect(loadScenario(file)).toEqual({
      name: "minimal",
      description: "",
      seed: 1,
      replications: 10,
      horizon: 604_800,
      warmup: 0,
      pool: {
        servers: 4,
        balancer: { policy: "random" },
        avoidListed: null,
        capacity: null,
        sessionTime: { fixed: 2 },
      },
      blacklists: [],
      listed: [],
      compromise: null,
      recipients: { domains: 1000, zipf: 1 },
      traffic: { senders: 2, rate: 20 / 86_400 },
      resend: { after: { uniform: [300, 900] }, probability: 1, maxAttempts: 3 },
      mta: { retry: "qmail", queueLifetime: 604_800 },
      output: { attempts: false, delayBin: 60, timeseries: 3600 },
    });
  });

  it("fills nested defaults: blacklists, listed entries, timer and dns balancers, MTA lifetimes", () => {
    const s = loadScenario(
      writeScenario(dir, "nested.json", {
        ...minimal(),
        $schema: "../schema/scenario.schema.json",
        pool: { servers: 4, balancer: { policy: "timer", period: "10m" }, sessionTime: { exponential: "3s" } },
        blacklists: [{ name: "spamcop", subscribers: 0.3 }],
        listed: [{ servers: 2, on: ["spamcop"] }],
        mta: { retry: "postfix" },
      }),
    );
    expect(s).not.toHaveProperty("$schema");
    expect(s.pool.balancer).toEqual({ policy: "timer", period: 600, phase: "global", assignment: "rotate" });
    expect(s.pool.sessionTime).toEqual({ exponential: 3 });
    expect(s.blacklists).toEqual([
      { name: "spamcop", subscribers: 0.3, reply: "5xx", listingDelay: { fixed: 0 }, delistAfter: { fixed: 86_400 } },
    ]);
    expect(s.listed).toEqual([{ servers: 2, on: ["spamcop"], from: 0, until: null }]);
    expect(s.mta).toEqual({ retry: "postfix", queueLifetime: 5 * 86_400 });
    const dns = loadScenario(
      writeScenario(dir, "dns.json", { ...minimal(), pool: { servers: 4, balancer: { policy: "dns" } } }),
    );
    expect(dns.pool.balancer).toEqual({ policy: "dns", ttl: 300 });
  });

  it("normalises every distribution form to seconds", () => {
    const forms: Array<[unknown, unknown]> = [
      ["15m", { fixed: 900 }],
      [90, { fixed: 90 }],
      [{ fixed: "2h" }, { fixed: 7200 }],
      [{ uniform: ["5m", "15m"] }, { uniform: [300, 900] }],
      [{ exponential: "2h" }, { exponential: 7200 }],
      [{ lognormal: { median: "1h", sigma: 0.8 } }, { lognormal: { median: 3600, sigma: 0.8 } }],
      [{ empirical: ["1m", "5m", 30] }, { empirical: [60, 300, 30] }],
    ];
    forms.forEach(([written, normalised], i) => {
      const s = loadScenario(writeScenario(dir, `dist${i}.json`, { ...minimal(), resend: { after: written } }));
      expect(s.resend.after).toEqual(normalised);
    });
  });

  it.each([
    [{ policy: "random" }],
    [{ policy: "random", weights: [1, 0, 2, 1] }],
    [{ policy: "round-robin" }],
    [{ policy: "round-robin", weights: [5, 1, 1, 0] }],
    [{ policy: "timer", period: "10m", phase: "per-sender", assignment: "shuffle" }],
    [{ policy: "sticky" }],
    [{ policy: "dns", ttl: "1h" }],
  ])("accepts the balancer %j", (balancer) => {
    const s = loadScenario(writeScenario(dir, "policy.json", { ...minimal(), pool: { servers: 4, balancer } }));
    expect(s.pool.balancer.policy).toBe(balancer.policy);
    expect(POLICIES).toContain(s.pool.balancer.policy);
  });
});

describe("errors: FILE: PATH: expected …, got …", () => {
  const withList = (patch: Record<string, unknown>) => ({
    ...minimal(),
    blacklists: [{ name: "spamcop", subscribers: 0.3 }],
    ...patch,
  });
  const cases: Array<[string, unknown, string]> = [
    ["negative servers", { ...minimal(), pool: { servers: -3 } }, "pool.servers: expected a positive integer, got -3"],
    [
      "fractional servers",
      { ...minimal(), pool: { servers: 2.5 } },
      "pool.servers: expected a positive integer, got 2.5",
    ],
    [
      "servers as a string",
      { ...minimal(), pool: { servers: "4" } },
      'pool.servers: expected a positive integer, got "4"',
    ],
    ["missing servers", { ...minimal(), pool: {} }, "pool.servers: expected a positive integer, got nothing"],
    ["missing traffic", { name: "x", pool: { servers: 4 } }, "traffic: expected object, got nothing"],
    ["not an object", ["x"], '(root): expected object, got ["x"]'],
    [
      "unknown key",
      { ...minimal(), pool: { servers: 4, sever: 1 } },
      'pool.sever: expected a known key, got unknown key "sever"',
    ],
    ["unknown top-level key", { ...minimal(), seeds: 3 }, 'seeds: expected a known key, got unknown key "seeds"'],
    [
      "bad name",
      { ...minimal(), name: "My Scenario" },
      `name: expected a name of lower-case letters, digits, '.', '_' and '-', got "My Scenario"`,
    ],
    [
      "bad duration",
      { ...minimal(), horizon: "7 days" },
      'horizon: expected a duration such as "90s", "15m", "2h", "7d" or a number of seconds, got "7 days"',
    ],
    [
      "negative duration",
      { ...minimal(), warmup: -5 },
      'warmup: expected a duration such as "90s", "15m", "2h", "7d" or a number of seconds, got -5',
    ],
    [
      "zero period",
      { ...minimal(), pool: { servers: 4, balancer: { policy: "timer", period: "0s" } } },
      "pool.balancer.period: expected a duration greater than zero, got 0",
    ],
    [
      "bad rate",
      { ...minimal(), traffic: { senders: 2, rate: "lots" } },
      'traffic.rate: expected a rate such as "20/d" or "1/90d" (or a number per second), got "lots"',
    ],
    [
      "bad distribution",
      { ...minimal(), resend: { after: { gamma: 3 } } },
      'resend.after: expected a distribution: a duration ("15m"), {"fixed": d}, {"uniform": [a, b]}, {"exponential": mean}, {"lognormal": {"median": d, "sigma": s}} or {"empirical": [d, ...]}, got {"gamma":3}',
    ],
    [
      "reversed uniform bounds",
      { ...minimal(), resend: { after: { uniform: ["15m", "5m"] } } },
      'resend.after: expected uniform bounds [low, high] with low <= high, got {"uniform":[900,300]}',
    ],
    [
      "negative lognormal sigma",
      { ...minimal(), resend: { after: { lognormal: { median: "1h", sigma: -1 } } } },
      "resend.after.lognormal.sigma: expected a non-negative number, got -1",
    ],
    [
      "unknown policy",
      { ...minimal(), pool: { servers: 4, balancer: { policy: "fastest" } } },
      'pool.balancer.policy: expected a balancer whose policy is one of random, round-robin, timer, sticky, dns, least-connections, stick-table, got "fastest"',
    ],
    [
      "bad timer phase",
      { ...minimal(), pool: { servers: 4, balancer: { policy: "timer", period: "10m", phase: "local" } } },
      'pool.balancer.phase: expected "global" or "per-sender", got "local"',
    ],
    [
      "listed.on naming an unknown list",
      withList({ listed: [{ servers: 1, on: ["spamhaus"] }] }),
      `listed.0.on.0: expected one of the blacklists' names (spamcop), got "spamhaus"`,
    ],
    [
      "index out of range",
      withList({ listed: [{ indices: [1, 7], on: ["spamcop"] }] }),
      "listed.0.indices.1: expected a server index below 4, got 7",
    ],
    [
      "repeated index",
      withList({ listed: [{ indices: [1, 1], on: ["spamcop"] }] }),
      "listed.0.indices: expected distinct server indices, got [1,1]",
    ],
    [
      "more listed servers than the pool",
      withList({ listed: [{ servers: 5, on: ["spamcop"] }] }),
      "listed.0.servers: expected at most 4 (the pool's size), got 5",
    ],
    [
      "listed without servers or indices",
      withList({ listed: [{ on: ["spamcop"] }] }),
      "listed.0.servers: expected a number of servers (or indices), got nothing",
    ],
    [
      "until before from",
      withList({ listed: [{ servers: 1, on: ["spamcop"], from: "2h", until: "1h" }] }),
      "listed.0.until: expected a time after `from`, or null, got 3600",
    ],
    [
      "duplicate list name",
      {
        ...minimal(),
        blacklists: [
          { name: "a", subscribers: 0.1 },
          { name: "a", subscribers: 0.2 },
        ],
      },
      'blacklists.1.name: expected a unique list name, got "a"',
    ],
    [
      "subscribers above 1",
      { ...minimal(), blacklists: [{ name: "a", subscribers: 1.5 }] },
      "blacklists.0.subscribers: expected a probability between 0 and 1, got 1.5",
    ],
    [
      "weights of the wrong length",
      { ...minimal(), pool: { servers: 4, balancer: { policy: "random", weights: [1, 2] } } },
      "pool.balancer.weights: expected 4 weights, one per server, got [1,2]",
    ],
    [
      "all-zero weights",
      { ...minimal(), pool: { servers: 4, balancer: { policy: "round-robin", weights: [0, 0, 0, 0] } } },
      "pool.balancer.weights: expected at least one positive weight, got [0,0,0,0]",
    ],
    [
      "negative weight",
      { ...minimal(), pool: { servers: 4, balancer: { policy: "round-robin", weights: [1, -1, 0, 0] } } },
      "pool.balancer.weights.1: expected a non-negative weight, got -1",
    ],
    [
      "warmup equal to the horizon",
      { ...minimal(), horizon: "1d", warmup: "1d" },
      "warmup: expected a warmup shorter than the horizon, got 86400",
    ],
    [
      "warmup beyond the horizon",
      { ...minimal(), horizon: "1d", warmup: "2d" },
      "warmup: expected a warmup shorter than the horizon, got 172800",
    ],
    [
      "unknown MTA",
      { ...minimal(), mta: { retry: "sendmail" } },
      'mta.retry: expected "qmail", "postfix", "exim" or a list of retry ages, got "sendmail"',
    ],
    ["fractional seed", { ...minimal(), seed: 1.5 }, "seed: expected an integer seed, got 1.5"],
    ["zero replications", { ...minimal(), replications: 0 }, "replications: expected a positive integer, got 0"],
  ];

  it.each(cases)("%s", (_name, content, expected) => {
    const { file, lines } = problems(content);
    expect(lines).toEqual([`${file}: ${expected}`]);
    expectWellFormed(file, lines);
  });

  it("reports every problem of a file, one line each", () => {
    const { file, lines } = problems({
      ...minimal(),
      pool: { servers: -3, foo: 1, bar: 2 },
      horizon: "soon",
    });
    expect(lines).toHaveLength(4);
    expect(lines).toContain(`${file}: pool.servers: expected a positive integer, got -3`);
    expect(lines).toContain(`${file}: pool.foo: expected a known key, got unknown key "foo"`);
    expect(lines).toContain(`${file}: pool.bar: expected a known key, got unknown key "bar"`);
    expect(lines.some((l) => l.startsWith(`${file}: horizon: expected a duration`))).toBe(true);
    expectWellFormed(file, lines);
  });

  it("shortens long inputs in the message", () => {
    const { file, lines } = problems({ ...minimal(), description: 12, name: "x".repeat(10).toUpperCase().repeat(10) });
    expectWellFormed(file, lines);
    for (const line of lines) expect(line.length).toBeLessThan(file.length + 200);
    expect(lines.some((l) => l.includes('..."') || l.includes("..."))).toBe(true);
  });
});
