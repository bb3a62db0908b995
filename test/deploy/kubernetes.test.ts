// deploy/kubernetes/ kept in step with deploy/slurm/: the same sweep settings, SHARDS equal to the
// Indexed Job's completions and to the merge's, and the pods' shell commands, run here with the
// container's paths mapped to a temporary folder, give the files of a local `sim sweep`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { smallScenario } from "../helpers/cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const sweepJob = read("deploy/kubernetes/sweep-job.yaml");
const mergeJob = read("deploy/kubernetes/merge-job.yaml");
const sweepSbatch = read("deploy/slurm/sweep.sbatch");
/** Files that say which command wrote the folder and when, so a merge and a sweep differ there by design. */
const BY_COMMAND = new Set(["run.json", ".relaysim-output.json"]);

/** The value of env variable `name` in a manifest (`- name: X` then `value: "…"`). */
function envValue(manifest: string, name: string): string {
  const match = new RegExp(`- name: ${name}\\b[^\\n]*\\n\\s+value: "([^"]*)"`).exec(manifest);
  if (!match) throw new Error(`no env ${name} with a value in the manifest`);
  return match[1];
}

/** The container's shell script: the literal block `- |` under `args:`. */
function argsScript(manifest: string): string {
  const lines = manifest.split("\n");
  const start = lines.findIndex((line) => /^\s+- \|$/.test(line));
  if (start < 0) throw new Error("no `args: - |` block in the manifest");
  const body: string[] = [];
  let indent = -1;
  for (const line of lines.slice(start + 1)) {
    const spaces = line.length - line.trimStart().length;
    if (line.trim() !== "" && indent < 0) indent = spaces;
    if (line.trim() !== "" && spaces < indent) break;
    body.push(line.slice(indent));
  }
  return body.join("\n");
}

/** The default of `NAME=${NAME:-default}` in sweep.sbatch. */
function sbatchDefault(name: string): string {
  const match = new RegExp(`^${name}=\\$\\{${name}:-([^}]*)\\}$`, "m").exec(sweepSbatch);
  if (!match) throw new Error(`sweep.sbatch sets no default for ${name}`);
  return match[1];
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

describe("deploy/kubernetes", () => {
  it("uses the Slurm array's settings, and one shard count everywhere", () => {
    const completions = /^\s+completions: (\d+)$/m.exec(sweepJob)?.[1];
    expect(envValue(sweepJob, "SHARDS")).toBe(completions);
    expect(/^\s+parallelism: (\d+)$/m.exec(sweepJob)?.[1]).toBe(completions);
    expect(envValue(mergeJob, "SHARDS")).toBe(completions);
    expect(envValue(sweepJob, "SHARDS")).toBe(sbatchDefault("SHARDS"));
    expect(envValue(sweepJob, "VARY")).toBe(sbatchDefault("VARY"));
    expect(envValue(sweepJob, "REPLICATIONS")).toBe(sbatchDefault("REPLICATIONS"));
    expect(/^#SBATCH --array=0-(\d+)$/m.exec(sweepSbatch)?.[1]).toBe(String(Number(sbatchDefault("SHARDS")) - 1));
  });

  describe("the pods' commands, run here", () => {
    const dir = mkdtempSync(join(tmpdir(), "relaysim-k8s-test-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, "results"));
    const scenario = join(dir, "scenario.json");
    writeFileSync(scenario, JSON.stringify(smallScenario()));
    /** The manifest's script with the image's and volumes' paths mapped into `dir`. */
    const local = (script: string) =>
      script
        .replaceAll("node /app/bin/sim.js", `"${process.execPath}" "${join(ROOT, "bin/sim.js")}"`)
        .replaceAll("/scenario/scenario.json", scenario)
        .replaceAll("/results", join(dir, "results"));
    const settings = { VARY: "resend.after=1m,10m listed.0.servers=1..2/1", REPLICATIONS: "3", SHARDS: "2" };

    it("shards and merge give the files of a local sim sweep, byte for byte", () => {
      for (let k = 0; k < 2; k++) {
        const pod = spawnSync("sh", ["-c", local(argsScript(sweepJob))], {
          env: { ...process.env, ...settings, WORKERS: "1", JOB_COMPLETION_INDEX: String(k) },
          encoding: "utf8",
        });
        expect(pod.stderr).toBe("");
        expect(pod.status).toBe(0);
      }
      const merge = spawnSync("sh", ["-c", local(argsScript(mergeJob))], {
        env: { ...process.env, SHARDS: settings.SHARDS, WORKERS: "2" },
        encoding: "utf8",
      });
      expect(merge.stderr).toBe("");
      expect(merge.status).toBe(0);
      const single = spawnSync(
        process.execPath,
        [join(ROOT, "bin/sim.js"), "sweep", scenario, "--vary", "resend.after=1m,10m", "--vary"].concat([
          "listed.0.servers=1..2/1",
          "-r",
          "3",
          "--workers",
          "1",
          "--out",
          join(dir, "single"),
        ]),
        { encoding: "utf8" },
      );
      expect(single.status).toBe(0);
      const merged = join(dir, "results", "merged");
      expect(files(merged)).toEqual(files(join(dir, "single")));
      // run.json (times, merged files) and the output manifest (which command wrote it) differ by design.
      for (const name of files(merged).filter((n) => !BY_COMMAND.has(n))) {
        expect(readFileSync(join(merged, name)), name).toEqual(readFileSync(join(dir, "single", name)));
      }
    });
  });
});
