// How far a deliberate golden move shifted each summary metric, against the metrics' own
// intervals: for a change that only draws the same distributions differently (a new sampler), old
// and new runs are two independent estimates of the same quantities, so each metric's old and new
// means must lie within the sum of their 95 % half-widths, and z = Δ / √(se_old² + se_new²)
// (se = half-width / 1.96) behaves like a standard normal across metrics.
//   node scripts/golden-shift.mjs OLD_REV [NEW_REV]
// compares test/golden/*.summary.json at git revision OLD_REV with NEW_REV (default: the working
// tree). Prints every metric, the worst |z|, and exits 1 when a metric lies outside the combined
// half-widths or a golden is missing on one side.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const [oldRev, newRev] = process.argv.slice(2);
if (!oldRev) {
  console.error("usage: node scripts/golden-shift.mjs OLD_REV [NEW_REV]");
  process.exit(2);
}
const git = (...args) => execFileSync("git", args, { encoding: "utf8" });
const list = (rev) =>
  rev === undefined
    ? readdirSync("test/golden").filter((f) => f.endsWith(".summary.json"))
    : git("ls-tree", "--name-only", rev, "test/golden/")
        .split("\n")
        .filter((f) => f.endsWith(".summary.json"))
        .map((f) => f.slice("test/golden/".length));
const read = (rev, file) =>
  JSON.parse(
    rev === undefined ? readFileSync(`test/golden/${file}`, "utf8") : git("show", `${rev}:test/golden/${file}`),
  );

const oldFiles = new Set(list(oldRev));
const newFiles = new Set(list(newRev));
let failures = 0;
let worst = { z: 0, where: "" };
let compared = 0;
const zs = [];
for (const file of [...new Set([...oldFiles, ...newFiles])].sort()) {
  if (!oldFiles.has(file) || !newFiles.has(file)) {
    console.log(`${file}: only in ${oldFiles.has(file) ? oldRev : (newRev ?? "the working tree")}`);
    failures++;
    continue;
  }
  const before = read(oldRev, file).metrics;
  const after = read(newRev, file).metrics;
  for (const [name, a] of Object.entries(before)) {
    const b = after[name];
    if (!a?.ci95 || !b?.ci95) continue;
    const halfA = (a.ci95[1] - a.ci95[0]) / 2;
    const halfB = (b.ci95[1] - b.ci95[0]) / 2;
    const delta = b.mean - a.mean;
    const se = Math.hypot(halfA, halfB) / 1.96;
    // Two degenerate intervals (a metric with no spread, e.g. a fixed delay's median) must agree exactly.
    const z = se > 0 ? delta / se : delta === 0 ? 0 : Number.POSITIVE_INFINITY;
    const within = Math.abs(delta) <= halfA + halfB;
    compared++;
    if (Number.isFinite(z)) zs.push(z);
    if (!within) failures++;
    if (Math.abs(z) > Math.abs(worst.z)) worst = { z, where: `${file} ${name}` };
    console.log(
      `${within ? " " : "!"} ${file.replace(".summary.json", "").padEnd(26)} ${name.padEnd(26)} ` +
        `${a.mean.toPrecision(6).padStart(12)} → ${b.mean.toPrecision(6).padStart(12)}  ` +
        `±${halfA.toPrecision(3)} / ±${halfB.toPrecision(3)}  z = ${z.toFixed(2)}`,
    );
  }
}
const rms = Math.sqrt(zs.reduce((s, z) => s + z * z, 0) / Math.max(1, zs.length));
console.log(
  `\n${compared} metrics compared; ${failures} outside the combined half-widths; worst |z| = ${Math.abs(worst.z).toFixed(2)} (${worst.where}); rms z = ${rms.toFixed(2)} over ${zs.length} with spread`,
);
process.exit(failures > 0 ? 1 : 0);
