// Number formatting for the notebooks' prose and tables, in the style of `sim run`'s summary
// table ("3.2 %", "11.9 % – 22.5 %"). Values are proportions and seconds, as relaysim returns them.

/** Significant-looking digits for a proportion shown as a percentage. */
function percentDigits(p: number): number {
  const a = Math.abs(p * 100);
  if (a === 0 || a >= 10) return 1;
  if (a >= 1) return 1;
  if (a >= 0.1) return 2;
  return 3;
}

/** A proportion as a percentage: 0.172 → "17.2 %", 0.0000057 → "0.00057 %"; null → "n/a". */
export function pct(p: number | null | undefined, digits?: number): string {
  if (p === null || p === undefined || Number.isNaN(p)) return "n/a";
  const a = Math.abs(p * 100);
  if (digits === undefined && a > 0 && a < 0.01) return `${Number((p * 100).toPrecision(2))} %`;
  return `${(p * 100).toFixed(digits ?? percentDigits(p))} %`;
}

/** A signed difference of proportions in percentage points: −0.021 → "−2.1 pp". */
export function pp(d: number | null | undefined, digits = 1): string {
  if (d === null || d === undefined || Number.isNaN(d)) return "n/a";
  const text = (Math.abs(d) * 100).toFixed(digits);
  return `${d < 0 ? "−" : d > 0 ? "+" : ""}${text} pp`;
}

/** A 95 % interval of proportions: "11.9 % – 22.5 %". */
export function pctCi(ci: readonly [number, number] | null | undefined): string {
  return ci ? `${pct(ci[0])} – ${pct(ci[1])}` : "n/a";
}

/** A 95 % interval of differences in percentage points: "−2.4 pp … −1.8 pp". */
export function ppCi(ci: readonly [number, number] | null | undefined, digits = 1): string {
  return ci ? `${pp(ci[0], digits)} … ${pp(ci[1], digits)}` : "n/a";
}

/** A count with thousands separators: 560049 → "560,049". */
export function count(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Seconds in the largest unit that reads well: 600 → "10 min", 86400 → "1 d". */
export function duration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "min"],
    [1, "s"],
  ];
  for (const [size, label] of units) {
    if (Math.abs(seconds) >= size) {
      const v = seconds / size;
      return `${Number.isInteger(v) ? v : v.toFixed(1)} ${label}`;
    }
  }
  return `${seconds} s`;
}
