// "Where the mail failed": attempts and rejections per relay, listed relays in the listed colour.
import { describe, expect, it } from "vitest";
import { LISTED, NEVER_LISTED, serversChart } from "../../../src/report/charts/servers.js";
import { COLOURS } from "../../../src/report/charts/theme.js";
import { smallRun } from "../fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: specs are plain JSON here
type Any = any;

describe("serversChart", () => {
  const { summary } = smallRun();
  const spec = serversChart(summary) as Any;

  it("has one row per relay, marked listed iff its listedFraction > 0", () => {
    expect(spec.data.values).toHaveLength(summary.servers.length);
    spec.data.values.forEach((row: Any, i: number) => {
      expect(row.status).toBe(summary.servers[i].listedFraction > 0 ? LISTED : NEVER_LISTED);
    });
  });

  it("draws attempts, rejections and time listed as bars coloured by listing status", () => {
    const [attempts, rejections, listed] = spec.vconcat;
    expect(attempts.mark.type).toBe("bar");
    expect(attempts.encoding.y.field).toBe("attempts");
    expect(rejections.encoding.y.field).toBe("rejections");
    expect(rejections.encoding.color.scale).toEqual({
      domain: [LISTED, NEVER_LISTED],
      range: [COLOURS.listed, COLOURS.clean],
    });
    expect(listed.encoding.y.field).toBe("listedFraction");
    expect(listed.encoding.y.axis.format).toBe(".0%");
    expect(listed.encoding.x.title).toBe("relay server");
    expect(spec.data.values.map((r: { listedFraction: number }) => r.listedFraction)).toEqual(
      summary.servers.map((s) => s.listedFraction),
    );
  });

  it("explains random placement when relays were redrawn per replication", () => {
    expect(spec.title.subtitle.join(" ")).toMatch(/drawn anew/);
  });
});
