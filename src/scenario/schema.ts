// The scenario format of DESIGN §1 as zod definitions. One source serves three ends:
// validation with path-naming errors, normalisation (units to seconds, defaults filled)
// and the generated JSON Schema in schema/scenario.schema.json.
import * as z from "zod";
import { mailShareOutsideTop } from "../analytic/receivers.js";
import {
  type Dist,
  distribution,
  duration,
  nonNegativeInt,
  positiveDuration,
  positiveInt,
  probability,
  rate,
} from "./fields.js";
import { BALANCER_SCHEMAS, checkBalancer, POLICY_NAMES } from "./policies/index.js";
import { recipientCount } from "./recipient-count.js";

export { type Dist, distribution, duration, nonNegativeInt, positiveInt, probability, rate };

/** The balancer policies of DESIGN §2, in the order of their registry (scenario/policies/). */
export const POLICIES = POLICY_NAMES;
/** A balancer policy's name. */
export type Policy = (typeof POLICIES)[number];

/** Each policy's own fragment (scenario/policies/), told apart by `policy`. */
const balancer = z.discriminatedUnion("policy", BALANCER_SCHEMAS, {
  error: `expected a balancer whose policy is one of ${POLICIES.join(", ")}`,
});

/**
 * Who consults a list, by rank or by mail (model/receivers/subscribers.ts): the largest mailbox
 * providers run their own reputation systems rather than public DNSBLs (DOMAIN.md, "Who consults
 * a list"). Exactly one of `share` (each domain below the top `exceptTop` consults the list with
 * that probability) and `mailShare` (the consulting domains carry that share of all mail).
 */
const subscriberRule = z
  .strictObject({
    share: probability.optional(),
    mailShare: probability.optional(),
    exceptTop: nonNegativeInt.default(0).meta({
      description: "the most popular domains (by Zipf rank) that never consult the list",
    }),
  })
  .superRefine((r, ctx) => {
    if ((r.share === undefined) === (r.mailShare === undefined)) {
      ctx.addIssue({ code: "custom", message: 'expected exactly one of "share" and "mailShare"', input: r });
    }
  })
  .meta({
    description:
      '{"share": p, "exceptTop": k}: each domain outside the k most popular consults the list with probability p; {"mailShare": m, "exceptTop": k}: the consulting domains (outside the top k) carry a share m of all mail',
  });

/**
 * How late receivers see the list (model/receivers/late-listings.ts): a listing and a delisting
 * reach the public mirrors after `propagation`, and each receiver caches the list's answer for a
 * relay for its TTL (DOMAIN.md, "Receivers see listings late").
 */
const propagation = z
  .strictObject({
    listing: distribution.prefault("0s"),
    delisting: distribution.prefault("0s"),
  })
  .meta({ description: "delay before a new listing, and a delisting, reaches the receivers' mirrors" });
const answerCache = z
  .strictObject({
    listed: duration.prefault("0s").meta({ description: 'how long a receiver caches a "listed" answer (its TTL)' }),
    clean: duration
      .prefault("0s")
      .meta({ description: 'how long a receiver caches a "not listed" answer (the negative TTL)' }),
  })
  .meta({ description: "each recipient domain's cache of this list's answers, per relay" });

const blacklist = z.strictObject({
  name: z.string({ error: "expected a list name" }).min(1, { error: "expected a list name" }),
  subscribers: z
    .union([probability, subscriberRule], {
      error:
        'expected a probability between 0 and 1, or {"share": p, "exceptTop": k} or {"mailShare": m, "exceptTop": k}',
    })
    .meta({
      description: "share of recipient domains that consult this list, or a rule by rank or by share of mail",
    }),
  reply: z.enum(["5xx", "4xx"], { error: 'expected "5xx" or "4xx"' }).default("5xx"),
  listingDelay: distribution.prefault("0s"),
  delistAfter: distribution.prefault("24h"),
  propagation: propagation.optional(),
  cache: answerCache.optional(),
});

const listed = z.strictObject({
  servers: nonNegativeInt.optional(),
  indices: z.array(nonNegativeInt).optional(),
  on: z.array(z.string()).min(1, { error: "expected at least one list name" }),
  from: duration.prefault(0),
  until: duration.nullable().default(null),
});

export const MTA_SCHEDULES = ["qmail", "postfix", "exim"] as const;

/** RFC 5321 §4.5.4.1 asks for a give-up time of at least 4–5 days; used for explicit schedules. */
const EXPLICIT_SCHEDULE_LIFETIME = 5 * 86_400;
/** Each MTA's own queue lifetime (DOMAIN.md): qmail `queuelifetime`, Postfix `maximal_queue_lifetime`, Exim's last retry rule. */
export const MTA_QUEUE_LIFETIME: Record<(typeof MTA_SCHEDULES)[number], number> = {
  qmail: 604_800,
  postfix: 5 * 86_400,
  exim: 4 * 86_400,
};

/** Where MTA retries go (`mta.retryFrom`) and what a blocklist 5xx does (`mta.onBlocklist`). */
export const RETRY_FROM = ["same", "pool"] as const;
export const ON_BLOCKLIST = ["bounce", "requeue"] as const;

/** Receivers that greylist, postgrey-style (DOMAIN.md, "Greylisting"); defaults are postgrey's. */
const greylisting = z
  .strictObject({
    domains: probability.meta({ description: "share of recipient domains whose receivers greylist" }),
    exceptTop: nonNegativeInt.default(0).meta({
      description: "the most popular domains (by rank) that never greylist, e.g. large mailbox providers",
    }),
    delay: positiveDuration.prefault("300s").meta({ description: "postgrey --delay: seconds a new triplet waits" }),
    retryWindow: positiveDuration.prefault("2d").meta({
      description: "postgrey --retry-window: a first retry later than this after the first attempt starts over",
    }),
    maxAge: positiveDuration.prefault("35d").meta({
      description: "postgrey --max-age: entries not seen for this long are forgotten",
    }),
    autoWhitelist: nonNegativeInt.default(5).meta({
      description:
        "postgrey --auto-whitelist-clients: passes (at most one an hour) after which a relay skips greylisting at that domain; 0 disables",
    }),
    lookup: z.enum(["host", "subnet"], { error: 'expected "host" or "subnet"' }).default("host").meta({
      description:
        'the triplet\'s client: "host" (each relay, postgrey --lookup-by-host) or "subnet" (the whole pool in one /24, postgrey\'s default)',
    }),
    recipient: z
      .enum(["per-domain", "per-message"], { error: 'expected "per-domain" or "per-message"' })
      .default("per-domain")
      .meta({
        description:
          'the triplet\'s recipient: "per-domain" (a sender writes to one mailbox per domain) or "per-message" (each message a new recipient)',
      }),
  })
  .meta({ description: "receivers that greylist (postgrey-style); absent: none does" });

const sweepBlock = z
  .array(
    z.strictObject({
      path: z.string({
        error: "expected a scenario path such as resend.after",
      }),
      values: z.union([z.string(), z.array(z.unknown())], {
        error: 'expected a list of values or a range such as "0m..60m/2m"',
      }),
    }),
  )
  .meta({
    description: "parameters to vary in `sim sweep`, as with --vary PATH=VALUES",
  });

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string({ error: "expected a name" }).regex(/^[a-z0-9][a-z0-9._-]*$/, {
      error: "expected a name of lower-case letters, digits, '.', '_' and '-'",
    }),
    description: z.string().default(""),
    seed: z.number({ error: "expected an integer seed" }).int({ error: "expected an integer seed" }).default(1),
    replications: positiveInt().default(10),
    horizon: positiveDuration.prefault("7d"),
    warmup: duration.prefault("0s"),
    pool: z.strictObject({
      servers: positiveInt(),
      balancer: balancer.prefault({ policy: "random" }),
      avoidListed: z
        .strictObject({
          checkEvery: positiveDuration,
          moveDeferred: z.boolean({ error: "expected true or false" }).optional().meta({
            description:
              "hand the deferred queue of a relay the check excludes to eligible relays at that check (DESIGN §2, off by default)",
          }),
        })
        .nullable()
        .default(null),
      capacity: positiveInt().nullable().default(null),
      sessionTime: distribution.prefault("2s"),
    }),
    blacklists: z.array(blacklist).default([]),
    listed: z.array(listed).default([]),
    compromise: z
      .strictObject({
        ratePerServer: rate,
        cleanup: distribution,
        start: z.enum(["steady", "clean"], { error: 'expected "steady" or "clean"' }).default("steady").meta({
          description:
            "how each server starts: in the lifecycle's steady state (compromised, listed and delisting with their long-run probabilities), or clean",
        }),
      })
      .nullable()
      .default(null),
    recipients: z
      .strictObject({
        domains: positiveInt().default(1000),
        zipf: z
          .number({ error: "expected a non-negative exponent" })
          .nonnegative({ error: "expected a non-negative exponent" })
          .default(1),
        perMessage: recipientCount.optional(),
      })
      .prefault({}),
    traffic: z.strictObject({ senders: positiveInt(), rate }),
    resend: z
      .strictObject({
        after: distribution.prefault({ uniform: ["5m", "15m"] }),
        probability: probability.default(1),
        maxAttempts: positiveInt().default(3),
      })
      .prefault({}),
    mta: z
      .strictObject({
        retry: z
          .union([z.enum(MTA_SCHEDULES), z.array(positiveDuration).min(1)], {
            error: 'expected "qmail", "postfix", "exim" or a list of retry ages',
          })
          .default("qmail"),
        queueLifetime: positiveDuration.nullable().default(null),
        retryFrom: z.enum(RETRY_FROM, { error: 'expected "same" or "pool"' }).optional().meta({
          description:
            'where MTA retries go: "same" (the relay that holds the message, the default) or "pool" (re-picked by the balancer, a shared queue)',
        }),
        onBlocklist: z.enum(ON_BLOCKLIST, { error: 'expected "bounce" or "requeue"' }).optional().meta({
          description:
            'on a blocklist 5xx: "bounce" to the sender (the default) or "requeue" the message on another relay on the retry schedule',
        }),
      })
      .prefault({})
      .transform((mta) => ({
        retry: mta.retry,
        queueLifetime:
          mta.queueLifetime ??
          (typeof mta.retry === "string" ? MTA_QUEUE_LIFETIME[mta.retry] : EXPLICIT_SCHEDULE_LIFETIME),
        // Absent unless written, so that scenarios without them normalise as before.
        ...(mta.retryFrom === undefined ? {} : { retryFrom: mta.retryFrom }),
        ...(mta.onBlocklist === undefined ? {} : { onBlocklist: mta.onBlocklist }),
      })),
    greylisting: greylisting.optional(),
    output: z
      .strictObject({
        attempts: z.boolean({ error: "expected true or false" }).default(false),
        delayBin: positiveDuration.prefault("1m"),
        timeseries: positiveDuration.prefault("1h"),
      })
      .prefault({}),
    sweep: sweepBlock.optional(),
    calibration: z
      .record(z.string(), z.unknown(), { error: "expected an object (written by sim calibrate)" })
      .optional()
      .meta({
        description:
          "estimates, intervals, evidence counts and methods written by `sim calibrate`; accepted and ignored by the model",
      }),
  })
  .superRefine((s, ctx) => {
    const issue = (path: (string | number)[], message: string, input?: unknown) =>
      ctx.addIssue({ code: "custom", path, message, input });
    const n = s.pool.servers;
    if (s.warmup >= s.horizon) issue(["warmup"], "expected a warmup shorter than the horizon", s.warmup);
    const names = new Set<string>();
    s.blacklists.forEach((b, i) => {
      if (names.has(b.name)) issue(["blacklists", i, "name"], "expected a unique list name", b.name);
      names.add(b.name);
      const rule = b.subscribers;
      if (typeof rule !== "number") {
        const { domains, zipf } = s.recipients;
        if (rule.exceptTop > domains) {
          issue(
            ["blacklists", i, "subscribers", "exceptTop"],
            `expected at most ${domains} (recipients.domains)`,
            rule.exceptTop,
          );
        } else if (rule.mailShare !== undefined) {
          const most = mailShareOutsideTop(domains, zipf, rule.exceptTop);
          if (rule.mailShare > most * (1 + 1e-12)) {
            issue(
              ["blacklists", i, "subscribers", "mailShare"],
              `expected at most ${most.toPrecision(4)} (the share of mail outside the top ${rule.exceptTop} domains)`,
              rule.mailShare,
            );
          }
        }
      }
    });
    if (s.blacklists.length > 30) issue(["blacklists"], "expected at most 30 lists", s.blacklists.length);
    if (s.greylisting !== undefined && s.greylisting.recipient === "per-domain") {
      // The triplet table packs (sender, domain, relay) into one exact integer.
      const keys = s.traffic.senders * s.recipients.domains * n;
      if (!(keys <= Number.MAX_SAFE_INTEGER)) {
        issue(["greylisting", "recipient"], 'expected senders × domains × servers ≤ 2^53 (or "per-message")', keys);
      }
    }
    // What the balancer's policy checks against the rest of the scenario (its weights, say).
    checkBalancer(s.pool.balancer, { servers: n, senders: s.traffic.senders }, (path, message, input) =>
      issue(["pool", "balancer", ...path], message, input),
    );
    s.listed.forEach((entry, i) => {
      entry.on.forEach((name, j) => {
        if (!names.has(name)) {
          issue(
            ["listed", i, "on", j],
            `expected one of the blacklists' names (${[...names].join(", ") || "none defined"})`,
            name,
          );
        }
      });
      if (entry.indices) {
        const distinct = new Set(entry.indices);
        if (distinct.size !== entry.indices.length)
          issue(["listed", i, "indices"], "expected distinct server indices", entry.indices);
        entry.indices.forEach((v, j) => {
          if (v >= n) issue(["listed", i, "indices", j], `expected a server index below ${n}`, v);
        });
        if (entry.servers !== undefined && entry.servers !== entry.indices.length) {
          issue(
            ["listed", i, "servers"],
            `expected ${entry.indices.length} (the number of indices) or no value`,
            entry.servers,
          );
        }
      } else if (entry.servers === undefined) {
        issue(["listed", i, "servers"], "expected a number of servers (or indices)", undefined);
      } else if (entry.servers > n) {
        issue(["listed", i, "servers"], `expected at most ${n} (the pool's size)`, entry.servers);
      }
      if (entry.until !== null && entry.until <= entry.from) {
        issue(["listed", i, "until"], "expected a time after `from`, or null", entry.until);
      }
    });
  });

/** A scenario as written (before normalisation). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A normalised scenario: seconds, rates per second, distributions as objects, defaults filled. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A normalised `pool.balancer` (one shape per policy). */
export type Balancer = Scenario["pool"]["balancer"];
/** A normalised `blacklists` entry. */
export type Blacklist = Scenario["blacklists"][number];
/** A normalised `listed` entry. */
export type ListedEntry = Scenario["listed"][number];
/** A normalised `greylisting` block. */
export type Greylisting = NonNullable<Scenario["greylisting"]>;
