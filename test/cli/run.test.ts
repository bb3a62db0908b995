// `sim run`: the files it writes, determinism by seed, --json, --attempts, and bad scenarios
// that exit 2 naming file and path without leaving any output folder behind.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const dir = tempDir("relaysim-run-");
const root = join(import.meta.dirname, "..", "..");
let counter = 0;
const outDir = () => join(dir, `out-${counter++}`);
const read = (folder: string, file: string) => readFileSync(join(folder, file), "utf8");

/** CSV text to rows (the files here have no quoted commas). */
const csvRows = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => line.split(","));

describe("sim run scenarios/18of20.json", () => {
  it("writes summary.json, replications.csv, timeseries.csv and run.json to --out", async () => {
    const out = outDir();
    const { code, stdout, stderr } = await sim("run", join(root, "scenarios", "18of20.json"), "--out", out);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("18of20");
    const files = readdirSync(out);
    for (const f of ["summary.json", "replications.csv", "timeseries.csv", "run.json"]) expect(files).toContain(f);
    const summary = JSON.parse(read(out, "summary.json"));
    expect(summary.scenario.name).toBe("18of20");
    expect(summary.seed).toBe(20130805);
    expect(summary.replications).toBe(20);
    expect(summary.totals.messages).toBeGreaterThan(0);
    // Two of 20 servers listed for the whole horizon.
    expect(summary.metrics.listedFraction.mean).toBeCloseTo(0.1, 12);
    const replications = csvRows(read(out, "replications.csv"));
    expect(replications[0]).toEqual(["replication", "metric", "value"]);
    const metrics = Object.keys(summary.metrics);
    expect(replications.length - 1).toBe(20 * metrics.length);
    const timeseries = csvRows(read(out, "timeseries.csv"));
    expect(timeseries[0].slice(0, 2)).toEqual(["time", "listedServers"]);
    expect(timeseries.length - 1).toBe((7 * 24 * 3600) / 3600);
    const run = JSON.parse(read(out, "run.json"));
    expect(run.wallSeconds).toBeGreaterThan(0);
    // Nothing that varies between runs is in summary.json.
    expect(read(out, "summary.json")).not.toMatch(/wallSeconds|startedAt|hostname/);
    // No staging folder is left beside the output.
    expect(readdirSync(dir).filter((f) => f.includes(".partial-"))).toEqual([]);
  });
});

describe("determinism and flags", () => {
  const file = writeScenario(dir, "small.json", smallScenario());

  it("gives a byte-identical summary.json for the same seed, and a different one for another --seed", async () => {
    const [a, b, c] = [outDir(), outDir(), outDir()];
    expect((await sim("run", file, "--out", a)).code).toBe(0);
    expect((await sim("run", file, "--out", b)).code).toBe(0);
    expect((await sim("run", file, "--out", c, "--seed", "8")).code).toBe(0);
    expect(read(b, "summary.json")).toBe(read(a, "summary.json"));
    expect(read(c, "summary.json")).not.toBe(read(a, "summary.json"));
    const other = JSON.parse(read(c, "summary.json"));
    expect(other.seed).toBe(8);
    expect(other.totals).not.toEqual(JSON.parse(read(a, "summary.json")).totals);
  });

  it("--seed equal to the scenario's seed changes nothing; --replications overrides the count", async () => {
    const [a, b, c] = [outDir(), outDir(), outDir()];
    await sim("run", file, "--out", a);
    await sim("run", file, "--out", b, "--seed", "7");
    expect(read(b, "summary.json")).toBe(read(a, "summary.json"));
    expect((await sim("run", file, "--out", c, "--replications", "2")).code).toBe(0);
    expect(JSON.parse(read(c, "summary.json")).replications).toBe(2);
  });

  it("--json prints the summary as valid JSON, equal to summary.json", async () => {
    const out = outDir();
    const { code, stdout } = await sim("run", file, "--out", out, "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(read(out, "summary.json")));
  });

  it("refuses a non-integer --seed and a zero --replications with exit 2", async () => {
    for (const flags of [
      ["--seed", "1.5"],
      ["--seed", "abc"],
      ["--replications", "0"],
    ]) {
      const out = outDir();
      const { code, stderr } = await sim("run", file, "--out", out, ...flags);
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(flags[0]));
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("--attempts", () => {
  it("writes attempts.csv: a header and one row per attempt, counted ones matching totals.attempts", async () => {
    // A warmup makes some messages uncounted: their attempts are in the file but not in the totals.
    const file = writeScenario(dir, "attempts.json", smallScenario({ name: "attempts", warmup: "6h" }));
    const out = outDir();
    const { code } = await sim("run", file, "--out", out, "--attempts");
    expect(code).toBe(0);
    const summary = JSON.parse(read(out, "summary.json"));
    const rows = csvRows(read(out, "attempts.csv"));
    const header = rows[0];
    expect(header).toEqual([
      "replication",
      "time",
      "message",
      "sender",
      "domain",
      "server",
      "submission",
      "kind",
      "outcome",
      "counted",
    ]);
    const body = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    const counted = body.filter((r) => r.counted === "true");
    const uncounted = body.filter((r) => r.counted === "false");
    expect(counted.length + uncounted.length).toBe(body.length);
    expect(counted.length).toBe(summary.totals.attempts);
    expect(uncounted.length).toBeGreaterThan(0);
    expect(body.length).toBe(summary.totals.attempts + uncounted.length);
    // Uncounted messages are exactly those first submitted before the warmup.
    for (const r of body) if (r.kind === "first") expect(Number(r.time) < 6 * 3600).toBe(r.counted === "false");
    // Counted first attempts are the counted messages; rejections match the totals.
    expect(counted.filter((r) => r.kind === "first").length).toBe(summary.totals.messages);
    expect(counted.filter((r) => r.kind === "first" && r.outcome !== "delivered").length).toBe(
      summary.totals.firstRejected,
    );
    expect(counted.filter((r) => r.kind === "resend").length).toBe(summary.totals.resends);
    // Each message's submissions are numbered 1, 2, … with at most maxAttempts of them.
    const byMessage = new Map<string, number[]>();
    for (const r of body) {
      const key = `${r.replication}/${r.message}`;
      byMessage.set(key, [...(byMessage.get(key) ?? []), Number(r.submission)]);
    }
    for (const submissions of byMessage.values()) {
      expect(submissions).toEqual(submissions.map((_, i) => i + 1));
      expect(submissions.length).toBeLessThanOrEqual(3);
    }
    // The file is not written without the flag.
    const plain = outDir();
    await sim("run", file, "--out", plain);
    expect(existsSync(join(plain, "attempts.csv"))).toBe(false);
  });

  it("without a warmup, rows == totals.attempts exactly", async () => {
    const file = writeScenario(dir, "attempts0.json", smallScenario({ name: "attempts0", replications: 2 }));
    const out = outDir();
    expect((await sim("run", file, "--out", out, "--attempts")).code).toBe(0);
    const summary = JSON.parse(read(out, "summary.json"));
    expect(csvRows(read(out, "attempts.csv")).length - 1).toBe(summary.totals.attempts);
  });
});

describe("bad scenarios", () => {
  const cases: Array<[string, unknown, string]> = [
    ["negative servers", smallScenario({ pool: { servers: -3 } }), "pool.servers: expected a positive integer, got -3"],
    ["unknown key", smallScenario({ colour: "red" }), 'colour: expected a known key, got unknown key "colour"'],
    ["bad duration", smallScenario({ horizon: "a week" }), "horizon: expected a duration"],
    ["bad distribution", smallScenario({ resend: { after: { poisson: 3 } } }), "resend.after: expected a distribution"],
    [
      "unknown policy",
      smallScenario({ pool: { servers: 5, balancer: { policy: "fastest" } } }),
      "pool.balancer.policy: expected a balancer whose policy is one of",
    ],
    [
      "listed.on naming an unknown list",
      smallScenario({ listed: [{ servers: 1, on: ["spamhaus"] }] }),
      'listed.0.on.0: expected one of the blacklists\' names (spamcop), got "spamhaus"',
    ],
    [
      "index out of range",
      smallScenario({ listed: [{ indices: [5], on: ["spamcop"] }] }),
      "listed.0.indices.0: expected a server index below 5, got 5",
    ],
    [
      "weights length",
      smallScenario({ pool: { servers: 5, balancer: { policy: "random", weights: [1] } } }),
      "pool.balancer.weights: expected 5 weights, one per server, got [1]",
    ],
    ["warmup >= horizon", smallScenario({ warmup: "1d" }), "warmup: expected a warmup shorter than the horizon"],
    ["broken JSON", '{\n  "name": "x",\n  "pool": {,\n}', "line 3, column 12: invalid JSON"],
  ];

  it.each(cases)("%s: exit 2, file and path on stderr, no output folder", async (_name, content, message) => {
    const folder = tempDir("relaysim-bad-");
    const file = writeScenario(folder, "bad.json", content);
    const out = join(folder, "out");
    const { code, stdout, stderr } = await sim("run", file, "--out", out);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`${file}: ${message}`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(folder)).toEqual(["bad.json"]);
  });

  it("unreadable files: missing and a directory", async () => {
    const folder = tempDir("relaysim-bad-");
    for (const [file, reason] of [
      [join(folder, "missing.json"), "no such file"],
      [folder, "is a directory"],
    ]) {
      const out = join(folder, "out");
      const { code, stderr } = await sim("run", file, "--out", out);
      expect(code).toBe(2);
      expect(stderr).toContain(`${file}: cannot read scenario: ${reason}`);
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(folder)).toEqual([]);
  });

  it("an unknown flag exits 2 before simulating anything", async () => {
    const file = writeScenario(dir, "ok.json", smallScenario());
    const out = outDir();
    const { code, stdout, stderr } = await sim("run", file, "--out", out, "--colour");
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Unknown argument: colour/);
    expect(existsSync(out)).toBe(false);
  });
});

describe("work that cannot finish is refused up front (issue 10)", () => {
  const cores = availableParallelism();
  it.each([
    [
      "-r 1e9",
      {},
      ["-r", "1e9"],
      /1\.00e9 replications × 1 configuration = 1\.00e9 replications to run; at most 1000000 \(--allow-large/,
    ],
    [
      "servers 1e9",
      { pool: { servers: 1e9 } },
      [],
      /pool\.servers: 1\.00e9 servers × 1 lists exceed the 1\.34e8 listings/,
    ],
    [
      "domains 1e9",
      { recipients: { domains: 1e9 } },
      [],
      /one replication needs about 26\.1 GB of memory, 26\.1 GB for recipients\.domains/,
    ],
    ['timeseries "1ms"', { output: { timeseries: "1ms" } }, [], /output\.timeseries \(8\.64e7 buckets\)/],
    ["servers 1e6", { pool: { servers: 1e6 } }, [], /the summary would be about 153 MB; at most 64 MB/],
    [
      'delayBin "1ms" with a 6-day wait',
      { output: { delayBin: "1ms" }, resend: { after: "6d" } },
      [],
      /output\.delayBin \(5\.18e8 bins\)/,
    ],
    ["--workers 1000", {}, ["--workers", "1000"], new RegExp(`--workers 1000: at most ${8 * cores} \\(8 per core`)],
  ])("%s: exit 2 with the estimate and the limit, nothing written", async (_name, patch, flags, message) => {
    const file = writeScenario(dir, `large-${counter++}.json`, smallScenario(patch));
    const out = outDir();
    const r = await sim("run", file, "--out", out, ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/RangeError| {4}at /);
    expect(existsSync(out)).toBe(false);
  });

  it("a chart too large is refused unless --no-charts or --allow-large", async () => {
    const file = writeScenario(
      dir,
      "many-buckets.json",
      smallScenario({ replications: 1, horizon: "70d", output: { timeseries: "1m" } }),
    );
    const refused = await sim("run", file, "--out", outDir(), "--workers", "1");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/output\.timeseries: a chart of 100800 rows; at most 100000 \(--no-charts to skip/);
    expect((await sim("run", file, "--out", outDir(), "--workers", "1", "--no-charts")).code).toBe(0);
  });

  it("--allow-large lifts a soft limit", async () => {
    const file = writeScenario(dir, "allowed.json", smallScenario({ replications: 1 }));
    const workers = String(8 * cores + 1);
    expect((await sim("run", file, "--out", outDir(), "--no-charts", "--workers", workers)).code).toBe(2);
    const r = await sim("run", file, "--out", outDir(), "--no-charts", "--workers", workers, "--allow-large");
    expect(r.code).toBe(0);
  });

  it("a scenario from /dev/zero is refused after 16 MB", async () => {
    if (!existsSync("/dev/zero")) return;
    const r = await sim("run", "/dev/zero", "--out", outDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("/dev/zero: cannot read scenario: larger than 16 MB, the most a scenario may be\n");
  });

  it("a 10⁴ × 10⁴ sweep grid is refused before any point is built", async () => {
    const file = writeScenario(dir, "grid.json", smallScenario());
    const r = await sim(
      "sweep",
      file,
      "--out",
      outDir(),
      "--vary",
      "resend.after=1s..10000s/1s",
      "--vary",
      "pool.balancer.period=1s..10000s/1s",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("the sweep grid has 1.00e8 points; at most 1000000\n");
  });
});
