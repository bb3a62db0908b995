import { describe, expect, it } from "vitest";
import { chao1, clusteredRatio, zipfFit } from "../../src/calibrate/estimate.js";
import { Evidence } from "../../src/calibrate/evidence.js";
import { LineReader } from "../../src/calibrate/formats.js";
import { newLineEvent } from "../../src/calibrate/line-event.js";
import { successorCycle } from "../../src/calibrate/policy.js";

describe("chao1", () => {
  it("is the count seen when nothing was seen once, and skips holes", () => {
    const counts: number[] = [];
    counts[0] = 5;
    counts[3] = 2;
    expect(chao1(counts)).toMatchObject({ estimate: 2, ci95: [2, 2], evidence: 7 });
  });
  it("adds f1²/(2 f2) unseen, with an interval around it above the count seen", () => {
    const c = chao1([1, 1, 1, 1, 2, 2, 5]);
    expect(c.estimate).toBeCloseTo(7 + 16 / 4, 12);
    const [lo, hi] = c.ci95 as [number, number];
    expect(lo).toBeGreaterThan(7);
    expect(hi).toBeGreaterThan(c.estimate as number);
  });
});

describe("zipfFit", () => {
  it("recovers the exponent of exact Zipf frequencies", () => {
    const D = 500;
    for (const s of [0.5, 1, 1.3]) {
      const freq = Array.from({ length: D }, (_, r) => Math.round(1e6 * (r + 1) ** -s));
      const fit = zipfFit(freq);
      expect(Math.abs((fit.estimate as number) - s)).toBeLessThan(0.01);
      const [lo, hi] = fit.ci95 as [number, number];
      expect(lo <= (fit.estimate as number) && (fit.estimate as number) <= hi).toBe(true);
    }
  });
});

describe("clusteredRatio", () => {
  it("is the pooled ratio with an interval inside [0, 1]", () => {
    const r = clusteredRatio([
      { y: 3, m: 3 },
      { y: 0, m: 5 },
      { y: 1, m: 2 },
    ]);
    expect(r.estimate).toBeCloseTo(0.4, 12);
    const [lo, hi] = r.ci95 as [number, number];
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });
});

describe("successorCycle", () => {
  it("follows the most frequent successor through every relay, or gives up", () => {
    const t: [number, number][] = [
      [0, 2],
      [2, 1],
      [1, 3],
      [3, 0],
      [0, 1], // noise, outvoted below
      [0, 2],
    ];
    expect(successorCycle(t, 4)).toEqual([0, 2, 1, 3]);
    expect(
      successorCycle(
        [
          [0, 1],
          [1, 0],
        ],
        3,
      ),
    ).toBeNull();
  });
});

describe("domain counts for the Zipf fit", () => {
  it("leave out the users' resends (the same sender to the same recipient after a bounce)", () => {
    const head = (t: string, prog: string) => `2026-03-02T10:${t}+00:00 relay1 postfix/${prog}[1]:`;
    const bounce =
      "status=bounced (host mx.d1.example[198.51.100.1] said: 554 5.7.1 Client host [192.0.2.10] blocked using bl.spamcop.net)";
    const log = [
      `${head("00:00", "qmgr")} 0000000001: from=<s@c.example>, size=1, nrcpt=1 (queue active)`,
      `${head("00:01", "smtp")} 0000000001: to=<a@d1.example>, relay=mx.d1.example[198.51.100.1]:25, dsn=5.7.1, ${bounce}`,
      `${head("00:01", "qmgr")} 0000000001: removed`,
      `${head("10:00", "qmgr")} 0000000002: from=<s@c.example>, size=1, nrcpt=1 (queue active)`,
      `${head("10:01", "smtp")} 0000000002: to=<a@d1.example>, relay=mx.d1.example[198.51.100.1]:25, dsn=2.0.0, status=sent (250 ok)`,
      `${head("10:01", "qmgr")} 0000000002: removed`,
      `${head("20:00", "qmgr")} 0000000003: from=<s@c.example>, size=1, nrcpt=1 (queue active)`,
      `${head("20:01", "smtp")} 0000000003: to=<b@d2.example>, relay=mx.d2.example[198.51.100.2]:25, dsn=2.0.0, status=sent (250 ok)`,
      `${head("20:01", "qmgr")} 0000000003: removed`,
    ];
    const evidence = new Evidence();
    for (const pass of [1, 2]) {
      const reader = new LineReader("postfix", 2026);
      const event = newLineEvent();
      for (const line of log) {
        reader.read(line, event, "relay1");
        evidence.add(event);
      }
      if (pass === 1) evidence.startPass2();
    }
    const d1 = evidence.domains.get("d1.example") as number;
    const d2 = evidence.domains.get("d2.example") as number;
    expect([evidence.domainPicks[d1], evidence.domainPicks[d2]]).toEqual([2, 1]);
    expect([evidence.domainMessages[d1], evidence.domainMessages[d2]]).toEqual([1, 1]);
  });
});
