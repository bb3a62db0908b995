// One benchmark scenario's simulation loop alone, in this process:
//   node bench/loop.mjs [CHECKOUT] NAME
// NAME is an export of bench/scenarios.mjs; CHECKOUT (default: this one) is any directory with
// dist/ built and bench/scenarios.mjs, so an old build can be timed against a new one
// (bench/paired.mjs). One replication warms the JIT up on the same code, then one more is timed;
// prints {messages, events, seconds, cpu} as JSON, cpu being this process's user + system
// seconds for the timed replication (load on a shared machine inflates it far less than wall
// time). bench/run.mjs starts it in a process of its own so that each scenario's peak RSS is its own.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const [dir, name] = args.length === 1 ? [resolve(import.meta.dirname, ".."), args[0]] : [resolve(args[0]), args[1]];
const from = (path) => import(pathToFileURL(resolve(dir, path)).href);
const { runReplication } = await from("dist/experiment/run.js");
const { CompiledScenario } = await from("dist/model/replication.js");
const { parseScenario } = await from("dist/scenario/load.js");
const input = new Map(Object.entries(await from("bench/scenarios.mjs"))).get(name);
if (!input) throw new Error(`bench/loop.mjs: no scenario ${name} in ${dir}/bench/scenarios.mjs`);
const compiled = new CompiledScenario(parseScenario(input));
runReplication(compiled, 99, 0);
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
const result = runReplication(compiled, input.seed, 0);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const { user, system } = process.cpuUsage(cpu0);
const cpu = (user + system) / 1e6;
process.stdout.write(`${JSON.stringify({ messages: result.counts.messages, events: result.events, seconds, cpu })}\n`);
