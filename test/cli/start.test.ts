// The `sim` start (sim.ts, and the bundled script bin/sim.js runs): the command's output goes to the io given.
import { describe, expect, it } from "vitest";
import { sim } from "../../src/cli/start.js";
import { VERSION } from "../../src/version.js";

describe("sim", () => {
  it("runs the command on the arguments, writing to the io given, and returns its exit code", async () => {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: (text: string) => {
        stdout += text;
      },
      stderr: (text: string) => {
        stderr += text;
      },
    };
    expect(await sim(["--version"], io)).toBe(0);
    expect(stdout).toBe(`${VERSION}\n`);
    expect(await sim(["no-such-command"], io)).toBe(2);
    expect(stderr).toMatch(/^sim: /);
  });
});
