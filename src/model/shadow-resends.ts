// Shadow resends (issue 14, `sim advise`): every fixed wait of advise's grid evaluated within
// ONE replication. When a message's first submission bounces, each wait d of the grid gets a
// shadow copy of the message that resends after d, on the same pool history (the same first
// attempts, listings and health checks), with copies of the resend-side streams of its own
// (DESIGN §2 "Randomness": resends pick and draw from streams first attempts never touch).
//
// This is exact, not an approximation, when resends do not feed back into the rest of the pool:
// the balancer's pick has no side effects (timer, sticky, random), every session starts at once
// (unlimited capacity), and no list answers 4xx (no MTA retries share a stream with first
// attempts). Then a run at wait d differs from the scenario's own run only in its resends, and
// the shadow world of d replays them draw for draw: its counts are those of the run with
// `resend.after` fixed at d (test/model/shadow-resends.test.ts checks equality). `shadowProblem`
// says when a scenario is outside that class. A shadow world of the scenario's own rule replays
// the real resends too; its counts must equal the real tally's, which every replication checks
// (`faithful`), so that a mechanism added later that changes the resend path is caught.
//
// Balancers whose picks move state of their own and read nothing else (round-robin's pointer,
// stick-table's pins, DNS caches: `KEEPS_STATE`) are shadowed as **worlds** (`worldsNeeded`):
// each wait's world has its own balancer, built from a copy of the "balancer" stream, and its
// own copies of the pick streams, and makes every pick a run at that wait makes — each first
// attempt's (the model calls `firstAttempt`, shadow-worlds.ts) and its own resends'. A first
// attempt's outcome is then the world's own (the listings, subscriptions and session lengths are
// the run's, which do not depend on the picks), and so are its bounces: the world replays the
// run at its wait pick for pick, draw for draw. Exact too, with the same conditions; a health
// check's changes of eligibility reach every world's balancer when they reach the run's.
//
// A balancer that reads the sessions in progress (least-connections) is shadowed as worlds too
// when relays have no session limit: each world then also keeps its own sessions in progress
// (SessionCounts and session ends, as the run's regime keeps them: released at each pick of an
// attempt at or after their end, added when the attempt's session starts). Every session still
// starts on arrival, so a world's attempts happen at the times a run at its wait has them, and
// its counts at each pick are that run's. Where the policy keeps every world's copy at once
// (BalancerWorlds: least-connections on small pools with fixed session lengths), the worlds pick
// through it instead of a balancer and sessions each.
import { type AleaRandom, type Random, randomStream, type Sampler, type Simulator } from "../engine/index.js";
import {
  type Balancer,
  type BalancerWorlds,
  balancerReads,
  createBalancer,
  createBalancerWorlds,
} from "./balancers/index.js";
import { ClassesSeen } from "./classes-seen.js";
import { DELIVERED, KIND_BITS, REJECTED_5XX, SHADOW } from "./codes.js";
import type { CompiledScenario } from "./compiled.js";
import { grown } from "./grown.js";
import type { ListingBoard } from "./listing-board.js";
import { routesOn } from "./mta/routes.js";
import { SessionCounts } from "./session-counts.js";
import { type FifoSessionEnds, type HeapSessionEnds, sessionClock } from "./session-ends.js";
import type { Tally } from "./tally.js";

/**
 * The classes of worlds (BalancerWorlds) this thread has built: `sim advise` runs
 * round-robin's, dns's, stick-table's and least-connections' worlds in each thread. V8 compiles
 * the worlds' calls (`firstPicks` in firstAttemptTogether, `resendPick` in fire) for the classes
 * seen there so far, inlined behind a check of the class, and each new class deoptimised `fire`
 * (or the loop it was inlined in) and had it compiled again — 4–5 times a thread, ~40–150 ms of
 * compiler time each. Once a second class is seen, those calls go through
 * `Function.prototype.call`, a plain call whatever the class, as replication.ts does for the
 * balancer's pick (mixedBalancers, whose reasons hold here too): one recompilation, not one a class.
 */
const worldsClasses = new ClassesSeen();

/** Whether this thread's shadow worlds call their picks plainly, not inlined (worldsClasses): for tests. */
export function worldsCalledPlainly(): boolean {
  return worldsClasses.several;
}

/** Why a scenario's grid waits cannot be shadowed in one run (then each wait is a run of its own), or null. */
export function shadowProblem(compiled: CompiledScenario): string | null {
  const s = compiled.scenario;
  // A pick must read nothing the pool's traffic changes and change nothing itself (its class declares it).
  // Every session must start on arrival. A balancer that reads the sessions in progress has them
  // tracked (without a limit, still on arrival) and is shadowed as worlds that keep their own.
  if (s.pool.capacity !== null) return "sessions can queue: resends delay other mail";
  if (compiled.tempfailMask !== 0)
    return "a list answers 4xx: MTA retries of resends and first attempts share a stream";
  if (compiled.receiverLag?.ttls)
    return "receivers cache the lists' answers: a resend's lookup changes what later mail sees";
  if (compiled.perMessage !== null) return "messages have several recipients: a resend goes to some of them only";
  if (s.greylisting !== undefined) return "receivers greylist: a resend's triplet changes what later mail sees";
  if (routesOn(s)) return "retries leave their relay: the balancer's picks for them share the pool's state";
  return null;
}

/**
 * Whether each wait needs a world of its own, first attempts included (the balancer's picks move
 * its state: round-robin, stick-table, dns; or read the sessions in progress, which resends
 * change: least-connections), rather than resends on the run's one history.
 */
export function worldsNeeded(compiled: CompiledScenario): boolean {
  const reads = balancerReads(compiled.scenario.pool.balancer);
  return reads.picksKeepState || reads.sessions;
}

/** One shadow world's counts (those of counted messages, as the Tally keeps them). */
export interface ShadowCounts {
  resends: number;
  resendRejected: number;
  failed: number;
  /**
   * Counted messages delivered by a user resend, and the sum of their delivery delays; in worlds
   * (`ShadowResult.firstAttempts`), every counted message the world delivered, first attempts too.
   */
  delivered: number;
  delaySum: number;
  /** In worlds: counted first attempts rejected (0 otherwise: the run's count holds for every wait). */
  firstRejected: number;
}

/** The shadow worlds' counts: one per grid wait, then the scenario's own rule. */
export interface ShadowResult {
  delays: number[];
  worlds: ShadowCounts[];
  own: ShadowCounts;
  /** The own rule's shadow world counted exactly what the real run counted. */
  faithful: boolean;
  /** Each world made its own first attempts (worldsNeeded): `delivered`, `delaySum` and `firstRejected` are the world's whole counts. */
  firstAttempts: boolean;
}

class World implements ShadowCounts {
  resends = 0;
  resendRejected = 0;
  failed = 0;
  delivered = 0;
  delaySum = 0;
  firstRejected = 0;
  /** In worlds: this world's own balancer. */
  balancer: Balancer | null = null;
  /** In worlds whose balancer reads the sessions in progress: this world's sessions (null otherwise). */
  sessionEnds: FifoSessionEnds | HeapSessionEnds | null = null;
  private picksStream: Random | null = null;
  private sessionsStream: Random | null = null;
  private resendStream: Random | null = null;
  constructor(
    readonly after: Sampler,
    private readonly seed: number,
    private readonly replication: number,
  ) {}
  // Copies of the real run's resend-side streams, made on first use (most worlds never draw).
  get picks(): Random {
    this.picksStream ??= randomStream(this.seed, this.replication, "balancer.resend");
    return this.picksStream;
  }
  get sessions(): Random {
    this.sessionsStream ??= randomStream(this.seed, this.replication, "sessions.resend");
    return this.sessionsStream;
  }
  get resend(): Random {
    this.resendStream ??= randomStream(this.seed, this.replication, "resend");
    return this.resendStream;
  }
}

export class ShadowResends {
  private readonly worlds: World[];
  private readonly ownWorld: World;
  private readonly all: World[];
  // Shadow messages, struct-of-arrays with a free list (as MessageTable).
  private world = new Int32Array(64);
  private sender = new Int32Array(64);
  private domain = new Int32Array(64);
  private submissions = new Int32Array(64);
  private counted = new Uint8Array(64);
  private firstSubmitted = new Float64Array(64);
  // Each world's resends due in order of time, linked through their slots: a resend due at or
  // after its world's last queued one joins that world's queue with the order number schedule()
  // would have given it (Simulator.nextSeq), and only the queue's head waits in the simulator's
  // small heap (scheduleSoonAt, with that number), so run() takes every event in the same order
  // as when each resend was scheduled on its own, from a heap of ~one event a world instead of
  // every pending resend. One due earlier than its world's last queued one (a session length that
  // varies, a wait drawn per resend) is scheduled on its own as before.
  private due = new Float64Array(64);
  private seq = new Float64Array(64);
  private next = new Int32Array(64);
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private free: number[] = [];
  private used = 0;
  private readonly sessionTime: Sampler;
  private readonly maxSubmissions: number;
  private readonly probability: number;

  constructor(
    compiled: CompiledScenario,
    seed: number,
    replication: number,
    readonly delays: readonly number[],
    private readonly balancer: Balancer,
    private readonly board: ListingBoard,
    private readonly simulator: Simulator,
    /**
     * The run's balancer's pick when the model calls it plainly (replication.ts, mixedBalancers),
     * else null: resends on the run's one history pick with that balancer, called the same way.
     */
    private readonly balancerPick: Balancer["pick"] | null = null,
  ) {
    const problem = shadowProblem(compiled);
    if (problem !== null) throw new RangeError(`shadow resends: ${problem}`);
    const s = compiled.scenario;
    this.worlds = delays.map((d) => new World({ mean: d, constant: true, sample: () => d }, seed, replication));
    this.ownWorld = new World(compiled.resendAfter, seed, replication);
    this.all = [...this.worlds, this.ownWorld];
    this.head = new Int32Array(this.all.length).fill(-1);
    this.tail = new Int32Array(this.all.length).fill(-1);
    this.sessionTime = compiled.sessionTime;
    this.maxSubmissions = s.resend.maxAttempts;
    this.probability = s.resend.probability;
    this.firstAttempts = worldsNeeded(compiled);
    const worlds = this.firstAttempts ? this.all.length : 0;
    this.delivered = new Float64Array(worlds);
    this.delaySum = new Float64Array(worlds);
    this.delayError = new Float64Array(worlds);
    this.fixedLength = compiled.sessionTime.constant ? compiled.sessionTime.mean : Number.NaN;
    this.fixedExponent = batchExponent(this.fixedLength);
    this.pending = new Float64Array(worlds);
    this.everywhereAdded = new Float64Array(worlds);
    // Each world's balancer is built as the run builds its own: from a fresh "balancer" stream
    // (the run's first draws from it are the balancer's), on the same eligibility, and on
    // sessions of its own that the world keeps when the balancer reads them.
    const tracked = balancerReads(s.pool.balancer).sessions;
    this.firstPicks = this.firstAttempts ? this.all.map(() => randomStream(seed, replication, "balancer.first")) : [];
    this.together = this.firstAttempts
      ? createBalancerWorlds(s.pool.balancer, {
          servers: s.pool.servers,
          senders: s.traffic.senders,
          random: randomStream(seed, replication, "balancer"),
          fixedLength: compiled.sessionTime.constant,
          firstPicks: this.firstPicks,
          eligible: board.eligible,
        })
      : null;
    // Several worlds classes in this thread: their picks are called, not inlined (see worldsClasses).
    const plain = this.together !== null && worldsClasses.note(this.together) ? this.together : null;
    this.firstPicksOf = plain === null ? null : plain.firstPicks;
    this.resendPickOf = plain === null ? null : plain.resendPick;
    this.picked = new Int32Array(this.together === null ? 0 : this.all.length);
    this.passing = this.together?.firstPass !== undefined ? this.together : null;
    this.inverted = this.together?.firstPicksIn !== undefined && board.serversInMasks ? this.together : null;
    this.firstPicksInOf = plain === null || this.inverted === null ? null : (plain.firstPicksIn ?? null);
    const balancerOf = (w: World): Balancer => {
      const sessions = new SessionCounts(s.pool.servers);
      if (tracked) w.sessionEnds = sessionClock(sessions, null, compiled.sessionTime.constant);
      w.balancer = createBalancer(s.pool.balancer, {
        servers: s.pool.servers,
        senders: s.traffic.senders,
        random: randomStream(seed, replication, "balancer"),
        sessions,
        eligible: board.eligible,
      });
      return w.balancer;
    };
    this.balancers = this.firstAttempts && this.together === null ? this.all.map(balancerOf) : [];
    this.sessionEnds =
      this.balancers.length > 0 && tracked
        ? this.all.map((w) => w.sessionEnds as FifoSessionEnds | HeapSessionEnds)
        : null;
  }

  /** Every world's balancer at once, where the policy keeps them so (BalancerWorlds; then `balancers` is empty); else null. */
  private readonly together: BalancerWorlds | null;
  /** together, where it moves its worlds for a first attempt nobody reads more cheaply than it picks (firstPass); else null. */
  private readonly passing: BalancerWorlds | null;
  /** together, where it can name the worlds that picked given relays (firstPicksIn) on a pool of ≤ 32 relays; else null. */
  private readonly inverted: BalancerWorlds | null;
  /** together's firstPicks, resendPick and firstPicksIn (where inverted), called plainly once this thread has seen several worlds classes (worldsClasses); else null. */
  private readonly firstPicksOf: BalancerWorlds["firstPicks"] | null;
  private readonly resendPickOf: BalancerWorlds["resendPick"] | null;
  private readonly firstPicksInOf: NonNullable<BalancerWorlds["firstPicksIn"]> | null;
  /** together's picks of a first attempt, by world. */
  private readonly picked: Int32Array;

  /** In worlds whose balancer reads the sessions in progress: each world's sessions, by world index; null otherwise. */
  private readonly sessionEnds: (FifoSessionEnds | HeapSessionEnds)[] | null;

  /** In worlds (empty otherwise): each world's balancer and first-attempt pick stream, by world index (firstAttempt's loop). */
  private readonly balancers: Balancer[];
  private readonly firstPicks: AleaRandom[];
  /**
   * In worlds, each world's counted deliveries and their delays, first attempts and resends alike,
   * summed as the run's histogram sums (LogHistogram.add, Neumaier): the same values in the same
   * order give a run's mean to the last bit.
   */
  private readonly delivered: Float64Array;
  private readonly delaySum: Float64Array;
  private readonly delayError: Float64Array;

  /**
   * With a fixed session length, most values a world adds are that length (every first attempt it
   * delivers): those are counted, not added, until the world adds another value or its counts are
   * read (`settle`), and then added k at a time where k additions are exact (addRepeated). The
   * sum of the same values in the same order: identical values' order does not matter. NaN when
   * lengths vary (no value equals it).
   *
   * Declared with a fraction and set in the constructor, so that the field holds a double from
   * construction on (see engine/simulator.ts's `now`): as a small integer (a 2 s session) its
   * comparisons with `duration` collected small-integer feedback, and the compiled code of
   * firstAttemptTogether and deliveredEverywhere was deoptimised ("not a Smi") as soon as a caller's
   * optimised code passed the same length as a heap number (docs/performance.md, section osr).
   */
  private readonly fixedLength: number = Number.NaN;
  /** batchExponent(fixedLength): the sums up to which k fixed lengths add in one step. */
  private readonly fixedExponent: number;
  /**
   * Per world, fixed-length deliveries not yet added beyond the shared count `everywhere`: its own
   * (first attempts delivered world by world, resends delivered at the fixed length), less the
   * shared ones it rejected (firstAttemptTogether counts a first attempt to a domain that consults
   * a list in `everywhere`, then takes back each rejecting world's): so it may be negative, but
   * never below what `everywhere` owes the world.
   */
  private readonly pending: Float64Array;
  /** Fixed-length deliveries in every world (first attempts to domains that consult no list), and each world's count of them added so far. */
  private everywhere = 0;
  private readonly everywhereAdded: Float64Array;

  private addDelay(w: number, x: number): void {
    if (x === this.fixedLength) {
      this.pending[w]++;
      return;
    }
    this.settle(w);
    const s = this.delaySum[w];
    const t = s + x;
    this.delayError[w] += s >= x ? s - t + x : x - t + s;
    this.delaySum[w] = t;
    this.delivered[w]++;
  }

  /** A first attempt delivered in every world, its session lasting `duration` (counted). */
  private deliveredEverywhere(duration: number): void {
    if (duration === this.fixedLength) this.everywhere++;
    else for (let w = 0; w < this.all.length; w++) this.addDelay(w, duration);
  }

  /** World w's fixed-length deliveries not yet added are added now, in the histogram's compensated form. */
  private settle(w: number): void {
    const k = this.pending[w] + this.everywhere - this.everywhereAdded[w];
    if (k === 0) return;
    this.pending[w] = 0;
    this.everywhereAdded[w] = this.everywhere;
    this.delivered[w] += k;
    addRepeated(this.delaySum, this.delayError, w, this.fixedLength, k, this.fixedExponent);
  }

  /** Each world makes its own first attempts (worldsNeeded): the model calls firstAttempt for every one. */
  readonly firstAttempts: boolean;

  /**
   * A first attempt at `time` (worlds only), whose session lasts `duration`: each world picks its
   * own relay and counts or bounces it, as a run at its wait does.
   */
  firstAttempt(sender: number, domain: number, counted: boolean, time: number, duration: number): void {
    if (this.together !== null) {
      // A domain that consults no list is delivered in every world: where the worlds can move
      // their state without naming each world's relay (round-robin's shared position), only the
      // counts remain per world.
      if (this.passing !== null && this.board.consultsNone(domain)) {
        this.passing.firstPass?.(sender, time, time + duration);
        if (counted) this.deliveredEverywhere(duration);
        return;
      }
      // Where the worlds can name those that picked a relay rejecting the domain, only those are
      // visited; delivering worlds need nothing of their own when the delivery is shared (below).
      if (this.inverted !== null && (!counted || duration === this.fixedLength)) {
        const end = time + duration;
        const servers = this.board.rejectingServers(domain);
        const firstPicksInOf = this.firstPicksInOf;
        const bounced =
          firstPicksInOf === null
            ? (this.inverted.firstPicksIn?.(sender, time, end, servers) ?? -1)
            : firstPicksInOf.call(this.inverted, sender, time, end, servers);
        if (bounced >= 0) {
          this.firstBounces(bounced, sender, domain, counted, time, duration);
          return;
        }
      }
      this.firstAttemptTogether(this.together, sender, domain, counted, time, duration);
      return;
    }
    if (this.sessionEnds !== null) {
      this.trackedFirstAttempt(this.sessionEnds, sender, domain, counted, time, duration);
      return;
    }
    const balancers = this.balancers;
    const picks = this.firstPicks;
    const board = this.board;
    const n = balancers.length;
    // Most domains consult no list: delivered in every world, so only the picks (which move each
    // world's balancer) and the counts remain.
    if (board.consultsNone(domain)) {
      for (let w = 0; w < n; w++) balancers[w].pick(sender, time, picks[w]);
      if (counted) this.deliveredEverywhere(duration);
      return;
    }
    for (let w = 0; w < n; w++) {
      const server = balancers[w].pick(sender, time, picks[w]);
      const outcome = board.outcome(domain, server, time);
      if (outcome === DELIVERED) {
        if (counted) this.addDelay(w, duration);
        continue;
      }
      this.firstRejectedAt(w, sender, domain, counted, time, duration, outcome);
    }
  }

  /**
   * firstAttempt for a balancer that reads the sessions in progress: each world releases its
   * sessions ended by `time`, picks, and starts the attempt's session, as the run's regime does.
   */
  private trackedFirstAttempt(
    sessionEnds: (FifoSessionEnds | HeapSessionEnds)[],
    sender: number,
    domain: number,
    counted: boolean,
    time: number,
    duration: number,
  ): void {
    const balancers = this.balancers;
    const picks = this.firstPicks;
    const board = this.board;
    const n = balancers.length;
    const none = board.consultsNone(domain);
    const end = time + duration;
    for (let w = 0; w < n; w++) {
      const ends = sessionEnds[w];
      ends.releaseTo(time);
      const server = balancers[w].pick(sender, time, picks[w]);
      ends.push(server, end);
      const outcome = none ? DELIVERED : board.outcome(domain, server, time);
      if (outcome === DELIVERED) {
        if (counted) this.addDelay(w, duration);
        continue;
      }
      this.firstRejectedAt(w, sender, domain, counted, time, duration, outcome);
    }
  }

  /** firstAttempt through every world's balancer at once (`together`). */
  private firstAttemptTogether(
    together: BalancerWorlds,
    sender: number,
    domain: number,
    counted: boolean,
    time: number,
    duration: number,
  ): void {
    const picked = this.picked;
    const firstPicksOf = this.firstPicksOf;
    const alike =
      firstPicksOf === null
        ? together.firstPicks(sender, time, time + duration, picked)
        : firstPicksOf.call(together, sender, time, time + duration, picked);
    const n = picked.length;
    const board = this.board;
    if (board.consultsNone(domain)) {
      if (counted) this.deliveredEverywhere(duration);
      return;
    }
    if (alike && board.outcome(domain, picked[0], time) === DELIVERED) {
      if (counted) this.deliveredEverywhere(duration);
      return;
    }
    // Most worlds share one state and so one pick: an outcome is looked up when the pick changes.
    let server = -1;
    let outcome = DELIVERED;
    // A counted delivery of the fixed length, which most worlds make, is counted once for every
    // world (as deliveredEverywhere does) and each rejecting world takes its own back. Nothing adds
    // to a world's sum between the two, so every sum takes the same values in the same order.
    const shared = counted && duration === this.fixedLength;
    if (shared) this.everywhere++;
    const own = counted && !shared;
    for (let w = 0; w < n; w++) {
      if (picked[w] !== server) {
        server = picked[w];
        outcome = board.outcome(domain, server, time);
      }
      if (outcome === DELIVERED) {
        if (own) this.addDelay(w, duration);
        continue;
      }
      if (shared) this.pending[w]--;
      this.firstRejectedAt(w, sender, domain, counted, time, duration, outcome);
    }
  }

  /**
   * firstAttemptTogether when the worlds whose attempt bounced are known as a mask (bit w for
   * world w): the same steps in the same order — the shared delivery counted, then each bouncing
   * world, in world order, takes it back and bounces. Every rejection is a 5xx here (shadowProblem
   * refuses lists that answer 4xx).
   */
  private firstBounces(
    bounced: number,
    sender: number,
    domain: number,
    counted: boolean,
    time: number,
    duration: number,
  ): void {
    if (counted) this.everywhere++;
    let rest = bounced;
    while (rest !== 0) {
      const bit = rest & -rest;
      rest ^= bit;
      const w = 31 - Math.clz32(bit);
      if (counted) this.pending[w]--;
      this.firstRejectedAt(w, sender, domain, counted, time, duration, REJECTED_5XX);
    }
  }

  /** The operator's check changed eligibility (worlds only): each world's balancer hears of it, as the run's does. */
  eligibilityChanged(): void {
    for (const b of this.balancers) b.eligibilityChanged();
    this.together?.eligibilityChanged();
  }

  /** A world's first attempt was rejected: count it and bounce it (out of firstAttempt's loop). */
  private firstRejectedAt(
    w: number,
    sender: number,
    domain: number,
    counted: boolean,
    time: number,
    duration: number,
    outcome: number,
  ): void {
    if (outcome !== REJECTED_5XX)
      throw new Error("shadow resends: a 4xx reply (shadowProblem should have refused the scenario)");
    const world = this.all[w];
    if (counted) world.firstRejected++;
    const slot = this.allocate();
    this.world[slot] = w;
    this.sender[slot] = sender;
    this.domain[slot] = domain;
    this.submissions[slot] = 1;
    this.counted[slot] = counted ? 1 : 0;
    this.firstSubmitted[slot] = time;
    this.bounce(slot, time + duration);
  }

  /** A message's first submission bounced, reaching its sender at `time`: each world decides on its resend. */
  firstBounce(sender: number, domain: number, counted: boolean, firstSubmitted: number, time: number): void {
    // Worlds bounce their own first attempts (firstAttempt).
    if (this.firstAttempts) return;
    for (let w = 0; w < this.all.length; w++) {
      const slot = this.allocate();
      this.world[slot] = w;
      this.sender[slot] = sender;
      this.domain[slot] = domain;
      this.submissions[slot] = 1;
      this.counted[slot] = counted ? 1 : 0;
      this.firstSubmitted[slot] = firstSubmitted;
      this.bounce(slot, time);
    }
  }

  /** A shadow resend is due (the SHADOW event): the model's resubmit, on an unlimited pool. */
  fire(slot: number, time: number): void {
    const k = this.world[slot];
    // The head of its world's queue: the next one takes its place in the simulator's heap.
    if (this.head[k] === slot) {
      const next = this.next[slot];
      this.head[k] = next;
      if (next === -1) this.tail[k] = -1;
      else this.simulator.scheduleSoonAt(this.due[next], this.seq[next], (next << KIND_BITS) | SHADOW);
    }
    const w = this.all[k];
    this.submissions[slot]++;
    const d = this.sessionTime;
    const duration = d.constant ? d.mean : d.sample(w.sessions);
    const end = time + duration;
    const server = this.resendPick(w, slot, time, end);
    const outcome = this.board.outcome(this.domain[slot], server, time);
    const counted = this.counted[slot] === 1;
    if (counted) {
      w.resends++;
      if (outcome !== DELIVERED) w.resendRejected++;
    }
    if (outcome === DELIVERED) {
      if (counted) {
        if (this.firstAttempts) this.addDelay(this.world[slot], end - this.firstSubmitted[slot]);
        else {
          w.delivered++;
          w.delaySum += end - this.firstSubmitted[slot];
        }
      }
      this.free.push(slot);
    } else if (outcome === REJECTED_5XX) {
      this.bounce(slot, end);
    } else {
      throw new Error("shadow resends: a 4xx reply (shadowProblem should have refused the scenario)");
    }
  }

  /** The relay of the shadow resend in `slot` (world `w`), at `time`, its session ending at `end`. */
  private resendPick(w: World, slot: number, time: number, end: number): number {
    const sender = this.sender[slot];
    const together = this.together;
    if (together !== null) {
      const resendPickOf = this.resendPickOf;
      return resendPickOf === null
        ? together.resendPick(this.world[slot], sender, time, end, w.picks)
        : resendPickOf.call(together, this.world[slot], sender, time, end, w.picks);
    }
    // A world that keeps its sessions releases those ended by now before the pick, and starts this one's.
    const ends = w.sessionEnds;
    if (ends === null) {
      if (w.balancer !== null) return w.balancer.pick(sender, time, w.picks);
      const balancerPick = this.balancerPick;
      return balancerPick === null
        ? this.balancer.pick(sender, time, w.picks)
        : balancerPick.call(this.balancer, sender, time, w.picks);
    }
    ends.releaseTo(time);
    const server = (w.balancer as Balancer).pick(sender, time, w.picks);
    ends.push(server, end);
    return server;
  }

  /** The model's bounce: resend after the world's wait, or give up. */
  private bounce(slot: number, time: number): void {
    const w = this.all[this.world[slot]];
    const resend =
      this.submissions[slot] < this.maxSubmissions && (this.probability >= 1 || w.resend.next() < this.probability);
    if (resend) {
      const after = w.after.constant ? w.after.mean : w.after.sample(w.resend);
      this.scheduleResend(slot, time + after);
    } else {
      if (this.counted[slot] === 1) w.failed++;
      this.free.push(slot);
    }
  }

  /** The SHADOW event of `slot`'s resend at `due`: in its world's queue when due at or after the queue's last. */
  private scheduleResend(slot: number, due: number): void {
    const k = this.world[slot];
    const last = this.tail[k];
    const payload = (slot << KIND_BITS) | SHADOW;
    if (last !== -1 && due < this.due[last]) {
      this.simulator.schedule(due, payload);
      return;
    }
    const seq = this.simulator.nextSeq();
    this.due[slot] = due;
    this.seq[slot] = seq;
    this.next[slot] = -1;
    this.tail[k] = slot;
    if (last === -1) {
      this.head[k] = slot;
      this.simulator.scheduleSoonAt(due, seq, payload);
    } else this.next[last] = slot;
  }

  /** The worlds' counts, and whether the own rule's world counted what the real run did. */
  result(tally: Tally): ShadowResult {
    for (let w = 0; w < this.delivered.length; w++) this.settle(w);
    const counts = (w: World, k: number): ShadowCounts => ({
      resends: w.resends,
      resendRejected: w.resendRejected,
      failed: w.failed,
      delivered: this.firstAttempts ? this.delivered[k] : w.delivered,
      delaySum: this.firstAttempts ? this.delaySum[k] + this.delayError[k] : w.delaySum,
      firstRejected: w.firstRejected,
    });
    const own = this.ownWorld;
    return {
      delays: [...this.delays],
      worlds: this.worlds.map(counts),
      own: counts(own, this.worlds.length),
      faithful:
        own.resends === tally.resends &&
        own.resendRejected === tally.resendRejected &&
        own.failed === tally.failed &&
        (!this.firstAttempts ||
          (own.firstRejected === tally.firstRejected && this.delivered[this.worlds.length] === tally.delay.count)),
      firstAttempts: this.firstAttempts,
    };
  }

  private allocate(): number {
    const slot = this.free.pop();
    if (slot !== undefined) return slot;
    if (this.used === this.world.length) this.grow(this.used * 2);
    return this.used++;
  }

  private grow(capacity: number): void {
    this.world = grown(this.world, capacity);
    this.sender = grown(this.sender, capacity);
    this.domain = grown(this.domain, capacity);
    this.submissions = grown(this.submissions, capacity);
    this.counted = grown(this.counted, capacity);
    this.firstSubmitted = grown(this.firstSubmitted, capacity);
    this.due = grown(this.due, capacity);
    this.seq = grown(this.seq, capacity);
    this.next = grown(this.next, capacity);
  }
}

/** The biased exponent of a double (bits 52–62), read through a DataView (portable: big-endian, high word first). */
const bits = new DataView(new ArrayBuffer(8));
function exponentOf(x: number): number {
  bits.setFloat64(0, x);
  return (bits.getUint32(0) >>> 20) & 0x7ff;
}

/**
 * The largest biased exponent of a sum s whose ulp divides `x` (so that s + x is exact while it
 * stays in s's binade): ulp(s) = 2^(e − 1075) must not exceed x's lowest set bit. −1 for x ≤ 0 or
 * not finite (never batched).
 */
export function batchExponent(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return -1;
  let low = 2 ** (exponentOf(x) - 1075);
  if (low === 0) low = 2 ** -1074;
  while (x % (2 * low) === 0) low *= 2;
  return 1075 + Math.log2(low);
}

/**
 * Adds `x` to `sums[i]` and `errors[i]` `k` times as LogHistogram.add does (Neumaier: t = s + x,
 * error += (s − t) + x, or (x − t) + s when x > s), bit for bit. While s + x is exact the
 * correction is +0 and the sum moves by exactly x; that holds for every step of a batch when x is
 * a multiple of the ulp of a positive normal s (its exponent at most `maxExponent`, batchExponent)
 * and s + k·x stays in s's binade: then fl(k·x) < 2^52·ulp(s), so k·x is exact, and every partial
 * sum is a multiple of that ulp below the next power of two. The batch is then one addition,
 * checked by the exponent of its result. When the k additions cross the binade's end, those that
 * stay below it are one batch too (m = ⌊(2^(e+1) − s) / x⌋, less one while s + m·x reaches it), and
 * the step across is taken alone: so a settle costs about one step a binade crossed, not one a value
 * (a world's first settle from 0 counted every delivery until its first resend one by one: ~24 M
 * steps in an advise of round-robin-busy; docs/performance.md, section rrq). Other steps (a start at
 * 0, a sum whose ulp does not divide x) are taken one at a time.
 */
export function addRepeated(
  sums: Float64Array,
  errors: Float64Array,
  i: number,
  x: number,
  k: number,
  maxExponent: number,
): void {
  let s = sums[i];
  let e = errors[i];
  let left = k;
  while (left > 0) {
    const exponent = exponentOf(s);
    if (exponent >= 1 && exponent <= maxExponent && s > 0) {
      const t = s + left * x;
      if (exponentOf(t) === exponent) {
        s = t;
        break;
      }
      // 2^(e − 1023 + 1), the binade's end; top − s is exact (both multiples of ulp(s)).
      const top = 2 ** (exponent - 1022);
      let m = Math.floor((top - s) / x);
      while (m > 0 && s + m * x >= top) m--;
      if (m > 0) {
        s += m * x;
        left -= m;
        continue;
      }
    }
    const t = s + x;
    e += s >= x ? s - t + x : x - t + s;
    s = t;
    left--;
  }
  sums[i] = s;
  errors[i] = e;
}
