// Getting the answer with the CLI's own functions on the browser's worker pool: a first look
// (advise on the scenario's own policy, a coarse grid, few replications) for a verdict in
// seconds, then `sim run`'s summary, then `sim advise` in full. Replications already simulated
// are reused (web/pool.ts), so later steps only add what they need; the final numbers are the CLI's.
import { type Advice, advise, adviseProblem } from "../experiment/advise.js";
import { COARSE, fittedGrid } from "../experiment/advise-grid.js";
import { runScenarioParallel } from "../experiment/parallel.js";
import type { ReplicationPool as NodePool } from "../experiment/pool.js";
import type { ReplicationResult } from "../experiment/result.js";
import { type Summary, summarise } from "../experiment/summary.js";
import type { Scenario } from "../scenario/schema.js";
import type { ReplicationPool } from "./pool.js";

/**
 * Replications per wait of the first look, which also samples waits only as finely as advise's
 * policy table does (COARSE: a quarter of the time scale) — a third of the full grid's work.
 */
export const FIRST_LOOK = 3;

/** Which step is running, for the progress line. */
export type Step = "first look" | "summary" | "full advice";

export interface AnswerListener {
  /** The scenario's own run over replications 0 … n−1; `complete` when n is the scenario's count (the CLI's summary). */
  summary(summary: Summary, complete: boolean): void;
  /** An advice; `final` for `sim advise`'s own (default stopping rules and every policy). */
  advice(advice: Advice, final: boolean): void;
  /** Why there is no advice (users never resend). */
  noAdvice(reason: string): void;
  progress(step: Step, done: number, total: number): void;
}

/** Run the steps; rejects with the pool's StoppedError when stopped. */
export async function answer(scenario: Scenario, pool: ReplicationPool, listener: AnswerListener): Promise<void> {
  const shared = pool as unknown as NodePool;
  const own = pool.scenarioKey(scenario);
  const seed = scenario.seed;
  const prefix: ReplicationResult[] = [];
  let shown = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const showPrefix = () => {
    timer = null;
    if (prefix.length > shown && prefix.length < scenario.replications) {
      shown = prefix.length;
      const n = prefix.length;
      listener.summary(summarise({ ...scenario, seed, replications: n }, seed, prefix.slice(0, n)), false);
    }
  };
  const found = new Map<number, ReplicationResult>();
  pool.onReplication = (task, result) => {
    if (task.seed !== seed || pool.scenarioKey(task.scenario) !== own) return;
    found.set(task.index, result);
    while (found.has(prefix.length)) prefix.push(found.get(prefix.length) as ReplicationResult);
    timer ??= setTimeout(showPrefix, 150);
  };
  try {
    const problem = adviseProblem(scenario);
    if (problem) listener.noAdvice(problem);
    else {
      const first = await advise(scenario, {
        pool: shared,
        replications: FIRST_LOOK,
        delays: fittedGrid(scenario, COARSE).delays,
        policies: [scenario.pool.balancer.policy],
        // Any target is met or not at FIRST_LOOK: the cap ends the step there.
        precision: { targets: { resendFailure: 1 }, maxReplications: FIRST_LOOK },
        onProgress: (done, total) => listener.progress("first look", done, total),
      });
      listener.advice(first.advice, false);
    }
    const run = await runScenarioParallel(scenario, {
      pool: shared,
      onProgress: (done, total) => listener.progress("summary", done, total),
    });
    listener.summary(run.summary, true);
    if (!problem) {
      const full = await advise(scenario, {
        pool: shared,
        onProgress: (done, total) => listener.progress("full advice", done, total),
      });
      listener.advice(full.advice, true);
    }
  } finally {
    pool.onReplication = null;
    if (timer) clearTimeout(timer);
  }
}
