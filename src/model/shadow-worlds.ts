// The run behind advise's grid when each wait is a world of its own (shadow-resends.ts,
// `worldsNeeded`: balancers whose picks move their state, such as round-robin's pointer, or read
// the sessions in progress, as least-connections does): the same flow as MailModel, whose first
// submission also hands each world the attempt (sender, domain, time, session length) so that it
// picks, counts and bounces it as a run at its wait does.
// Only for the shapes shadowProblem accepts: every session starts on arrival, no greylisting, no
// attempt records. A class of its own, so the plain loop of every other run pays nothing for it.
import { DELIVERED, FIRST } from "./codes.js";
import type { CompiledScenario } from "./compiled.js";
import { MailModel } from "./replication.js";
import type { ShadowResends } from "./shadow-resends.js";
import type { AttemptSink } from "./sink.js";

export class ShadowWorldsModel extends MailModel {
  private readonly worlds: ShadowResends;

  constructor(
    compiled: CompiledScenario,
    seed: number,
    replication: number,
    sink: AttemptSink | null,
    probes: readonly number[],
  ) {
    if (sink !== null) throw new RangeError("shadow worlds: attempt records are not supported with shadow waits");
    super(compiled, seed, replication, null, probes);
    if (this.shadow === null || !this.shadow.firstAttempts) {
      throw new RangeError("shadow worlds: the scenario's balancer keeps no state of its own (use MailModel)");
    }
    this.worlds = this.shadow;
    this.eligibleBefore = new Uint8Array(this.board.eligible.length);
  }

  /** The board's eligibility before a check, to see whether the check changed it. */
  private readonly eligibleBefore: Uint8Array;

  /** The operator's check: when it changes eligibility, every world's balancer hears of it as the run's does. */
  protected override healthCheck(time: number): void {
    const eligible = this.board.eligible;
    this.eligibleBefore.set(eligible);
    super.healthCheck(time);
    for (let v = 0; v < eligible.length; v++) {
      if (eligible[v] !== this.eligibleBefore[v]) {
        this.worlds.eligibilityChanged();
        return;
      }
    }
  }

  /** MailModel.submit on a pool without session limits, greylisting or records, then the worlds' attempts. */
  protected override submit(time: number): void {
    this.scheduleNextArrival(time);
    const sender = Math.floor(this.arrivals() * this.senders);
    const domain = this.domainTable.sample(this.recipients);
    const counted = time >= this.warmup;
    const id = this.nextMessageId++;
    if (counted) this.tally.messages++;
    const server = this.pickServer(sender, time, FIRST);
    const start = this.capacity.arrive(server, time, FIRST, counted);
    // Tracked sessions (least-connections) without a limit start on arrival too: their regime
    // defers a start only when `time + (end − time)` would not give back `end`, which rounding to
    // nearest never does for non-negative times and lengths.
    if (start !== time) throw new Error("shadow worlds: a session did not start on arrival");
    const duration = this.capacity.length;
    this.worlds.firstAttempt(sender, domain, counted, time, duration);
    const outcome = this.board.outcome(domain, server, time);
    this.tally.countAttempt(time, server, outcome !== DELIVERED, counted);
    if (outcome === DELIVERED) {
      if (counted) {
        this.tally.delivered++;
        this.tally.delay.add(duration);
      }
      return;
    }
    this.firstRejected(id, sender, domain, server, time, duration, outcome, counted);
  }
}
