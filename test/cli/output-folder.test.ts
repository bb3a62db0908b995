// What --out may replace (cli/output-folder.ts): only a folder sim wrote, never `/`, the home
// folder, the working folder or an ancestor, nothing unmarked, no file, no link; the swap, the
// lock, recovery after a killed run, each command's default folder, chart failures that keep
// the data, and one-line I/O errors. Each `repro` here lost data or crashed before.
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkTarget,
  compareVersions,
  defaultFolder,
  forbiddenTarget,
  MANIFEST,
  OutputFolder,
  parseManifest,
} from "../../src/cli/output-folder.js";
import { VERSION } from "../../src/version.js";
import { sim, smallScenario, tempDir, writeScenario } from "../helpers/cli.js";

const root = join(import.meta.dirname, "..", "..");
const bin = join(root, "bin", "sim.js");
const dir = tempDir("relaysim-out-");
const scenario = writeScenario(dir, "small.json", smallScenario({ replications: 2 }));
let counter = 0;
const fresh = (name = "case") => {
  const folder = join(dir, `${name}-${counter++}`);
  mkdirSync(folder);
  return folder;
};

/** The CLI as a child process (its own working folder and HOME). */
function spawnSim(args: string[], options: { cwd: string; home?: string }) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, HOME: options.home ?? process.env.HOME, CI: "1" },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under a folder, relative, sorted. */
function tree(folder: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(folder, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...tree(folder, path));
    else out.push(path);
  }
  return out.sort();
}

const manifest = (files: string[], version = VERSION) =>
  JSON.stringify({ tool: "relaysim", version, command: "run", files });

/** No staging, aside or lock entries beside a target. */
const debris = (parent: string) => readdirSync(parent).filter((f) => /\.(partial|old)-\d+$|\.lock$/.test(f));

describe("forbiddenTarget", () => {
  const where = { cwd: "/home/ann/work/repo", home: "/home/ann" };
  it.each([
    ["/", "root"],
    ["/home/ann", "home"],
    ["/home/ann/", "home"],
    ["~", null],
    [".", "working"],
    ["/home/ann/work/repo", "working"],
    ["..", "contains the working"],
    ["/home", "contains the working"],
    ["../..", "home"],
    ["/home/ann/work", "contains the working"],
  ])("%s", (target, why) => {
    const result = forbiddenTarget(target, where);
    if (why === null) expect(result).toBeNull();
    else expect(result).toMatch(new RegExp(why));
  });

  it("allows folders beside or below the working folder", () => {
    expect(forbiddenTarget("output/x", where)).toBeNull();
    expect(forbiddenTarget("../other", where)).toBeNull();
    expect(forbiddenTarget("/tmp/x", where)).toBeNull();
    // A name that merely starts like the working folder is not an ancestor.
    expect(forbiddenTarget("/home/ann/work/repo2", where)).toBeNull();
  });

  it("sees through a link to the home folder", () => {
    const home = fresh("home");
    const link = join(dir, `link-${counter++}`);
    symlinkSync(home, link);
    expect(forbiddenTarget(link, { cwd: dir, home })).toMatch(/home/);
  });
});

describe("manifests", () => {
  it("accepts only sim's", () => {
    expect(parseManifest(manifest(["a"]))).not.toBeNull();
    expect(parseManifest('{"tool":"other","version":"1","command":"run","files":[]}')).toBeNull();
    expect(parseManifest('{"tool":"relaysim","version":"1","command":"run","files":[1]}')).toBeNull();
    expect(parseManifest("{")).toBeNull();
    // A listed path leading out of the folder (sim report links listed files into the new one).
    for (const bad of ["../../etc/passwd", "/etc/passwd", "a//b", "./a", "a\\b", ""]) {
      expect(parseManifest(manifest([bad])), bad).toBeNull();
    }
  });

  it("orders versions numerically", () => {
    expect(compareVersions("0.1.0", "0.10.0")).toBe(-1);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(compareVersions("2.0.0", "1.9.9")).toBe(1);
    expect(compareVersions("x", "1")).toBeNull();
  });
});

describe("sim run --out refuses what sim did not write (exit 2, nothing touched, before any work)", () => {
  it("repro: a folder holding other files (mkdir -p x/keep && sim run --out x)", async () => {
    const x = fresh();
    mkdirSync(join(x, "keep"));
    writeFileSync(join(x, "keep", "notes.txt"), "mine");
    const r = await sim("run", scenario, "--out", x);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did not write/);
    expect(r.stderr).toMatch(/Choose another --out/);
    expect(readFileSync(join(x, "keep", "notes.txt"), "utf8")).toBe("mine");
    expect(debris(dir)).toEqual([]);
  });

  it("repro: a file (--out FILE)", async () => {
    const file = join(fresh(), "precious.txt");
    writeFileSync(file, "precious");
    const r = await sim("run", scenario, "--out", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a file/);
    expect(readFileSync(file, "utf8")).toBe("precious");
  });

  it("repro: a folder of scenarios (--out scenarios)", async () => {
    const folder = fresh("scenarios");
    writeScenario(folder, "a.json", smallScenario());
    const r = await sim("run", scenario, "--out", folder);
    expect(r.code).toBe(2);
    expect(readdirSync(folder)).toEqual(["a.json"]);
  });

  it("a marked folder into which the user put a file of their own", async () => {
    const out = join(fresh(), "out");
    expect((await sim("run", scenario, "--out", out, "--no-charts")).code).toBe(0);
    writeFileSync(join(out, "my-notes.md"), "keep me");
    const r = await sim("run", scenario, "--out", out, "--no-charts");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/my-notes\.md/);
    expect(readFileSync(join(out, "my-notes.md"), "utf8")).toBe("keep me");
  });

  it("a symbolic link, even to an output folder", async () => {
    const parent = fresh();
    const out = join(parent, "real");
    expect((await sim("run", scenario, "--out", out, "--no-charts")).code).toBe(0);
    symlinkSync(out, join(parent, "link"));
    const r = await sim("run", scenario, "--out", join(parent, "link"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/symbolic link/);
  });

  it("refuses before simulating: a run that would take hours is refused at once", async () => {
    const x = fresh();
    writeFileSync(join(x, "keep"), "");
    const huge = writeScenario(dir, "huge.json", smallScenario({ replications: 1_000_000, horizon: "365d" }));
    const r = await sim("run", huge, "--out", x, "--workers", "1");
    expect(r.code).toBe(2);
  });

  it("repro: --out . , the working folder's parent and HOME (a child process with a fake HOME)", () => {
    const home = fresh("home");
    const cwd = join(home, "repo");
    mkdirSync(join(cwd, "src"), { recursive: true });
    writeFileSync(join(cwd, "src", "main.ts"), "code");
    writeFileSync(join(home, ".bashrc"), "rc");
    // Even a manifest listing everything does not make these replaceable.
    writeFileSync(join(cwd, MANIFEST), manifest(["src/main.ts"]));
    // The other cases are forbiddenTarget's above; each child process costs a second.
    for (const [out, why] of [
      [".", "working folder"],
      ["..", "home folder"],
      ["/", "root folder"],
    ]) {
      const r = spawnSim(["run", scenario, "--out", out, "--no-charts"], { cwd, home });
      expect(r.code, out).toBe(2);
      expect(r.stderr, out).toMatch(new RegExp(why));
      expect(r.stderr, out).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(join(cwd, "src", "main.ts"), "utf8")).toBe("code");
    expect(readFileSync(join(home, ".bashrc"), "utf8")).toBe("rc");
  });
});

describe("replacing sim's own folders", () => {
  it("replaces a folder of this version, leaving only the new files", async () => {
    const out = join(fresh(), "out");
    expect((await sim("run", scenario, "--out", out, "--attempts", "--no-charts")).code).toBe(0);
    expect(existsSync(join(out, "attempts.csv"))).toBe(true);
    const r = await sim("run", scenario, "--out", out, "--no-charts");
    expect(r.code).toBe(0);
    expect(existsSync(join(out, "attempts.csv"))).toBe(false);
    const written = JSON.parse(readFileSync(join(out, MANIFEST), "utf8"));
    expect(written).toMatchObject({ tool: "relaysim", version: VERSION, command: "run" });
    expect([...written.files, MANIFEST].sort()).toEqual(tree(out));
    expect(debris(join(out, ".."))).toEqual([]);
  });

  it("needs --force for an older version's folder and never replaces a newer one's", async () => {
    const parent = fresh();
    const old = join(parent, "old");
    mkdirSync(old);
    writeFileSync(join(old, "summary.json"), "{}");
    writeFileSync(join(old, MANIFEST), manifest(["summary.json"], "0.0.1"));
    const refused = await sim("run", scenario, "--out", old, "--no-charts");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/relaysim 0\.0\.1.*--force/s);
    expect(readFileSync(join(old, "summary.json"), "utf8")).toBe("{}");
    expect((await sim("run", scenario, "--out", old, "--no-charts", "--force")).code).toBe(0);
    expect(JSON.parse(readFileSync(join(old, "summary.json"), "utf8")).scenario.name).toBe("small");

    const newer = join(parent, "newer");
    mkdirSync(newer);
    writeFileSync(join(newer, MANIFEST), manifest([], "999.0.0"));
    const r = await sim("run", scenario, "--out", newer, "--no-charts", "--force");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/999\.0\.0/);
  });

  it("--force does not open unmarked folders", async () => {
    const x = fresh();
    writeFileSync(join(x, "keep"), "k");
    expect((await sim("run", scenario, "--out", x, "--force")).code).toBe(2);
    expect(readFileSync(join(x, "keep"), "utf8")).toBe("k");
  });
});

describe("the lock and recovery after a killed run", () => {
  it("refuses a target that a live run holds, and takes over a dead run's lock", async () => {
    const parent = fresh();
    const out = join(parent, "out");
    const lock = join(parent, ".out.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname() }));
    const busy = await sim("run", scenario, "--out", out, "--no-charts");
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(new RegExp(`being written by sim \\(pid ${process.pid}\\)`));
    expect(existsSync(out)).toBe(false);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname() }));
    const r = await sim("run", scenario, "--out", out, "--no-charts");
    expect(r.code).toBe(0);
    expect(debris(parent)).toEqual([]);
  });

  it("two runs into one folder at once: one writes it, the other is refused or follows; never ENOTEMPTY", async () => {
    const parent = fresh();
    const out = join(parent, "out");
    const runs = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ code: number | null; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, [bin, "run", scenario, "--out", out, "--no-charts"], {
              env: { ...process.env, CI: "1" },
            });
            let stderr = "";
            child.stderr.on("data", (d) => {
              stderr += d;
            });
            child.on("close", (code) => resolve({ code, stderr }));
          }),
      ),
    );
    for (const r of runs) {
      expect([0, 2]).toContain(r.code);
      expect(r.stderr).not.toMatch(/ENOTEMPTY|\n\s+at /);
    }
    expect(existsSync(join(out, "summary.json"))).toBe(true);
    expect(debris(parent)).toEqual([]);
  });

  it("restores the previous output that a killed run had moved aside, and removes its staging folder", async () => {
    const parent = fresh();
    const out = join(parent, "out");
    expect((await sim("run", scenario, "--out", out, "--no-charts")).code).toBe(0);
    const before = readFileSync(join(out, "summary.json"), "utf8");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    // As if killed between "old aside" and "new in": the target is missing.
    const aside = join(parent, `.out.old-${dead}`);
    const staging = join(parent, `.out.partial-${dead}`);
    const foreign = join(parent, `.out.partial-${dead + 1}`);
    renameSync(out, aside);
    mkdirSync(staging);
    writeFileSync(join(staging, MANIFEST), JSON.stringify({ ...JSON.parse(manifest([])), state: "staging" }));
    mkdirSync(foreign);
    const r = await sim("run", scenario, "--out", out, "--no-charts");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/restored/);
    expect(readFileSync(join(out, "summary.json"), "utf8")).toBe(before);
    expect(existsSync(aside)).toBe(false);
    expect(existsSync(staging)).toBe(false);
    // Not marked by sim: left alone.
    expect(existsSync(foreign)).toBe(true);
  });
});

describe("each command's own default folder", () => {
  it("repro: sim sweep no longer replaces sim run's output/NAME", () => {
    const cwd = fresh("cwd");
    const file = writeScenario(cwd, "s.json", smallScenario({ replications: 2 }));
    expect(spawnSim(["run", file, "--no-charts"], { cwd }).code).toBe(0);
    const s = spawnSim(["sweep", file, "--vary", "resend.after=0m,5m", "--no-charts"], { cwd });
    expect(s.code, s.stderr).toBe(0);
    expect(existsSync(join(cwd, "output", "small", "summary.json"))).toBe(true);
    expect(existsSync(join(cwd, "output", "small-sweep", "sweep.json"))).toBe(true);
  });

  it("names them output/NAME, NAME-sweep and NAME-advice, and refuses names that leave output/", () => {
    expect(defaultFolder("run", "a")).toBe(join("output", "a"));
    expect(defaultFolder("sweep", "a")).toBe(join("output", "a-sweep"));
    expect(defaultFolder("advise", "a")).toBe(join("output", "a-advice"));
    expect(() => defaultFolder("run", "../../h/victim")).toThrow(/give --out/);
    expect(() => defaultFolder("run", "..")).toThrow(/give --out/);
  });
});

describe("sim merge and names from files", () => {
  it("repro: a partial whose scenario.name is ../../h/victim writes nothing outside output/", async () => {
    const cwd = fresh("cwd");
    const victim = join(cwd, "..", "h", "victim");
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, "data"), "mine");
    const part = join(cwd, "p.json");
    expect((await sim("run", scenario, "--shard", "0/1", "--out", part, "-w", "1")).code).toBe(0);
    const partial = JSON.parse(readFileSync(part, "utf8"));
    partial.scenario.name = "../../h/victim";
    writeFileSync(part, JSON.stringify(partial));
    const r = spawnSim(["merge", part, "--no-charts"], { cwd });
    expect(r.code).toBe(2);
    expect(readFileSync(join(victim, "data"), "utf8")).toBe("mine");
    expect(readdirSync(victim)).toEqual(["data"]);
  });

  it("--shard --out replaces an earlier partial file but nothing else", async () => {
    const parent = fresh();
    const part = join(parent, "part.json");
    expect((await sim("run", scenario, "--shard", "0/2", "--out", part, "-w", "1")).code).toBe(0);
    expect((await sim("run", scenario, "--shard", "0/2", "--out", part, "-w", "1", "--seed", "3")).code).toBe(0);
    expect(JSON.parse(readFileSync(part, "utf8")).seed).toBe(3);
    const notes = join(parent, "notes.json");
    writeFileSync(notes, '{"mine": true}');
    const r = await sim("run", scenario, "--shard", "0/2", "--out", notes, "-w", "1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a file that sim wrote/);
    expect(readFileSync(notes, "utf8")).toBe('{"mine": true}');
    expect(readdirSync(parent).sort()).toEqual(["notes.json", "part.json"]);
  });
});

describe("I/O failures: one line naming the path and the cause, exit 1, checked before simulating", () => {
  it.skipIf(process.getuid?.() === 0)(
    "an unwritable parent folder (chmod; root ignores it, see output-faults)",
    async () => {
      const parent = fresh();
      const { chmodSync } = await import("node:fs");
      chmodSync(parent, 0o555);
      try {
        const r = await sim("run", scenario, "--out", join(parent, "out"));
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/permission denied \(EACCES\)/);
        expect(r.stderr.trim().split("\n")).toHaveLength(1);
      } finally {
        chmodSync(parent, 0o755);
      }
    },
  );

  it("a target under a file (ENOTDIR), as root too", async () => {
    const file = join(fresh(), "file");
    writeFileSync(file, "x");
    const r = await sim("run", scenario, "--out", join(file, "out"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sim: cannot .*file.*(ENOTDIR|EEXIST)\)\n$/);
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  it("repro: a name too long for the file system", async () => {
    const long = join(fresh(), "x".repeat(300));
    const r = await sim("run", scenario, "--out", long);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/file name too long/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("repro: a 250-character scenario name passes validate and now runs (staging names stay short)", async () => {
    const cwd = fresh("cwd");
    const name = `n${"x".repeat(249)}`;
    const file = writeScenario(cwd, "long.json", smallScenario({ name, replications: 1 }));
    expect((await sim("validate", file)).code).toBe(0);
    const r = spawnSim(["run", file, "--no-charts"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, "output", name, "summary.json"))).toBe(true);
    expect(readdirSync(join(cwd, "output"))).toEqual([name]);
  });

  it("checkTarget needs nothing to exist", () => {
    expect(checkTarget(join(dir, "nope", "deeper"), { command: "run" })).toBeNull();
  });
});

describe("OutputFolder", () => {
  it("stages beside the target and leaves nothing when abandoned", () => {
    const parent = fresh();
    const out = OutputFolder.open(join(parent, "t"), { command: "test" });
    out.write("a/b.txt", "b");
    expect(statSync(out.staging).isDirectory()).toBe(true);
    out.abandon();
    expect(readdirSync(parent)).toEqual([]);
  });
});
