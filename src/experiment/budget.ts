// Work and memory an experiment will need, estimated from the normalised scenarios before
// anything runs, so that what cannot finish is refused at once with the estimate and the
// limit (exit 2) instead of dying hours later of a RangeError or an exhausted heap (issue 10).
// One place for every such estimate; `allowLarge` (--allow-large) lifts the soft limits,
// never the hard ones, which are sizes the simulator's data structures cannot represent.
import { balancerReads } from "../model/balancers/index.js";
import { recipientCountWeights } from "../model/recipients-per-message.js";
import type { Dist, Scenario } from "../scenario/schema.js";

/** Work refused up front; `problems` each name the estimate and the limit. */
export class BudgetError extends Error {
  override name = "BudgetError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** Soft limits: lifted by `allowLarge` (--allow-large). */
export const LIMITS = {
  /** Replications × configurations: every result is kept until summarised. */
  tasks: 1_000_000,
  /** Messages simulated in all (≈ 1 µs each per core: 1e10 is hours on a laptop). */
  messages: 1e10,
  /** Events in all: attempts (with MTA retries), listings, health checks. */
  events: 3e10,
  /** Memory one simulating thread needs for one replication. */
  replicationBytes: 2 * 1024 ** 3,
  /** Memory of all threads plus the results held until summarised. */
  totalBytes: 4 * 1024 ** 3,
  /** summary.json (or sweep.json). */
  summaryBytes: 64 * 1024 ** 2,
  /** Rows of one chart: vega-lite builds and draws every row. */
  chartRows: 100_000,
  /** Worker threads per core. */
  workersPerCore: 8,
  /** Points of a sweep grid. */
  gridPoints: 10_000,
} as const;

/** Hard limits: what typed arrays and the event queue's 32-bit payloads can hold. */
export const HARD_LIMITS = {
  /** Entries of one typed array (domains, buckets, server × capacity channels). */
  arrayLength: 2 ** 31 - 1,
  /** Event payloads are (id << 4) | kind in 32 bits: server × list ids below 2^27. */
  payloadIds: 2 ** 27,
  /** Points of a sweep grid even with --allow-large: each point is a parsed scenario in memory. */
  gridPoints: 1_000_000,
} as const;

/** How an experiment will run: its configurations and the replications of each. */
export interface WorkPlan {
  /** The configurations (one for a run, a sweep's points, compare's scenarios); may repeat. */
  configs: readonly Scenario[];
  /** Replications of each configuration (with precision targets: the most it may take). */
  replications: number;
  /** Simulating threads (1 = this thread only). */
  workers?: number;
  /** Cores of this machine, for the worker limit; unknown skips that check. */
  cores?: number;
  /** A run's charts will be drawn (the CLI's default): limits their rows. */
  charts?: boolean;
  /** Lift the soft limits (--allow-large). */
  allowLarge?: boolean;
  /** Shards the tasks are split into: this process runs 1/shards of them. */
  shards?: number;
}

/** A bound on a distribution's values: its supremum, or a quantile past any realistic draw. */
function upperBound(dist: Dist): number {
  if ("fixed" in dist) return dist.fixed;
  if ("uniform" in dist) return dist.uniform[1];
  if ("empirical" in dist) {
    let max = 0;
    for (const v of dist.empirical) if (v > max) max = v;
    return max;
  }
  // P(X > 30·mean) = e^−30 for an exponential; a lognormal beyond median·e^(7σ) is rarer still.
  if ("exponential" in dist) return 30 * dist.exponential;
  return dist.lognormal.median * Math.exp(7 * dist.lognormal.sigma);
}

/**
 * MTA retries of one message that stays deferred for its whole queue lifetime L (only lists
 * that answer 4xx defer): qmail retries at ages (20k)² s (k ≤ √L/20); Postfix doubles up to
 * 4000 s; Exim ends in 6-hourly retries; an explicit list retries at each age up to L.
 */
export function retriesWithin(retry: Scenario["mta"]["retry"], lifetime: number): number {
  if (typeof retry !== "string") {
    let n = 0;
    for (const age of retry) if (age <= lifetime) n++;
    return n;
  }
  if (retry === "qmail") return Math.floor(Math.sqrt(lifetime) / 20);
  if (retry === "postfix") return lifetime / 4000 + 6;
  return lifetime / 21_600 + 15;
}

/** The sizes of one configuration that memory and output follow. */
export interface ScenarioSizes {
  /** Expected submissions per replication (senders × rate × horizon). */
  messages: number;
  /** Events per replication, at most: attempts with retries, listings, health checks. */
  events: number;
  /** What most of the events are, for the message. */
  eventsMostly: string;
  /** Buckets of timeseries.csv: ⌈horizon ÷ output.timeseries⌉. */
  buckets: number;
  /** Bins of resendFailureByDelay: the longest user wait ÷ output.delayBin. */
  delayBins: number;
  /** Bytes one replication needs while it runs, by the field that makes them. */
  replicationParts: Array<[string, number]>;
  replicationBytes: number;
  /** Bytes of one replication's result, kept until summarised. */
  resultBytes: number;
  /** Bytes of summary.json. */
  summaryBytes: number;
  /** Bytes of this configuration's resendFailureByDelay (its share of a sweep.json). */
  delayTableBytes: number;
}

/** The histogram of delivery delays: 2774 buckets (stats/histogram.ts). */
const HISTOGRAM_BYTES = 2774 * 8;

export function scenarioSizes(s: Scenario, replications: number): ScenarioSizes {
  const servers = s.pool.servers;
  const lists = Math.max(1, s.blacklists.length);
  const buckets = Math.ceil(s.horizon / s.output.timeseries);
  const delayBins = Math.floor(upperBound(s.resend.after) / s.output.delayBin) + 1;
  // The channels regime (model/capacity/) keeps one free-at time per session slot.
  const channels = s.pool.capacity !== null && !balancerReads(s.pool.balancer).sessions ? servers * s.pool.capacity : 0;
  const messages = s.traffic.senders * s.traffic.rate * s.horizon;
  const replicationParts: Array<[string, number]> = [
    // Zipf alias table (probability, alias, weight) and subscription masks.
    [`recipients.domains (${count(s.recipients.domains)})`, s.recipients.domains * 28],
    // Per-server counters, listing state, queues; with a capacity, one slot per session.
    [`pool.servers (${count(servers)})`, servers * (16 * 8 + lists * 4 + 64) + channels * 8],
    [`traffic.senders (${count(s.traffic.senders)})`, s.traffic.senders * 16],
    // The tally's buckets and bins, and the result's copies of them.
    [`output.timeseries (${count(buckets)} buckets)`, buckets * 3 * 8 * 2],
    [`output.delayBin (${count(delayBins)} bins)`, delayBins * 2 * 8 * 2],
  ];
  // Several recipients per message: up to one attempt per recipient (one per distinct domain).
  const perMessage = s.recipients.perMessage;
  const attemptsPerSend =
    perMessage === undefined ? 1 : recipientCountWeights(perMessage).reduce((sum, p, i) => sum + p * (i + 1), 0);
  const deferring = s.blacklists.some((b) => b.reply === "4xx");
  const retries = deferring ? retriesWithin(s.mta.retry, s.mta.queueLifetime) : 0;
  const events: Array<[string, number]> = [
    ["messages and their attempts", messages * s.resend.maxAttempts * 2 * attemptsPerSend],
    ["MTA retries (mta.queueLifetime, mta.retry)", messages * s.resend.maxAttempts * retries * attemptsPerSend],
    [
      "listings (compromise.ratePerServer)",
      s.compromise === null ? 0 : servers * s.compromise.ratePerServer * s.horizon * (1 + 2 * lists),
    ],
    [
      "health checks (pool.avoidListed.checkEvery)",
      s.pool.avoidListed === null ? 0 : s.horizon / s.pool.avoidListed.checkEvery,
    ],
  ];
  let eventTotal = 0;
  let eventsMostly = events[0];
  for (const e of events) {
    eventTotal += e[1];
    if (e[1] > eventsMostly[1]) eventsMostly = e;
  }
  let replicationBytes = HISTOGRAM_BYTES;
  for (const [, bytes] of replicationParts) replicationBytes += bytes;
  // Only bins that saw a resend are written: at most one per resend.
  const writtenBins = Math.min(delayBins, 1 + messages * (s.resend.maxAttempts - 1) * replications);
  let scenarioBytes = 4096;
  for (const d of [s.pool.sessionTime, s.resend.after]) if ("empirical" in d) scenarioBytes += 20 * d.empirical.length;
  // summary.json: ~160 bytes per server, ~200 per delay bin, ~20 per metric per replication.
  const delayTableBytes = 200 * writtenBins;
  return {
    messages,
    events: eventTotal,
    eventsMostly: eventsMostly[0],
    buckets,
    delayBins,
    replicationParts,
    replicationBytes,
    resultBytes: 8 * (6 * servers + 3 * buckets + 2 * delayBins) + 4096,
    summaryBytes: 160 * servers + delayTableBytes + 20 * 10 * replications + 16_384 + scenarioBytes,
    delayTableBytes,
  };
}

function mebibytes(bytes: number): string {
  const [size, unit] = bytes >= 1024 ** 3 ? [bytes / 1024 ** 3, "GB"] : [bytes / 1024 ** 2, "MB"];
  return `${Number(size.toPrecision(3))} ${unit}`;
}

/** 1000000 as such, 2.8e13 in short. */
function count(n: number): string {
  return n > 1e7 ? n.toExponential(2).replace("e+", "e") : String(Math.round(n));
}

/** The problems of a plan, hard ones first; empty when it may run. */
export function budgetProblems(plan: WorkPlan): string[] {
  const hard: string[] = [];
  const soft: string[] = [];
  const { configs, replications } = plan;
  const share = 1 / Math.max(1, plan.shards ?? 1);
  const tasks = Math.ceil(configs.length * replications * share);
  const sizes = new Map<Scenario, ScenarioSizes>();
  let messages = 0;
  let events = 0;
  let eventsMostly = "";
  let results = 0;
  let perThread = 0;
  let heaviest: ScenarioSizes | null = null;
  let output = 0;
  for (const c of configs) {
    let z = sizes.get(c);
    if (!z) {
      z = scenarioSizes(c, replications);
      sizes.set(c, z);
      const servers = c.pool.servers;
      const lists = Math.max(1, c.blacklists.length);
      if (servers * lists >= HARD_LIMITS.payloadIds) {
        hard.push(
          `pool.servers: ${count(servers)} servers × ${lists} lists exceed the ${count(HARD_LIMITS.payloadIds)} listings the simulator can track`,
        );
      }
      const arrays: Array<[string, number]> = [
        ["recipients.domains", c.recipients.domains],
        ["output.timeseries", z.buckets],
        ["output.delayBin", z.delayBins],
        ["pool.capacity", c.pool.capacity === null ? 0 : servers * c.pool.capacity],
      ];
      for (const [path, length] of arrays) {
        if (length > HARD_LIMITS.arrayLength) {
          hard.push(
            `${path}: needs a table of ${count(length)} entries; at most ${count(HARD_LIMITS.arrayLength)} fit`,
          );
        }
      }
    }
    messages += z.messages * replications * share;
    events += z.events * replications * share;
    eventsMostly ||= z.eventsMostly;
    results += z.resultBytes * replications * share;
    if (z.replicationBytes > perThread) {
      perThread = z.replicationBytes;
      heaviest = z;
    }
    // One summary.json (a run's, advise's own); a sweep.json adds each point's delay table.
    output += output === 0 ? z.summaryBytes : z.delayTableBytes;
  }
  if (hard.length > 0) return hard;

  const lift = "(--allow-large to run it anyway)";
  if (tasks > LIMITS.tasks) {
    soft.push(
      `${count(replications)} replications × ${count(configs.length)} configuration${configs.length === 1 ? "" : "s"}${share < 1 ? " ÷ shards" : ""} = ${count(tasks)} replications to run; at most ${count(LIMITS.tasks)} ${lift}`,
    );
  }
  if (messages > LIMITS.messages) {
    soft.push(`about ${count(messages)} messages to simulate; at most ${count(LIMITS.messages)} ${lift}`);
  }
  if (events > LIMITS.events && messages <= LIMITS.messages) {
    soft.push(
      `about ${count(events)} events to simulate, mostly ${eventsMostly}; at most ${count(LIMITS.events)} ${lift}`,
    );
  }
  if (perThread > LIMITS.replicationBytes && heaviest !== null) {
    let most = heaviest.replicationParts[0];
    for (const part of heaviest.replicationParts) if (part[1] > most[1]) most = part;
    soft.push(
      `one replication needs about ${mebibytes(perThread)} of memory, ${mebibytes(most[1])} for ${most[0]}; at most ${mebibytes(LIMITS.replicationBytes)} ${lift}`,
    );
  }
  const threads = Math.max(1, Math.min(plan.workers ?? 1, tasks));
  const total = threads * perThread + results;
  if (total > LIMITS.totalBytes && perThread <= LIMITS.replicationBytes) {
    soft.push(
      `about ${mebibytes(total)} of memory (${threads} thread${threads === 1 ? "" : "s"} × ${mebibytes(perThread)} and ${mebibytes(results)} of results); at most ${mebibytes(LIMITS.totalBytes)} ${lift}`,
    );
  }
  // A shard writes a partial file of its replications' results (counted in the memory above);
  // the summary is written by `sim merge`, once, not by each of a study's shards.
  if (share === 1 && output > LIMITS.summaryBytes) {
    soft.push(`the summary would be about ${mebibytes(output)}; at most ${mebibytes(LIMITS.summaryBytes)} ${lift}`);
  }
  if (plan.charts) {
    // A run's charts (a sweep's chart its points, already bounded by the grid limit).
    for (const [c, z] of sizes) {
      const charted: Array<[string, number]> = [
        ["pool.servers", c.pool.servers],
        ["output.timeseries", z.buckets],
        ["output.delayBin", z.delayBins],
      ];
      for (const [path, rows] of charted) {
        if (rows > LIMITS.chartRows) {
          soft.push(
            `${path}: a chart of ${count(rows)} rows; at most ${count(LIMITS.chartRows)} (--no-charts to skip the charts, --allow-large to draw it anyway)`,
          );
        }
      }
      break;
    }
  }
  if (plan.workers !== undefined && plan.cores !== undefined) {
    const most = LIMITS.workersPerCore * plan.cores;
    if (plan.workers > most) {
      soft.push(
        `--workers ${plan.workers}: at most ${most} (${LIMITS.workersPerCore} per core, ${plan.cores} cores here) ${lift}`,
      );
    }
  }
  return plan.allowLarge ? [] : soft;
}

/** Throw BudgetError when the plan cannot run (see budgetProblems). */
export function checkBudget(plan: WorkPlan): void {
  const problems = budgetProblems(plan);
  if (problems.length > 0) throw new BudgetError(problems);
}

/** The grid's size before any point is built: the product of the value counts. */
export function checkGridPoints(points: number, allowLarge = false): void {
  if (points > HARD_LIMITS.gridPoints) {
    throw new BudgetError([`the sweep grid has ${count(points)} points; at most ${count(HARD_LIMITS.gridPoints)}`]);
  }
  if (points > LIMITS.gridPoints && !allowLarge) {
    throw new BudgetError([
      `the sweep grid has ${count(points)} points; at most ${count(LIMITS.gridPoints)} (--allow-large to run it anyway)`,
    ]);
  }
}
