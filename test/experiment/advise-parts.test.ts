// advise runs its parts (own curve, health check, each table policy, and the waits a policy runs
// apart) side by side on a pool that takes several calls at once, and one after another on one
// that serves its calls in turn (the page's pool, web/pool.ts): the same advice either way.
import { describe, expect, it } from "vitest";
import { ReplicationPool as BuiltPool } from "../../dist/experiment/pool.js";
import { advise } from "../../src/experiment/advise.js";
import { ReplicationPool } from "../../src/experiment/pool.js";
import type { ReplicationResult } from "../../src/experiment/result.js";
import { parseScenario } from "../../src/scenario/load.js";
import { smallScenario } from "../helpers/cli.js";

/** A pool like the page's: calls wait their turn and run one at a time, lowest priority first. */
class InTurn {
  readonly size = 1;
  private readonly inner = new ReplicationPool(1);
  private readonly waiting: Array<{ priority: number; start: () => void }> = [];
  private busy = false;
  calls = 0;
  run(...args: Parameters<ReplicationPool["run"]>): Promise<ReplicationResult[]> {
    this.calls++;
    return new Promise((resolve, reject) => {
      this.waiting.push({
        priority: args[3] ?? 0,
        start: () => {
          this.busy = true;
          this.inner
            .run(args[0], args[1], args[2])
            .then(resolve, reject)
            .finally(() => {
              this.busy = false;
              this.next();
            });
        },
      });
      this.next();
    });
  }
  private next() {
    if (this.busy || this.waiting.length === 0) return;
    let best = 0;
    this.waiting.forEach((w, i) => {
      if (w.priority < this.waiting[best].priority) best = i;
    });
    this.waiting.splice(best, 1)[0].start();
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
    const serial = new InTurn();
    try {
      const apart = await advise(scenario, { ...options, pool: serial as unknown as ReplicationPool });
      expect(serial.calls).toBeGreaterThan(4);
      expect(JSON.stringify(apart.advice)).toBe(JSON.stringify(together.advice));
      expect(JSON.stringify(apart.own?.summary)).toBe(JSON.stringify(together.own?.summary));
    } finally {
      await serial.close();
    }
  });

  it("let the pool's workers simulate while the own rule's charts are drawn, with the same advice", async () => {
    const scenario = parseScenario(smallScenario({ replications: 4 }));
    const options = {
      policies: ["random", "sticky"] as const,
      precision: { targets: { resendFailure: 0.05 }, maxReplications: 12 },
    };
    const plain = await advise(scenario, { ...options, workers: 1 });
    const pool = new BuiltPool(2);
    const yielded: Array<Promise<unknown>> = [];
    const yieldThread = pool.yieldThread.bind(pool);
    pool.yieldThread = (work: Promise<unknown>) => {
      yielded.push(work);
      yieldThread(work);
    };
    try {
      // What the CLI returns there: the charts being drawn in this thread (here a timer).
      const drawing = new Promise<void>((resolve) => setTimeout(resolve, 30));
      const drawn = await advise(scenario, {
        ...options,
        pool: pool as unknown as ReplicationPool,
        onOwnRule: () => drawing,
      });
      expect(yielded).toEqual([drawing]);
      expect(JSON.stringify(drawn.advice)).toBe(JSON.stringify(plain.advice));
      expect(JSON.stringify(drawn.own?.summary)).toBe(JSON.stringify(plain.own?.summary));
    } finally {
      await pool.close();
    }
  });
});

describe("advise's shadow check", () => {
  /** A pool that records every task it is given, and whether the check of the task's scenario had settled then. */
  class Recording extends ReplicationPool {
    readonly tasks: Array<{ scenario: object; index: number; probes: boolean; checkSettled: boolean }> = [];
    private readonly settled = new WeakSet<object>();
    override run(...args: Parameters<ReplicationPool["run"]>) {
      const tasks = args[0];
      for (let i = 0; i < tasks.length; i++) {
        const t = tasks.at(i);
        if (t) this.tasks.push({ ...t, probes: t.probes !== undefined, checkSettled: this.settled.has(t.scenario) });
      }
      const running = super.run(...args);
      // The check: replication 0 with the grid's probes, then the real runs at two waits.
      const first = tasks.at(0);
      if (first?.probes && first.index === 0 && tasks.length > 1) {
        const scenario = first.scenario;
        void running.then(() => this.settled.add(scenario));
      }
      return running;
    }
  }

  it("simulates replication 0 once: the shadowed run takes the check's, and starts beside the check", async () => {
    const scenario = parseScenario(smallScenario({ replications: 4 }));
    const options = {
      policies: ["random", "round-robin", "sticky"] as const,
      precision: { targets: { resendFailure: 0.05 }, maxReplications: 12 },
      // One placement a replication, whose replication 0 is the check's (placement worlds run
      // every class in each replication, so none is the check's).
      placementWorlds: false,
    };
    const pool = new Recording(1);
    try {
      const { advice } = await advise(scenario, { ...options, pool });
      const shadowed = advice.policies.filter((p) => p.method !== "separate-runs");
      expect(shadowed.length).toBe(4);
      const probed = pool.tasks.filter((t) => t.probes);
      // Every shadowed curve's replication 0 ran once (in its check), none twice.
      expect(probed.filter((t) => t.index === 0).length).toBe(shadowed.length);
      const seen = new Map<object, Set<number>>();
      for (const t of probed) {
        const indices = seen.get(t.scenario) ?? new Set<number>();
        expect(indices.has(t.index)).toBe(false);
        seen.set(t.scenario, indices.add(t.index));
      }
      // Each curve's first batch was handed to the pool before its check had settled.
      const firstBatches = probed.filter((t) => t.index === 1);
      expect(firstBatches.length).toBe(shadowed.length);
      expect(firstBatches.every((t) => !t.checkSettled)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});
