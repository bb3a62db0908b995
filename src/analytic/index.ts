// DESIGN §5 closed forms that the simulator's property tests are held to. Balancer families
// share formula names (firstAttemptFailure, resendFailure, …), so each is a namespace.

export * from "./erlang.js";
export * as greylisting from "./greylisting.js";
export * as lifecycle from "./lifecycle.js";
export * as random from "./random.js";
export * as sticky from "./sticky.js";
export * as timer from "./timer.js";
