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
