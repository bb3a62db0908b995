// The page: a scenario form validated by the scenario schema, presets, files, pasted JSON and
// permalinks in; the verdict, curves, tables and summary.json out, computed by the CLI's own
// functions in Web Workers (answer.ts). Everything it needs is inside the one HTML file.
import presets from "relaysim:presets";
import type { Advice } from "../experiment/advise.js";
import type { Summary } from "../experiment/summary.js";
import { formatDuration, replicationsPerWait } from "../format.js";
import { adviceHeadline, operatorRows, policyHeader, policyRows } from "../report/advice-html.js";
import { adviceChart } from "../report/charts/advice.js";
import { resendByDelayChart } from "../report/charts/resend-by-delay.js";
import { METRIC_TITLES } from "../report/charts/theme.js";
import { recipientRows } from "../report/recipients-words.js";
import { summaryRows } from "../report/story.js";
import { parseJsonText, ScenarioError } from "../scenario/parse.js";
import type { Scenario } from "../scenario/schema.js";
import { answer, FIRST_LOOK, type Step } from "./answer.js";
import { explainPaste, explanationJson, renderExplanation } from "./bounce.js";
import { drawChart } from "./charts.js";
import {
  editField,
  FIELD_GROUPS,
  FIELDS,
  type FieldSpec,
  fieldFor,
  fieldText,
  fieldValue,
  get,
  listFields,
  type RawScenario,
  validate,
  withPolicy,
} from "./form.js";
import { decodeFragment, encodeFragment } from "./permalink.js";
import { ReplicationPool, StoppedError } from "./pool.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const DEFAULT_PRESET = "18of20";
let raw: RawScenario = {};
let current: Scenario | null = null;
const pool = new ReplicationPool();
let running = false;

// ---- the form ----------------------------------------------------------------------------

function fieldRow(f: FieldSpec): HTMLElement {
  const row = element("div", { class: "field", "data-path": f.path.join(".") });
  row.append(element("label", { for: f.id }, f.label));
  const described = [f.hint ? `${f.id}-hint` : "", `${f.id}-error`].filter(Boolean).join(" ");
  let input: HTMLInputElement | HTMLSelectElement;
  if (f.kind === "select") {
    input = element("select", { id: f.id, "aria-describedby": described });
    for (const o of f.options ?? []) input.append(element("option", { value: o }, o));
  } else {
    input = element("input", { id: f.id, type: "text", "aria-describedby": described, autocomplete: "off" });
    if (f.kind === "number") input.setAttribute("inputmode", "decimal");
  }
  const value = get(raw, f.path) ?? f.fallback;
  input.value = fieldText(f.kind, value);
  // A select whose value is none of its options shows blank rather than the first option.
  if (f.kind === "select" && input.value !== String(value ?? "")) input.value = "";
  input.addEventListener(f.kind === "select" ? "change" : "input", () => edit(f, input.value));
  row.append(input);
  if (f.hint) row.append(element("span", { id: `${f.id}-hint`, class: "hint" }, f.hint));
  row.append(element("span", { id: `${f.id}-error`, class: "error" }));
  return row;
}

function shownFields(): FieldSpec[] {
  const lists = Array.isArray(raw.blacklists) ? raw.blacklists.length : 0;
  const rows: FieldSpec[] = [];
  for (let i = 0; i < lists; i++) rows.push(...listFields(i));
  return [...FIELDS.filter((f) => !f.when || f.when(raw)), ...rows];
}

/** Build the form from `raw` (after loading a scenario, or a change of policy or lists). */
function renderForm(): void {
  const shown = new Set(shownFields().map((f) => f.id));
  for (const [group, ids] of Object.entries(FIELD_GROUPS)) {
    const box = $(group);
    box.replaceChildren(...FIELDS.filter((f) => ids.includes(f.id) && shown.has(f.id)).map(fieldRow));
  }
  const lists = $("form-lists");
  lists.replaceChildren();
  const count = Array.isArray(raw.blacklists) ? raw.blacklists.length : 0;
  for (let i = 0; i < count; i++) {
    const row = element("div", { class: "list-row" });
    for (const f of listFields(i)) row.append(fieldRow(f));
    const remove = element("button", { type: "button", class: "secondary" }, `Remove list ${i + 1}`);
    remove.addEventListener("click", () => {
      const [gone] = (raw.blacklists as Array<{ name?: unknown }>).splice(i, 1);
      // Relays listed on it are no longer listed there.
      for (const entry of Array.isArray(raw.listed) ? raw.listed : []) {
        const on = (entry as { on?: unknown[] }).on;
        if (Array.isArray(on)) (entry as { on: unknown[] }).on = on.filter((name) => name !== gone?.name);
      }
      renderForm();
    });
    row.append(remove);
    lists.append(row);
  }
  changed();
}

function edit(f: FieldSpec, text: string): void {
  const value = fieldValue(f.kind, text);
  if (f.id === "f-policy") {
    withPolicy(raw, String(value));
    renderForm();
    // The form was rebuilt: keep the keyboard where it was.
    $("f-policy").focus();
    return;
  }
  const before = shownIds();
  editField(raw, f, text);
  if (shownIds() !== before) {
    // The edit showed or hid other fields (greylisting's delay): rebuild, keep the keyboard here.
    renderForm();
    $(f.id).focus();
    return;
  }
  changed();
}

/** The ids of the fields shown now, as one string to compare. */
function shownIds(): string {
  return shownFields()
    .map((field) => field.id)
    .join(" ");
}

function scenarioText(): string {
  return `${JSON.stringify(raw, null, 2)}\n`;
}

let linkTimer: ReturnType<typeof setTimeout> | null = null;

/** After any change: validate, show the schema's messages, refresh the JSON, command and permalink. */
function changed(): void {
  const result = validate(raw);
  current = result.scenario;
  const fields = shownFields();
  for (const f of fields) {
    const box = document.getElementById(`${f.id}-error`);
    if (box) box.textContent = "";
    document.getElementById(f.id)?.removeAttribute("aria-invalid");
  }
  const general: string[] = [];
  for (const p of result.problems) {
    const f = fieldFor(p.path, fields);
    const box = f ? document.getElementById(`${f.id}-error`) : null;
    if (f && box) {
      box.textContent = box.textContent ? `${box.textContent}; ${p.message}` : p.message;
      document.getElementById(f.id)?.setAttribute("aria-invalid", "true");
    } else general.push(`${p.path}: ${p.message}`);
  }
  showGeneral(general);
  const json = $<HTMLTextAreaElement>("json");
  if (document.activeElement !== json) json.value = scenarioText();
  $<HTMLButtonElement>("run").disabled = running || current === null;
  const name = typeof raw.name === "string" && raw.name ? raw.name : "scenario";
  $<HTMLOutputElement>("command").value = current
    ? `npx sim run ${name}.json --seed ${current.seed} -r ${current.replications} --json > summary.json`
    : "(fix the scenario first)";
  if (linkTimer) clearTimeout(linkTimer);
  linkTimer = setTimeout(updateLink, 200);
}

function showGeneral(lines: string[]): void {
  const box = $("scenario-errors");
  box.replaceChildren(...lines.map((l) => element("li", {}, l)));
  box.hidden = lines.length === 0;
}

/** The fragment this page last wrote: a different one comes from the user (a pasted link). */
let ownFragment = "";

async function updateLink(): Promise<void> {
  linkTimer = null;
  ownFragment = await encodeFragment(JSON.stringify(raw));
  history.replaceState(null, "", ownFragment);
}

/** Load the scenario a link carries; false when it carries none or cannot be read. */
async function loadFragment(): Promise<boolean> {
  try {
    const text = await decodeFragment(location.hash);
    return text !== null && loadText(text, "the link");
  } catch (error) {
    showGeneral([(error as Error).message]);
    return false;
  }
}

/** Load scenario text from a preset, a file, the JSON box or a link; `source` names it in errors. */
function loadText(text: string, source: string): boolean {
  let value: unknown;
  try {
    value = parseJsonText(text, source);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    showGeneral(error.problems.map((p) => `${source}: ${p}`));
    return false;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    showGeneral([
      `${source}: expected a JSON object (a scenario), got ${Array.isArray(value) ? "an array" : JSON.stringify(value).slice(0, 60)}`,
    ]);
    return false;
  }
  const { $schema: _schema, ...rest } = value as RawScenario;
  raw = rest;
  renderForm();
  return true;
}

// ---- downloads and copies ----------------------------------------------------------------

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = element("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function copy(text: string, what: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    say(`Copied ${what}.`);
  } catch {
    say(`Copy this ${what} by hand: ${text}`);
  }
}

function say(text: string): void {
  $("notice").textContent = text;
}

// ---- the answer --------------------------------------------------------------------------

let lastSummary: Summary | null = null;
let lastAdvice: Advice | null = null;
/** The scenario of the run in progress or last run, as JSON: advice is for it only. */
let runScenario = "";
/** The latest advice shown (first look or final) and the scenario it is for, or why there is none. */
let shownAdvice: { advice: Advice; final: boolean; scenario: string } | null = null;
let noAdviceReason: { reason: string; scenario: string } | null = null;
let started = 0;
let firstVerdict = false;

function table(caption: string, header: string[], rows: string[][], rowHeaders = true): HTMLTableElement {
  const t = element("table");
  t.append(element("caption", {}, caption));
  const head = element("tr");
  for (const h of header) head.append(element("th", { scope: "col" }, h));
  t.appendChild(element("thead")).append(head);
  const body = t.appendChild(element("tbody"));
  for (const r of rows) {
    const tr = body.appendChild(element("tr"));
    r.forEach((cell, i) => {
      tr.append(i === 0 && rowHeaders ? element("th", { scope: "row" }, cell) : element("td", {}, cell));
    });
  }
  return t;
}

function showSummary(summary: Summary, complete: boolean): void {
  lastSummary = complete ? summary : lastSummary;
  $<HTMLButtonElement>("download-summary").disabled = !complete;
  const rows = summaryRows(summary).map((r) => [METRIC_TITLES[r.metric], r.mean, r.ci, String(r.n)]);
  for (const r of recipientRows(summary)) rows.push([r.title, r.mean, r.ci, String(r.n)]);
  const t = summary.totals;
  $("summary").replaceChildren(
    table(
      `${summary.replications} replication${summary.replications === 1 ? "" : "s"}, seed ${summary.seed}, ${t.messages.toLocaleString("en-US")} messages, ${t.resends.toLocaleString("en-US")} user resends${complete ? "" : " (so far)"}`,
      ["metric", "mean", "95 % CI", "replications"],
      rows,
    ),
  );
  void drawChart(
    $("curve-chart"),
    resendByDelayChart(summary),
    "Resend failure by the user's wait, with 95 % intervals and the closed form",
  );
}

/** advice.json as `sim advise --json` prints it: the verdict and its sentences first (cli/commands/advise.ts adviceJson). */
function adviceJson(a: Advice): Record<string, unknown> {
  const { tool, verdict, ...rest } = a;
  return { tool, verdict, headline: adviceHeadline(a), ...rest };
}

function showAdvice(advice: Advice, final: boolean): void {
  lastAdvice = final ? advice : null;
  shownAdvice = { advice, final, scenario: runScenario };
  refreshExplanation();
  $<HTMLButtonElement>("download-advice").disabled = !final;
  const verdict = $("verdict");
  const lines = adviceHeadline(advice);
  verdict.replaceChildren(...lines.map((l) => element("p", {}, l)));
  verdict.dataset.verdict = advice.verdict;
  verdict.dataset.final = String(final);
  $("verdict-note").textContent = final
    ? `From ${replicationsPerWait(advice)}: the answer of sim advise.`
    : `First look from ${replicationsPerWait(advice)} under this pool's own policy; refining…`;
  if (!firstVerdict) {
    firstVerdict = true;
    document.body.dataset.firstVerdictMs = String(Math.round(performance.now() - started));
  }
  if (advice.policies.length > 0) {
    void drawChart(
      $("advice-chart"),
      adviceChart(advice),
      "Resend failure by a fixed wait before resending, per balancing policy, with 95 % intervals",
    );
    $("policies").replaceChildren(
      table(
        "The same pool under each balancing policy (resend failure, 95 % CI)",
        policyHeader(advice),
        policyRows(advice),
      ),
    );
  }
  const op = operatorRows(advice);
  $("operator").replaceChildren(...(op ? [table("Listed relays, per day (95 % CI)", op.header, op.rows)] : []));
}

const STEP_WORDS: Record<Step, string> = {
  "first look": "First look",
  summary: "The scenario's own run",
  "full advice": "Full advice",
};

function progress(step: Step, done: number, total: number): void {
  const bar = $<HTMLProgressElement>("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  $("status").textContent = `${STEP_WORDS[step]}: ${done} of ${total} replications`;
}

function setRunning(on: boolean): void {
  running = on;
  $<HTMLButtonElement>("run").disabled = on || current === null;
  $<HTMLButtonElement>("stop").disabled = !on;
  $("answer").setAttribute("aria-busy", String(on));
}

async function run(): Promise<void> {
  if (!current || running) return;
  const scenario = current;
  setRunning(true);
  firstVerdict = false;
  lastSummary = null;
  delete document.body.dataset.firstVerdictMs;
  for (const id of ["verdict", "verdict-note", "summary", "policies", "operator", "curve-chart", "advice-chart"])
    $(id).replaceChildren();
  $<HTMLButtonElement>("download-summary").disabled = true;
  $<HTMLButtonElement>("download-advice").disabled = true;
  runScenario = JSON.stringify(scenario);
  shownAdvice = null;
  noAdviceReason = null;
  started = performance.now();
  document.body.dataset.runStartedMs = String(started);
  pool.resume();
  try {
    await answer(scenario, pool, {
      summary: showSummary,
      advice: showAdvice,
      noAdvice: (reason) => {
        noAdviceReason = { reason, scenario: runScenario };
        refreshExplanation();
        $("verdict").replaceChildren(element("p", {}, `No advice: ${reason}.`));
        $("verdict").dataset.verdict = "none";
      },
      progress,
    });
    $("status").textContent = `Done in ${formatDuration((performance.now() - started) / 1000)}.`;
  } catch (error) {
    if (error instanceof StoppedError)
      $("status").textContent = "Stopped. The numbers shown are from the replications finished before.";
    else {
      $("status").textContent = `The run failed: ${(error as Error).message}`;
      console.error(error);
    }
  } finally {
    setRunning(false);
  }
}

// ---- explaining a bounce ------------------------------------------------------------------

/** The text last explained (advice arriving later re-explains it), and its explanation. */
let explained: { text: string; json: string } | null = null;

/** Explain a pasted bounce as `sim explain` does; with the page's advice, as `sim explain --scenario`. */
function explain(text: string): void {
  const note = $("explain-note");
  const box = $("explanation");
  const download = $<HTMLButtonElement>("download-explanation");
  if (text.trim() === "") {
    explained = null;
    box.replaceChildren();
    download.disabled = true;
    note.textContent = "Paste a bounce (or its reply line) first.";
    return;
  }
  const now = current ? JSON.stringify(current) : null;
  const advice = shownAdvice && shownAdvice.scenario === now ? shownAdvice : null;
  const e = explainPaste(text, advice?.advice ?? null);
  renderExplanation(box, e);
  explained = { text, json: explanationJson(e) };
  download.disabled = false;
  box.dataset.actions = e.recipients.map((r) => r.action).join(" ");
  const blocked = e.recipients.some(
    (r) => r.action === "ask-provider" || r.action === "wait-then-resend" || r.action === "resend-now",
  );
  if (e.scenario !== null && advice) {
    const a = advice.advice;
    note.textContent = advice.final
      ? `What to do comes from sim advise on this pool, "${a.scenario.name}" (seed ${a.seed}, ${a.replications} replications per wait): what sim explain --scenario says for it.`
      : `What to do comes from the first look at this pool, "${a.scenario.name}" (${a.replications} replications per wait); it is updated when the full advice is in.`;
  } else if (!blocked) note.textContent = "";
  else if (noAdviceReason && noAdviceReason.scenario === now)
    note.textContent = `No advice for this pool: ${noAdviceReason.reason}.`;
  else if (shownAdvice || running)
    note.textContent = running
      ? "The pool's advice is on its way: the explanation is updated when it is in."
      : "The pool changed since the last run: press Run for what to do in this pool.";
  else
    note.textContent =
      "Press Run above to add what to do in this pool: resend now, wait how long, or ask the provider.";
}

function refreshExplanation(): void {
  if (explained) explain(explained.text);
}

// ---- wiring -------------------------------------------------------------------------------

function presetSelect(): void {
  const select = $<HTMLSelectElement>("preset");
  for (const name of Object.keys(presets).sort()) select.append(element("option", { value: name }, name));
  select.addEventListener("change", () => {
    if (select.value && presets[select.value]) loadText(presets[select.value], `scenarios/${select.value}.json`);
  });
}

async function start(): Promise<void> {
  presetSelect();
  $("form").addEventListener("submit", (event) => event.preventDefault());
  $("file").addEventListener("change", async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file) loadText(await file.text(), file.name);
  });
  $("load-json").addEventListener("click", () => loadText($<HTMLTextAreaElement>("json").value, "pasted JSON"));
  $("add-list").addEventListener("click", () => {
    if (!Array.isArray(raw.blacklists)) raw.blacklists = [];
    const lists = raw.blacklists as unknown[];
    lists.push({ name: `list${lists.length + 1}`, subscribers: 0.1, reply: "5xx" });
    renderForm();
  });
  $("download-scenario").addEventListener("click", () => {
    const name = typeof raw.name === "string" && raw.name ? raw.name : "scenario";
    download(`${name}.json`, scenarioText());
  });
  $("copy-command").addEventListener("click", () => void copy($<HTMLOutputElement>("command").value, "command"));
  $("copy-link").addEventListener("click", async () => {
    await updateLink();
    await copy(location.href, "link");
  });
  $("run").addEventListener("click", () => void run());
  $("stop").addEventListener("click", () => pool.stop());
  $("download-summary").addEventListener("click", () => {
    // report/files.ts jsonText: two-space JSON and a final newline, the bytes of `sim run --json`.
    if (lastSummary) download("summary.json", `${JSON.stringify(lastSummary, null, 2)}\n`);
  });
  $("download-advice").addEventListener("click", () => {
    if (lastAdvice) download("advice.json", `${JSON.stringify(adviceJson(lastAdvice), null, 2)}\n`);
  });
  $("explain").addEventListener("click", () => explain($<HTMLTextAreaElement>("bounce-text").value));
  $("download-explanation").addEventListener("click", () => {
    if (explained) download("explanation.json", explained.json);
  });
  $("first-look").textContent = String(FIRST_LOOK);

  window.addEventListener("hashchange", () => {
    if (location.hash !== ownFragment) void loadFragment();
  });
  const loaded = await loadFragment();
  if (!loaded && location.hash === "") {
    loadText(presets[DEFAULT_PRESET], `scenarios/${DEFAULT_PRESET}.json`);
    $<HTMLSelectElement>("preset").value = DEFAULT_PRESET;
  }
  pool.warm();
  document.body.dataset.ready = "true";
}

void start();
