// produceOutput: the one place run, sweep, merge, advise and compare assemble their folder —
// staged before the work, data files → charts → run.json → commit, nothing left on failure.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveRunSize } from "../../src/cli/experiment-options.js";
import { UsageError } from "../../src/cli/io.js";
import { ChartsFailed, MANIFEST } from "../../src/cli/output-folder.js";
import { produceOutput } from "../../src/cli/outputs.js";
import { tempDir } from "../helpers/cli.js";

const dir = tempDir("relaysim-outputs-");
const options = { command: "run", force: false, notify: () => {} };
const hidden = () => readdirSync(dir).filter((f) => f.startsWith("."));

describe("produceOutput", () => {
  it("writes files, then charts, then run.json, commits, then lets the command print", async () => {
    const target = join(dir, "ok");
    const order: string[] = [];
    await produceOutput(target, options, async (out) => {
      // Staged, not yet in place, while the command works.
      expect(existsSync(target)).toBe(false);
      expect(out.target).toBe(target);
      return {
        files: (o) => {
          order.push("files");
          o.write("data.json", "{}\n");
        },
        charts: async (o) => {
          order.push("charts");
          o.write("charts/a.svg", "<svg/>");
        },
        run: () => {
          order.push("run");
          return "{}\n";
        },
        done: () => order.push(`done:${existsSync(join(target, "data.json"))}`),
      };
    });
    expect(order).toEqual(["files", "charts", "run", "done:true"]);
    const manifest = JSON.parse(readFileSync(join(target, MANIFEST), "utf8"));
    expect(manifest.files).toEqual(["charts/a.svg", "data.json", "run.json"]);
    expect(hidden()).toEqual([]);
  });

  it("leaves the previous folder as it was when the work fails, and hands the error to the command", async () => {
    const target = join(dir, "kept");
    await produceOutput(target, options, async () => ({ files: (o) => o.write("old.txt", "old") }));
    const cleaned: string[] = [];
    const failure = produceOutput(
      target,
      options,
      async () => {
        throw new RangeError("simulation failed");
      },
      (error) => {
        cleaned.push("progress bar closed");
        return new UsageError(`translated: ${(error as Error).message}`);
      },
    );
    await expect(failure).rejects.toThrow(new UsageError("translated: simulation failed"));
    expect(cleaned).toEqual(["progress bar closed"]);
    expect(readFileSync(join(target, "old.txt"), "utf8")).toBe("old");
    expect(hidden()).toEqual([]);
  });

  it("keeps the data files when the charts fail, prints, then reports the charts", async () => {
    const target = join(dir, "charts-fail");
    let printed = false;
    const failure = produceOutput(target, options, async () => ({
      files: (o) => o.write("summary.json", "{}\n"),
      charts: async (o) => {
        o.write("charts/half.svg", "<svg");
        throw new Error("renderer broke\nstack");
      },
      done: () => {
        printed = true;
      },
    }));
    await expect(failure).rejects.toBeInstanceOf(ChartsFailed);
    await expect(failure).rejects.toThrow(/renderer broke\)/);
    expect(printed).toBe(true);
    expect(readdirSync(target).sort()).toEqual([MANIFEST, "summary.json"]);
  });

  it("refuses a target that is not an output folder before any work", async () => {
    const target = join(dir, "foreign");
    mkdirSync(target);
    writeFileSync(join(target, "mine.txt"), "mine");
    let worked = false;
    await expect(
      produceOutput(target, options, async () => {
        worked = true;
        return { files: () => {} };
      }),
    ).rejects.toThrow();
    expect(worked).toBe(false);
  });
});

describe("resolveRunSize", () => {
  it("takes --seed and -r over the scenario's, once, at the edge", () => {
    expect(resolveRunSize({}, { seed: 3, replications: 7 })).toEqual({ seed: 3, replications: 7 });
    expect(resolveRunSize({ seed: 9, replications: 2 }, { seed: 3, replications: 7 })).toEqual({
      seed: 9,
      replications: 2,
    });
  });

  it("refuses a fractional seed or a non-positive count, naming the flag", () => {
    expect(() => resolveRunSize({ seed: 1.5 }, { seed: 3, replications: 7 })).toThrow(/--seed: expected an integer/);
    expect(() => resolveRunSize({ replications: 0 }, { seed: 3, replications: 7 })).toThrow(
      /--replications: expected a positive integer/,
    );
  });
});
