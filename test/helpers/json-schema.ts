// A structural check of a value against the subset of JSON Schema (2020-12) that zod emits for
// the scenario format: enough to prove every shipped scenario fits the published schema without
// adding a validator dependency. Returns the problems found, as "path: what" lines.

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeOf(value);
  return expected === actual || (expected === "number" && actual === "integer");
}

export function schemaProblems(schema: Schema, value: unknown, path = "(root)"): string[] {
  const problems: string[] = [];
  const at = (p: string) => (path === "(root)" ? p : `${path}.${p}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(t, value)))
      return [`${path}: expected ${types.join("|")}, got ${typeOf(value)}`];
  }
  if ("const" in schema && schema.const !== value) problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: not in enum`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${path}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${path}: above maximum`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum)
      problems.push(`${path}: not above exclusiveMinimum`);
  }
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value))
      problems.push(`${path}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === "number" && value.length < schema.minLength) problems.push(`${path}: too short`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) problems.push(`${path}: too few items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) problems.push(`${path}: too many items`);
    const prefix = (schema.prefixItems as Schema[] | undefined) ?? [];
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : (schema.items as Schema | undefined);
      if (itemSchema) problems.push(...schemaProblems(itemSchema, item, at(String(i))));
    });
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in object)) problems.push(`${at(key)}: required`);
    }
    for (const [key, v] of Object.entries(object)) {
      if (key in properties) problems.push(...schemaProblems(properties[key], v, at(key)));
      else if (schema.additionalProperties === false) problems.push(`${at(key)}: not allowed`);
      else if (typeof schema.additionalProperties === "object")
        problems.push(...schemaProblems(schema.additionalProperties as Schema, v, at(key)));
    }
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = schema[keyword] as Schema[] | undefined;
    if (!branches) continue;
    const matching = branches.filter((b) => schemaProblems(b, value, path).length === 0).length;
    if (keyword === "anyOf" ? matching === 0 : matching !== 1)
      problems.push(`${path}: ${matching} of the ${keyword} branches match`);
  }
  return problems;
}
