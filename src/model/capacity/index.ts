// Chooses a scenario's capacity regime once, when it is compiled: by what the balancer declares
// it reads (BalancerReads), then by whether relays have a session limit — never by policy name.
import type { BalancerReads } from "../balancers/balancer.js";
import { Channels } from "./channels.js";
import type { CapacityRegime, RegimeContext } from "./regime.js";
import { TrackedSessions } from "./tracked-sessions.js";
import { UnlimitedCapacity } from "./unlimited.js";

export { type CapacityRegime, type RegimeContext, type SessionStarter, START_UNKNOWN } from "./regime.js";

export type CapacityRegimeClass = new (context: RegimeContext) => CapacityRegime;

export function chooseCapacityRegime(capacity: number | null, reads: BalancerReads): CapacityRegimeClass {
  if (reads.sessions) return TrackedSessions;
  return capacity !== null ? Channels : UnlimitedCapacity;
}
