// `sim advise FILE`: the verdict on the scenario's resend rule ("wait 5–15 minutes") — printed in
// words first, then the tables — and output/<name>/advice.json, advice.csv, charts and report.html.
import type { CommandModule } from "yargs";
import {
  ADVISE_MIN_REPLICATIONS,
  type Advice,
  AdviseError,
  adviceCsv,
  advise,
  DEFAULT_ADVISE_PRECISION,
  DEFAULT_TABLE_PRECISION,
  RESENDS_OF_EACH_OUTCOME,
  type Tolerance,
} from "../../experiment/advise.js";
import { GRID_RULES } from "../../experiment/advise-grid.js";
import { DEFAULT_MIN_REPLICATIONS, type PrecisionOptions } from "../../experiment/precision.js";
import { type Summary, type TimeseriesRow, timeseries } from "../../experiment/summary.js";
import { parseValues, SweepError } from "../../experiment/sweep-values.js";
import { replicationsPerWait } from "../../format.js";
import {
  adviceHeadline,
  methodSentences,
  operatorRows,
  percentCell,
  policyHeader,
  policyRows,
  waitCell,
} from "../../report/advice-html.js";
import { jsonText, runJson, writeRunFiles } from "../../report/files.js";
import type { RenderedCharts } from "../../report/write-report.js";
import { loadScenario } from "../../scenario/load.js";
import { POLICIES, type Policy } from "../../scenario/schema.js";
import { parseDuration } from "../../scenario/units.js";
import {
  type ExperimentArgs,
  experimentFlags,
  parseMinReplications,
  parsePrecision,
  parseWorkers,
  precisionNote,
  resolveRunSize,
} from "../experiment-options.js";
import { table } from "../format.js";
import { type Io, UsageError } from "../io.js";
import { defaultFolder, forceFlag, type OutputFolder } from "../output-folder.js";
import { produceOutput } from "../outputs.js";
import { progressBar } from "../progress.js";

interface AdviseArgs extends ExperimentArgs {
  file: string;
  out?: string;
  seed?: number;
  replications?: number;
  json: boolean;
  charts: boolean;
  delays?: string;
  tolerance?: string;
  policies?: string;
  force: boolean;
}

/** `--delays VALUES`: a range (0m..30m/1m) or a list (0,5m,10m) of waits, in seconds. */
export function parseDelays(text: string): number[] {
  let values: unknown[];
  try {
    values = parseValues(text);
  } catch (error) {
    if (error instanceof SweepError) throw new UsageError(`--delays ${text}: ${error.message}`);
    throw error;
  }
  return values.map((v) => {
    const seconds = typeof v === "number" ? v : typeof v === "string" ? parseDuration(v) : undefined;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
      throw new UsageError(`--delays ${text}: expected waits such as 0m..30m/1m or 0,5m,10m, got ${JSON.stringify(v)}`);
    }
    return seconds;
  });
}

const TOLERANCE_HINT =
  'expected percentage points and/or a relative share, e.g. "1pp,10%" (the default), "2pp" or "0.02"';

/** `--tolerance`: "1pp" (absolute), "10%" (relative to the plateau), or both; a bare number is absolute. */
export function parseTolerance(text: string): Tolerance {
  const tolerance: Tolerance = { absolute: 0, relative: 0 };
  const number = (s: string) => (/^\d+(\.\d*)?$|^\.\d+$/.test(s) ? Number(s) : Number.NaN);
  for (const raw of text.split(",")) {
    const item = raw.trim().toLowerCase();
    if (item.endsWith("pp")) tolerance.absolute = number(item.slice(0, -2).trim()) / 100;
    else if (item.endsWith("%")) tolerance.relative = number(item.slice(0, -1).trim()) / 100;
    else tolerance.absolute = number(item);
    if (!(Number.isFinite(tolerance.absolute) && Number.isFinite(tolerance.relative))) {
      throw new UsageError(`--tolerance ${text}: ${TOLERANCE_HINT}`);
    }
  }
  if (tolerance.absolute >= 1 || tolerance.relative >= 1 || (tolerance.absolute === 0 && tolerance.relative === 0)) {
    throw new UsageError(`--tolerance ${text}: expected a margin above 0 and below 100 percentage points (or 100 %)`);
  }
  return tolerance;
}

/** `--policies timer,sticky`: the other policies for the table; "none" for the scenario's own only. */
export function parsePolicies(text: string): Policy[] {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (names.length === 1 && names[0] === "none") return [];
  for (const name of names) {
    if (!(POLICIES as readonly string[]).includes(name)) {
      throw new UsageError(`--policies: unknown policy "${name}" (expected a list of ${POLICIES.join(", ")}, or none)`);
    }
  }
  return names as Policy[];
}

/** --precision, --max-replications and --min-replications apply to every curve; without them, advise's defaults. */
function precisionOptions(args: AdviseArgs): { main?: PrecisionOptions; table?: PrecisionOptions } {
  const max = args["max-replications"];
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 2)) {
    throw new UsageError(`--max-replications: expected an integer ≥ 2, got ${max}`);
  }
  const min = parseMinReplications(args["min-replications"]);
  const targets = args.precision?.length ? parsePrecision(args.precision, max)?.targets : undefined;
  if (targets === undefined && max === undefined && min === undefined) return {};
  // Each curve's floor holds unless --min-replications says otherwise (curvePrecision:
  // ADVISE_MIN_REPLICATIONS where fewer replications can miss a class of placements altogether).
  const minimum = min === undefined ? {} : { minReplications: min };
  return {
    main: {
      targets: targets ?? DEFAULT_ADVISE_PRECISION.targets,
      maxReplications: max ?? DEFAULT_ADVISE_PRECISION.maxReplications,
      ...minimum,
    },
    table: {
      targets: targets ?? DEFAULT_TABLE_PRECISION.targets,
      maxReplications: max ?? DEFAULT_TABLE_PRECISION.maxReplications,
      ...minimum,
    },
  };
}

/** The main curve as a terminal table. */
function curveTable(a: Advice): string {
  const rows = a.points.map((p) => [
    waitCell(p.delay),
    percentCell(p),
    p.delay === a.plateau?.delay ? "lowest" : p.good ? "yes" : "no",
  ]);
  rows.push([`the advice: ${policyHeader(a)[2]}`, percentCell(a.advice), a.adviceReachesPlateau ? "yes" : "no"]);
  return table(["wait", "resends rejected again (95 % CI)", "as good as the lowest?"], rows);
}

/** What the terminal shows: the verdict, then the tables. */
export function adviceText(a: Advice): string {
  const lines = [adviceHeadline(a).join("\n"), ""];
  if (a.verdict === "nothing-listed") return `${lines.join("\n")}`;
  const own = a.policies.find((p) => p.own);
  lines.push(
    `${a.scenario.name}: ${own?.policy} balancing, ${replicationsPerWait(a)}, seed ${a.seed} (common random numbers)`,
    "",
    curveTable(a),
    "",
  );
  if (a.policies.length > 1) {
    lines.push("The same pool, listings, recipients and mail under each balancing policy:", "");
    lines.push(table(policyHeader(a), policyRows(a)), "");
  }
  const op = operatorRows(a);
  if (op) {
    lines.push(`The operator's view (means over ${a.operator?.healthCheck.replications} replications, 95 % CI):`, "");
    lines.push(table(op.header, op.rows), "");
  }
  lines.push(...methodSentences(a), "");
  if (a.precision) lines.push(precisionNote(a.precision));
  return `${lines.join("\n")}\n`;
}

/**
 * The run's charts, rendered as soon as the own rule's replications are final: in this thread,
 * beside the policy table's simulation (the pool's other threads keep simulating), instead of
 * after it. Loaded only when wanted: vega and resvg take a few hundred milliseconds to import.
 * `drawn` settles when the import is done and every SVG drawn — this thread's share; the PNGs
 * are rasterised off it (render.ts), and `rendered` waits for them too.
 */
function renderRunCharts(
  summary: Summary,
  series: readonly TimeseriesRow[],
): { rendered: Promise<RenderedCharts>; drawn: Promise<void> } {
  const started = Promise.all([import("../../report/write-report.js"), import("../../report/render.js")]).then(
    ([{ renderCharts }, { svgsDrawn }]) => {
      // renderCharts queues every chart's SVG before it returns, so svgsDrawn covers them all.
      const rendered = renderCharts(summary, series);
      return { rendered, drawn: svgsDrawn() };
    },
  );
  const rendered = started.then((s) => s.rendered);
  const drawn = started.then((s) => s.drawn);
  // A failure is reported by writeAdviceCharts, where charts fail (exit 1 after the data files).
  rendered.catch(() => {});
  drawn.catch(() => {});
  return { rendered, drawn };
}

/** charts/advice.* and the run's charts, with the advice at the top of report.html. */
async function writeAdviceCharts(out: OutputFolder, advice: Advice, runCharts: Promise<RenderedCharts>): Promise<void> {
  const [{ renderSvg, svgToPngAsync }, { reportFiles }, { adviceChart }, { adviceHtml }] = await Promise.all([
    import("../../report/render.js"),
    import("../../report/write-report.js"),
    import("../../report/charts/advice.js"),
    import("../../report/advice-html.js"),
  ]);
  // After the run's charts: charts are drawn one at a time (render.ts, renderSvg).
  const run = await runCharts;
  const spec = adviceChart(advice);
  const svg = await renderSvg(spec);
  // The PNG is rasterised off this thread while report.html is assembled here.
  const png = svgToPngAsync(svg);
  png.catch(() => {}); // awaited below; a failure is thrown there
  const report = reportFiles(run, { advice: { html: adviceHtml(advice, { spec, svg }) } });
  out.write("charts/advice.vl.json", `${JSON.stringify(spec, null, 2)}\n`);
  out.write("charts/advice.svg", svg);
  out.write("charts/advice.png", await png);
  for (const [name, content] of report) out.write(name, content);
}

/** advice.json: the verdict and its sentences first. */
export function adviceJson(a: Advice): Record<string, unknown> {
  const { tool, verdict, ...rest } = a;
  return { tool, verdict, headline: adviceHeadline(a), ...rest };
}

export function adviseCommand(io: Io): CommandModule<object, AdviseArgs> {
  return {
    command: "advise <file>",
    describe:
      "Judge the scenario's resend rule (\"wait 5–15 minutes\"): resend failure by fixed wait, under every balancing policy, and the operator's view; writes advice.json, advice.csv, charts and report.html",
    builder: (y) =>
      forceFlag(experimentFlags(y, { shard: false }))
        .positional("file", { type: "string", demandOption: true, describe: "scenario JSON file" })
        .option("max-replications", {
          type: "number",
          describe: `stop every curve after this many replications (default ${DEFAULT_ADVISE_PRECISION.maxReplications} for this pool, ${DEFAULT_TABLE_PRECISION.maxReplications} for the policy table)`,
        })
        .option("delays", {
          type: "string",
          describe:
            "fixed waits to judge instead of the fitted grid, for every policy: a range (0m..30m/1m) or a list (0,5m,10m,1h); 0 is always added",
        })
        .option("tolerance", {
          type: "string",
          describe:
            'how close to the lowest failure counts as "as good": percentage points and/or a share of it, the larger applies (default "1pp,10%")',
        })
        .option("policies", {
          type: "string",
          describe: `other balancing policies for the table, comma-separated (default all: ${POLICIES.join(", ")}); "none" for this pool only`,
        })
        .option("out", {
          type: "string",
          describe: "output folder (default: output/<scenario name>-advice; replaced only if sim wrote it)",
        })
        .option("seed", { type: "number", describe: "override the scenario's seed (shared by every wait and policy)" })
        .option("replications", {
          alias: "r",
          type: "number",
          describe: "minimum replications per wait (default: the scenario's)",
        })
        .option("json", {
          type: "boolean",
          default: false,
          describe: "print advice.json instead of the verdict and tables",
        })
        .option("charts", {
          type: "boolean",
          default: true,
          describe: "write charts/ (the advice chart and the run's) and report.html; --no-charts skips them",
        })
        .epilogue(
          [
            "Each user waits a fixed time before resending; the waits form a grid fitted to the pool:",
            ...GRID_RULES.map((r) => `  ${r}`),
            "Every wait and every policy runs on the same mail, recipients and listings (common random numbers). Other policies switch only pool.balancer (missing fields: timer period 10m, dns ttl 5m).",
            `Replications: from the scenario's count but at least ${ADVISE_MIN_REPLICATIONS} (fewer can miss a class of placements altogether); a policy-table curve where the listed relays' placement cannot matter (nothing drawn, or one listed entry under a policy that treats every relay alike: random, sticky, least-connections, a shuffling timer) at least ${DEFAULT_MIN_REPLICATIONS}, and ${ADVISE_MIN_REPLICATIONS} until every wait holds ${RESENDS_OF_EACH_OUTCOME} resends rejected and ${RESENDS_OF_EACH_OUTCOME} not; --min-replications sets one floor for all; added until every wait's resend failure has a 95 % half-width of 1 percentage point (2 for the policy table), at most 100 (50). --precision and --max-replications replace these for every curve.`,
            'Verdicts (advice.json "verdict"): wait — resending at once fails more than the tolerance above the lowest failure on the grid (paired 95 % CI); resend-at-once — it does not; waiting-does-not-help — it does not and resends fail ≥ 90 % whatever the wait (same route); nothing-listed — no relay is ever listed or compromised: the question is moot, exit 0; no-bounces — nothing was resent.',
            "Shortest good wait: the first wait from which every wait up to the lowest is not shown to fail more than the tolerance above it. Exit 2 for a scenario whose users never resend (resend.maxAttempts 1 or resend.probability 0) or an unknown policy.",
          ].join("\n"),
        )
        .example("$0 advise scenarios/18of20.json", "is 'wait 5–15 minutes' right for a timer pool?")
        .example("$0 advise scenarios/sticky-pool.json --policies none --json", "this pool only, as JSON")
        .example("$0 advise scenarios/dns-ttl.json --delays 0m..20m/30s", "a finer grid of waits"),
    handler: async (args) => {
      const scenario = loadScenario(args.file);
      const size = resolveRunSize(args, scenario);
      const workers = parseWorkers(args.workers);
      const precision = precisionOptions(args);
      const delays = args.delays === undefined ? undefined : parseDelays(args.delays);
      const tolerance = args.tolerance === undefined ? undefined : parseTolerance(args.tolerance);
      const policies = args.policies === undefined ? undefined : parsePolicies(args.policies);
      const progress = progressBar(`${scenario.name}: advise`);
      // Checked, locked and staged before any simulation.
      await produceOutput(
        args.out ?? defaultFolder("advise", scenario.name),
        { command: "advise", force: args.force, notify: io.stderr },
        async () => {
          const started = Date.now();
          if (args.charts) import("../../report/write-report.js").catch(() => {});
          let series: TimeseriesRow[] = [];
          let runCharts: Promise<RenderedCharts> | undefined;
          const { advice, own } = await advise(scenario, {
            ...size,
            workers,
            precision: precision.main,
            tablePrecision: precision.table,
            delays,
            tolerance,
            policies,
            source: args.file,
            allowLarge: args["allow-large"] === true,
            onProgress: (done, total) => progress.update(done, total),
            onOwnRule: (o) => {
              series = timeseries(o.summary.scenario, o.results);
              if (!args.charts) return undefined;
              const charts = renderRunCharts(o.summary, series);
              runCharts = charts.rendered;
              // This thread draws; the pool's workers simulate the table meanwhile.
              return charts.drawn;
            },
          });
          progress.finish();
          return {
            files: (o) => {
              o.write("advice.json", jsonText(adviceJson(advice)));
              if (own) {
                o.write("advice.csv", adviceCsv(advice));
                writeRunFiles(o, own.summary, own.results, series);
              }
            },
            charts:
              own && runCharts ? (o) => writeAdviceCharts(o, advice, runCharts as Promise<RenderedCharts>) : undefined,
            run: () =>
              runJson(started, {
                command: "advise",
                workers,
                replications: Object.fromEntries(advice.policies.map((p) => [p.policy, p.replications])),
              }),
            done: (o) =>
              io.stdout(args.json ? jsonText(adviceJson(advice)) : `${adviceText(advice)}\nWrote ${o.target}/\n`),
          };
        },
        (error) => {
          progress.finish();
          if (error instanceof AdviseError) return new UsageError(`${args.file}: ${error.message}`);
          if (error instanceof SweepError) return new UsageError(error.message);
          return error;
        },
      );
    },
  };
}
