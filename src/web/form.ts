// The scenario form: each field edits one JSON path of the scenario as written (the text a
// scenario file holds), and the whole text is validated by the scenario schema itself
// (scenario/parse.ts), whose messages are shown next to the field their path points at.
import { POLICY_FIELDS } from "../experiment/sweep-values.js";
import { formatPath, parseScenario, ScenarioError } from "../scenario/parse.js";
import { ON_BLOCKLIST, POLICIES, type Policy, RETRY_FROM, type Scenario } from "../scenario/schema.js";
import { formatDuration } from "../scenario/units.js";

/** A scenario as written: plain JSON, durations still "10m". */
export type RawScenario = Record<string, unknown>;
type Path = readonly (string | number)[];

/** How a field's text becomes JSON: numbers when the text is one, else the text (the schema then says what it expected). */
export type FieldKind = "number" | "text" | "select" | "distribution";

export interface FieldSpec {
  id: string;
  label: string;
  path: Path;
  kind: FieldKind;
  options?: readonly string[];
  hint?: string;
  /** Shown only when this holds (balancer parameters of the chosen policy). */
  when?: (raw: RawScenario) => boolean;
  /**
   * An optional setting: emptying the field deletes this path (the field's own key, or the block
   * it switches on, such as `greylisting`), so the schema's default applies again.
   */
  emptyDeletes?: Path;
  /** What a select shows while the scenario leaves the setting out (the schema's default). */
  fallback?: string;
}

/** Whether the chosen policy takes `field` (its sweep defaults list the fields it accepts). */
const policyTakes = (field: string) => (raw: RawScenario) => {
  const fields = POLICY_FIELDS[get(raw, ["pool", "balancer", "policy"]) as Policy];
  return fields !== undefined && Object.hasOwn(fields, field);
};

/** The form's fixed fields, in order; the lists (blacklists) are rows of listFields. */
export const FIELDS: readonly FieldSpec[] = [
  { id: "f-name", label: "Scenario name", path: ["name"], kind: "text", hint: "lowercase letters, digits, . _ -" },
  { id: "f-servers", label: "Relays in the pool", path: ["pool", "servers"], kind: "number" },
  {
    id: "f-listed",
    label: "Listed relays",
    path: ["listed", 0, "servers"],
    kind: "number",
    hint: "on every list below, for the whole run",
  },
  {
    id: "f-policy",
    label: "Balancing policy",
    path: ["pool", "balancer", "policy"],
    kind: "select",
    options: POLICIES,
  },
  {
    id: "f-period",
    label: "Timer period",
    path: ["pool", "balancer", "period"],
    kind: "text",
    hint: "e.g. 10m",
    when: policyTakes("period"),
  },
  {
    id: "f-phase",
    label: "Timer phase",
    path: ["pool", "balancer", "phase"],
    kind: "select",
    options: ["global", "per-sender"],
    when: policyTakes("phase"),
  },
  {
    id: "f-assignment",
    label: "Timer assignment",
    path: ["pool", "balancer", "assignment"],
    kind: "select",
    options: ["rotate", "shuffle"],
    when: policyTakes("assignment"),
  },
  {
    id: "f-ttl",
    label: "DNS TTL",
    path: ["pool", "balancer", "ttl"],
    kind: "text",
    hint: "e.g. 5m",
    when: policyTakes("ttl"),
  },
  {
    id: "f-expire",
    label: "Stick-table expiry",
    path: ["pool", "balancer", "expire"],
    kind: "text",
    hint: "how long an idle sender keeps its relay, e.g. 30m",
    when: policyTakes("expire"),
  },
  {
    id: "f-balance",
    label: "Stick-table dispatch",
    path: ["pool", "balancer", "balance"],
    kind: "select",
    options: ["roundrobin", "random"],
    when: policyTakes("balance"),
  },
  {
    id: "f-reset-after-idle",
    label: "Rotation restarts after idle",
    path: ["pool", "balancer", "resetAfterIdle"],
    kind: "text",
    hint: "e.g. 10m as KumoMTA does; empty: never",
    when: policyTakes("resetAfterIdle"),
    emptyDeletes: ["pool", "balancer", "resetAfterIdle"],
  },
  {
    id: "f-resolvers",
    label: "Shared DNS resolvers",
    path: ["pool", "balancer", "resolvers"],
    kind: "number",
    hint: "caches the senders share; empty: each sender caches its own answer",
    when: policyTakes("resolvers"),
    emptyDeletes: ["pool", "balancer", "resolvers"],
  },
  {
    id: "f-records",
    label: "Addresses per DNS answer",
    path: ["pool", "balancer", "recordsPerAnswer"],
    kind: "number",
    hint: "empty: one",
    when: policyTakes("recordsPerAnswer"),
    emptyDeletes: ["pool", "balancer", "recordsPerAnswer"],
  },
  {
    id: "f-after",
    label: "Users resend after",
    path: ["resend", "after"],
    kind: "distribution",
    hint: "a wait (10m), a range (5m..15m) or a distribution in JSON",
  },
  {
    id: "f-probability",
    label: "Share of bounces resent",
    path: ["resend", "probability"],
    kind: "number",
    hint: "0 to 1",
  },
  {
    id: "f-attempts",
    label: "Sends per message at most",
    path: ["resend", "maxAttempts"],
    kind: "number",
    hint: "the first send plus resends",
  },
  {
    id: "f-per-message",
    label: "Recipients per message",
    path: ["recipients", "perMessage"],
    kind: "number",
    hint: 'e.g. 3 or {"uniform": [1, 5]}; empty: one',
    emptyDeletes: ["recipients", "perMessage"],
  },
  {
    id: "f-retry-from",
    label: "MTA retries go from",
    path: ["mta", "retryFrom"],
    kind: "select",
    options: RETRY_FROM,
    fallback: "same",
    hint: "same: the relay that holds the message; pool: the balancer picks again",
  },
  {
    id: "f-on-blocklist",
    label: "A blocklist rejection",
    path: ["mta", "onBlocklist"],
    kind: "select",
    options: ON_BLOCKLIST,
    fallback: "bounce",
    hint: "bounce to the sender, or requeue it for another relay",
  },
  {
    id: "f-greylisting",
    label: "Share of domains that greylist",
    path: ["greylisting", "domains"],
    kind: "number",
    hint: "0 to 1; empty: no greylisting",
    emptyDeletes: ["greylisting"],
  },
  {
    id: "f-greylisting-delay",
    label: "Greylisting delay",
    path: ["greylisting", "delay"],
    kind: "text",
    hint: "e.g. 300s (postgrey's default)",
    when: (raw) => get(raw, ["greylisting"]) !== undefined,
    emptyDeletes: ["greylisting", "delay"],
  },
  { id: "f-senders", label: "Senders", path: ["traffic", "senders"], kind: "number" },
  { id: "f-rate", label: "Messages per sender", path: ["traffic", "rate"], kind: "text", hint: "e.g. 20/d" },
  { id: "f-horizon", label: "Simulated time", path: ["horizon"], kind: "text", hint: "e.g. 7d" },
  { id: "f-seed", label: "Seed", path: ["seed"], kind: "number", hint: "same seed, same numbers" },
  { id: "f-replications", label: "Replications (at least)", path: ["replications"], kind: "number" },
];

/** Which fieldset of the page holds each fixed field (every field of FIELDS is in one). */
export const FIELD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  "form-pool": ["f-name", "f-servers", "f-listed"],
  "form-balancing": [
    "f-policy",
    "f-period",
    "f-phase",
    "f-assignment",
    "f-ttl",
    "f-resolvers",
    "f-records",
    "f-expire",
    "f-balance",
    "f-reset-after-idle",
  ],
  "form-resend": ["f-after", "f-probability", "f-attempts"],
  "form-mail": ["f-per-message", "f-retry-from", "f-on-blocklist", "f-greylisting", "f-greylisting-delay"],
  "form-traffic": ["f-senders", "f-rate", "f-horizon", "f-seed", "f-replications"],
};

/**
 * Write a field's text into the scenario (every field but the policy, whose switch rebuilds the
 * balancer: withPolicy). Emptying an optional setting deletes it; "listed relays" lists them on
 * every list when none are yet; a renamed list keeps its listed relays.
 */
export function editField(raw: RawScenario, f: FieldSpec, text: string): void {
  if (f.emptyDeletes !== undefined && text.trim() === "") {
    set(raw, f.emptyDeletes, undefined);
    return;
  }
  const value = fieldValue(f.kind, text);
  if (f.id === "f-listed") {
    setListed(raw, value);
    return;
  }
  if (f.path[0] === "blacklists" && f.path[2] === "name") renameListed(raw, get(raw, f.path), value);
  set(raw, f.path, value);
}

/** A renamed list keeps its listed relays: listed[].on follows the name. */
function renameListed(raw: RawScenario, from: unknown, to: unknown): void {
  for (const entry of Array.isArray(raw.listed) ? raw.listed : []) {
    const on = (entry as { on?: unknown[] }).on;
    if (Array.isArray(on)) (entry as { on: unknown[] }).on = on.map((name) => (name === from ? to : name));
  }
}

/** The fields of list row i. */
export function listFields(i: number): FieldSpec[] {
  return [
    { id: `f-list-${i}-name`, label: `List ${i + 1} name`, path: ["blacklists", i, "name"], kind: "text" },
    {
      id: `f-list-${i}-subscribers`,
      label: `List ${i + 1} subscriber share`,
      path: ["blacklists", i, "subscribers"],
      kind: "number",
      hint: 'share of recipient domains that consult it, 0 to 1, or {"share": p, "exceptTop": k}',
    },
    {
      id: `f-list-${i}-reply`,
      label: `List ${i + 1} reply`,
      path: ["blacklists", i, "reply"],
      kind: "select",
      options: ["5xx", "4xx"],
    },
  ];
}

export function get(raw: unknown, path: Path): unknown {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Set a path, creating objects and arrays on the way; `undefined` deletes the key. */
export function set(raw: RawScenario, path: Path, value: unknown): void {
  let node: Record<string | number, unknown> = raw;
  path.slice(0, -1).forEach((key, i) => {
    const next = node[key];
    if (next === null || typeof next !== "object") node[key] = typeof path[i + 1] === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** The text a field shows for a value. */
export function fieldText(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (kind === "distribution") {
    if (typeof value === "string" || typeof value === "number") return String(value);
    const uniform = (value as { uniform?: unknown[] }).uniform;
    if (
      Array.isArray(uniform) &&
      uniform.length === 2 &&
      uniform.every((v) => typeof v === "string" || typeof v === "number")
    ) {
      return `${uniform[0]}..${uniform[1]}`;
    }
    return JSON.stringify(value);
  }
  // An object where a number is usual (a list's `subscribers` rule) shows as its JSON.
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The JSON value of a field's text: a number when it reads as one, a range or JSON for a distribution, else the text. */
export function fieldValue(kind: FieldKind, text: string): unknown {
  const t = text.trim();
  if (kind === "number") {
    if (t.startsWith("{")) return jsonOr(t);
    return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
  }
  if (kind === "distribution") {
    if (t.startsWith("{")) return jsonOr(t);
    const range = /^(.+?)\s*(?:\.\.|–|—)\s*(.+)$/.exec(t);
    if (range) return { uniform: [range[1].trim(), range[2].trim()] };
    return Number.isFinite(Number(t)) && t !== "" ? Number(t) : t;
  }
  return t;
}

/** The JSON a field's text holds, or the text itself when it is not JSON (the validator names it). */
function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Switching policy keeps the pool's other settings and fills the new policy's parameters as a sweep does (POLICY_FIELDS). */
export function withPolicy(raw: RawScenario, policy: string): void {
  const fields = POLICY_FIELDS[policy as Policy] ?? {};
  const balancer: Record<string, unknown> = { policy };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined)
      balancer[key] = typeof value === "number" && key !== "weights" ? formatDuration(value) : value;
  }
  set(raw, ["pool", "balancer"], balancer);
}

/** Setting "listed relays" on a scenario without a listed entry lists them on every list. */
export function setListed(raw: RawScenario, value: unknown): void {
  const listed = get(raw, ["listed"]);
  if (!Array.isArray(listed) || listed.length === 0) {
    const names = ((get(raw, ["blacklists"]) as Array<{ name?: unknown }> | undefined) ?? []).map((b) => b.name);
    set(raw, ["listed"], [{ servers: value, on: names }]);
  } else set(raw, ["listed", 0, "servers"], value);
}

/** One problem of the schema's: where it belongs (a JSON path) and what it says. */
export interface Problem {
  path: string;
  message: string;
}

/** Validate with the scenario schema: the scenario, or the schema's problems split into path and message. */
export function validate(
  raw: RawScenario,
): { scenario: Scenario; problems: [] } | { scenario: null; problems: Problem[] } {
  try {
    return { scenario: parseScenario(raw, "form"), problems: [] };
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return {
      scenario: null,
      problems: error.problems.map((p) => {
        const at = p.indexOf(": ");
        return at < 0 ? { path: "(root)", message: p } : { path: p.slice(0, at), message: p.slice(at + 2) };
      }),
    };
  }
}

/** The field a problem belongs to: the one whose path is the longest prefix of the problem's path, if any is shown. */
export function fieldFor(problemPath: string, fields: readonly FieldSpec[]): FieldSpec | null {
  let best: FieldSpec | null = null;
  for (const f of fields) {
    const p = formatPath(f.path);
    if ((problemPath === p || problemPath.startsWith(`${p}.`)) && (!best || p.length > formatPath(best.path).length))
      best = f;
  }
  return best;
}
