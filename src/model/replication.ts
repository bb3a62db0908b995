// One replication of the mail flow of DESIGN §2 on the engine: Poisson submissions, the
// balancer's pick, rejection by the lists the recipient's domain consults, bounces and
// user resends. This is the hot loop: typed arrays, no allocation or closures per event.
import { type AliasTable, type Random, randomStream, type Sampler, Simulator, sampler } from "../engine/index.js";
import type { Scenario } from "../scenario/schema.js";
import { type Balancer, createBalancer } from "./balancers/index.js";
import { type Listing, staticListings } from "./listings.js";
import { MessageTable } from "./messages.js";
import { drawSubscriptions, zipfTable } from "./recipients.js";
import type { AttemptRecord, AttemptSink } from "./sink.js";
import { Tally } from "./tally.js";

// Event payloads are (id << KIND_BITS) | kind.
const KIND_BITS = 4;
const KIND_MASK = (1 << KIND_BITS) - 1;
const ARRIVAL = 0;
const RESEND = 1;
const LIST_ON = 2;
const LIST_OFF = 3;

/** What replications of one scenario share: its normalised form and the tables built from it. */
export class CompiledScenario {
  readonly domains: AliasTable;
  readonly sessionTime: Sampler;
  readonly resendAfter: Sampler;
  readonly subscribers: number[];
  readonly buckets: number;

  constructor(readonly scenario: Scenario) {
    this.domains = zipfTable(scenario.recipients.domains, scenario.recipients.zipf);
    this.sessionTime = sampler(scenario.pool.sessionTime);
    this.resendAfter = sampler(scenario.resend.after);
    this.subscribers = scenario.blacklists.map((b) => b.subscribers);
    this.buckets = Math.ceil(scenario.horizon / scenario.output.timeseries);
  }
}

/** The named random streams of one replication (DESIGN §2, "Randomness"). */
class Streams {
  readonly arrivals: Random;
  readonly recipients: Random;
  readonly placement: Random;
  readonly subscriptions: Random;
  readonly balancer: Random;
  readonly resend: Random;
  readonly sessions: Random;
  constructor(seed: number, replication: number) {
    this.arrivals = randomStream(seed, replication, "arrivals");
    this.recipients = randomStream(seed, replication, "recipients");
    this.placement = randomStream(seed, replication, "placement");
    this.subscriptions = randomStream(seed, replication, "subscriptions");
    this.balancer = randomStream(seed, replication, "balancer");
    this.resend = randomStream(seed, replication, "resend");
    this.sessions = randomStream(seed, replication, "sessions");
  }
}

export class MailModel {
  readonly tally: Tally;
  readonly simulator = new Simulator();
  private readonly scenario: Scenario;
  private readonly streams: Streams;
  private readonly balancer: Balancer;
  private readonly messages = new MessageTable();
  /** Bit b set when the domain consults list b. */
  private readonly domainLists: Int32Array;
  /** Bit b set when the server is on list b now. */
  private readonly serverLists: Int32Array;
  /** Open listing intervals per (server, list): overlapping intervals merge. */
  private readonly listingDepth: Int32Array;
  private readonly listedSince: Float64Array;
  private readonly lists: number;
  private readonly sessions: Int32Array;
  private readonly arrivalRate: number;
  private readonly senders: number;
  private readonly horizon: number;
  private readonly warmup: number;
  private readonly maxSubmissions: number;
  private readonly resendProbability: number;
  private readonly bucketWidth: number;
  private nextMessageId = 0;
  private readonly record: AttemptRecord | null;

  constructor(
    private readonly compiled: CompiledScenario,
    seed: number,
    readonly replication: number,
    private readonly sink: AttemptSink | null = null,
  ) {
    const s = compiled.scenario;
    this.scenario = s;
    this.streams = new Streams(seed, replication);
    const servers = s.pool.servers;
    this.lists = s.blacklists.length;
    this.sessions = new Int32Array(servers);
    this.balancer = createBalancer(s.pool.balancer, {
      servers,
      senders: s.traffic.senders,
      random: this.streams.balancer,
      sessions: this.sessions,
    });
    this.domainLists = drawSubscriptions(s.recipients.domains, compiled.subscribers, this.streams.subscriptions);
    this.serverLists = new Int32Array(servers);
    this.listingDepth = new Int32Array(servers * Math.max(1, this.lists));
    this.listedSince = new Float64Array(servers);
    this.tally = new Tally(servers, compiled.buckets, s.output.delayBin);
    this.senders = s.traffic.senders;
    this.arrivalRate = s.traffic.senders * s.traffic.rate;
    this.horizon = s.horizon;
    this.warmup = s.warmup;
    this.maxSubmissions = s.resend.maxAttempts;
    this.resendProbability = s.resend.probability;
    this.bucketWidth = s.output.timeseries;
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
          };
    this.scheduleListings(staticListings(s, this.streams.placement));
    this.scheduleNextArrival(0);
  }

  /** Run the replication to the end of its drain and close the time-averaged counters. */
  run(): Tally {
    this.simulator.run(this);
    for (let v = 0; v < this.serverLists.length; v++) {
      if (this.serverLists[v] !== 0) this.addListedTime(v, this.listedSince[v], this.horizon);
    }
    return this.tally;
  }

  handle(time: number, payload: number): void {
    const id = payload >> KIND_BITS;
    switch (payload & KIND_MASK) {
      case ARRIVAL:
        this.submit(time);
        break;
      case RESEND:
        this.resend(id, time);
        break;
      case LIST_ON:
        this.listOn(id, time);
        break;
      case LIST_OFF:
        this.listOff(id, time);
        break;
    }
  }

  private scheduleListings(listings: Listing[]): void {
    const lists = this.lists;
    for (const l of listings) {
      const key = l.server * lists + l.list;
      this.simulator.schedule(l.from, (key << KIND_BITS) | LIST_ON);
      if (l.until !== Number.POSITIVE_INFINITY) this.simulator.schedule(l.until, (key << KIND_BITS) | LIST_OFF);
    }
  }

  private scheduleNextArrival(now: number): void {
    // Superposition: S Poisson senders of rate λ are one Poisson stream of rate Sλ whose
    // each arrival belongs to a uniformly chosen sender.
    const next = now - Math.log(1 - this.streams.arrivals()) / this.arrivalRate;
    if (next < this.horizon) this.simulator.armStream(next, ARRIVAL);
  }

  /** A new message: its first submission. */
  private submit(time: number): void {
    this.scheduleNextArrival(time);
    const sender = Math.floor(this.streams.arrivals() * this.senders);
    const domain = this.compiled.domains.sample(this.streams.recipients);
    const counted = time >= this.warmup;
    const id = this.nextMessageId++;
    const tally = this.tally;
    if (counted) tally.messages++;
    const server = this.balancer.pick(sender, time);
    const rejected = (this.domainLists[domain] & this.serverLists[server]) !== 0;
    const end = time + this.sessionTime();
    this.countAttempt(time, server, rejected, counted);
    if (this.record !== null) this.emit(time, id, sender, domain, server, 1, "first", rejected, counted);
    if (!rejected) {
      if (counted) {
        tally.delivered++;
        tally.delay.add(end - time);
      }
      return;
    }
    if (counted) tally.firstRejected++;
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
    this.bounce(slot, end);
  }

  /** A user resend: a fresh submission, so the balancer picks again. */
  private resend(slot: number, time: number): void {
    const m = this.messages;
    const submission = ++m.submissions[slot];
    m.attempts[slot]++;
    const sender = m.sender[slot];
    const domain = m.domain[slot];
    const counted = m.counted[slot] === 1;
    const server = this.balancer.pick(sender, time);
    const rejected = (this.domainLists[domain] & this.serverLists[server]) !== 0;
    const end = time + this.sessionTime();
    this.countAttempt(time, server, rejected, counted);
    if (counted) this.tally.resend(m.resendDelay[slot], rejected);
    if (this.record !== null)
      this.emit(time, m.id[slot], sender, domain, server, submission, "resend", rejected, counted);
    if (rejected) {
      this.bounce(slot, end);
    } else {
      if (counted) {
        this.tally.delivered++;
        this.tally.delay.add(end - m.firstSubmitted[slot]);
      }
      m.release(slot);
    }
  }

  /** A permanent failure reaches the sender at `time`: resend later, or give up. */
  private bounce(slot: number, time: number): void {
    const m = this.messages;
    const counted = m.counted[slot] === 1;
    // Every submission ends delivered or bounced, so a message has bounced at least once
    // exactly when its first submission bounced.
    if (counted && m.submissions[slot] === 1) this.tally.bounced++;
    const resend =
      m.submissions[slot] < this.maxSubmissions &&
      (this.resendProbability >= 1 || this.streams.resend() < this.resendProbability);
    if (resend) {
      const after = this.compiled.resendAfter.sample(this.streams.resend);
      m.resendDelay[slot] = after;
      this.simulator.schedule(time + after, (slot << KIND_BITS) | RESEND);
    } else {
      if (counted) this.tally.failed++;
      m.release(slot);
    }
  }

  private sessionTime(): number {
    const d = this.compiled.sessionTime;
    return d.constant ? d.mean : d.sample(this.streams.sessions);
  }

  private countAttempt(time: number, server: number, rejected: boolean, counted: boolean): void {
    const tally = this.tally;
    if (counted) {
      tally.attempts++;
      tally.serverAttempts[server]++;
      if (rejected) tally.serverRejections[server]++;
    }
    const bucket = Math.floor(time / this.bucketWidth);
    if (bucket < tally.buckets) {
      tally.bucketAttempts[bucket]++;
      if (rejected) tally.bucketRejections[bucket]++;
    }
  }

  private emit(
    time: number,
    message: number,
    sender: number,
    domain: number,
    server: number,
    submission: number,
    kind: AttemptRecord["kind"],
    rejected: boolean,
    counted: boolean,
  ): void {
    const r = this.record as AttemptRecord;
    r.time = time;
    r.message = message;
    r.sender = sender;
    r.domain = domain;
    r.server = server;
    r.submission = submission;
    r.kind = kind;
    r.outcome = rejected ? "rejected-5xx" : "delivered";
    r.counted = counted;
    this.sink?.attempt(r);
  }

  private listOn(key: number, time: number): void {
    const server = (key / Math.max(1, this.lists)) | 0;
    const list = key - server * this.lists;
    if (this.listingDepth[key]++ > 0) return;
    if (this.serverLists[server] === 0) this.listedSince[server] = time;
    this.serverLists[server] |= 1 << list;
  }

  private listOff(key: number, time: number): void {
    const server = (key / Math.max(1, this.lists)) | 0;
    const list = key - server * this.lists;
    if (--this.listingDepth[key] > 0) return;
    this.serverLists[server] &= ~(1 << list);
    if (this.serverLists[server] === 0) this.addListedTime(server, this.listedSince[server], time);
  }

  /** Add a listed interval of one server to the counters, clipped to the counted window. */
  private addListedTime(server: number, from: number, to: number): void {
    const tally = this.tally;
    const lo = Math.max(from, this.warmup);
    const hi = Math.min(to, this.horizon);
    if (hi > lo) tally.serverListed[server] += hi - lo;
    const width = this.bucketWidth;
    const end = Math.min(to, this.horizon);
    for (let b = Math.floor(from / width); b < tally.buckets && b * width < end; b++) {
      const overlap = Math.min(end, (b + 1) * width) - Math.max(from, b * width);
      if (overlap > 0) tally.bucketListed[b] += overlap;
    }
  }
}

/** Simulate replication `replication` of a scenario under `seed`. */
export function simulateReplication(
  compiled: CompiledScenario,
  seed: number,
  replication: number,
  sink: AttemptSink | null = null,
): { tally: Tally; events: number } {
  const model = new MailModel(compiled, seed, replication, sink);
  const tally = model.run();
  return { tally, events: model.simulator.eventsHandled };
}
