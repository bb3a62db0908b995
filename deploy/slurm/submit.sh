#!/bin/bash
# Submit the sweep array and a merge that runs only if every array task succeeded.
# Usage (from the project root): deploy/slurm/submit.sh [scenario.json]
set -euo pipefail
mkdir -p results
export SCENARIO=${1:-scenarios/18of20.json}
array=$(sbatch --parsable --export=ALL deploy/slurm/sweep.sbatch)
sbatch --dependency="afterok:${array}" deploy/slurm/merge.sbatch
echo "sweep array ${array} queued; merge queued after it"
