// From the evidence of two passes to estimates — each with an interval, its evidence count and
// its method — and to a scenario that `sim run` and `sim advise` accept (DESIGN §1), carrying
// the estimates in its `calibration` block.
import { listById } from "../classify/lists.js";
import { retryAges, retrySchedule } from "../model/mta/index.js";
import { policyNamed } from "../scenario/policies/index.js";
import { MTA_QUEUE_LIFETIME } from "../scenario/schema.js";
import { wilson, Z95 } from "../stats/wilson.js";
import { VERSION } from "../version.js";
import { type Evidence, type ListStats, WINDOW_GAP } from "./evidence.js";
import { type PolicyEstimate, testPolicy } from "./policy.js";
import { ZIPF_RESAMPLES, zipfFitBootstrap } from "./zipf.js";

/** An estimate with its 95 % interval, how much evidence it rests on, and how it was made. */
export interface Interval {
  estimate: number | null;
  ci95: [number, number] | null;
  evidence: number;
  method: string;
}

/** One listing window of one relay on one list, with onset and end bracketed by the rejection record. */
export interface WindowEstimate {
  relay: number;
  relayKey: string;
  /** Seconds since the log's start. Onset lies in [earliest, latest]; end in [earliest, latest]. */
  onset: { estimate: number; earliest: number | null; latest: number };
  end: { estimate: number | null; earliest: number; latest: number | null };
  rejections: number;
  contradictions: number;
}

/** What the logs say about one list: rejections, reply class, windows, subscriber share, listing length. */
export interface ListEstimate {
  name: string;
  kind: string;
  rejections: number;
  permanent: number;
  temporary: number;
  reply: "5xx" | "4xx";
  windows: WindowEstimate[];
  subscribers: { byDomain: Interval; byMail: Interval };
  listedSeconds: Interval;
}

/** The `calibration` block of a calibrated scenario: every estimate, its interval, evidence count and method. */
export interface Calibration {
  tool: { name: "relaysim"; version: string; command: "calibrate" };
  source: {
    files: string[];
    lines: number;
    attempts: number;
    unparsed: Evidence["unparsed"];
    formats: Record<string, number>;
    start: string | null;
    end: string | null;
    seconds: number;
  };
  relays: {
    count: Interval;
    /** `server`: the relay's index in the scenario (its place in the balancer's cycle when one was found). */
    list: {
      index: number;
      server: number;
      key: string;
      address: string | null;
      attempts: number;
      picks: number;
      rejected: number;
    }[];
  };
  lists: ListEstimate[];
  replyClasses: Record<string, number>;
  policy: PolicyEstimate;
  traffic: { senders: Interval; messages: number; ratePerSenderPerDay: Interval };
  recipients: { domains: Interval; zipf: Interval };
  retry: { schedule: string; evidence: number; distance: Record<string, number | null>; method: string };
  /** What the MTA does with a blocklist 5xx: bounce it, or defer it as a 4xx (requeue). */
  onBlocklist: { policy: "bounce" | "requeue"; deferred: number; bounced: number; method: string };
  resend: {
    bounces: number;
    resends: number;
    probability: Interval;
    waitSeconds: { median: number | null; p10: number | null; p90: number | null; deciles: number[]; evidence: number };
    maxAttempts: number;
  };
}

/** Chao (1984/1987) richness: seen + f1²/(2 f2), with its log-normal 95 % interval. */
export function chao1(frequencies: Iterable<number>): Interval {
  let seen = 0;
  let f1 = 0;
  let f2 = 0;
  let total = 0;
  for (const c of frequencies) {
    if (!(c > 0)) continue;
    seen++;
    total += c;
    if (c === 1) f1++;
    else if (c === 2) f2++;
  }
  const method = "Chao1 richness (seen + f1²/2f2), log-normal interval (Chao 1987)";
  if (f1 === 0) return { estimate: seen, ci95: [seen, seen], evidence: total, method };
  const unseen = f2 > 0 ? (f1 * f1) / (2 * f2) : (f1 * (f1 - 1)) / 2;
  const r = f2 > 0 ? f1 / f2 : f1;
  const variance =
    f2 > 0 ? f2 * (0.5 * r * r + r ** 3 + 0.25 * r ** 4) : (f1 * (f1 - 1)) / 2 + (f1 * (2 * f1 - 1) ** 2) / 4;
  if (unseen <= 0) return { estimate: seen, ci95: [seen, seen], evidence: total, method };
  const k = Math.exp(Z95 * Math.sqrt(Math.log(1 + variance / (unseen * unseen))));
  return { estimate: seen + unseen, ci95: [seen + unseen / k, seen + unseen * k], evidence: total, method };
}

/**
 * Zipf exponent of the recipient domains by maximum likelihood over their ranked counts and
 * Chao1 ranks, with a bias-corrected parametric-bootstrap interval (zipf.ts).
 */
export function zipfFit(frequencies: ArrayLike<number>): Interval {
  let total = 0;
  // (holes in a sparse array are undefined: skipped)
  for (let i = 0; i < frequencies.length; i++) {
    const c = frequencies[i];
    if (c > 0) total += c;
  }
  const method = `maximum likelihood of Zipf(s) over the domains' Chao1 richness of ranks, on rank-ordered domain counts; parametric-bootstrap interval (${ZIPF_RESAMPLES} draws from the fitted Zipf, bias measured and taken out first) that carries the ranking noise and the unseen domains`;
  const fit = zipfFitBootstrap(frequencies);
  if (fit === null) return { estimate: null, ci95: null, evidence: total, method };
  return { estimate: fit.estimate, ci95: fit.ci95, evidence: total, method };
}

/** A ratio of sums over clusters (domains) with a cluster-robust (delta-method) 95 % interval. */
export function clusteredRatio(clusters: { y: number; m: number }[]): Interval {
  const method = "ratio of rejected to exposed attempts, domains as clusters (delta-method interval)";
  const n = clusters.length;
  const Y = clusters.reduce((a, c) => a + c.y, 0);
  const M = clusters.reduce((a, c) => a + c.m, 0);
  if (M === 0) return { estimate: null, ci95: null, evidence: 0, method };
  const r = Y / M;
  if (n < 2) return { estimate: r, ci95: [0, 1], evidence: M, method };
  const mbar = M / n;
  let ss = 0;
  for (const c of clusters) ss += (c.y - r * c.m) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n) / mbar;
  return { estimate: r, ci95: [Math.max(0, r - Z95 * se), Math.min(1, r + Z95 * se)], evidence: M, method };
}

function quantile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i];
}

function windowEstimates(list: ListStats, e: Evidence, t0: number, t1: number): WindowEstimate[] {
  return list.windows.map((w) => {
    const onsetEarliest = Number.isFinite(w.cleanBefore) ? w.cleanBefore - t0 : null;
    const endLatest = Number.isFinite(w.cleanAfter) ? w.cleanAfter - t0 : null;
    // No clean delivery before the first rejection: listed since before the log (or its start).
    const onset = onsetEarliest === null ? 0 : (onsetEarliest + (w.first - t0)) / 2;
    const ongoing = endLatest === null && t1 - w.last < WINDOW_GAP;
    const end = endLatest !== null ? (w.last - t0 + endLatest) / 2 : ongoing ? null : w.last - t0;
    return {
      relay: w.relay,
      relayKey: e.relayList[w.relay].key,
      onset: { estimate: onset, earliest: onsetEarliest, latest: w.first - t0 },
      end: { estimate: end, earliest: w.last - t0, latest: endLatest },
      rejections: w.rejections,
      contradictions: w.contradictions,
    };
  });
}

function listEstimate(list: ListStats, e: Evidence, t0: number, t1: number): ListEstimate {
  const windows = windowEstimates(list, e, t0, t1);
  let subscribed = 0;
  const clusters: { y: number; m: number }[] = [];
  for (const x of list.exposed.values()) {
    if (x.rejected > 0) subscribed++;
    clusters.push({ y: x.rejected, m: x.rejected + x.accepted });
  }
  const exposedDomains = list.exposed.size;
  const durations = windows
    .filter((w) => w.end.estimate !== null && w.onset.earliest !== null)
    .map((w) => (w.end.estimate as number) - w.onset.estimate)
    .sort((a, b) => a - b);
  const info = listById(list.id);
  return {
    name: list.id,
    kind: info ? info.name : `list at ${list.id}`,
    rejections: list.rejections,
    permanent: list.permanent,
    temporary: list.temporary,
    reply: list.temporary > list.permanent ? "4xx" : "5xx",
    windows,
    subscribers: {
      byDomain: {
        estimate: exposedDomains > 0 ? subscribed / exposedDomains : null,
        ci95: exposedDomains > 0 ? wilson(subscribed, exposedDomains) : null,
        evidence: exposedDomains,
        method:
          "share of domains that rejected, among domains that got mail through a relay inside one of its listing windows (Wilson interval)",
      },
      byMail: clusteredRatio(clusters),
    },
    listedSeconds: {
      estimate: quantile(durations, 0.5),
      ci95: durations.length > 1 ? [durations[0], durations[durations.length - 1]] : null,
      evidence: durations.length,
      method: "median of closed windows' estimated durations (range shown)",
    },
  };
}

const SCHEDULES = ["qmail", "postfix", "exim"] as const;

function retryEstimate(e: Evidence, fallback: string): Calibration["retry"] {
  const ages = e.retryAges.values();
  const distance: Record<string, number | null> = {};
  let best: string | null = null;
  for (const name of SCHEDULES) {
    const candidates = retryAges(retrySchedule(name), MTA_QUEUE_LIFETIME[name]);
    if (ages.length === 0) {
      distance[name] = null;
      continue;
    }
    const errors = Array.from(ages, (a) => {
      let d = Number.POSITIVE_INFINITY;
      for (const c of candidates) d = Math.min(d, Math.abs(Math.log(Math.max(a, 1) / c)));
      return d;
    }).sort((x, y) => x - y);
    distance[name] = quantile(errors, 0.5);
    if (best === null || (distance[name] as number) < (distance[best] as number)) best = name;
  }
  const matched = best !== null && (distance[best] as number) < 0.1;
  return {
    schedule: matched ? (best as string) : fallback,
    evidence: ages.length,
    distance,
    method: matched
      ? "the MTA schedule whose retry ages lie nearest (median |log ratio|) to the observed ages of retries after a deferral"
      : `no schedule within 10 % of the observed retry ages (or none observed): the log format's MTA (${fallback})`,
  };
}

/** A bounce this close to the log's end may have a resend the log does not show. */
const RESEND_CENSOR = 86_400;

function resendEstimate(e: Evidence): Calibration["resend"] {
  const waits: number[] = [];
  let bounces = 0;
  let maxAttempts = 1;
  for (const key of e.resendWaits.keys()) maxAttempts = Math.max(maxAttempts, e.submissionsPerKey.get(key) ?? 1);
  let eligible = 0;
  for (const [key, list] of e.resendWaits) {
    const times = e.bounces.get(key) as number[];
    list.forEach((w, i) => {
      bounces++;
      if (Number.isFinite(w)) {
        waits.push(w);
        eligible++;
      } else if (e.maxTime - times[i] > RESEND_CENSOR && i + 1 < maxAttempts) {
        // The (i+1)-th bounce of this sender and recipient could have been resent, and was not.
        eligible++;
      }
    });
  }
  waits.sort((a, b) => a - b);
  return {
    bounces,
    resends: waits.length,
    probability: {
      estimate: eligible > 0 ? waits.length / eligible : null,
      ci95: eligible > 0 ? wilson(waits.length, eligible) : null,
      evidence: eligible,
      method:
        "bounces followed by a new message from the same sender to the same recipient within 7 days, among bounces that could still be resent (not within a day of the log's end, fewer submissions than the most seen) (Wilson interval)",
    },
    waitSeconds: {
      median: quantile(waits, 0.5),
      p10: quantile(waits, 0.1),
      p90: quantile(waits, 0.9),
      deciles:
        waits.length >= 10
          ? [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95].map((p) =>
              Math.round(quantile(waits, p) as number),
            )
          : [],
      evidence: waits.length,
    },
    maxAttempts,
  };
}

/** Every estimate from the evidence of both passes. */
export function calibrate(e: Evidence, files: string[], formats: Record<string, number>): Calibration {
  const t0 = Number.isFinite(e.minTime) ? e.minTime : 0;
  const t1 = Number.isFinite(e.maxTime) ? e.maxTime : 0;
  const seconds = Math.max(0, t1 - t0);
  const policy = testPolicy(e.pickTime.values(), e.pickRelay.values(), e.pickSender.values(), e.relayList.length);
  const senders = chao1(e.senderPicks);
  const resend = resendEstimate(e);
  const messages = Math.max(0, e.picks - resend.resends);
  const days = seconds / 86_400;
  const nSenders = senders.estimate ?? 0;
  const rate = days > 0 && nSenders > 0 ? messages / nSenders / days : null;
  const domains = chao1(e.domainPicks);
  const fallback =
    formats.qmail > (formats.postfix ?? 0) && formats.qmail > (formats.exim ?? 0)
      ? "qmail"
      : (formats.exim ?? 0) > (formats.postfix ?? 0)
        ? "exim"
        : "postfix";
  return {
    tool: { name: "relaysim", version: VERSION, command: "calibrate" },
    source: {
      files,
      lines: e.lines,
      attempts: e.attempts,
      unparsed: e.unparsed,
      formats,
      start: Number.isFinite(e.minTime) ? new Date(t0 * 1000).toISOString() : null,
      end: Number.isFinite(e.maxTime) ? new Date(t1 * 1000).toISOString() : null,
      seconds,
    },
    relays: {
      count: {
        ...chao1(e.relayList.map((r) => r.picks)),
        method: "relays seen; Chao1 adds relays too rarely used to be seen",
      },
      list: e.relayList.map((r) => ({
        index: r.index,
        server: policy.cycle ? policy.cycle.indexOf(r.index) : r.index,
        key: r.key,
        address: r.address || majority(r.votes),
        attempts: r.attempts,
        picks: r.picks,
        rejected: r.rejected,
      })),
    },
    lists: [...e.lists.values()].map((l) => listEstimate(l, e, t0, t1)),
    replyClasses: Object.fromEntries(e.replyClasses),
    policy,
    traffic: {
      senders,
      messages,
      ratePerSenderPerDay: {
        estimate: rate,
        ci95:
          rate === null
            ? null
            : [
                Math.max(0, messages - Z95 * Math.sqrt(messages)) / nSenders / days,
                (messages + Z95 * Math.sqrt(messages)) / nSenders / days,
              ],
        evidence: messages,
        method: "first submissions ÷ senders ÷ days of log (Poisson normal interval on the count)",
      },
    },
    recipients: { domains, zipf: zipfFit(e.domainMessages) },
    retry: retryEstimate(e, fallback),
    onBlocklist: {
      policy: e.block5xx.deferred > e.block5xx.bounced ? "requeue" : "bounce",
      deferred: e.block5xx.deferred,
      bounced: e.block5xx.bounced,
      method:
        "blocklist replies with a 5xx code that the MTA logged as deferred (requeued, mta.onBlocklist requeue) against those it bounced: the more common one",
    },
    resend,
  };
}

function majority(votes: Map<string, number>): string | null {
  let best: string | null = null;
  let count = 0;
  for (const [ip, n] of votes) {
    if (n > count) {
      best = ip;
      count = n;
    }
  }
  return best;
}

/**
 * `pool.balancer` of the detected policy: the period the log shows goes into the policy's own
 * time-scale field (a timer's period, a DNS TTL), its sweep default when the log shows none.
 */
export function calibratedBalancer(
  name: string,
  period: number | null,
  phase?: "global" | "per-sender",
): Record<string, unknown> {
  const policy = policyNamed(name);
  const field = policy?.timeScaleField ?? null;
  if (!policy || field === null) return { policy: name };
  const seconds = period ?? (policy.sweepDefaults[field] as number);
  return { policy: name, [field]: Math.max(1, Math.round(seconds)), ...(phase === "per-sender" ? { phase } : {}) };
}

/** The calibrated scenario (plain JSON, valid against the schema) with its calibration block. */
export function calibratedScenario(c: Calibration, name: string): Record<string, unknown> {
  const servers = Math.max(1, c.relays.list.length);
  const horizon = Math.max(1, c.source.seconds);
  const listed: Record<string, unknown>[] = [];
  for (const l of c.lists) {
    for (const w of l.windows) {
      const from = Math.max(0, w.onset.estimate);
      const until = w.end.estimate === null ? null : Math.max(w.end.estimate, from + 1);
      listed.push({ indices: [c.relays.list[w.relay].server], on: [l.name], from, until });
    }
  }
  const balancer = calibratedBalancer(c.policy.policy, c.policy.period, c.policy.phase);
  const waits = c.resend.waitSeconds;
  // The users' observed waits as an empirical distribution (ten deciles' midpoints).
  const after = waits.deciles.length > 0 ? { empirical: waits.deciles } : { uniform: ["5m", "15m"] };
  return {
    name,
    description: `calibrated by sim calibrate from ${c.source.files.length} log file(s), ${c.source.lines} lines, ${c.source.start ?? "?"} to ${c.source.end ?? "?"}`,
    seed: 1,
    replications: 20,
    horizon,
    pool: { servers, balancer },
    blacklists: c.lists.map((l) => ({
      name: l.name,
      subscribers: l.subscribers.byDomain.estimate ?? 0,
      reply: l.reply,
    })),
    listed,
    recipients: {
      domains: Math.max(1, Math.round(c.recipients.domains.estimate ?? 1)),
      zipf: c.recipients.zipf.estimate ?? 1,
    },
    traffic: {
      senders: Math.max(1, Math.round(c.traffic.senders.estimate ?? 1)),
      rate: (c.traffic.ratePerSenderPerDay.estimate ?? 1) / 86_400,
    },
    resend: {
      after,
      probability: c.resend.probability.estimate ?? 1,
      maxAttempts: Math.max(2, c.resend.maxAttempts),
    },
    mta: { retry: c.retry.schedule, ...(c.onBlocklist.policy === "requeue" ? { onBlocklist: "requeue" } : {}) },
    calibration: c,
  };
}
