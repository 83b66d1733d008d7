#!/usr/bin/env bash
# Submits a seglab grid to Slurm: a job array of N shards, then a merge job that starts when
# every shard has succeeded (--dependency=afterok). Prints the two job ids.
#
#   deploy/slurm/submit.sh EXPERIMENT.json N RESULTS_DIR [sbatch options, e.g. --partition=long --time=12:00:00]
#
# The sbatch options go to both jobs. The binary is $SEGLAB (default: seglab on PATH);
# RESULTS_DIR is on storage every node sees. Each shard writes its own ledger (see shard.sbatch),
# the merge job writes RESULTS_DIR/ledger.sqlite. To resubmit one failed shard I:
#   SEGLAB_FILE=… SEGLAB_RESULTS=… SEGLAB_SHARD_COUNT=N sbatch --array=I deploy/slurm/shard.sbatch
# then submit merge.sbatch again (merging is idempotent).
set -euo pipefail
if (( $# < 3 )); then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
file=$1 count=$2 results=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
[[ -f $file ]] || { echo "error: no experiment file $file" >&2; exit 2; }
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "error: N must be a positive whole number, not $count" >&2; exit 2; }
mkdir -p "$results/logs"
export SEGLAB_FILE=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
export SEGLAB_RESULTS=$(cd "$results" && pwd)
export SEGLAB_SHARD_COUNT=$count
array=$(sbatch --parsable --export=ALL --array="0-$((count - 1))" --output="$SEGLAB_RESULTS/logs/shard-%A_%a.out" \
        "$@" "$here/shard.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --output="$SEGLAB_RESULTS/logs/merge-%j.out" \
        "$@" "$here/merge.sbatch")
merge=${merge%%;*}
echo "array job $array ($count shards), merge job $merge; logs in $SEGLAB_RESULTS/logs/"
