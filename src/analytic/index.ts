// DESIGN §5 closed forms that the simulator's property tests are held to. Balancer families
// share formula names (firstAttemptFailure, resendFailure, …), so each is a namespace.

export * as dns from "./dns.js";
export * from "./erlang.js";
export * as greylisting from "./greylisting.js";
export * as lifecycle from "./lifecycle.js";
export * as random from "./random.js";
export * as receivers from "./receivers.js";
export * as recipients from "./recipients.js";
export * as roundRobin from "./round-robin.js";
export * as stickTable from "./stick-table.js";
export * as sticky from "./sticky.js";
export * as timer from "./timer.js";
