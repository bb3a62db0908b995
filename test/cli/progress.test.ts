// The progress bar: silent off a terminal and under CI, quiet for the first second, then
// replications done, rate and ETA, redrawn at most ten times a second.
import { describe, expect, it } from "vitest";
import { progressBarIn, progressLine, SILENT } from "../../src/cli/progress.js";

function terminal(isTTY = true) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns: 120, write: (s: string) => written.push(s) > 0 } };
}

describe("progressLine", () => {
  it("shows done/total, rate and ETA", () => {
    expect(progressLine("x", 10, 40, 2)).toBe("x [######..................] 10/40  5.0/s  ETA 6 s");
    expect(progressLine("x", 0, 40, 2)).toMatch(/ETA \?$/);
    expect(progressLine("x", 10, 1000, 10)).toMatch(/ETA 16.5 min$/);
  });

  it("counts the replications in flight by their simulated share, and shows simulated time", () => {
    // One year-long replication, a quarter simulated after 10 s: 30 s to go.
    expect(progressLine("x", 0, 1, 10, 0.25, 365 * 86400)).toBe(
      "x [######..................] 0/1  0.0/s  sim 91.3 d of 365 d  ETA 30 s",
    );
    expect(progressLine("x", 0, 1, 10, 0.25)).toMatch(/ETA 30 s$/);
  });
});

describe("progressBarIn", () => {
  it("is silent when piped or under CI", () => {
    expect(progressBarIn("x", { stream: terminal(false).stream, env: {}, now: () => 0 })).toBe(SILENT);
    expect(progressBarIn("x", { stream: terminal().stream, env: { CI: "true" }, now: () => 0 })).toBe(SILENT);
    expect(progressBarIn("x", { stream: terminal().stream, env: { CI: "false" }, now: () => 0 })).not.toBe(SILENT);
  });

  it("waits a second, throttles redraws, and ends the line", () => {
    const t = terminal();
    let now = 0;
    const bar = progressBarIn("run", { stream: t.stream, env: {}, now: () => now });
    now = 500;
    bar.update(1, 10);
    expect(t.written).toEqual([]);
    now = 1000;
    bar.update(2, 10);
    now = 1050;
    bar.update(3, 10);
    expect(t.written).toHaveLength(1);
    expect(t.written[0]).toMatch(/^\rrun \[.*\] 2\/10 /);
    now = 1060;
    bar.update(10, 12);
    expect(t.written).toHaveLength(1);
    // The last update always draws, however soon.
    bar.update(12, 12);
    expect(t.written[1]).toMatch(/12\/12/);
    bar.finish();
    expect(t.written.at(-1)).toBe("\n");
  });

  it("writes nothing for runs under a second", () => {
    const t = terminal();
    let now = 0;
    const bar = progressBarIn("run", { stream: t.stream, env: {}, now: () => now });
    now = 300;
    bar.update(5, 5);
    bar.finish();
    expect(t.written).toEqual([]);
  });
});
