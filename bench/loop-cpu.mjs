// One benchmark scenario's simulation loop, timed in CPU seconds of this process (user + system,
// which load on a shared machine inflates far less than wall time), from any checkout's build:
//   node bench/loop-cpu.mjs [CHECKOUT] SCENARIO
// CHECKOUT (default: this one) is a directory with dist/ built and bench/scenarios.mjs; one
// replication warms the JIT up, then one more is timed. Prints {messages, cpu, wall} as JSON.
// bench/paired.mjs runs it for two checkouts in alternation (old against new).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const [dir, name] = args.length === 1 ? [resolve(import.meta.dirname, ".."), args[0]] : [resolve(args[0]), args[1]];
const from = (path) => import(pathToFileURL(resolve(dir, path)).href);
const { runReplication } = await from("dist/experiment/run.js");
const { CompiledScenario } = await from("dist/model/replication.js");
const { parseScenario } = await from("dist/scenario/load.js");
const input = new Map(Object.entries(await from("bench/scenarios.mjs"))).get(name);
if (!input) throw new Error(`bench/loop-cpu.mjs: no scenario ${name} in ${dir}/bench/scenarios.mjs`);
const compiled = new CompiledScenario(parseScenario(input));
runReplication(compiled, 99, 0);
const cpu0 = process.cpuUsage();
const wall0 = process.hrtime.bigint();
const result = runReplication(compiled, input.seed, 0);
const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
const { user, system } = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ messages: result.counts.messages, cpu: (user + system) / 1e6, wall })}\n`);
