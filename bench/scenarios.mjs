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

/** The issue-14 whole-process row: 18of20's pool, 200 senders at 20 a day for 7000 days (28 M messages). */
export const long18of20 = {
  name: "bench-18of20-7000d",
  description: "18of20 over 7000 days: 28 million messages in one replication (bench only)",
  seed: 1,
  replications: 1,
  horizon: "7000d",
  pool: { servers: 20, balancer: { policy: "timer", period: "10m" }, sessionTime: "2s" },
  blacklists: [{ name: "spamcop", subscribers: 0.3 }],
  listed: [{ servers: 2, on: ["spamcop"] }],
  recipients: { domains: 5000, zipf: 1.0 },
  traffic: { senders: 200, rate: "20/d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};

// Ten DNS blocklists of an ESP's world, each consulted by a share of receiving domains.
const espLists = [
  ["spamhaus-sbl", 0.3],
  ["spamcop", 0.2],
  ["barracuda", 0.15],
  ["sorbs", 0.1],
  ["psbl", 0.05],
  ["uceprotect-1", 0.05],
  ["spamrats", 0.03],
  ["mailspike", 0.03],
  ["invaluement", 0.02],
  ["nordspam", 0.01],
];

/**
 * An ESP-sized pool: 5000 relays, a million senders, 10 lists with 50 relays on each, a month.
 * One message per sender every 3 days (10 million messages) keeps the run under a minute: the
 * size under test is the pool's, the senders' and the domains' state, not the volume.
 */
export const espMonth = {
  name: "bench-esp",
  description: "5000 relays, 1 M senders, 10 lists, 30 days, 10 million messages (bench only)",
  seed: 1,
  replications: 1,
  horizon: "30d",
  pool: { servers: 5000, balancer: { policy: "timer", period: "10m" }, sessionTime: "2s" },
  blacklists: espLists.map(([name, subscribers]) => ({ name, subscribers })),
  listed: espLists.map(([name], i) => ({ indices: Array.from({ length: 50 }, (_, k) => i * 50 + k), on: [name] })),
  recipients: { domains: 100000, zipf: 1.0 },
  traffic: { senders: 1000000, rate: "1/3d" },
  resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
};
