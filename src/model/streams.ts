// The named random streams of one replication (DESIGN §2, "Randomness"), one per purpose.
import { type AleaRandom, type Random, randomStream, type Sampler } from "../engine/index.js";

/**
 * The streams are per purpose and prefix-stable: each is drawn in time order by one process, so
 * a longer horizon extends its draws without changing the earlier ones, and first attempts,
 * user resends and MTA retries draw their picks and session times from streams of their own,
 * so changing how resends happen leaves every first attempt as it was. The compromise
 * lifecycle has a stream per server (lifecycle.ts).
 */
export class Streams {
  readonly arrivals: AleaRandom;
  readonly recipients: AleaRandom;
  readonly placement: Random;
  readonly subscriptions: Random;
  /** The balancer's set-up draws (phases, home servers, the starting pointer). */
  readonly balancer: Random;
  /** Per-attempt balancer draws, indexed by attempt kind (first, user resend; retries do not pick). */
  readonly picks: AleaRandom[];
  readonly resend: Random;
  /** Session lengths, indexed by attempt kind (first, user resend, MTA retry). */
  readonly sessions: Random[];
  constructor(seed: number, replication: number) {
    this.arrivals = randomStream(seed, replication, "arrivals");
    this.recipients = randomStream(seed, replication, "recipients");
    this.placement = randomStream(seed, replication, "placement");
    this.subscriptions = randomStream(seed, replication, "subscriptions");
    this.balancer = randomStream(seed, replication, "balancer");
    this.picks = [
      randomStream(seed, replication, "balancer.first"),
      randomStream(seed, replication, "balancer.resend"),
    ];
    this.resend = randomStream(seed, replication, "resend");
    this.sessions = [
      randomStream(seed, replication, "sessions.first"),
      randomStream(seed, replication, "sessions.resend"),
      randomStream(seed, replication, "sessions.retry"),
    ];
  }
}

/** Session lengths, each drawn from the stream of its attempt's kind (none drawn when constant). */
export class SessionLengths {
  constructor(
    private readonly sessionTime: Sampler,
    private readonly streams: Random[],
  ) {}

  /** Whether every session has the same length (the capacity regimes keep ends in order then). */
  get constant(): boolean {
    return this.sessionTime.constant;
  }

  draw(kind: number): number {
    const d = this.sessionTime;
    return d.constant ? d.mean : d.sample(this.streams[kind]);
  }
}

/**
 * The order in which a `mailShare` rule subscribes domains (receivers/subscribers.ts): a stream
 * of its own, made only when a scenario has such a rule, so the other streams do not move.
 */
export function mailShareStream(seed: number, replication: number): Random {
  return randomStream(seed, replication, "subscriptions.mail");
}

/**
 * A server's propagation delays (receivers/late-listings.ts): a stream per server, as the
 * compromise lifecycle's, made only when a list's `propagation` is random.
 */
export function propagationStream(seed: number, replication: number, server: number): Random {
  return randomStream(seed, replication, `propagation.${server}`);
}

/**
 * recipients.perMessage (DESIGN §2): each message's number of recipients and the domains of its
 * second and later recipients. Its own stream, made only when messages have several recipients,
 * so that every other stream — the first recipient's domain included — draws as it does with one.
 */
export function perMessageStream(seed: number, replication: number): Random {
  return randomStream(seed, replication, "recipients.perMessage");
}

/**
 * The streams of the optional retry mechanisms, made only when a scenario turns one on, so that
 * every other stream's sequence stays as it was: which domains greylist (greylist.ts), and the
 * balancer's picks for MTA retries, requeues and moved deferred mail (mta/routes.ts).
 */
export function retryMechanismStreams(seed: number, replication: number): { greylisting: Random; retryPicks: Random } {
  return {
    greylisting: randomStream(seed, replication, "greylisting"),
    retryPicks: randomStream(seed, replication, "balancer.retry"),
  };
}
