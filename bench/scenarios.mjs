// Benchmark scenarios: 18of20's pool and listings at a traffic volume that makes one
// replication simulate ten million messages or more.
export const large18of20 = {
  name: "bench-18of20",
  description: "18of20 with 10 million messages in one replication (bench only)",
  seed: 1,
  replications: 1,
  horizon: "50d",
  pool: { servers: 20, balancer: { policy: "timer", period: "10m" }, sessionTime: "2s" },
  blacklists: [{ name: "spamcop", subscribers: 0.3 }],
  listed: [{ servers: 2, on: ["spamcop"] }],
  recipients: { domains: 5000, zipf: 1.0 },
  traffic: { senders: 2000, rate: "100/d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};

/** A year of compromises and listings (spamcop-lifecycle) with 200 senders. */
export const lifecycleYear = {
  name: "bench-lifecycle",
  description: "one simulated year of the spamcop-lifecycle pool (bench only)",
  seed: 1,
  replications: 1,
  horizon: "365d",
  pool: { servers: 20, balancer: { policy: "timer", period: "10m" }, sessionTime: "2s" },
  blacklists: [{ name: "spamcop", subscribers: 0.3, listingDelay: { exponential: "2h" }, delistAfter: "24h" }],
  compromise: { ratePerServer: "1/90d", cleanup: { exponential: "3d" } },
  recipients: { domains: 5000, zipf: 1.0 },
  traffic: { senders: 200, rate: "20/d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};

/** 18of20's traffic through relays of 4 concurrent sessions each, busy enough to queue. */
export const capacity = {
  name: "bench-capacity",
  description: "18of20 with capacity 4 per relay, random balancing, its fixed 2 s sessions at 58 % load (bench only)",
  seed: 1,
  replications: 1,
  horizon: "5d",
  pool: { servers: 20, balancer: { policy: "random" }, capacity: 4, sessionTime: "2s" },
  blacklists: [{ name: "spamcop", subscribers: 0.3 }],
  listed: [{ servers: 2, on: ["spamcop"] }],
  recipients: { domains: 5000, zipf: 1.0 },
  traffic: { senders: 2000, rate: "1000/d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};

/** The same with least-connections, which needs the session counts kept by session-end events. */
export const capacityLeastConnections = {
  ...capacity,
  name: "bench-capacity-lc",
  pool: { ...capacity.pool, balancer: { policy: "least-connections" } },
};
