#!/bin/bash
# Submit the sweep array (sweep.sbatch) and a merge (merge.sbatch) that runs only if every array
# task succeeded. Run from the project root, after npm ci && npm run build:
#
#   deploy/slurm/submit.sh [--wait] [scenario.json]
#
# Settings come from the environment (defaults in brackets), the same for every task:
#   SHARDS [8]  VARY [resend.after=0m..60m/1m]  REPLICATIONS [200]  SEED [the scenario's]
#   RESULTS [results]  CPUS_PER_TASK, MEM, TIME [sweep.sbatch's #SBATCH lines]
#   MERGE_MEM [merge.sbatch's --mem; a merge needs ~1 KB of heap a replication and ~25 KB a point, docs/cluster.md]
#   MERGE_CPUS [merge.sbatch's --cpus-per-task, 1; its threads summarise the sweep's points]
#
# --wait: wait until the array and the merge have ended, then check the state and exit code
# of every task and of the merge; exit 1 naming the failed ones. (`sbatch --wait` is not enough:
# it returns 0 for a job cancelled because its dependency failed.)
set -euo pipefail

wait_for_end=false
if [ "${1:-}" = --wait ]; then
  wait_for_end=true
  shift
fi
export SCENARIO=${1:-${SCENARIO:-scenarios/18of20.json}}
export SHARDS=${SHARDS:-8}
export VARY=${VARY:-resend.after=0m..60m/1m}
export REPLICATIONS=${REPLICATIONS:-200}
export RESULTS=${RESULTS:-results}
export SEED=${SEED:-}

die() {
  echo "submit.sh: $*" >&2
  exit 1
}
[ -f bin/sim.js ] && [ -f deploy/slurm/sweep.sbatch ] || die "run from the project root (bin/sim.js not found in $PWD)"
[ -f dist/cli/main.js ] || die "dist/ is missing: run npm ci && npm run build first"
[ -f "$SCENARIO" ] || die "$SCENARIO: no such scenario file"
[[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || die "SHARDS must be a positive integer, got '$SHARDS'"
mkdir -p "$RESULTS"

sweep_options=(--array="0-$((SHARDS - 1))" --output="$RESULTS/slurm-%A_%a.out")
[ -z "${CPUS_PER_TASK:-}" ] || sweep_options+=(--cpus-per-task="$CPUS_PER_TASK")
[ -z "${MEM:-}" ] || sweep_options+=(--mem="$MEM")
[ -z "${TIME:-}" ] || sweep_options+=(--time="$TIME")

# --parsable prints "jobid" or "jobid;cluster".
array=$(sbatch --parsable --export=ALL "${sweep_options[@]}" deploy/slurm/sweep.sbatch)
array=${array%%;*}
merge_options=(--dependency="afterok:${array}" --output="$RESULTS/slurm-merge-%j.out")
[ -z "${MERGE_MEM:-}" ] || merge_options+=(--mem="$MERGE_MEM")
[ -z "${MERGE_CPUS:-}" ] || merge_options+=(--cpus-per-task="$MERGE_CPUS")
merge=$(sbatch --parsable --export=ALL "${merge_options[@]}" deploy/slurm/merge.sbatch)
merge=${merge%%;*}
echo "sweep array ${array} (${SHARDS} tasks) queued; merge ${merge} queued after it → ${RESULTS}/merged"
$wait_for_end || exit 0

# Poll until neither job has a pending, running or completing task (the merge is cancelled as
# soon as one task fails, while other tasks may still run).
while [ -n "$(squeue --noheader --jobs="${array},${merge}" --format=%i 2>/dev/null)" ]; do sleep 0.5; done

# Each finished job or array task as "<task> <state> <exit code>" (task "-" for the merge), from
# scontrol, which keeps ended jobs for MinJobAge seconds.
states() {
  scontrol show job --oneliner "$1" | awk '{
    task = "-"; state = "?"; code = "?"
    for (i = 1; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "ArrayTaskId") task = kv[2]
      else if (kv[1] == "JobState") state = kv[2]
      else if (kv[1] == "ExitCode") code = kv[2]
    }
    print task, state, code
  }'
}
failed=0
ended=0
while read -r task state code; do
  ended=$((ended + 1))
  if [ "$state" != COMPLETED ] || [ "$code" != 0:0 ]; then
    echo "sweep task ${task} ended ${state}, exit code ${code}; see ${RESULTS}/slurm-${array}_${task}.out" >&2
    failed=1
  fi
done < <(states "$array")
if [ "$ended" -ne "$SHARDS" ]; then
  echo "expected ${SHARDS} sweep tasks, scontrol reports ${ended}" >&2
  failed=1
fi
read -r _ merge_state merge_code < <(states "$merge")
if [ "$merge_state" != COMPLETED ] || [ "$merge_code" != 0:0 ]; then
  echo "merge ended ${merge_state}, exit code ${merge_code}; see ${RESULTS}/slurm-merge-${merge}.out" >&2
  failed=1
fi
[ "$failed" -eq 0 ] || exit 1
echo "all ${SHARDS} sweep tasks and the merge completed → ${RESULTS}/merged"
