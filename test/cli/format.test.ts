// The terminal summary says when its intervals are conditional on a single replication (DESIGN §3),
// and tables never pass a control character (an escape sequence) from their cells to the terminal.
import { describe, expect, it } from "vitest";
import { summaryTable, table, terminalText } from "../../src/cli/format.js";
import { runScenario } from "../../src/experiment/run.js";
import { smallRun, storyScenario } from "../report/fixtures.js";

describe("summaryTable", () => {
  it("says the intervals are conditional with one replication, and only then", () => {
    const one = runScenario(storyScenario({ horizon: "1d", replications: 1 })).summary;
    expect(summaryTable(one)).toMatch(/One replication: the intervals are conditional/);
    expect(summaryTable(smallRun().summary)).not.toMatch(/conditional/);
  });
});

describe("table", () => {
  it("shows control characters in cells and headers as U+FFFD, so a crafted value cannot drive the terminal", () => {
    const osc = "a\u001b]0;TITLE\u0007b";
    const text = table(["path", osc], [["description", `x\u009b2Jy`]]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters.
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain("a\uFFFD]0;TITLE\uFFFDb");
    expect(terminalText("plain text, 5 %")).toBe("plain text, 5 %");
  });
});
