// What relaysim reads back from its own files — partials (`--shard`), summary.json and
// sweep.json — checked field by field before use, with the scenario format's own definitions
// (name pattern, probabilities, counts). Such files may come from another machine or another
// hand: a name of "../../x" or a count of -1 must stop here with the file, the JSON path and
// what was expected, never reach the file system, a chart or a TypeError (issue 10).
import * as z from "zod";
import { formatIssue } from "../scenario/parse.js";
import { nonNegativeInt, positiveInt, probability, type Scenario, scenarioSchema } from "../scenario/schema.js";
import { LogHistogram } from "../stats/histogram.js";
import { VERSION } from "../version.js";
import {
  COUNT_KEYS,
  isProportion,
  RECIPIENT_METRICS,
  type RecipientCounts,
  type RecipientMetric,
} from "./recipient-metrics.js";
import { METRICS, type Metric, PROPORTIONS, type ReplicationResult, type SweepReplication } from "./result.js";

/** A check that failed; `problems` are "path: expected …, got …" lines, `source` the file. */
export class FileCheckError extends Error {
  override name = "FileCheckError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${source}: ${p}`).join("\n"));
  }
}

/** At most this many problems are listed; the rest are counted. */
const MAX_LINES = 12;

function problemsOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  const lines = issues.flatMap((issue) => formatIssue({ ...issue, path: [...prefix, ...issue.path] }));
  if (lines.length <= MAX_LINES) return lines;
  return [...lines.slice(0, MAX_LINES), `... and ${lines.length - MAX_LINES} more problems`];
}

/** Parse `value` with `schema` or throw FileCheckError naming `source`; paths get `prefix`. */
export function checked<T extends z.ZodType>(
  schema: T,
  value: unknown,
  source: string,
  prefix: readonly PropertyKey[] = [],
): z.output<T> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new FileCheckError(source, problemsOf(result.error.issues, prefix));
  return result.data;
}

/** A normalised scenario as recorded in a file: valid by the scenario schema, re-normalised. */
export function recordedScenario(value: unknown, source: string, path: readonly PropertyKey[]): Scenario {
  const { $schema: _ignored, ...scenario } = checked(scenarioSchema, value, source, path);
  return scenario;
}

const finite = (what = "a finite number") => z.number({ error: `expected ${what}` });
const nonNegative = (what = "a finite number ≥ 0") =>
  z.number({ error: `expected ${what}` }).nonnegative({ error: `expected ${what}` });
const count = nonNegativeInt;

/**
 * A list item's schema, with a plain test that accepts exactly the values the schema accepts
 * (`test/experiment/file-schemas.test.ts` checks that they agree): see {@link list}.
 */
export interface ListItem<T extends z.ZodType = z.ZodType> {
  schema: T;
  accepts: (x: unknown) => boolean;
}

const finiteNumber = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** Items of the lists in a replication's result and a summary's `perReplication`. */
export const items = {
  count: { schema: count, accepts: (x) => Number.isSafeInteger(x) && (x as number) >= 0 },
  nonNegative: { schema: nonNegative(), accepts: (x) => finiteNumber(x) && x >= 0 },
  /** Seconds listed: at most the window, up to the rounding of a sum of intervals. */
  listedSeconds: (window: number) => {
    const max = window * (1 + 1e-9);
    return {
      schema: nonNegative().max(max, { error: `expected at most the window, ${window} s` }),
      accepts: (x) => finiteNumber(x) && x >= 0 && x <= max,
    };
  },
} satisfies Record<string, ListItem | ((window: number) => ListItem)>;
const safeInt = z.number({ error: "expected an integer" }).int({ error: "expected an integer" });
const version = z.literal(VERSION, { error: `expected relaysim version ${VERSION} (this one); re-run with it` });
const tool = z.strictObject({
  name: z.literal("relaysim", { error: 'expected "relaysim"' }),
  version,
});
const interval = z
  .tuple([finite(), finite()], { error: "expected [low, high] or null" })
  .refine(([lo, hi]) => lo <= hi, { error: "expected low ≤ high" })
  .nullable();

// The per-recipient blocks (recipient-metrics.ts), here with the other schemas: the worker
// threads import recipient-metrics.ts for recipientResult, and zod should not load with it.

/** A replication result's `recipients` as read back from a partial file: counts that add up, ratios in range. */
export const recipientResultSchema = z
  .strictObject({
    counts: z.strictObject({
      recipients: nonNegativeInt,
      domains: nonNegativeInt,
      firstRejected: nonNegativeInt,
      resent: nonNegativeInt,
      resentRejected: nonNegativeInt,
      delivered: nonNegativeInt,
      failed: nonNegativeInt,
    }),
    metrics: z.strictObject(
      Object.fromEntries(
        RECIPIENT_METRICS.map((m) => [
          m,
          (isProportion(m)
            ? probability
            : z.number({ error: "expected a number ≥ 1" }).min(1, { error: "expected a number ≥ 1" })
          ).nullable(),
        ]),
      ) as Record<RecipientMetric, z.ZodNullable<z.ZodNumber>>,
    ),
  })
  .superRefine((r, ctx) => {
    const c = r.counts;
    const atMost = (part: keyof RecipientCounts, whole: keyof RecipientCounts) => {
      if (c[part] > c[whole]) {
        ctx.addIssue({
          code: "custom",
          path: ["counts", part],
          message: `expected at most ${whole} (${c[whole]})`,
          input: c[part],
        });
      }
    };
    atMost("domains", "recipients");
    atMost("firstRejected", "recipients");
    atMost("resentRejected", "resent");
    atMost("delivered", "recipients");
    atMost("failed", "recipients");
    // A replication drains: every recipient ends delivered or failed.
    if (c.delivered + c.failed !== c.recipients) {
      ctx.addIssue({
        code: "custom",
        path: ["counts", "failed"],
        message: `expected delivered + failed = recipients (${c.recipients})`,
        input: c.failed,
      });
    }
  });

const recipientInterval = z
  .tuple([z.number(), z.number()], { error: "expected [low, high] or null" })
  .refine(([lo, hi]) => lo <= hi, { error: "expected low ≤ high" })
  .nullable();

/** summary.json's `recipients` block as read back (report): each metric's estimate and its values per replication. */
export function recipientSummarySchema(replications: number) {
  const value = (m: RecipientMetric) =>
    (isProportion(m)
      ? probability
      : z.number({ error: "expected a number ≥ 1" }).min(1, { error: "expected a number ≥ 1" })
    ).nullable();
  return z.looseObject({
    metrics: z.looseObject(
      Object.fromEntries(
        RECIPIENT_METRICS.map((m) => [
          m,
          z.looseObject({
            mean: value(m),
            ci95: recipientInterval,
            n: nonNegativeInt.max(replications, { error: `expected at most the ${replications} replications` }),
          }),
        ]),
      ),
    ),
    totals: z.looseObject(Object.fromEntries(COUNT_KEYS.map((k) => [k, nonNegativeInt]))),
    perReplication: z.looseObject(
      Object.fromEntries(
        RECIPIENT_METRICS.map((m) => [
          m,
          z.array(value(m)).length(replications, { error: `expected ${replications} values` }),
        ]),
      ),
    ),
  });
}

/**
 * A share of time: in [0, 1] up to rounding, since seconds listed are summed interval by
 * interval and then divided by the window (the sum may round a hair above it).
 */
const timeShare = z
  .number({ error: "expected a share between 0 and 1" })
  .min(0, { error: "expected a share between 0 and 1" })
  .max(1 + 1e-9, { error: "expected a share between 0 and 1" });

/** A metric's value: a probability for proportions, else a finite number ≥ 0; null where undefined. */
function metricValue(metric: Metric) {
  if (metric === "listedFraction") return timeShare.nullable();
  return (metric in PROPORTIONS ? probability : nonNegative()).nullable();
}

/** {@link metricValue} as a list item. */
export function metricItem(metric: Metric): ListItem {
  const max = metric === "listedFraction" ? 1 + 1e-9 : metric in PROPORTIONS ? 1 : Number.POSITIVE_INFINITY;
  return { schema: metricValue(metric), accepts: (x) => x === null || (finiteNumber(x) && x >= 0 && x <= max) };
}

/** A result's counts, and the counts each may not exceed. */
const COUNT_FIELDS = [
  "messages",
  "firstRejected",
  "resends",
  "resendRejected",
  "delivered",
  "failed",
  "bounced",
  "attempts",
  "retries",
] as const;
type CountField = (typeof COUNT_FIELDS)[number];
const COUNT_BOUNDS: ReadonlyArray<readonly [CountField, CountField]> = [
  ["firstRejected", "messages"],
  ["resendRejected", "resends"],
  ["delivered", "messages"],
  ["failed", "messages"],
  ["bounced", "messages"],
];

const counts = z
  .looseObject(Object.fromEntries(COUNT_FIELDS.map((k) => [k, count])) as Record<CountField, typeof count>)
  .superRefine((c, ctx) => {
    for (const [part, whole] of COUNT_BOUNDS) {
      if (c[part] > c[whole]) {
        ctx.addIssue({
          code: "custom",
          path: [part],
          message: `expected at most ${whole} (${c[whole]})`,
          input: c[part],
        });
      }
    }
  });

const histogram = z
  .strictObject({
    layout: z.string({ error: "expected a histogram layout" }),
    count,
    sum: nonNegative(),
    // JSON writes an empty histogram's ±Infinity sentinels as null.
    min: nonNegative().nullable(),
    max: nonNegative().nullable(),
    buckets: z.array(z.tuple([count, z.number().positive({ error: "expected a positive count" })])),
  })
  .superRefine((h, ctx) => {
    try {
      LogHistogram.fromJSON(h as Parameters<typeof LogHistogram.fromJSON>[0]);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `expected a histogram relaysim writes (${(error as Error).message})` });
    }
  });

/**
 * A list of `item`s, `length` of them if given. A list that passes, as nearly every list read does,
 * is tested element by element in one plain loop and kept as read; only a list that fails is
 * parsed by zod, which names each problem. zod's own work per element took a third of `sim merge`'s
 * CPU: a replication's result holds some 600 numbers, nearly all in its per-server and per-bucket
 * lists (docs/performance.md, "sim merge: what the partials and the summaries carry").
 */
export function list<T extends z.ZodType>(item: ListItem<T>, length?: number): z.ZodType<Array<z.output<T>>> {
  const array = z.array(item.schema);
  const precise = length === undefined ? array : array.length(length, { error: `expected ${length} values` });
  const { accepts } = item;
  return z.custom<Array<z.output<T>>>().check((payload) => {
    const value = payload.value as unknown;
    if (Array.isArray(value) && (length === undefined || value.length === length)) {
      let i = 0;
      while (i < value.length && accepts(value[i])) i++;
      if (i === value.length) return;
    }
    const parsed = precise.safeParse(value, { reportInput: true });
    // Issues as zod made them, each with its input (reportInput): relative to this list.
    if (!parsed.success) payload.issues.push(...(parsed.error.issues as z.core.$ZodRawIssue[]));
  });
}

const resultMetrics = z.strictObject(
  Object.fromEntries(METRICS.map((m) => [m, metricValue(m)])) as unknown as Record<
    Metric,
    ReturnType<typeof metricValue>
  >,
);

/** The fields of a result that a sweep keeps (SweepReplication), in a run of `replications`. */
function sweepFields(replications: number) {
  return {
    replication: count.max(replications - 1, { error: `expected a replication index below ${replications}` }),
    events: count,
    counts,
    metrics: resultMetrics,
    resendsByDelay: list(items.count),
    resendFailuresByDelay: list(items.count),
    laterResendsByDelay: list(items.count),
    laterResendFailuresByDelay: list(items.count),
    recipients: recipientResultSchema.optional(),
  };
}

type Issue = (path: PropertyKey[], message: string, input: unknown) => void;

const issuesTo =
  (ctx: z.core.$RefinementCtx): Issue =>
  (path, message, input) =>
    ctx.addIssue({ code: "custom", path, message, input });

/** The resends per bin of the wait, and the failures among them. */
const BINS = [
  ["resendsByDelay", "resendFailuresByDelay"],
  ["laterResendsByDelay", "laterResendFailuresByDelay"],
] as const;

/** Failures per bin of the wait: as many bins as resends, and never more failures than resends. */
function binsAgree(r: z.output<z.ZodObject<ReturnType<typeof sweepFields>>>, issue: Issue): void {
  for (const [resends, failures] of BINS) {
    const n = r[resends];
    const f = r[failures];
    if (f.length !== n.length) issue([failures], `expected ${n.length} values, as ${resends}`, undefined);
    else
      for (const [i, x] of f.entries()) {
        if (x > n[i]) issue([failures, i], `expected at most ${resends}'s`, x);
      }
  }
}

/**
 * One replication's result in a sweep's partial (SweepReplication), for any of its points: no time
 * series, per-server counts or delay histogram, whose lengths would depend on the point. zod's plain
 * object leaves every other key out of the parsed result, unchecked — including those parts, as a
 * partial from an older build still holds them.
 */
export function sweepResultSchema(replications: number) {
  return z.object(sweepFields(replications)).superRefine((r, ctx) => binsAgree(r, issuesTo(ctx)));
}

/** A partial's result checked: its value as checked, or a FileCheckError at `path` of `source`. */
export type ResultCheck = (value: unknown, source: string, path: readonly PropertyKey[]) => SweepReplication;

/**
 * The check of a sweep's results in a run of `replications`, one per merge: a result that
 * acceptsSweepResult takes is returned as read; any other goes through sweepResultSchema, which
 * names its problems or strips the keys it does not keep.
 */
export function sweepResultCheck(replications: number): ResultCheck {
  const schema = sweepResultSchema(replications);
  return (value, source, path) =>
    acceptsSweepResult(value, replications) ? value : (checked(schema, value, source, path) as SweepReplication);
}

/** The check of a plain run's results (replicationResultSchema; a run has one point). */
export function runResultCheck(scenario: Scenario, replications: number): ResultCheck {
  const schema = replicationResultSchema(scenario, replications);
  return (value, source, path) => checked(schema, value, source, path) as unknown as ReplicationResult;
}

const SWEEP_KEYS = Object.keys(sweepFields(1));
const METRIC_ITEMS = METRICS.map((m) => [m, metricItem(m)] as const);

/**
 * sweepResultSchema in plain code, for a merge's ~10⁶ results (zod's objects were a third of
 * reading a partial): true exactly when the schema accepts `value` and its output equals it, so
 * that `value` can be taken as checked. Anything else — a problem, or keys the schema would
 * leave out — goes to the schema, which names the problem or strips the keys.
 * `test/experiment/file-schemas.test.ts` holds the two equal on damaged results.
 */
export function acceptsSweepResult(value: unknown, replications: number): value is SweepReplication {
  if (!isPlainObject(value)) return false;
  const r = value as Record<string, unknown>;
  let keys = 0;
  for (const _ in r) keys++;
  const recipients = r.recipients !== undefined;
  if (keys !== SWEEP_KEYS.length - 1 + (recipients ? 1 : 0) || (!recipients && "recipients" in r)) return false;
  const { replication } = r;
  if (!items.count.accepts(replication) || (replication as number) >= replications) return false;
  if (!items.count.accepts(r.events)) return false;
  const c = r.counts;
  if (!isPlainObject(c)) return false;
  for (const k of COUNT_FIELDS) if (!items.count.accepts(c[k])) return false;
  for (const [part, whole] of COUNT_BOUNDS) if ((c[part] as number) > (c[whole] as number)) return false;
  const m = r.metrics;
  if (!isPlainObject(m)) return false;
  let metrics = 0;
  for (const _ in m) metrics++;
  if (metrics !== METRIC_ITEMS.length) return false;
  for (const [metric, item] of METRIC_ITEMS) if (!item.accepts(m[metric])) return false;
  for (const [resends, failures] of BINS) {
    const n = r[resends];
    const f = r[failures];
    if (!Array.isArray(n) || !Array.isArray(f) || f.length !== n.length) return false;
    for (let i = 0; i < n.length; i++) {
      if (!items.count.accepts(n[i]) || !items.count.accepts(f[i]) || f[i] > n[i]) return false;
    }
  }
  return !recipients || recipientResultSchema.safeParse(r.recipients).success;
}

/** An object as JSON.parse makes them: not an array, not null, its prototype Object's. */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

/**
 * One replication's result of a plain run whose scenario is `scenario` (which fixes the lengths
 * of the per-server and per-bucket lists), in a run of `replications`.
 */
export function replicationResultSchema(scenario: Scenario, replications: number) {
  const servers = scenario.pool.servers;
  const buckets = Math.ceil(scenario.horizon / scenario.output.timeseries);
  const window = scenario.horizon - scenario.warmup;
  const fields = sweepFields(replications);
  // In a result's own order (replicationResult), which zod's output keeps.
  return z
    .looseObject({
      replication: fields.replication,
      events: fields.events,
      counts: fields.counts,
      metrics: fields.metrics,
      delay: histogram,
      resendsByDelay: fields.resendsByDelay,
      resendFailuresByDelay: fields.resendFailuresByDelay,
      laterResendsByDelay: fields.laterResendsByDelay,
      laterResendFailuresByDelay: fields.laterResendFailuresByDelay,
      servers: z.looseObject({
        attempts: list(items.count, servers),
        rejections: list(items.count, servers),
        listed: list(items.listedSeconds(window), servers),
        sessions: list(items.count, servers),
        busy: list(items.nonNegative, servers),
        wait: list(items.nonNegative, servers),
      }),
      timeseries: z.looseObject({
        listed: list(items.nonNegative, buckets),
        attempts: list(items.count, buckets),
        rejections: list(items.count, buckets),
      }),
      recipients: fields.recipients,
    })
    .superRefine((r, ctx) => {
      const issue = issuesTo(ctx);
      binsAgree(r, issue);
      r.servers.rejections.forEach((x, i) => {
        if (x > r.servers.attempts[i]) issue(["servers", "rejections", i], "expected at most the server's attempts", x);
      });
    });
}

/** A partial file's format tag; merge refuses anything else. */
export const PARTIAL_FORMAT = "relaysim-partial/1";

/** Upper bound on the shards of one run: more would be more files than tasks anyone runs. */
export const MAX_SHARDS = 1_000_000;

/** The part of a partial checked before its scenario is known. */
export const partialHeaderSchema = z.strictObject({
  format: z.literal(PARTIAL_FORMAT, { error: `expected "${PARTIAL_FORMAT}"` }),
  tool,
  kind: z.enum(["run", "sweep"], { error: 'expected "run" or "sweep"' }),
  scenario: z.unknown(),
  parameters: z
    .array(
      z.strictObject({
        path: z.string({ error: "expected a scenario path" }),
        values: z.array(z.unknown()).min(1, { error: "expected at least one value" }),
      }),
    )
    .optional(),
  seed: safeInt,
  replications: positiveInt(),
  shard: z
    .strictObject({
      index: count,
      count: positiveInt().max(MAX_SHARDS, { error: `expected at most ${MAX_SHARDS} shards` }),
    })
    .refine((s) => s.index < s.count, { error: "expected index below count" }),
  results: z.array(z.strictObject({ point: count, result: z.unknown() })),
});

const metricSummary = (metric: Metric, replications: number) =>
  z.looseObject({
    mean: metricValue(metric),
    ci95: interval,
    n: count.max(replications, { error: `expected at most the ${replications} replications` }),
  });

const metricSummaries = (replications: number, optional = false) =>
  z.looseObject(
    Object.fromEntries(
      METRICS.map((m) => [m, optional ? metricSummary(m, replications).optional() : metricSummary(m, replications)]),
    ) as Record<Metric, ReturnType<typeof metricSummary>>,
  );

const delayBins = z.array(
  z
    .looseObject({
      from: nonNegative(),
      to: nonNegative(),
      resends: count,
      failures: count,
      proportion: probability.nullable(),
      ci95: interval,
    })
    .refine((b) => b.from < b.to, { error: "expected from < to" })
    .refine((b) => b.failures <= b.resends, { error: "expected failures ≤ resends" }),
);

/** summary.json's fields after its scenario (loose: newer fields from other work pass through). */
function summaryBodySchema(scenario: Scenario, replications: number) {
  const servers = scenario.pool.servers;
  return z.looseObject({
    metrics: metricSummaries(replications),
    totals: counts,
    resendFailureByDelay: delayBins,
    servers: z
      .array(
        z.looseObject({
          server: count,
          attempts: count,
          rejections: count,
          listedFraction: timeShare,
          utilisation: nonNegative().nullable(),
          meanQueueWait: nonNegative().nullable(),
        }),
      )
      .length(servers, { error: `expected ${servers} servers, as the scenario's pool` })
      .refine((s) => s.every((x, i) => x.server === i), { error: "expected servers numbered 0, 1, … in order" }),
    deliveryDelayCdf: z.array(z.looseObject({ delay: nonNegative(), fraction: probability })),
    perReplication: z.looseObject(
      Object.fromEntries(METRICS.map((m) => [m, list(metricItem(m), replications)])) as Record<
        Metric,
        z.ZodType<Array<number | null>>
      >,
    ),
    recipients: recipientSummarySchema(replications).optional(),
  });
}

const summaryHeaderSchema = z.looseObject({
  tool,
  scenario: z.unknown(),
  seed: safeInt,
  replications: positiveInt(),
});

/**
 * Check a parsed summary.json: every field the report reads, in range and of the right length
 * for its scenario. Throws FileCheckError naming `source`.
 */
export function checkSummary<T>(value: unknown, source: string): T {
  const header = checked(summaryHeaderSchema, value, source);
  const scenario = recordedScenario(header.scenario, source, ["scenario"]);
  const body = checked(summaryBodySchema(scenario, header.replications), value, source);
  return { ...header, ...body, scenario } as T;
}

const sweepHeaderSchema = z.looseObject({
  tool,
  scenario: z.unknown(),
  seed: safeInt,
  replications: positiveInt(),
  parameters: z
    .array(
      z.looseObject({
        path: z.string({ error: "expected a scenario path" }),
        values: z.array(z.unknown()).min(1, { error: "expected at least one value" }),
      }),
    )
    .min(1, { error: "expected at least one parameter" }),
});

/** Check a parsed sweep.json (as sweepJson writes it). Throws FileCheckError naming `source`. */
export function checkSweepFile<T>(value: unknown, source: string): T {
  const header = checked(sweepHeaderSchema, value, source);
  const scenario = recordedScenario(header.scenario, source, ["scenario"]);
  const paths = header.parameters.map((p) => p.path);
  const points = z.array(
    z.looseObject({
      values: z.record(z.string(), z.unknown()).refine((v) => paths.every((p) => p in v), {
        error: `expected a value for each of ${paths.join(", ")}`,
      }),
      // The sweep charts draw the metrics a point has (SweepFile's metrics are partial).
      metrics: metricSummaries(header.replications, true),
      resendFailureByDelay: delayBins.optional(),
    }),
  );
  const body = checked(z.looseObject({ points }), value, source);
  const expected = header.parameters.reduce((n, p) => n * p.values.length, 1);
  if (body.points.length !== expected) {
    throw new FileCheckError(source, [
      `points: expected ${expected} points (the product of the parameters' value counts), got ${body.points.length}`,
    ]);
  }
  return { ...header, ...body, scenario } as T;
}
