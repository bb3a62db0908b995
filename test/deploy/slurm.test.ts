// deploy/slurm/ on a real scheduler: a single-node Slurm cluster (scripts/slurm-test-cluster.sh)
// runs submit.sh's sweep array and merge; the merged files must be byte-identical to a local
// `sim sweep`, and a failed array task must fail the submission (its merge is cancelled, not left
// pending). Without Slurm installed the tests are skipped, except under CI, where they fail.
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLUSTER = join(ROOT, "scripts/slurm-test-cluster.sh");
const SUBMIT = join(ROOT, "deploy/slurm/submit.sh");
const PATH = `${process.env.PATH}:/usr/sbin:/sbin`;
const clusterDir = process.env.SLURM_TEST_DIR ?? "/tmp/relaysim-slurm";
const env = { ...process.env, PATH, SLURM_CONF: join(clusterDir, "slurm.conf") };
const run = promisify(execFile);

const onCi = Boolean(process.env.CI) && !["0", "false"].includes(String(process.env.CI).toLowerCase());
const slurmInstalled = ["slurmctld", "slurmd", "sbatch", "munged"].every(
  (command) => spawnSync("sh", ["-c", `command -v ${command}`], { env: { PATH } }).status === 0,
);
if (!slurmInstalled && !onCi) {
  console.warn(
    "test/deploy/slurm.test.ts skipped: Slurm is not installed (sudo bash scripts/install-deps.sh installs slurm-wlm and munge); under CI this fails instead",
  );
}

/** A small, fast scenario: a few hundred messages a replication. */
const SMALL = {
  name: "small",
  seed: 7,
  replications: 3,
  horizon: "1d",
  pool: { servers: 5, balancer: { policy: "timer", period: "10m" } },
  blacklists: [{ name: "spamcop", subscribers: 0.5 }],
  listed: [{ servers: 2, on: ["spamcop"] }],
  recipients: { domains: 50 },
  traffic: { senders: 10, rate: "30/d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};

/** All files under `dir`, as sorted paths relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

describe.skipIf(!slurmInstalled && !onCi)("deploy/slurm on a single-node Slurm cluster", () => {
  // Made in beforeAll, so that a skipped run leaves nothing behind.
  let dir = "";
  let scenario = "";
  let startedHere = false;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "relaysim-slurm-test-"));
    scenario = join(dir, "small.json");
    writeFileSync(scenario, JSON.stringify(SMALL));
    if (!slurmInstalled) {
      throw new Error("Slurm is not installed: run sudo bash scripts/install-deps.sh (slurm-wlm, munge)");
    }
    if (spawnSync("bash", [CLUSTER, "status"], { env }).status === 0) return; // reuse a running one
    const start = spawnSync("bash", [CLUSTER, "start"], { env, encoding: "utf8" });
    if (start.status !== 0) {
      throw new Error(`scripts/slurm-test-cluster.sh start failed (${start.status}):\n${start.stdout}${start.stderr}`);
    }
    startedHere = true;
  });

  afterAll(() => {
    if (startedHere) spawnSync("bash", [CLUSTER, "stop"], { env });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const vary = ["resend.after=1m,10m", "listed.0.servers=1..3/1"];
  const submit = (results: string, shards: number) =>
    run("bash", [SUBMIT, "--wait", scenario], {
      cwd: ROOT,
      env: {
        ...env,
        SHARDS: String(shards),
        VARY: vary.join(" "),
        REPLICATIONS: "4",
        RESULTS: results,
        CPUS_PER_TASK: "1",
        MEM: "500M",
        TIME: "00:05:00",
      },
    });

  it("an array of 3 shards and the merge give the files of a local sim sweep, byte for byte", async () => {
    const results = join(dir, "results");
    const local = join(dir, "local");
    const localSweep = run(
      process.execPath,
      [join(ROOT, "bin/sim.js"), "sweep", scenario, ...vary.flatMap((v) => ["--vary", v]), "-r", "4", "--out", local],
      { cwd: dir, env },
    );
    const submitted = await submit(results, 3);
    await localSweep;
    expect(submitted.stdout).toMatch(/all 3 sweep tasks and the merge completed/);
    for (let k = 0; k < 3; k++) {
      expect(JSON.parse(readFileSync(join(results, `part-${k}.json`), "utf8")).shard).toEqual({ index: k, count: 3 });
    }
    const merged = join(results, "merged");
    const names = files(merged);
    expect(names).toEqual(files(local));
    expect(names).toEqual(expect.arrayContaining(["sweep.json", "sweep.csv", "run.json"]));
    // run.json records which files were merged (and when), and the output manifest which command
    // wrote the folder, so they differ by design.
    for (const name of names.filter((n) => n !== "run.json" && n !== ".relaysim-output.json")) {
      expect(readFileSync(join(merged, name)), `${relative(dir, merged)}/${name}`).toEqual(
        readFileSync(join(local, name)),
      );
    }
  });

  it("a failed array task fails the submission and the merge is cancelled, not left pending", async () => {
    const results = join(dir, "failing");
    // Shard 1 cannot write its partial file: a directory is in the way.
    mkdirSync(join(results, "part-1.json"), { recursive: true });
    const error = await submit(results, 2).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toMatch(/sweep task 1 ended FAILED, exit code [1-9]\d*:0/);
    expect(error?.stderr).toMatch(/merge ended CANCELLED/);
    expect(error?.stderr).not.toMatch(/sweep task 0 /);
  });
});
