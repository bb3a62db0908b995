// The compromise lifecycle of DESIGN §2 ("Pool and listings", `compromise`): per replication,
// Poisson compromises of clean servers, cleanup, and each list's listing and delisting, as the
// same Listing intervals that static `listed` entries produce. By default each server starts
// in the lifecycle's steady state (`compromise.start: "steady"`), so a short horizon is not
// biased towards clean pools.
import { type DistributionSpec, type Random, randomStream, type Sampler, sampler, supremum } from "../engine/index.js";
import type { Scenario } from "../scenario/schema.js";
import type { Listing } from "./listings.js";

/** One compromise of one server and the listings it causes. */
export interface CompromiseCycle {
  server: number;
  /** Negative for a compromise before t = 0 (a steady start's history). */
  compromisedAt: number;
  cleanedAt: number;
  /** One per list that lists the server before the cleanup, in `blacklists` order (unclipped times). */
  listings: Listing[];
}

/** Each server's own compromise stream, so that one server's draws never shift another's. */
export function compromiseStreams(seed: number, replication: number): (server: number) => Random {
  return (server) => randomStream(seed, replication, `compromise.${server}`);
}

/**
 * A draw from the length-biased version of a distribution (density ∝ x·f(x)): the length of
 * the cleanup period that covers a given instant of a stationary process (the inspection paradox).
 */
export function lengthBiased(spec: DistributionSpec, random: Random): number {
  if ("fixed" in spec) return spec.fixed;
  if ("uniform" in spec) {
    // Density ∝ x on [a, b]: inverse of the CDF (x² − a²)/(b² − a²).
    const [a, b] = spec.uniform;
    return Math.sqrt(a * a + random.next() * (b * b - a * a));
  }
  // x·e^{−x/m} is the Gamma(2, m) density: the sum of two exponentials.
  if ("exponential" in spec) return -spec.exponential * (Math.log(1 - random.next()) + Math.log(1 - random.next()));
  if ("lognormal" in spec) {
    // x·lognormal(μ, σ) ∝ lognormal(μ + σ², σ): the median moves by e^{σ²}.
    const { median, sigma } = spec.lognormal;
    const normal = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    return median * Math.exp(sigma * sigma + sigma * normal);
  }
  // One of the values with probability ∝ value.
  const values = spec.empirical;
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return 0;
  let u = random.next() * total;
  for (const v of values) {
    u -= v;
    if (u < 0) return v;
  }
  return values[values.length - 1];
}

/**
 * A length beyond which a draw has probability below 1e-12 (the support's end when bounded):
 * past cycles whose cleanup lies further back than every list's bound list a server now with
 * probability below that, per cycle, so the steady start leaves them out.
 */
export function negligibleBeyond(spec: DistributionSpec): number {
  if ("fixed" in spec) return spec.fixed;
  if ("uniform" in spec) return spec.uniform[1];
  if ("empirical" in spec) return supremum(spec);
  // P(Exp > m·ln 1e12) = 1e-12; P(Z > 7.04) < 1e-12.
  if ("exponential" in spec) return spec.exponential * 12 * Math.LN10;
  return spec.lognormal.median * Math.exp(7.04 * spec.lognormal.sigma);
}

interface ListDraws {
  delay: Sampler;
  delist: Sampler;
}

/**
 * The listings of a compromise at `compromisedAt` cleaned at `cleanedAt`: for each list in
 * `blacklists` order its listing delay and its delist time — drawn even when the listing does
 * not happen, so that one list's outcome does not shift the draws of the others.
 */
function cycleAt(server: number, compromisedAt: number, cleanedAt: number, lists: ListDraws[], random: Random) {
  const listings: Listing[] = [];
  for (let list = 0; list < lists.length; list++) {
    const listedAt = compromisedAt + lists[list].delay.sample(random);
    const delistedAt = cleanedAt + lists[list].delist.sample(random);
    if (listedAt < cleanedAt) listings.push({ server, list, from: listedAt, until: delistedAt });
  }
  return { server, compromisedAt, cleanedAt, listings };
}

/**
 * The compromises of each server up to the horizon and their listings (which may run past it).
 * A server is compromised after an Exp(ratePerServer) clean time; its spam is cleaned up
 * `cleanup` later; list b lists it at compromise + listingDelay_b if that is strictly before the
 * cleanup, until cleanup + delistAfter_b; the next compromise comes an Exp(rate) clean time
 * after the cleanup (none while compromised).
 *
 * With `start: "clean"` every server is clean at t = 0. With `"steady"` (the default) t = 0 is
 * a point of the stationary alternating renewal process: the server is compromised at 0 with
 * probability E[C]/(E[C] + 1/λ), and then the cleanup period covering 0 is length-biased with 0
 * uniform in it; otherwise the last cleanup was an Exp(λ) age ago (the clean period covering 0
 * is length-biased exponential: its age and residual are independent Exp(λ)) and the next
 * compromise an independent Exp(λ) ahead. The periods before are i.i.d.: they are drawn
 * backwards until their cleanups lie too far back for any delisting to reach t = 0.
 *
 * Each server draws from its own stream (`streamFor(server)`), in this order: the steady
 * start (its state, the current period, then the past cycles going back), then the cycles
 * forward in time. Forward draws are in time order and depend on the horizon only through
 * where they stop, so a longer horizon extends them without changing the earlier ones.
 * Constant distributions draw nothing (Sampler.constant). Ordered by server, then time.
 */
export function compromiseCycles(scenario: Scenario, streamFor: (server: number) => Random): CompromiseCycle[] {
  const compromise = scenario.compromise;
  const cycles: CompromiseCycle[] = [];
  if (compromise === null || !(compromise.ratePerServer > 0)) return cycles;
  const meanClean = 1 / compromise.ratePerServer;
  const cleanup = sampler(compromise.cleanup);
  const lists = scenario.blacklists.map((b) => ({ delay: sampler(b.listingDelay), delist: sampler(b.delistAfter) }));
  const reach = Math.max(0, ...scenario.blacklists.map((b) => negligibleBeyond(b.delistAfter)));
  const pCompromised = cleanup.mean / (cleanup.mean + meanClean);
  const horizon = scenario.horizon;
  // 1 − u lies in (0, 1], so clean times are finite.
  const cleanTime = (random: Random) => -meanClean * Math.log(1 - random.next());
  for (let server = 0; server < scenario.pool.servers; server++) {
    const random = streamFor(server);
    let compromisedAt: number;
    if (compromise.start === "steady") {
      const past: CompromiseCycle[] = [];
      let earliest: number;
      if (random.next() < pCompromised) {
        const length = lengthBiased(compromise.cleanup, random);
        const at = -random.next() * length;
        const current = cycleAt(server, at, at + length, lists, random);
        past.push(current);
        earliest = at;
        compromisedAt = current.cleanedAt + cleanTime(random);
      } else {
        earliest = -cleanTime(random);
        compromisedAt = cleanTime(random);
      }
      // `earliest` is the start of the periods already drawn; before it lies a cleanup.
      for (;;) {
        if (past.length > 0) earliest -= cleanTime(random);
        if (-earliest > reach) break;
        const length = cleanup.sample(random);
        const cycle = cycleAt(server, earliest - length, earliest, lists, random);
        past.push(cycle);
        earliest = cycle.compromisedAt;
      }
      for (let i = past.length - 1; i >= 0; i--) cycles.push(past[i]);
    } else {
      compromisedAt = cleanTime(random);
    }
    while (compromisedAt < horizon) {
      const cycle = cycleAt(server, compromisedAt, compromisedAt + cleanup.sample(random), lists, random);
      cycles.push(cycle);
      compromisedAt = cycle.cleanedAt + cleanTime(random);
    }
  }
  return cycles;
}

/**
 * The listing intervals of compromiseCycles, flattened and clipped to t ≥ 0: what the model
 * turns into on/off events, alongside staticListings. Intervals of one server on one list may
 * overlap (a delisting still pending when the next listing starts); the model counts them,
 * and mergeIntervals gives their union.
 */
export function compromiseListings(scenario: Scenario, streamFor: (server: number) => Random): Listing[] {
  const listings: Listing[] = [];
  for (const cycle of compromiseCycles(scenario, streamFor)) {
    for (const l of cycle.listings) {
      if (l.until > 0) listings.push(l.from >= 0 ? l : { ...l, from: 0 });
    }
  }
  return listings;
}

/**
 * The union of the intervals of each (server, list): disjoint, non-touching intervals ordered
 * by server, list and start. [a, b) and [b, c) merge into [a, c).
 */
export function mergeIntervals(listings: readonly Listing[]): Listing[] {
  const sorted = [...listings].sort((x, y) => x.server - y.server || x.list - y.list || x.from - y.from);
  const merged: Listing[] = [];
  let current: Listing | undefined;
  for (const l of sorted) {
    if (current !== undefined && l.server === current.server && l.list === current.list && l.from <= current.until) {
      if (l.until > current.until) current.until = l.until;
    } else {
      current = { server: l.server, list: l.list, from: l.from, until: l.until };
      merged.push(current);
    }
  }
  return merged;
}
