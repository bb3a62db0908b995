// Parsing of the unit-bearing strings of DESIGN §1: durations ("90s", "15m") and
// rates ("20/d", "1/90d"). Units are parsed here, at the edge, and nowhere else.

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)\s*$/;
const RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*\/\s*(\d+(?:\.\d+)?|\.\d+)?\s*(ms|s|m|h|d|w)\s*$/;

/** `amount` of `unit` in seconds; milliseconds divide by 1000, which is exact where × 0.001 is not ("36ms"). */
function toSeconds(amount: number, unit: string): number {
  return unit === "ms" ? amount / 1000 : amount * UNIT_SECONDS[unit];
}

/** Seconds in a duration string such as "15m", or undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return toSeconds(Number(match[1]), match[2]);
}

/** Events per second in a rate string such as "20/d" or "1/90d", or undefined. */
export function parseRate(text: string): number | undefined {
  const match = RATE.exec(text);
  if (!match) return undefined;
  const per = toSeconds(match[2] === undefined ? 1 : Number(match[2]), match[3]);
  if (per === 0) return undefined;
  return Number(match[1]) / per;
}

/** A duration in seconds written with the largest unit that keeps it exact ("90s", "15m", "2h"). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return "0s";
  for (const unit of ["w", "d", "h", "m", "s"]) {
    const n = seconds / UNIT_SECONDS[unit];
    if (Number.isInteger(n) || (unit === "s" && Math.abs(n) >= 1)) {
      return `${Number.isInteger(n) ? n : Number(n.toFixed(3))}${unit}`;
    }
  }
  return `${Number((seconds * 1000).toFixed(3))}ms`;
}
