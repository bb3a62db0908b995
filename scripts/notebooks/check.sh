#!/usr/bin/env bash
# Execute notebooks headlessly with the project's TypeScript (Deno) kernel.
#
#   bash scripts/notebooks/check.sh [--inplace] [--timeout SECONDS] [NOTEBOOK.ipynb ...]
#
# Default: every notebooks/*.ipynb, outputs written to a temp dir (the sources are
# not touched). --inplace writes the executed outputs back into the .ipynb files.
# Before the notebooks, a generated smoke notebook checks the kernel itself
# (TypeScript cell, top-level await, raw MIME bundle display), and typecheck.mjs checks each
# notebook's cells with tsc (a notebook with type errors fails without being run).
# Exit status is non-zero if any cell of any notebook raises an error or times out, or if an
# executed notebook lost outputs: every code cell of these notebooks displays something, so a
# code cell without output, or with fewer outputs than the copy being checked had, means the
# kernel dropped a message (Deno 2.9's kernel can report a cell idle before publishing its last
# display). Such a notebook is executed again, up to NOTEBOOK_RETRIES times (default 2); if the
# outputs are still incomplete, --inplace fails (nothing half-written is committed) and a plain
# check only warns, since cell errors are detected from the execute replies, which are not lost.
# Env: NOTEBOOK_CELL_TIMEOUT (default 300 s per cell), NOTEBOOK_RETRIES, NOTEBOOK_KEEP_OUTPUT=dir.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

inplace=0
timeout="${NOTEBOOK_CELL_TIMEOUT:-300}"
retries="${NOTEBOOK_RETRIES:-2}"
files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--inplace) inplace=1 ;;
	--timeout) timeout="$2"; shift ;;
	--timeout=*) timeout="${1#*=}" ;;
	-h | --help) sed -n '2,16p' "$0"; exit 0 ;;
	*) files+=("$1") ;;
	esac
	shift
done

nb_require_jupyter
nb_write_kernelspec

if [ ${#files[@]} -eq 0 ]; then
	shopt -s nullglob
	files=("$NB_DIR"/*.ipynb)
	shopt -u nullglob
fi
if [ ! -f "$ROOT/dist/index.js" ]; then
	echo "notebooks: warning: dist/index.js missing; run 'npm run build' first if notebooks import \"relaysim\"" >&2
fi

out_dir="${NOTEBOOK_KEEP_OUTPUT:-$(mktemp -d "$NB_TMP/executed.XXXXXX")}"
mkdir -p "$out_dir"
logs="$(mktemp -d "$NB_TMP/logs.XXXXXX")"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# run_nb SRC LABEL [extra nbconvert args...]: executes SRC, prints one line.
run_nb() {
	local src="$1" label="$2"; shift 2
	local base log t0 args
	base="$(basename "$src" .ipynb)"
	log="$logs/$base.log"
	args=(--to notebook --execute
		--ExecutePreprocessor.kernel_name="$KERNEL_NAME"
		--ExecutePreprocessor.timeout="$timeout"
		--ExecutePreprocessor.startup_timeout=120
		--ExecutePreprocessor.record_timing=False)
	if [ "$inplace" = 1 ] && [ "$label" != "(kernel smoke test)" ]; then
		args+=(--inplace)
	else
		args+=(--output-dir "$out_dir" --output "$base")
	fi
	local before="$logs/$base.before.ipynb" executed attempt=0 lost
	if [ "$inplace" = 1 ] && [ "$label" != "(kernel smoke test)" ]; then executed="$src"; else executed="$out_dir/$base.ipynb"; fi
	cp "$src" "$before"
	t0="$(now)"
	# nbconvert runs the kernel with cwd = the notebook's own directory.
	while jupyter nbconvert "${args[@]}" "$@" "$src" >"$log" 2>&1; do
		if lost="$(lost_outputs "$before" "$executed")"; then
			printf 'ok    %-40s %s%s\n' "$label" "$(elapsed "$t0")" "$([ "$attempt" -gt 0 ] && echo " (after $attempt re-run(s): kernel lost outputs)")"
			return 0
		fi
		attempt=$((attempt + 1))
		if [ "$attempt" -gt "$retries" ]; then
			# A cell error still fails the run (nbconvert reads it from the execute reply, not from
			# the lost output messages), so lost outputs only matter for outputs being committed.
			if [ "$inplace" = 1 ] && [ "$label" != "(kernel smoke test)" ]; then
				printf 'FAIL  %-40s %s\n' "$label" "$(elapsed "$t0")"
				echo "      outputs lost in $attempt run(s), not written back: $lost"
				return 1
			fi
			printf 'ok    %-40s %s (warning: the kernel lost outputs in %s run(s): %s)\n' "$label" "$(elapsed "$t0")" "$attempt" "$lost"
			return 0
		fi
	done
	{
		printf 'FAIL  %-40s %s\n' "$label" "$(elapsed "$t0")"
		# Show the cell and the error, without the Python traceback noise.
		awk '/CellExecutionError|TimeoutError|DeadKernelError|NoSuchKernel/ { p = 1 } p' "$log" | grep -v -e 'Debugger warning' -e 'frozen modules' -e 'PYDEVD' -e 'Xfrozen' | tail -n 40 | sed 's/^/      /'
		if [ -s "$log" ] && ! grep -q -e CellExecutionError -e TimeoutError -e DeadKernelError -e NoSuchKernel "$log"; then
			tail -n 20 "$log" | sed 's/^/      /'
		fi
		return 1
	}
}

# lost_outputs BEFORE EXECUTED: succeeds if no code cell of EXECUTED is without output or has
# fewer outputs than in BEFORE; otherwise prints the cells and fails.
lost_outputs() {
	python3 - "$1" "$2" <<'PY'
import json, sys
before, after = (json.load(open(f)) for f in sys.argv[1:3])
old = {c.get("id", i): len(c.get("outputs", [])) for i, c in enumerate(before["cells"]) if c["cell_type"] == "code"}
lost = []
for i, c in enumerate(after["cells"]):
    if c["cell_type"] != "code" or not "".join(c["source"]).strip():
        continue
    n, was = len(c["outputs"]), old.get(c.get("id", i), 0)
    if n == 0 or n < was:
        lost.append(f"cell {i} ({c.get('id', '?')}): {n} output(s), expected {max(was, 1)}+")
if lost:
    print("; ".join(lost))
    sys.exit(1)
PY
}

# --- kernel smoke test -------------------------------------------------------
smoke="$NB_TMP/kernel-smoke.ipynb"
node - "$smoke" "$KERNEL_NAME" <<'JS'
const [out, kernel] = process.argv.slice(2);
const cells = [
	'const n: number = await Promise.resolve(21);\nconsole.log("deno", Deno.version.deno, "answer", n * 2);',
	'await Deno.jupyter.display({\n\t"application/vnd.vegalite.v5+json": { $schema: "https://vega.github.io/schema/vega-lite/v6.json", data: { values: [{ x: 1 }] }, mark: "point", encoding: { x: { field: "x", type: "quantitative" } } },\n\t"image/svg+xml": \'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\',\n\t"text/plain": "smoke chart",\n}, { raw: true });',
];
const nb = {
	cells: cells.map((source, i) => ({ cell_type: "code", id: `smoke-${i}`, execution_count: null, metadata: {}, outputs: [], source })),
	metadata: { kernelspec: { name: kernel, display_name: "TypeScript (relaysim)", language: "typescript" } },
	nbformat: 4,
	nbformat_minor: 5,
};
require("node:fs").writeFileSync(out, JSON.stringify(nb, null, 1));
JS
failed=0
passed=0
if run_nb "$smoke" "(kernel smoke test)" && python3 - "$out_dir/kernel-smoke.ipynb" <<'PY'
import json, sys
nb = json.load(open(sys.argv[1]))
outs = [o for c in nb["cells"] for o in c["outputs"]]
text = "".join("".join(o.get("text", "")) for o in outs if o["output_type"] == "stream")
mimes = {k for o in outs if o["output_type"] == "display_data" for k in o["data"]}
missing = {"application/vnd.vegalite.v5+json", "image/svg+xml"} - mimes
if "answer 42" not in text or missing:
    print(f"      smoke notebook outputs wrong: stdout={text!r} missing MIME={sorted(missing)}")
    sys.exit(1)
PY
then :; else
	echo "notebooks: 0 passed, ${#files[@]} failed (not run: the kernel smoke test failed)"
	exit 1
fi

# --- the project's notebooks --------------------------------------------------
# The project ships notebooks: finding none is a failure, not a pass.
if [ ${#files[@]} -eq 0 ]; then
	echo "notebooks: 0 passed, 0 failed (no notebooks/*.ipynb found)"
	exit 1
fi
# Deno's kernel strips types without checking them: tsc checks every notebook's cells first.
# One tsc run for all of them; only if it fails, one per notebook to say which.
typecheck_failed=()
if ! node "$ROOT/scripts/notebooks/typecheck.mjs" "${files[@]}" >"$logs/typecheck.log" 2>&1; then
	for nb in "${files[@]}"; do
		if ! node "$ROOT/scripts/notebooks/typecheck.mjs" "$nb" >"$logs/typecheck.log" 2>&1; then
			typecheck_failed+=("$nb")
			printf 'FAIL  %-40s type errors:\n' "${nb#"$ROOT"/}"
			sed 's/^/      /' "$logs/typecheck.log"
		fi
	done
fi
for nb in "${files[@]}"; do
	if [[ " ${typecheck_failed[*]} " == *" $nb "* ]]; then failed=$((failed + 1)); continue; fi
	if run_nb "$nb" "${nb#"$ROOT"/}"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
[ "$inplace" = 1 ] || echo "executed copies: $out_dir"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
