import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sim, smallScenario, tempDir } from "../helpers/cli.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/maillogs/${name}`, import.meta.url));
const dir = tempDir();

describe("sim calibrate on the fixtures", () => {
  it("--out replaces only a scenario an earlier calibration wrote, never another file (issue 10)", async () => {
    const mine = join(dir, "mine.json");
    writeFileSync(mine, "my own scenario\n");
    const refused = await sim("calibrate", fixture("postfix.log"), "--year", "2026", "--out", mine);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not a file that sim wrote/);
    expect(readFileSync(mine, "utf8")).toBe("my own scenario\n");
    const out = join(dir, "again.json");
    for (let i = 0; i < 2; i++) {
      const r = await sim("calibrate", fixture("postfix.log"), "--year", "2026", "--out", out);
      expect(r.code).toBe(0);
    }
    expect(readFileSync(out, "utf8")).toMatch(/^\{\n {2}"description": "calibrated by sim calibrate /);
  });

  it("reads Postfix, Exim and qmail logs (one gzipped), names relays and lists, writes a valid scenario", async () => {
    const gz = join(dir, "exim.log.1.gz");
    writeFileSync(gz, gzipSync(readFileSync(fixture("exim.log"))));
    const out = join(dir, "pool.json");
    const r = await sim(
      "calibrate",
      fixture("postfix.log"),
      gz,
      fixture("qmail.log"),
      fixture("mixed.log"),
      "--year",
      "2026",
      "--out",
      out,
      "--json",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.source.unparsed.count).toBe(0);
    expect(c.relays.list.map((x: { key: string }) => x.key).sort()).toEqual(
      ["192.0.2.21", "192.0.2.22", "qmail.log", "relay1", "relay2", "relay2/postfix-out2", "relay9"].sort(),
    );
    const names = c.lists.map((l: { name: string }) => l.name).sort();
    expect(names).toEqual(["spamcop", "spamhaus-zen"]);
    const relay2 = c.relays.list.find((x: { key: string }) => x.key === "relay2");
    expect(relay2.address).toBe("192.0.2.12");
    const scenario = JSON.parse(readFileSync(out, "utf8"));
    expect(scenario.calibration.tool.command).toBe("calibrate");
    expect((await sim("validate", out)).code).toBe(0);
  });

  it("prints the same calibration with --thread and --no-thread", async () => {
    const logs = [fixture("postfix.log"), fixture("mixed.log"), fixture("garbled.log")];
    const threaded = await sim("calibrate", ...logs, "--year", "2026", "--json", "--thread");
    const one = await sim("calibrate", ...logs, "--year", "2026", "--json", "--no-thread");
    // Read in one thread all the same, it would say so (test/cli/bundle.test.ts: the bundled CLI's).
    expect(threaded.stderr).toBe("");
    expect(threaded.code).toBe(0);
    expect(one.code).toBe(0);
    expect(threaded.stdout).toBe(one.stdout);
  });

  it("counts garbled lines with samples and still succeeds", async () => {
    const r = await sim("calibrate", fixture("garbled.log"), "--year", "2026");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("6 lines not understood");
    expect(r.stdout).toContain("unparsed");
  });

  it("exits 2 for a missing file, standard input, a bad name, or a corrupt gzip", async () => {
    expect((await sim("calibrate", join(dir, "nope.log"))).code).toBe(2);
    expect((await sim("calibrate", "-")).code).toBe(2);
    expect((await sim("calibrate", fixture("postfix.log"), "--name", "Bad Name")).code).toBe(2);
    const bad = join(dir, "bad.gz");
    writeFileSync(
      bad,
      Buffer.concat([gzipSync(Buffer.from("x".repeat(1000))).subarray(0, 20), Buffer.from("garbage")]),
    );
    const r = await sim("calibrate", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.gz");
  });
});

describe("from a simulated pool's log to advice and an explained bounce", () => {
  it("sim run --maillog → sim calibrate → sim advise and sim explain on the calibrated pool", async () => {
    const scenario = join(dir, "pool.json");
    writeFileSync(
      scenario,
      JSON.stringify(
        smallScenario({
          name: "pool",
          replications: 1,
          pool: { servers: 5, balancer: { policy: "sticky" } },
          traffic: { senders: 15, rate: "60/d" },
        }),
      ),
    );
    const run = await sim("run", scenario, "--maillog", "exim", "--no-charts", "--out", join(dir, "run"));
    expect(run.code).toBe(0);
    const calibrated = join(dir, "calibrated.json");
    const cal = await sim("calibrate", join(dir, "run", "maillog", "replication-0.log"), "--out", calibrated, "--json");
    expect(cal.code).toBe(0);
    const c = JSON.parse(cal.stdout);
    expect(c.policy.policy).toBe("sticky");
    const listedKey = c.lists[0].windows[0].relayKey;
    const advise = await sim(
      "advise",
      calibrated,
      "--policies",
      "none",
      "--no-charts",
      "--json",
      "--out",
      join(dir, "adv"),
    );
    expect(advise.code).toBe(0);
    expect(JSON.parse(advise.stdout).verdict).toBe("waiting-does-not-help");
    const bounce = join(dir, "bounce.txt");
    writeFileSync(bounce, `550 5.7.1 Service unavailable; Client host [${listedKey}] blocked using bl.spamcop.net\n`);
    const explain = await sim("explain", bounce, "--scenario", calibrated, "--json");
    expect(explain.code).toBe(0);
    const e = JSON.parse(explain.stdout);
    expect(e.recipients[0].action).toBe("ask-provider");
    expect(e.recipients[0].sentences.join(" ")).toContain(`${listedKey} is relay`);
  });
});
