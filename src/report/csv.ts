// CSV as every output writes it: csv-stringify with formula escaping, so that a text cell that
// a spreadsheet would take for a formula (= + - @, a tab or carriage return first, or their
// full-width forms) is written with a leading ' and opens as text (OWASP, "CSV Injection").
// Numbers, negative ones included, are written as they are.
import { type Input, type Options, stringify } from "csv-stringify/sync";

/** The csv-stringify options every CSV output uses; experiment/ passes the same flag itself. */
export const CSV_OPTIONS = { escape_formulas: true } as const satisfies Options;

/** Rows as CSV text with formula escaping on (header and cast options as csv-stringify's). */
export function csvText(rows: Input, options: Options = {}): string {
  return stringify(rows, { ...options, ...CSV_OPTIONS });
}
