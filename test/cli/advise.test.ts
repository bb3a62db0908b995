// `sim advise`: the verdict printed first, the files it writes (advice.json, advice.csv, the
// advice chart, report.html with the Advice section on top), --json, --delays, --tolerance,
// --policies, and the inputs that exit 2 or get the moot verdict.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const dir = tempDir("relaysim-advise-");
const root = join(import.meta.dirname, "..", "..");
const read = (folder: string, file: string) => readFileSync(join(folder, file), "utf8");

describe("sim advise", () => {
  it("prints the verdict first and writes advice.json, advice.csv, the chart and report.html", async () => {
    const out = join(dir, "18of20");
    const r = await sim(
      "advise",
      join(root, "scenarios", "18of20.json"),
      "--out",
      out,
      "--max-replications",
      "20",
      "--policies",
      "sticky,random",
      "--workers",
      "2",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wait at least \d+ minutes: resending at once fails/);
    expect(r.stdout).toMatch(/does waiting help\?/);
    const advice = JSON.parse(read(out, "advice.json"));
    expect(advice.verdict).toBe("wait");
    expect(advice.headline[0]).toBe(r.stdout.split("\n")[0]);
    expect(advice.policies.map((p: { policy: string }) => p.policy)).toEqual(["timer", "sticky", "random"]);
    const csv = read(out, "advice.csv").trim().split("\n");
    expect(csv[0]).toBe("policy,delay_s,mean,ci95_low,ci95_high,replications");
    const rows = advice.policies.reduce((n: number, p: { points: unknown[] }) => n + p.points.length, 0);
    expect(csv).toHaveLength(rows + 1);
    expect(csv[1]).toMatch(/^timer,0,/);
    for (const f of ["charts/advice.vl.json", "charts/advice.svg", "charts/advice.png", "summary.json"]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const html = read(out, "report.html");
    const section = html.indexOf('<section id="advice"');
    expect(section).toBeGreaterThan(0);
    expect(html.slice(section, section + 200)).not.toMatch(/hidden/);
    expect(section).toBeLessThan(html.indexOf("<h2>Results</h2>"));
    expect(html).toContain("Wait at least");
    expect(html).toContain('id="advice-chart"');
  });

  it("--json prints advice.json; a busy round-robin pool gets 'resend at once'", async () => {
    const out = join(dir, "rr");
    const r = await sim(
      "advise",
      join(root, "scenarios", "round-robin-busy.json"),
      "--json",
      "--no-charts",
      "--policies",
      "none",
      "-r",
      "10",
      "--max-replications",
      "10",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    const advice = JSON.parse(r.stdout);
    expect(advice).toEqual(JSON.parse(read(out, "advice.json")));
    expect(advice.verdict).toBe("resend-at-once");
    expect(advice.waitingHelps).toBe(false);
    expect(existsSync(join(out, "report.html"))).toBe(false);
  });

  it("takes --delays and --tolerance", async () => {
    const file = writeScenario(dir, "small.json", smallScenario());
    const r = await sim(
      "advise",
      file,
      "--json",
      "--no-charts",
      "--policies",
      "none",
      "--delays",
      "5m..10m/5m",
      "--tolerance",
      "2pp,20%",
      "--max-replications",
      "3",
      "--out",
      join(dir, "small"),
    );
    expect(r.code).toBe(0);
    const advice = JSON.parse(r.stdout);
    expect(advice.points.map((p: { delay: number }) => p.delay)).toEqual([0, 300, 600]);
    expect(advice.grid.given).toBe(true);
    expect(advice.toleranceRule).toEqual({ absolute: 0.02, relative: 0.2 });
  });

  it("gives the moot verdict (exit 0) when nothing is listed", async () => {
    const file = writeScenario(dir, "clean.json", smallScenario({ name: "clean", listed: [] }));
    const out = join(dir, "clean");
    const r = await sim("advise", file, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Nothing is listed: .*moot/);
    expect(JSON.parse(read(out, "advice.json")).verdict).toBe("nothing-listed");
  });

  it.each([
    [{ resend: { maxAttempts: 1 } }, [], /maxAttempts is 1: senders never resend/],
    [{}, ["--policies", "timer,fastest"], /--policies: unknown policy "fastest"/],
    [{}, ["--tolerance", "lots"], /--tolerance lots: expected/],
    [{}, ["--delays", "10m..5m/1m"], /--delays 10m\.\.5m\/1m: .*end at or after the start/],
    [{}, ["--max-replications", "1"], /--max-replications: expected an integer ≥ 2/],
  ])("exits 2 for %j %j", async (patch, args, message) => {
    const file = writeScenario(dir, "bad.json", smallScenario(patch));
    const out = join(dir, "bad");
    const r = await sim("advise", file, ...args, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

describe("sim advise when nothing is ever resent", () => {
  it("does not run to --max-replications waiting on resendFailure, and says there were no observations", async () => {
    // A blocklist 5xx requeued on another relay never bounces to the user: no resend at all.
    const file = writeScenario(dir, "requeue.json", smallScenario({ mta: { retry: "qmail", onBlocklist: "requeue" } }));
    const out = join(dir, "requeue");
    const r = await sim("advise", file, "--out", out, "--policies", "none", "--no-charts", "--max-replications", "400");
    expect(r.code).toBe(0);
    const advice = JSON.parse(read(out, "advice.json"));
    expect(advice.verdict).toBe("no-bounces");
    // A rotating timer with 2 of its 5 relays listed runs as placement worlds (2 classes: the
    // listed relays adjacent or not), so the rule's first look is at advise's floor of 30 runs of
    // one placement (ADVISE_MIN_REPLICATIONS), 15 replications of 2 worlds, not at
    // --max-replications' 400 runs (200 such replications): nothing to make precise there.
    expect(advice.policies[0].placements).toBe(2);
    expect(advice.replications).toBe(15);
    expect(advice.precision).toMatchObject({ replications: 15, unobserved: ["resendFailure"] });
    expect(r.stdout).toContain("resendFailure: no observations in any replication (nothing was resent)");
    expect(r.stdout).not.toContain("±?");
  });
});
