// One benchmark scenario's simulation loop alone, in this process: `node bench/loop.mjs NAME`
// (an export of bench/scenarios.mjs) runs one replication to warm the JIT up on the same code,
// then times one more and prints {messages, events, seconds} as JSON. bench/run.mjs starts it
// in a process of its own so that each scenario's peak RSS is its own.
import { runReplication } from "../dist/experiment/run.js";
import { CompiledScenario } from "../dist/model/replication.js";
import { parseScenario } from "../dist/scenario/load.js";
import * as scenarios from "./scenarios.mjs";

const input = new Map(Object.entries(scenarios)).get(process.argv[2]);
if (!input) throw new Error(`bench/loop.mjs: no scenario ${process.argv[2]} in bench/scenarios.mjs`);
const compiled = new CompiledScenario(parseScenario(input));
runReplication(compiled, 99, 0);
const start = process.hrtime.bigint();
const result = runReplication(compiled, input.seed, 0);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${JSON.stringify({ messages: result.counts.messages, events: result.events, seconds })}\n`);
