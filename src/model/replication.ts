// One replication of the mail flow of DESIGN §2 on the engine: Poisson submissions, the
// balancer's pick (among the servers the operator's health check left eligible), sessions that may
// queue at a full server, rejection by the lists the recipient's domain consults, 5xx bounces
// with user resends and 4xx deferrals retried by the relay on its MTA's schedule.
// This is the hot loop: typed arrays, no allocation or closures per event.
import {
  ALEA_MULTIPLIER,
  ALEA_UNIT,
  type AleaRandom,
  type AliasTable,
  type ClockWatch,
  exponential,
  exponentialFast,
  exponentialRest,
  type Random,
  Simulator,
  slotUntil,
} from "../engine/index.js";
import { type Balancer, createBalancer } from "./balancers/index.js";
import { type ArrivalFlow, RegimeArrivals } from "./capacity/arrivals.js";
import type { CapacityRegime, SessionStarter } from "./capacity/index.js";
import { UnlimitedCapacity } from "./capacity/unlimited.js";
import { ClassesSeen } from "./classes-seen.js";
import {
  ARRIVAL,
  ATTEMPT_START,
  CHECK,
  DELIVERED,
  EXPIRE,
  FIRST,
  KIND_BITS,
  KIND_MASK,
  KIND_NAMES,
  LIST_OFF,
  LIST_ON,
  MTA_RETRY,
  OUTCOME_NAMES,
  REJECTED_5XX,
  RESEND,
  RETRY,
  SESSION_WAKE,
  SHADOW,
  USER_RESEND,
} from "./codes.js";
import type { CompiledScenario } from "./compiled.js";
import { Greylist } from "./greylist.js";
import { compromiseListings, compromiseStreams } from "./lifecycle.js";
import type { ListingBoard } from "./listing-board.js";
import { type Listing, staticListings } from "./listings.js";
import { BLOCK, LookAhead } from "./look-ahead.js";
import { MessageTable } from "./messages.js";
import { RetryRoutes, routesOn } from "./mta/routes.js";
import { createListingBoard, seenByReceivers } from "./receivers/late-listings.js";
import { applySubscriberRules } from "./receivers/subscribers.js";
import { drawSubscriptions } from "./recipients.js";
import { SessionCounts } from "./session-counts.js";
import { ShadowResends, type ShadowResult } from "./shadow-resends.js";
import { WorldsArrivals, type WorldsFlow } from "./shadow-worlds.js";
import type { AttemptRecord, AttemptSink } from "./sink.js";
import { mailShareStream, propagationStream, retryMechanismStreams, SessionLengths, Streams } from "./streams.js";
import { Tally } from "./tally.js";

export { CompiledScenario } from "./compiled.js";

/**
 * Whether this thread has run replications of more than one balancer class (`sim advise` runs
 * every policy in each thread; `sim run` and `sim sweep` mostly one). The loops call
 * `balancer.pick` at one site, which V8 compiles for the balancer classes seen there so far,
 * inlined behind a check of the class: each new class failed the check, deoptimised the loop
 * and had it compiled again (plainArrivals six times a thread in one advise, ~40–70 ms of
 * compiler time each, the loop meanwhile running unoptimised). Once a second class is seen,
 * the loops call the pick through `Function.prototype.call` instead, which V8 leaves a plain
 * call whatever the class (~4 ns more a pick, measured): one recompilation, not one a class.
 * With one class the inlined call stays, as fast as before.
 */
let mixedBalancers = false;
const balancerClasses = new ClassesSeen();

/** Whether this thread's loops call the balancer's pick plainly, not inlined (mixedBalancers): for tests. */
export function picksCalledPlainly(): boolean {
  return mixedBalancers;
}

export class MailModel implements SessionStarter, ArrivalFlow, WorldsFlow {
  /**
   * Plain pools whose per-message tables (the balancer's per-sender array, the domains' alias
   * table and list masks) take this many bytes or more draw ahead (look-ahead.ts): beyond about
   * half a core's L2 cache those reads miss. Tests set it to 0 to run small pools that way.
   */
  static lookAheadBytes = 2 ** 20;
  readonly tally: Tally;
  readonly simulator = new Simulator();
  protected readonly streams: Streams;
  // The hot loop's streams and tables, held directly (one load fewer per use).
  protected readonly arrivals: AleaRandom;
  protected readonly recipients: AleaRandom;
  protected readonly domainTable: AliasTable;
  private readonly balancer: Balancer;
  /** The balancer's pick, for the hot loops' calls once this thread has seen several policies (mixedBalancers). */
  private readonly balancerPick: Balancer["pick"];
  protected readonly board: ListingBoard;
  protected readonly messages = new MessageTable();
  /** How many sessions a relay runs at once and when a waiting session starts (capacity/). */
  protected readonly capacity: CapacityRegime;
  private readonly checkEvery: number;
  private readonly queueLifetime: number;
  protected readonly arrivalRate: number;
  protected readonly senders: number;
  protected readonly horizon: number;
  protected readonly warmup: number;
  protected readonly maxSubmissions: number;
  protected readonly resendProbability: number;
  protected nextMessageId = 0;
  private readonly record: AttemptRecord | null;
  /** advise's grid waits shadowed in this run (shadow-resends.ts); null in every other run. */
  protected readonly shadow: ShadowResends | null = null;
  /** Greylisting receivers (greylist.ts); null without `greylisting`. */
  private readonly greylist: Greylist | null = null;
  /** Where retries go (mta/routes.ts); null when every retry stays on its relay (the default). */
  private readonly routes: RetryRoutes | null = null;
  /** `mta.onBlocklist: "requeue"`: a blocklist 5xx is deferred to another relay instead of bounced. */
  protected readonly requeueBlocked: boolean = false;
  /**
   * Whether first submissions take the plain path (plainArrivals): every session starts on arrival
   * (no capacity limit), no greylisting and no attempt records, in this class's own flow. Decided
   * once here, so other shapes pay one test per run of arrivals and nothing per attempt.
   */
  readonly plain: boolean;
  /** The plain path's draws taken ahead in blocks (plainArrivalsAhead), for large pools; null otherwise. */
  private readonly ahead: LookAhead | null = null;
  /**
   * First submissions of the shapes whose relays track or limit sessions (capacity/arrivals.ts),
   * on the same conditions as `plain` otherwise; null for every other shape.
   */
  readonly regimeArrivals: RegimeArrivals | null = null;
  /**
   * The time of every LIST_ON event, as scheduled (all at the start: listings and compromises are
   * drawn up front), for the regime loop (ArrivalParts.listingStarts).
   */
  private readonly listingStarts: number[] = [];
  /**
   * First submissions when each of advise's waits is a world of its own (shadow-worlds.ts,
   * `worldsNeeded`), which also hand every world the attempt; null for every other run.
   */
  private readonly worldsArrivals: WorldsArrivals | null = null;
  // plainArrivals' time bucket, kept between its runs: the bucket of times [bucketFrom, bucketUntil]
  // (engine/slots.ts: the division's answer, found by comparison).
  private bucketAt = 0;
  private bucketFrom = Number.POSITIVE_INFINITY;
  private bucketUntil = Number.NEGATIVE_INFINITY;
  /** plainArrivals' rejected session length, for plainRejected. */
  private rejectedDuration = 0.5;

  constructor(
    protected readonly compiled: CompiledScenario,
    private readonly seed: number,
    readonly replication: number,
    private readonly sink: AttemptSink | null = null,
    probes: readonly number[] | null = null,
  ) {
    const s = compiled.scenario;
    this.streams = new Streams(seed, replication);
    this.arrivals = this.streams.arrivals;
    this.recipients = this.streams.recipients;
    this.domainTable = compiled.domains;
    const servers = s.pool.servers;
    const sessions = new SessionCounts(servers);
    this.tally = new Tally(servers, compiled.buckets, s.output.delayBin, s.warmup, s.horizon, s.output.timeseries);
    const domainLists = drawSubscriptions(s.recipients.domains, compiled.subscribers, this.streams.subscriptions);
    if (compiled.subscriberRules !== null) {
      applySubscriberRules(domainLists, compiled.subscriberRules, s.recipients.zipf, () =>
        mailShareStream(seed, replication),
      );
    }
    this.board = createListingBoard(
      servers,
      s.blacklists.length,
      domainLists,
      compiled.tempfailMask,
      this.tally,
      compiled.receiverLag,
    );
    this.balancer = createBalancer(s.pool.balancer, {
      servers,
      senders: s.traffic.senders,
      random: this.streams.balancer,
      sessions,
      eligible: this.board.eligible,
    });
    this.balancerPick = this.balancer.pick;
    mixedBalancers = balancerClasses.note(this.balancer);
    this.capacity = new compiled.capacityRegime({
      servers,
      capacity: s.pool.capacity,
      sessions,
      simulator: this.simulator,
      tally: this.tally,
      lengths: new SessionLengths(compiled.sessionTime, this.streams.sessions),
      messages: this.messages,
      flow: this,
    });
    this.queueLifetime = s.mta.queueLifetime;
    this.senders = s.traffic.senders;
    this.arrivalRate = s.traffic.senders * s.traffic.rate;
    this.horizon = s.horizon;
    this.warmup = s.warmup;
    this.maxSubmissions = s.resend.maxAttempts;
    this.resendProbability = s.resend.probability;
    this.record =
      sink === null
        ? null
        : {
            time: 0,
            message: 0,
            sender: 0,
            domain: 0,
            server: 0,
            submission: 1,
            kind: "first",
            outcome: "delivered",
            counted: false,
            list: -1,
          };
    this.scheduleListings(staticListings(s, this.streams.placement));
    this.scheduleListings(compromiseListings(s, compromiseStreams(seed, replication)));
    if (probes !== null) {
      this.shadow = new ShadowResends(
        compiled,
        seed,
        replication,
        probes,
        this.balancer,
        this.board,
        this.simulator,
        mixedBalancers ? this.balancerPick : null,
      );
    }
    if (s.greylisting !== undefined || routesOn(s)) {
      const mechanisms = retryMechanismStreams(seed, replication);
      if (s.greylisting !== undefined) {
        this.greylist = new Greylist(s.greylisting, s.recipients.domains, servers, mechanisms.greylisting);
      }
      if (routesOn(s)) {
        const pick = (sender: number, time: number, random: Random) => {
          this.capacity.beforePick(time);
          return this.balancer.pick(sender, time, random);
        };
        this.routes = new RetryRoutes(s, this.messages, this.board.eligible, pick, mechanisms.retryPicks);
        this.requeueBlocked = this.routes.requeue;
      }
    }
    // The worlds' run: each wait a world of its own (shadow-worlds.ts).
    const worlds = new.target === MailModel && this.shadow !== null && this.shadow.firstAttempts ? this.shadow : null;
    if (worlds !== null && sink !== null) {
      throw new RangeError("shadow worlds: attempt records are not supported with shadow waits");
    }
    this.plain =
      new.target === MailModel &&
      worlds === null &&
      this.capacity instanceof UnlimitedCapacity &&
      this.greylist === null &&
      sink === null;
    if (this.plain) {
      const senderTable = this.balancer.senderTable ?? null;
      const bytes =
        (senderTable === null ? 0 : senderTable.byteLength) +
        s.recipients.domains * (8 + domainLists.BYTES_PER_ELEMENT);
      if (bytes >= MailModel.lookAheadBytes) {
        this.ahead = new LookAhead(
          this.arrivals,
          this.recipients,
          this.domainTable,
          s.traffic.senders,
          senderTable,
          domainLists,
        );
      }
    }
    if (new.target === MailModel && worlds === null && !this.plain && this.greylist === null && sink === null) {
      const parts = {
        simulator: this.simulator,
        arrivals: this.arrivals,
        recipients: this.recipients,
        domains: this.domainTable,
        balancer: this.balancer,
        picks: this.streams.picks[FIRST],
        board: this.board,
        tally: this.tally,
        capacity: this.capacity,
        messages: this.messages,
        rate: this.arrivalRate,
        horizon: this.horizon,
        senders: this.senders,
        warmup: this.warmup,
        holdWaits: this.routes === null || !this.routes.moveDeferred,
        listingStarts: Float64Array.from([...this.listingStarts, Number.POSITIVE_INFINITY]).sort(),
      };
      this.regimeArrivals = new RegimeArrivals(parts, this);
    }
    this.checkEvery = s.pool.avoidListed?.checkEvery ?? 0;
    // The first check, at t = 0, comes after listings that start at 0 (FIFO at equal times).
    if (s.pool.avoidListed !== null) this.simulator.schedule(0, CHECK);
    this.scheduleNextArrival(0);
    if (worlds !== null) {
      this.worldsArrivals = new WorldsArrivals(
        {
          simulator: this.simulator,
          capacity: this.capacity,
          worlds,
          board: this.board,
          tally: this.tally,
          drawsAhead: new LookAhead(this.arrivals, this.recipients, this.domainTable, this.senders, null, null),
          rate: this.arrivalRate,
          horizon: this.horizon,
          warmup: this.warmup,
        },
        this,
      );
    }
  }

  /** The shadow worlds' counts after run(); null without probe delays. */
  shadowResult(): ShadowResult | null {
    return this.shadow === null ? null : this.shadow.result(this.tally);
  }

  /** Run the replication to the end of its drain and close the time-averaged counters. */
  run(watch: ClockWatch | null = null): Tally {
    this.simulator.run(this, watch);
    this.board.closeListedTime(this.horizon);
    return this.tally;
  }

  handle(time: number, payload: number): void {
    const id = payload >> KIND_BITS;
    switch (payload & KIND_MASK) {
      case ARRIVAL:
        if (this.plain) {
          if (this.ahead === null) this.plainArrivals(time);
          else this.plainArrivalsAhead(time, this.ahead);
        } else if (this.regimeArrivals !== null) this.nextMessageId = this.regimeArrivals.run(time, this.nextMessageId);
        else if (this.worldsArrivals !== null) this.nextMessageId = this.worldsArrivals.run(time, this.nextMessageId);
        else this.submit(time);
        break;
      case RESEND:
        this.resubmit(id, time);
        break;
      case LIST_ON:
        this.board.listOn(id, time);
        break;
      case LIST_OFF:
        this.board.listOff(id, time);
        break;
      case RETRY:
        this.retry(id, time);
        break;
      case SESSION_WAKE:
        this.capacity.wake(id, time);
        break;
      case CHECK:
        this.healthCheck(time);
        break;
      case EXPIRE:
        this.bounce(id, time);
        break;
      case ATTEMPT_START:
        this.startSession(id, this.messages.server[id], time, this.messages.duration[id]);
        break;
      case SHADOW:
        this.shadow?.fire(id, time);
        break;
    }
  }

  private scheduleListings(listings: Listing[]): void {
    for (const l of listings) this.scheduleListing(this.board.key(l.server, l.list), l);
    // With propagation, the receivers' mirrors follow each listing late (receivers/late-listings.ts).
    const propagation = this.compiled.receiverLag?.propagation;
    if (propagation == null) return;
    for (const l of seenByReceivers(listings, propagation, (v) => propagationStream(this.seed, this.replication, v))) {
      this.scheduleListing(this.board.viewKey(l.server, l.list), l);
    }
  }

  /** A listing's LIST_ON and LIST_OFF events under the board's `key`; its start noted in listingStarts. */
  private scheduleListing(key: number, l: Listing): void {
    this.simulator.schedule(l.from, (key << KIND_BITS) | LIST_ON);
    this.listingStarts.push(l.from);
    if (l.until !== Number.POSITIVE_INFINITY) this.simulator.schedule(l.until, (key << KIND_BITS) | LIST_OFF);
  }

  protected scheduleNextArrival(now: number): void {
    // Superposition: S Poisson senders of rate λ are one Poisson stream of rate Sλ whose
    // each arrival belongs to a uniformly chosen sender.
    const next = now + exponential(this.arrivals) / this.arrivalRate;
    if (next < this.horizon) this.simulator.armStream(next, ARRIVAL);
  }

  /**
   * The balancer's server for a first attempt or a user resend (`kind`), drawing from that
   * kind's stream. Each policy applies the health check's eligibility itself (DESIGN §2).
   */
  pickServer(sender: number, time: number, kind: number): number {
    this.capacity.beforePick(time);
    const random = this.streams.picks[kind];
    return mixedBalancers
      ? this.balancerPick.call(this.balancer, sender, time, random)
      : this.balancer.pick(sender, time, random);
  }

  /** A new message: its first submission. */
  protected submit(time: number): void {
    this.scheduleNextArrival(time);
    const sender = Math.floor(this.arrivals.next() * this.senders);
    const domain = this.domainTable.sample(this.recipients);
    const counted = time >= this.warmup;
    const id = this.nextMessageId++;
    if (counted) this.tally.messages++;
    const server = this.pickServer(sender, time, FIRST);
    const start = this.capacity.arrive(server, time, FIRST, counted);
    if (start !== time) {
      this.firstWaits(id, sender, domain, server, time, start, counted);
      return;
    }
    // Fast path: the session starts now, and a message delivered at once never takes a slot.
    const duration = this.capacity.length;
    let outcome = this.board.outcome(domain, server, time);
    if (this.greylist !== null && outcome === DELIVERED)
      outcome = this.greylist.check(sender, domain, server, id, time);
    this.tally.countAttempt(time, server, outcome !== DELIVERED, counted);
    if (this.record !== null) this.emit(time, id, sender, domain, server, 1, FIRST, outcome, counted);
    if (outcome === DELIVERED) {
      if (counted) {
        this.tally.delivered++;
        // The delay is the session itself; `(time + duration) - time` would round it away from `duration`.
        this.tally.delay.add(duration);
      }
      return;
    }
    this.firstRejected(id, sender, domain, server, time, duration, outcome, counted);
  }

  /**
   * submit() for the plain shape (see `plain`), for the arrival at `time` and every following one
   * that is the simulator's next event (Simulator.streamBound): the same draws from the same
   * streams in the same order, the same counts, the same events scheduled — only the calls the
   * shape makes no-ops (capacity, greylisting, records) and the dispatch per arrival are gone,
   * and the loop's fields sit in locals. test/model/plain-arrivals.test.ts holds it to submit().
   */
  private plainArrivals(first: number): void {
    // `+`: a number to the optimiser, so the loop's clock stays an unboxed double (as the parameter
    // itself it was a tagged value, and every arrival's time a new heap number).
    let time = +first;
    const simulator = this.simulator;
    const arrivals = this.arrivals;
    const recipients = this.recipients;
    const domainTable = this.domainTable;
    const balancer = this.balancer;
    // Several policies in this thread: the pick is called, not inlined (see mixedBalancers).
    const pickAny = mixedBalancers ? this.balancerPick : null;
    const picks = this.streams.picks[FIRST];
    const board = this.board;
    const tally = this.tally;
    const delay = tally.delay;
    const sessionTime = this.compiled.sessionTime;
    const constantLength = sessionTime.constant;
    const sessions = this.streams.sessions[FIRST];
    const rate = this.arrivalRate;
    const horizon = this.horizon;
    const senders = this.senders;
    const warmup = this.warmup;
    // Tally.countAttempt written out (the same sums): called here it used up the optimiser's
    // inlining budget, and the delay histogram's add, called as often, was left a call.
    const serverAttempts = tally.serverAttempts;
    const serverRejections = tally.serverRejections;
    const bucketAttempts = tally.bucketAttempts;
    const bucketRejections = tally.bucketRejections;
    const bucketWidth = tally.bucketWidth;
    const buckets = tally.buckets;
    let attempts = 0;
    // Counters only this loop moves while it runs, kept in locals and flushed once at its end.
    let messages = 0;
    let delivered = 0;
    let id = this.nextMessageId;
    // The run's arrivals taken without run()'s dispatch: before the heap's earliest event and the
    // watch's next tick (Simulator.streamBound, streamBudget), reported to the simulator (tookStream)
    // before anything else reads its clock and at the end.
    let bound = simulator.streamBound();
    let budget = simulator.streamBudget();
    let taken = 0;
    // The arrival and recipient streams stepped in locals (engine/random.ts's AleaState): the same
    // draws as arrivals() and recipients(), in registers. Written back (flush) before anything
    // else draws from them: the ziggurat's rare rest, and at the end. No other code draws from
    // these two streams (plainRejected's flow draws from resend and session streams).
    const aState = arrivals.state;
    const rState = recipients.state;
    let a0 = aState.s0;
    let a1 = aState.s1;
    let a2 = aState.s2;
    let ac = aState.c;
    let r0 = rState.s0;
    let r1 = rState.s1;
    let r2 = rState.s2;
    let rc = rState.c;
    let t = 0;
    // Imported constants and functions as locals: imported bindings are live, and V8 read each from
    // its module cell (with a check that it is initialised) at every use.
    const multiplier = ALEA_MULTIPLIER;
    const unit = ALEA_UNIT;
    const fastExponential = exponentialFast;
    const deliveredCode = DELIVERED;
    let bucket = this.bucketAt;
    let bucketFrom = this.bucketFrom;
    let bucketUntil = this.bucketUntil;
    for (;;) {
      // scheduleNextArrival's draw, armed after this message's events are scheduled: nothing
      // below reads the stream, and the heap's order of equal times does not depend on it.
      t = multiplier * a0 + ac * unit;
      a0 = a1;
      a1 = a2;
      ac = t | 0;
      a2 = t - ac;
      let gap = fastExponential(a2);
      if (!(gap >= 0)) {
        aState.s0 = a0;
        aState.s1 = a1;
        aState.s2 = a2;
        aState.c = ac;
        gap = +exponentialRest(a2, arrivals);
        a0 = aState.s0;
        a1 = aState.s1;
        a2 = aState.s2;
        ac = aState.c;
      }
      const next = time + gap / rate;
      t = multiplier * a0 + ac * unit;
      a0 = a1;
      a1 = a2;
      ac = t | 0;
      a2 = t - ac;
      const sender = Math.floor(a2 * senders);
      t = multiplier * r0 + rc * unit;
      r0 = r1;
      r1 = r2;
      rc = t | 0;
      r2 = t - rc;
      // at(r2) from one 8-byte entry (AliasTable.atAlea: r2 is an Alea draw, a multiple of 2^−32).
      const domain = domainTable.atAlea(r2);
      const counted = time >= warmup;
      if (counted) messages++;
      const server =
        pickAny === null ? balancer.pick(sender, time, picks) : pickAny.call(balancer, sender, time, picks);
      const duration = constantLength ? sessionTime.mean : +sessionTime.sample(sessions);
      const outcome = board.outcome(domain, server, time);
      const rejected = outcome !== deliveredCode;
      if (counted) {
        attempts++;
        serverAttempts[server]++;
        if (rejected) serverRejections[server]++;
      }
      if (!(time <= bucketUntil && time >= bucketFrom)) {
        bucket = Math.floor(time / bucketWidth);
        bucketFrom = time;
        bucketUntil = slotUntil(bucket, 0, bucketWidth);
      }
      if (bucket < buckets) {
        bucketAttempts[bucket]++;
        if (rejected) bucketRejections[bucket]++;
      }
      if (rejected) {
        simulator.tookStream(taken, time);
        budget -= taken;
        taken = 0;
        this.rejectedDuration = duration;
        this.plainRejected(id, sender, domain, server, outcome, counted);
        bound = simulator.streamBound();
      } else if (counted) {
        delivered++;
        delay.add(duration);
      }
      id++;
      if (!(next < horizon)) break;
      if (!(next < bound) || taken >= budget) {
        simulator.armStream(next, ARRIVAL);
        break;
      }
      taken++;
      time = next;
    }
    aState.s0 = a0;
    aState.s1 = a1;
    aState.s2 = a2;
    aState.c = ac;
    rState.s0 = r0;
    rState.s1 = r1;
    rState.s2 = r2;
    rState.c = rc;
    this.bucketAt = bucket;
    this.bucketFrom = bucketFrom;
    this.bucketUntil = bucketUntil;
    simulator.tookStream(taken, time);
    this.nextMessageId = id;
    tally.messages += messages;
    tally.delivered += delivered;
    tally.attempts += attempts;
  }

  /**
   * plainArrivals for large pools (`ahead`): the same loop, its gaps, senders and domains taken from
   * blocks drawn ahead (look-ahead.ts) — the same draws from the same streams in the same order —
   * so that the tables they index are in the cache when the loop reads them.
   */
  private plainArrivalsAhead(first: number, ahead: LookAhead): void {
    // `+`: a number to the optimiser, so the loop's clock stays an unboxed double (as the parameter
    // itself it was a tagged value, and every arrival's time a new heap number).
    let time = +first;
    const simulator = this.simulator;
    const balancer = this.balancer;
    // Several policies in this thread: the pick is called, not inlined (see mixedBalancers).
    const pickAny = mixedBalancers ? this.balancerPick : null;
    const picks = this.streams.picks[FIRST];
    const board = this.board;
    const tally = this.tally;
    const delay = tally.delay;
    const sessionTime = this.compiled.sessionTime;
    const constantLength = sessionTime.constant;
    const sessions = this.streams.sessions[FIRST];
    const rate = this.arrivalRate;
    const horizon = this.horizon;
    const warmup = this.warmup;
    // Tally.countAttempt written out (the same sums): called here it used up the optimiser's
    // inlining budget, and the delay histogram's add, called as often, was left a call.
    const serverAttempts = tally.serverAttempts;
    const serverRejections = tally.serverRejections;
    const bucketAttempts = tally.bucketAttempts;
    const bucketRejections = tally.bucketRejections;
    const bucketWidth = tally.bucketWidth;
    const buckets = tally.buckets;
    let attempts = 0;
    // Counters only this loop moves while it runs, kept in locals and flushed once at its end.
    let messages = 0;
    let delivered = 0;
    let id = this.nextMessageId;
    // The run's arrivals taken without run()'s dispatch: before the heap's earliest event and the
    // watch's next tick (Simulator.streamBound, streamBudget), reported to the simulator (tookStream)
    // before anything else reads its clock and at the end.
    let bound = simulator.streamBound();
    let budget = simulator.streamBudget();
    let taken = 0;
    // The next messages' gaps, senders and domains, drawn ahead in blocks (look-ahead.ts).
    const gaps = ahead.gaps;
    const aheadSenders = ahead.senders;
    const aheadDomains = ahead.domains;
    let position = ahead.position;
    // An imported constant as a local (see plainArrivals).
    const deliveredCode = DELIVERED;
    let bucket = this.bucketAt;
    let bucketFrom = this.bucketFrom;
    let bucketUntil = this.bucketUntil;
    for (;;) {
      if (position === BLOCK) {
        ahead.fill();
        position = 0;
      }
      const next = time + gaps[position] / rate;
      const sender = aheadSenders[position];
      const domain = aheadDomains[position];
      position++;
      const counted = time >= warmup;
      if (counted) messages++;
      const server =
        pickAny === null ? balancer.pick(sender, time, picks) : pickAny.call(balancer, sender, time, picks);
      const duration = constantLength ? sessionTime.mean : +sessionTime.sample(sessions);
      const outcome = board.outcome(domain, server, time);
      const rejected = outcome !== deliveredCode;
      if (counted) {
        attempts++;
        serverAttempts[server]++;
        if (rejected) serverRejections[server]++;
      }
      if (!(time <= bucketUntil && time >= bucketFrom)) {
        bucket = Math.floor(time / bucketWidth);
        bucketFrom = time;
        bucketUntil = slotUntil(bucket, 0, bucketWidth);
      }
      if (bucket < buckets) {
        bucketAttempts[bucket]++;
        if (rejected) bucketRejections[bucket]++;
      }
      if (rejected) {
        simulator.tookStream(taken, time);
        budget -= taken;
        taken = 0;
        this.rejectedDuration = duration;
        this.plainRejected(id, sender, domain, server, outcome, counted);
        bound = simulator.streamBound();
      } else if (counted) {
        delivered++;
        delay.add(duration);
      }
      id++;
      if (!(next < horizon)) break;
      if (!(next < bound) || taken >= budget) {
        simulator.armStream(next, ARRIVAL);
        break;
      }
      taken++;
      time = next;
    }
    ahead.position = position;
    this.bucketAt = bucket;
    this.bucketFrom = bucketFrom;
    this.bucketUntil = bucketUntil;
    simulator.tookStream(taken, time);
    this.nextMessageId = id;
    tally.messages += messages;
    tally.delivered += delivered;
    tally.attempts += attempts;
  }

  /**
   * plainArrivals' rejected first attempt: as submit() handles it, out of the loop's way. The time is
   * the simulator's clock (tookStream set it) and the session's length comes in `rejectedDuration`:
   * passed as arguments, the two doubles were boxed (a heap number each) on every arrival of the
   * loop, rejected or not.
   */
  private plainRejected(
    id: number,
    sender: number,
    domain: number,
    server: number,
    outcome: number,
    counted: boolean,
  ): void {
    this.firstRejected(id, sender, domain, server, this.simulator.now, this.rejectedDuration, outcome, counted);
  }

  /** A first attempt whose session does not start on arrival (submit(), RegimeArrivals): a slot, and its wait. */
  firstWaits(
    id: number,
    sender: number,
    domain: number,
    server: number,
    time: number,
    start: number,
    counted: boolean,
  ): void {
    const slot = this.newMessage(id, sender, domain, time, counted);
    const m = this.messages;
    m.server[slot] = server;
    m.queuedAt[slot] = time;
    m.waitingSince[slot] = time;
    this.waitForSession(slot, server, time, start);
  }

  /** A first attempt rejected at once (submit(), plainRejected, RegimeArrivals): a message slot, then what follows. */
  firstRejected(
    id: number,
    sender: number,
    domain: number,
    server: number,
    time: number,
    duration: number,
    outcome: number,
    counted: boolean,
  ): void {
    if (counted) this.tally.firstRejected++;
    const slot = this.newMessage(id, sender, domain, time, counted);
    this.messages.server[slot] = server;
    this.messages.queuedAt[slot] = time;
    this.conclude(slot, time, time + duration, outcome);
  }

  protected newMessage(id: number, sender: number, domain: number, time: number, counted: boolean): number {
    const m = this.messages;
    const slot = m.allocate();
    m.sender[slot] = sender;
    m.domain[slot] = domain;
    m.submissions[slot] = 1;
    m.attempts[slot] = 1;
    m.firstSubmitted[slot] = time;
    m.id[slot] = id;
    m.counted[slot] = counted ? 1 : 0;
    m.server[slot] = -1;
    m.pendingKind[slot] = FIRST;
    return slot;
  }

  /** A user resend: a fresh submission, so the balancer picks again. */
  protected resubmit(slot: number, time: number): void {
    const m = this.messages;
    m.submissions[slot]++;
    m.attempts[slot]++;
    this.beginAttempt(slot, this.pickServer(m.sender[slot], time, USER_RESEND), time, USER_RESEND);
  }

  /** An MTA retry of a deferred message, from the server that holds it. */
  private retry(slot: number, time: number): void {
    const m = this.messages;
    m.attempts[slot]++;
    if (m.counted[slot] === 1) this.tally.retries++;
    this.beginAttempt(
      slot,
      this.routes === null ? m.server[slot] : this.routes.retryServer(slot, time),
      time,
      MTA_RETRY,
    );
  }

  /** Hand an attempt to `server`: its session starts now, or when a session frees up. */
  protected beginAttempt(slot: number, server: number, time: number, kind: number): void {
    const m = this.messages;
    // A new submission arrives at the server's queue now; MTA retry ages count from here.
    if (kind !== MTA_RETRY) {
      m.server[slot] = server;
      m.queuedAt[slot] = time;
    }
    m.pendingKind[slot] = kind;
    m.waitingSince[slot] = time;
    const start = this.capacity.arrive(server, time, kind, m.counted[slot] === 1);
    if (start === time) this.startSession(slot, server, time, this.capacity.length);
    else this.waitForSession(slot, server, time, start);
  }

  /**
   * An attempt (in its slot) whose session does not start on arrival: at `start` when the
   * capacity regime knew it on arrival, or when the regime starts it (START_UNKNOWN).
   */
  private waitForSession(slot: number, server: number, time: number, start: number): void {
    if (start > time) {
      this.messages.duration[slot] = this.capacity.length;
      this.simulator.scheduleSoon(start, (slot << KIND_BITS) | ATTEMPT_START);
    } else {
      this.capacity.admit(slot, server, time, this.messages.pendingKind[slot]);
    }
  }

  /** A session starts: its outcome is decided by the listings now; it ends `duration` later. */
  startSession(slot: number, server: number, time: number, duration: number): void {
    const m = this.messages;
    const kind = m.pendingKind[slot];
    const domain = m.domain[slot];
    const counted = m.counted[slot] === 1;
    let outcome = this.board.outcome(domain, server, time);
    if (this.greylist !== null && outcome === DELIVERED) {
      outcome = this.greylist.check(m.sender[slot], domain, server, m.id[slot], time);
    }
    const end = time + duration;
    this.capacity.sessionStarted(server, time, end, m.waitingSince[slot], counted);
    this.tally.countAttempt(time, server, outcome !== DELIVERED, counted);
    if (counted) this.countSubmission(slot, kind, outcome !== DELIVERED);
    if (this.record !== null) {
      this.emit(time, m.id[slot], m.sender[slot], domain, server, m.submissions[slot], kind, outcome, counted);
    }
    this.conclude(slot, time, end, outcome);
  }

  /** A counted message's attempt of `kind` in `slot` was rejected or not: first-attempt and resend counts. */
  protected countSubmission(slot: number, kind: number, rejected: boolean): void {
    if (kind === FIRST && rejected) this.tally.firstRejected++;
    if (kind === USER_RESEND) {
      // submissions counts the first send, so 2 is the first user resend.
      this.tally.resend(this.messages.resendDelay[slot], rejected, this.messages.submissions[slot] === 2);
    }
  }

  /** What follows an attempt that started at `start` and ends at `end`. */
  protected conclude(slot: number, start: number, end: number, outcome: number): void {
    const m = this.messages;
    if (outcome === DELIVERED) {
      if (m.counted[slot] === 1) {
        this.tally.delivered++;
        this.tally.delay.add(end - m.firstSubmitted[slot]);
      }
      m.release(slot);
    } else if (outcome === REJECTED_5XX && !this.requeueBlocked) {
      this.bounce(slot, end);
    } else {
      // 4xx: the message stays in this server's queue and is retried from it on the MTA's
      // schedule, counted from its arrival here, until the queue lifetime bounces it.
      // Ages come back from the schedule exactly as it gave them (arrived + age − arrived
      // would round, and a schedule asked about an age just below a retry returns that retry).
      const arrived = m.queuedAt[slot];
      const age = m.pendingKind[slot] === MTA_RETRY ? m.retryAge[slot] : start - arrived;
      const nextAge = this.compiled.retry.nextAge(age);
      const expiry = arrived + this.queueLifetime;
      if (nextAge < this.queueLifetime) {
        m.retryAge[slot] = nextAge;
        this.simulator.schedule(Math.max(arrived + nextAge, end), (slot << KIND_BITS) | RETRY);
        // A requeued blocklist 5xx (only with requeueBlocked) must leave this relay.
        if (this.routes !== null) this.routes.deferred(slot, outcome === REJECTED_5XX);
      } else {
        this.simulator.schedule(Math.max(expiry, end), (slot << KIND_BITS) | EXPIRE);
      }
    }
  }

  /** A permanent failure reaches the sender at `time`: resend later, or give up. */
  protected bounce(slot: number, time: number): void {
    const m = this.messages;
    const counted = m.counted[slot] === 1;
    // Every submission ends delivered or bounced, so a message has bounced at least once
    // exactly when its first submission bounced.
    if (counted && m.submissions[slot] === 1) this.tally.bounced++;
    if (this.shadow !== null && m.submissions[slot] === 1) {
      this.shadow.firstBounce(m.sender[slot], m.domain[slot], counted, m.firstSubmitted[slot], time);
    }
    const resend =
      m.submissions[slot] < this.maxSubmissions &&
      (this.resendProbability >= 1 || this.streams.resend.next() < this.resendProbability);
    if (resend) {
      const after = this.compiled.resendAfter.sample(this.streams.resend);
      m.resendDelay[slot] = after;
      this.simulator.schedule(time + after, (slot << KIND_BITS) | RESEND);
    } else {
      if (counted) this.tally.failed++;
      m.release(slot);
    }
  }

  /** The operator's check, then the next one while anything else can still happen. */
  protected healthCheck(time: number): void {
    const worlds = this.worldsArrivals;
    if (worlds !== null) worlds.beforeCheck();
    if (this.board.checkEligibility()) this.balancer.eligibilityChanged();
    // With moveDeferred, every check hands the excluded relays' deferred queues on.
    if (this.routes !== null) this.routes.moveOffExcluded(time);
    if (time < this.horizon || this.simulator.pending > 0) this.simulator.schedule(time + this.checkEvery, CHECK);
    if (worlds !== null) worlds.checked();
  }

  private emit(
    time: number,
    message: number,
    sender: number,
    domain: number,
    server: number,
    submission: number,
    kind: number,
    outcome: number,
    counted: boolean,
  ): void {
    const r = this.record as AttemptRecord;
    r.time = time;
    r.message = message;
    r.sender = sender;
    r.domain = domain;
    r.server = server;
    r.submission = submission;
    r.kind = KIND_NAMES[kind];
    r.outcome = OUTCOME_NAMES[outcome];
    r.counted = counted;
    r.list = outcome === DELIVERED ? -1 : this.board.rejectingList(domain, server);
    this.sink?.attempt(r);
  }
}
