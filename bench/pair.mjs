// Two commands at once, as two separate processes: `node bench/pair.mjs JSON` where JSON is
// [[args…], [args…]], each run as `node args…` with CI=1 from the repository's root. Prints
// {"seconds": wall until both ended, "each": [wall of each]} and exits 1 if either fails.
// bench/timed.mjs's timedSimPair uses it to measure what sharing the machine costs two
// processes that never coordinate: the ceiling of any 2-thread speed-up here.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const commands = JSON.parse(process.argv[2] ?? "null");
if (!Array.isArray(commands) || commands.length !== 2)
  throw new Error("usage: node bench/pair.mjs '[[args…], [args…]]'");
const started = process.hrtime.bigint();
const since = () => Number(process.hrtime.bigint() - started) / 1e9;
const each = await Promise.all(
  commands.map(
    (args) =>
      new Promise((resolve, reject) => {
        let stderr = "";
        const child = spawn(process.execPath, args, {
          cwd: root,
          env: { ...process.env, CI: "1" },
          stdio: ["ignore", "ignore", "pipe"],
        });
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0 ? resolve(since()) : reject(new Error(`${args.join(" ")}: exit ${code}\n${stderr}`)),
        );
      }),
  ),
);
process.stdout.write(`${JSON.stringify({ seconds: since(), each })}\n`);
