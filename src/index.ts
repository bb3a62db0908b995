// The library API of relaysim (`import { … } from "relaysim"`): the same functions the `sim`
// CLI calls, re-exported in one place with their types, for notebooks and scripts.
//
// A typical session: load or build a scenario, run it, read its summary, chart it.
//
// ```ts
// import { loadScenario, runScenario, summaryCharts, timeseries } from "relaysim";
// const scenario = loadScenario("scenarios/18of20.json");
// const { summary, results } = runScenario(scenario, { replications: 5 });
// console.log(summary.metrics.resendFailure.mean);
// const charts = summaryCharts(summary, timeseries(scenario, results));
// ```
//
// Units: every duration is in seconds and every rate per second, as in summary.json; only
// scenario input (files, objects given to parseScenario, sweep values) is written with units.
// Nothing here prints, and nothing writes files: the CLI adds those around these functions.
//
// From a pool's own logs and its users' bounces (`sim calibrate`, `sim explain`):
//
// ```ts
// import { advise, calibrateFiles, classifyReply, explainBounce, parseBounce } from "relaysim";
// const { calibration, scenario } = await calibrateFiles(["/var/log/mail.log"], { year: 2026 });
// const { advice } = await advise(scenario);
// classifyReply("554 5.7.1 Client host [192.0.2.7] blocked using bl.spamcop.net").list?.id; // "spamcop"
// console.log(explainBounce(parseBounce(bounceText), advice).recipients[0].sentences);
// ```

/**
 * DESIGN §5 closed forms, one namespace per balancer family: `analytic.random`,
 * `analytic.sticky`, `analytic.timer` (`rotateResendFailure`, `shuffleResendFailure`, …),
 * `analytic.lifecycle.listedFraction`, and the M/M/c formulas (`analytic.erlangC`, …).
 * Arguments are N servers, k listed, p the share of domains consulting the list, T the timer
 * period and d the resend delay (seconds).
 */
export * as analytic from "./analytic/index.js";
export type {
  Calibration,
  Interval as CalibrationInterval,
  ListEstimate,
  WindowEstimate,
} from "./calibrate/estimate.js";
export { LOG_FORMATS, type LogFormat } from "./calibrate/formats.js";
export {
  MAILLOG_EPOCH,
  MAILLOG_FORMATS,
  type MaillogFormat,
  MaillogFormatter,
  relayAddress,
} from "./calibrate/maillog.js";
export type { PolicyEstimate } from "./calibrate/policy.js";
export { calibrateFiles, LogReadError, type ReadOptions } from "./calibrate/reader.js";
export {
  CalibrateError,
  type CalibrateOptions,
  type CalibrateResult,
  Calibrator,
  calibrateLines,
  relayFromPath,
} from "./calibrate/run.js";
export { LISTS, type ListInfo, listById, listByZone } from "./classify/lists.js";
export {
  type Classification,
  classifyReply,
  REPLY_CLASSES,
  REPLY_PATTERNS,
  type ReplyClass,
  type ReplyPattern,
} from "./classify/replies.js";
export {
  type Advice,
  AdviseError,
  type AdviseOptions,
  type AdviseResult,
  adviceCsv,
  advise,
  type CurvePoint,
  DEFAULT_TOLERANCE,
  type OperatorView,
  type PolicyAdvice,
  type Tolerance,
  type Verdict,
} from "./experiment/advise.js";
export type { RetryArm, RetryComparison, RetryView } from "./experiment/advise-retries.js";
export { BudgetError } from "./experiment/budget.js";
export {
  type Comparison,
  compare,
  type Difference,
  type MeanSummary,
  scenarioLabels,
} from "./experiment/compare.js";
export type { AnyScenario } from "./experiment/inputs.js";
export {
  type ExperimentOptions,
  type ParallelRunOptions,
  type ParallelRunResult,
  runScenarioParallel,
} from "./experiment/parallel.js";
export { defaultWorkers, ReplicationPool } from "./experiment/pool.js";
export type { PrecisionOptions, PrecisionReport, PrecisionTargets } from "./experiment/precision.js";
export type {
  RecipientCounts,
  RecipientMetric,
  RecipientResult,
  RecipientSummary,
} from "./experiment/recipient-metrics.js";
export { type Counts, METRICS, type Metric, type ReplicationResult } from "./experiment/result.js";
export { type RunOptions, type RunResult, runScenario } from "./experiment/run.js";
export {
  type DelayBin,
  type MetricSummary,
  type PointSummary,
  type ServerSummary,
  type Summary,
  summarise,
  summarisePoint,
  type TimeseriesRow,
  timeseries,
} from "./experiment/summary.js";
export {
  type SweepGrid,
  type SweepJson,
  type SweepPointJson,
  type SweepPoints,
  type SweepResult,
  sweep,
  sweepCsv,
  sweepGrid,
  sweepJson,
  sweepPoints,
} from "./experiment/sweep.js";
export { parseValues, parseVary, SweepError, type SweepParameter } from "./experiment/sweep-values.js";
export { type Bounce, type BounceRecipient, MAX_BOUNCE_BYTES, parseBounce } from "./explain/bounce.js";
export {
  type Action,
  type ExplainedRecipient,
  type Explanation,
  explainBounce,
  explanationText,
  needsAdvice,
} from "./explain/explain.js";
export { type RetrySchedule, retryAges, retrySchedule } from "./model/mta/index.js";
export type { AttemptRecord, AttemptSink } from "./model/sink.js";
export { retryAdviceSentences, retryStoryParts } from "./report/advice-retries.js";
export { adviceChart } from "./report/charts/advice.js";
export { deliveryDelayChart } from "./report/charts/delivery-delay.js";
export { summaryCharts, sweepCharts } from "./report/charts/index.js";
export { listingsOverTimeChart } from "./report/charts/listings-over-time.js";
export { replicationsChart } from "./report/charts/replications.js";
export {
  ADVICE_WINDOW,
  type ClosedForm,
  closedFormResendFailure,
  resendByDelayChart,
} from "./report/charts/resend-by-delay.js";
export { serversChart } from "./report/charts/servers.js";
export { type SweepFile, type SweepMetric, sweepHeatmap, sweepLineChart } from "./report/charts/sweep.js";
export { type ChartSpec, type NamedChart, VEGA_LITE_SCHEMA } from "./report/charts/theme.js";
export { type PngOptions, type RenderedChart, renderChart, renderSvg, svgToPng } from "./report/render.js";
export { scenarioJsonSchema } from "./scenario/json-schema.js";
export { loadScenario, parseJsonText, parseScenario, ScenarioError } from "./scenario/load.js";
export {
  type Balancer,
  type Blacklist,
  type Dist,
  type ListedEntry,
  POLICIES,
  type Policy,
  type Scenario,
  type ScenarioInput,
} from "./scenario/schema.js";
export { formatDuration, parseDuration, parseRate } from "./scenario/units.js";
export type { Estimate, IntervalMethod } from "./stats/interval.js";
export { VERSION } from "./version.js";
