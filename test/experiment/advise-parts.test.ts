// advise runs its parts (own curve, health check, each table policy) side by side on a pool that
// takes several calls at once, and one after another on one that does not (the page's pool,
// web/pool.ts): the same advice either way, and the one-at-a-time pool is never asked twice.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/experiment/advise.js";
import { ReplicationPool } from "../../src/experiment/pool.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

/** A pool like the page's: one run call at a time, refusing a second. */
class OneAtATime {
  readonly size = 1;
  private readonly inner = new ReplicationPool(1);
  private busy = false;
  calls = 0;
  async run(...args: Parameters<ReplicationPool["run"]>): Promise<ReplicationResult[]> {
    if (this.busy) throw new Error("already running tasks");
    this.busy = true;
    this.calls++;
    try {
      return await this.inner.run(args[0], args[1], args[2]);
    } finally {
      this.busy = false;
    }
  }
  close() {
    return this.inner.close();
  }
}

describe("advise's parts", () => {
  it("give the same advice side by side and one after another", async () => {
    const scenario = parseScenario(smallScenario({ replications: 4 }));
    const options = {
      policies: ["random", "round-robin", "sticky"] as const,
      precision: { targets: { resendFailure: 0.05 }, maxReplications: 12 },
    };
    const together = await advise(scenario, { ...options, workers: 1 });
    const serial = new OneAtATime();
    try {
      const apart = await advise(scenario, { ...options, pool: serial as unknown as ReplicationPool });
      expect(serial.calls).toBeGreaterThan(4);
      expect(JSON.stringify(apart.advice)).toBe(JSON.stringify(together.advice));
      expect(JSON.stringify(apart.own?.summary)).toBe(JSON.stringify(together.own?.summary));
    } finally {
      await serial.close();
    }
  });
});
