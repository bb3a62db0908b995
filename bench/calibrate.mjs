// `npm run bench:calibrate`: throughput and peak memory of `sim calibrate` on a generated Postfix
// log (not committed): a simulated pool's attempts written by `sim run --maillog postfix`, then
// calibrated in a fresh process at two sizes, to show lines per second and that peak memory
// does not grow with the log's length. Prints figures; asserts nothing.
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

if (process.argv[2] === "--child") {
  // One calibration (both passes) in this process: report lines/s and peak RSS.
  const { Evidence } = await import("../dist/calibrate/evidence.js");
  const { LineReader } = await import("../dist/calibrate/formats.js");
  const { newLineEvent } = await import("../dist/calibrate/line-event.js");
  const { forEachLine } = await import("../dist/calibrate/reader.js");
  const { calibrate } = await import("../dist/calibrate/estimate.js");
  const file = process.argv[3];
  const evidence = new Evidence();
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let lines = 0;
  let formats;
  for (const pass of [1, 2]) {
    const reader = new LineReader("auto", 2026);
    const event = newLineEvent();
    await forEachLine(file, (line, number) => {
      lines++;
      reader.read(line, event, "bench");
      if (event.kind === "unparsed") evidence.noteUnparsed(file, number, line);
      else evidence.add(event);
    });
    if (pass === 1) {
      formats = { ...reader.byFormat };
      evidence.startPass2();
    }
  }
  const c = calibrate(evidence, [file], formats);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  console.log(
    JSON.stringify({
      lines,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRss: process.resourceUsage().maxRSS * 1024,
      policy: c.policy.policy,
      relays: c.relays.count.estimate,
    }),
  );
  process.exit(0);
}

const targetLines = Number(process.argv[2] ?? 3_000_000);
const dir = mkdtempSync(join(tmpdir(), "relaysim-bench-calibrate-"));
try {
  // ~3 lines per message (qmgr from=, smtp to=, removed): size the pool's traffic to the target.
  const messagesPerDay = Math.ceil(targetLines / 3 / 7);
  const scenario = {
    name: "bench-calibrate",
    seed: 5,
    replications: 1,
    horizon: "7d",
    pool: { servers: 20, balancer: { policy: "timer", period: "10m" } },
    blacklists: [{ name: "spamcop", subscribers: 0.3 }],
    listed: [{ servers: 2, on: ["spamcop"] }],
    recipients: { domains: 20000, zipf: 1 },
    traffic: { senders: 2000, rate: `${(messagesPerDay / 2000).toFixed(3)}/d` },
    resend: { after: { uniform: ["5m", "15m"] }, maxAttempts: 3 },
  };
  const file = join(dir, "scenario.json");
  writeFileSync(file, JSON.stringify(scenario));
  const out = join(dir, "run");
  const generate = Date.now();
  const run = spawnSync(
    process.execPath,
    ["bin/sim.js", "run", file, "--maillog", "postfix", "--no-charts", "--out", out],
    {
      encoding: "utf8",
    },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  const log = join(out, "maillog", "replication-0.log");
  // A prefix of a quarter of the log, to compare peak memory at two sizes.
  const small = join(dir, "quarter.log");
  const total = await new Promise((resolve) => {
    let n = 0;
    const quarter = createWriteStream(small);
    const rl = createInterface({ input: createReadStream(log) });
    rl.on("line", (line) => {
      n++;
      if (n <= targetLines / 4) quarter.write(`${line}\n`);
    });
    rl.on("close", () => quarter.end(() => resolve(n)));
  });
  console.log(
    `generated ${total} Postfix lines (${mib(statSync(log).size)}) in ${((Date.now() - generate) / 1000).toFixed(1)} s at ${log}`,
  );
  for (const [label, path] of [
    ["quarter", small],
    ["full", log],
  ]) {
    const child = spawnSync(process.execPath, ["bench/calibrate.mjs", "--child", path], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(child.stderr);
    const r = JSON.parse(child.stdout);
    console.log(
      `calibrate ${label}: ${r.lines} lines read (two passes) in ${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU → ${(r.lines / r.seconds / 1e6).toFixed(2)} M lines/s wall, ${(r.lines / r.cpuSeconds / 1e6).toFixed(2)} M lines/s CPU; peak RSS ${mib(r.maxRss)}; policy ${r.policy}, ${r.relays} relays`,
    );
  }
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
}
