// What every replication of one scenario shares: the normalised scenario and the tables the
// model precomputes from it once (the domain alias table, samplers, list reply masks, the MTA's
// retry schedule, the capacity regime), so that a worker compiles a scenario once for all its replications.
import { type AliasTable, type Sampler, sampler } from "../engine/index.js";
import type { Scenario } from "../scenario/schema.js";
import { balancerReads } from "./balancers/index.js";
import { type CapacityRegimeClass, chooseCapacityRegime } from "./capacity/index.js";
import { type RetrySchedule, retrySchedule } from "./mta/index.js";
import { type ReceiverLag, receiverLag } from "./receivers/late-listings.js";
import { perDomainShares, type RankRule, rankRules } from "./receivers/subscribers.js";
import { recipientsPerMessageTable } from "./recipient-counts.js";
import { zipfTable } from "./recipients.js";

export class CompiledScenario {
  readonly domains: AliasTable;
  readonly sessionTime: Sampler;
  readonly resendAfter: Sampler;
  readonly subscribers: number[];
  /** Lists whose subscribers follow a rule by rank or by mail (receivers/subscribers.ts); null when none does. */
  readonly subscriberRules: Array<RankRule | null> | null;
  /** Receivers that see listings late (receivers/late-listings.ts); null when none does. */
  readonly receiverLag: ReceiverLag | null;
  /** Bit b set when list b answers 4xx (the first matching list in `blacklists` order decides). */
  readonly tempfailMask: number;
  readonly retry: RetrySchedule;
  readonly buckets: number;
  /** The capacity regime, chosen by the capacity and by what the balancer declares it reads. */
  readonly capacityRegime: CapacityRegimeClass;
  /** Recipients per message (entry i: i + 1 recipients); null when every message has one (DESIGN §2). */
  readonly perMessage: AliasTable | null;

  constructor(readonly scenario: Scenario) {
    this.domains = zipfTable(scenario.recipients.domains, scenario.recipients.zipf);
    this.sessionTime = sampler(scenario.pool.sessionTime);
    this.resendAfter = sampler(scenario.resend.after);
    this.subscribers = perDomainShares(scenario.blacklists.map((b) => b.subscribers));
    this.subscriberRules = rankRules(scenario.blacklists.map((b) => b.subscribers));
    this.receiverLag = receiverLag(scenario);
    this.tempfailMask = scenario.blacklists.reduce((mask, b, i) => (b.reply === "4xx" ? mask | (1 << i) : mask), 0);
    this.retry = retrySchedule(scenario.mta.retry);
    this.buckets = Math.ceil(scenario.horizon / scenario.output.timeseries);
    this.capacityRegime = chooseCapacityRegime(scenario.pool.capacity, balancerReads(scenario.pool.balancer));
    this.perMessage = recipientsPerMessageTable(scenario.recipients.perMessage);
  }
}
