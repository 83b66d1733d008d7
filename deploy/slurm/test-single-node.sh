#!/usr/bin/env bash
# A real Slurm on this machine: starts munged, slurmctld and slurmd (a single-node cluster,
# configured in a temporary folder, on free ports), submits a small experiment as a 4-shard job
# array plus its merge job with deploy/slurm/submit.sh, waits for them, and checks that the
# merged ledger equals a single-machine run of the same experiment (run keys, statuses, metrics
# but fit_seconds, cluster sizes, artifact hashes, experiment lists). Stops the daemons it
# started, by their pids, also on failure; prints every log on failure.
#
#   SEGLAB=.build/debug/seglab deploy/slurm/test-single-node.sh
#
# Installs Debian's slurm-wlm and munge when missing (needs root and apt-get); prints
# "SKIPPED: …" and exits 77 only where they cannot be installed. SEGLAB_SLURM_KEEP=1 keeps the
# temporary folder. Exit 0 when the check passes, 1 otherwise. Facts behind the configuration
# (no systemd, no cgroups, hostname): see README "Beyond one machine".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seglab=${SEGLAB:-$(command -v seglab || echo "$here/../../.build/debug/seglab")}
shards=4
timeout=${SEGLAB_SLURM_TIMEOUT:-300}
[[ -x $seglab ]] || { echo "error: no seglab binary at $seglab (set SEGLAB)" >&2; exit 1; }
seglab=$(cd "$(dirname "$seglab")" && pwd)/$(basename "$seglab")
started=$(date +%s)
say() { echo "[slurm test $(( $(date +%s) - started ))s] $*"; }

# 1. The packages.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
        echo "SKIPPED: slurm-wlm and munge are not installed, and this user cannot install them (needs root and apt-get)"
        exit 77
    fi
    say "installing slurm-wlm and munge"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/tmp/seglab-slurm-apt.log 2>&1; then
        apt-get update -q >>/tmp/seglab-slurm-apt.log 2>&1 || true
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >>/tmp/seglab-slurm-apt.log 2>&1; then
            tail -n 20 /tmp/seglab-slurm-apt.log
            echo "SKIPPED: slurm-wlm and munge cannot be installed here (apt-get failed, log above)"
            exit 77
        fi
    fi
fi
if [[ $(id -u) != 0 ]]; then
    echo "SKIPPED: a single-node Slurm needs root here (slurmd launches the jobs; munged runs as the munge user)"
    exit 77
fi

# 2. A cluster of its own: every path in a temporary folder, free ports, its own munge socket and key.
tmp=$(mktemp -d /tmp/seglab-slurm.XXXXXX)
chmod 755 "$tmp"
export SLURM_CONF=$tmp/slurm.conf
host=$(hostname -s)
cpus=$(nproc)
read -r ctld_port slurmd_port < <(python3 -c '
import socket
ports = []
held = [socket.socket() for _ in range(2)]
for s in held:
    s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1])
print(*ports)')
cleanup() {
    local status=$?
    set +e
    if [[ -f $tmp/slurmctld.pid ]]; then
        scancel --full --quiet --name=seglab-shard >/dev/null 2>&1
        scancel --full --quiet --name=seglab-merge >/dev/null 2>&1
        for _ in $(seq 40); do [[ -z $(squeue -h 2>/dev/null) ]] && break; sleep 0.25; done
    fi
    for daemon in slurmd slurmctld munge/munged; do
        pid=$(cat "$tmp/$daemon.pid" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null
        for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    done
    if (( status != 0 )); then
        for log in "$tmp"/*.log "$tmp"/munge/*.log "$tmp"/results*/logs/* "$tmp"/single.log; do
            [[ -f $log ]] || continue
            echo "===== $log"
            cat "$log"
        done
        echo "FAILED after $(( $(date +%s) - started )) s (folder: $tmp)"
    fi
    [[ ${SEGLAB_SLURM_KEEP:-0} == 1 ]] || rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/munge" "$tmp/munge-key" "$tmp/state" "$tmp/spool"
dd if=/dev/urandom of="$tmp/munge-key/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$tmp/munge" "$tmp/munge-key"
chmod 755 "$tmp/munge"   # munged requires its socket's folder to be searchable by all
chmod 700 "$tmp/munge-key" && chmod 400 "$tmp/munge-key/munge.key"
runuser -u munge -- munged --socket="$tmp/munge/munge.socket" --key-file="$tmp/munge-key/munge.key" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed"
for _ in $(seq 40); do munge -S "$tmp/munge/munge.socket" -n 2>/dev/null | unmunge -S "$tmp/munge/munge.socket" >/dev/null 2>&1 && break; sleep 0.25; done

cat >"$SLURM_CONF" <<CONF
ClusterName=seglab$(basename "$tmp" | tr -dc 'a-z0-9' | cut -c1-12)
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld
slurmd
for _ in $(seq 120); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    [[ $state == idle ]] && break
    sleep 0.25
done
[[ $state == idle ]] || { echo "error: the node is not idle (sinfo says '$state')" >&2; exit 1; }
say "slurmctld (port $ctld_port) and slurmd (port $slurmd_port) up on $host, $cpus CPUs"

# The merged ledger in folder $1 against the single machine's: equal in everything but times,
# owners, run_events and fit_seconds (the results folder's path aside).
compare() {
    python3 - "$1/ledger.sqlite" "$1" "$tmp/single/ledger.sqlite" "$tmp/single" <<'PY'
import sqlite3, sys

QUERIES = [
    "SELECT 'run', id, key, experiment, feature_set, algorithm, params_json, seed, replicate, status, error, "
    "dataset_sha256, code_version, config_json, results_dir FROM runs ORDER BY id",
    "SELECT 'metric', run_id, name, value FROM metrics WHERE name <> 'fit_seconds' ORDER BY run_id, name",
    "SELECT 'cluster', run_id, cluster, size FROM clusters ORDER BY run_id, cluster",
    "SELECT 'artifact', run_id, name, path, sha256, bytes FROM artifacts ORDER BY run_id, name",
    "SELECT 'listed', experiment, run_id FROM experiment_runs ORDER BY experiment, run_id",
    "SELECT 'experiment', name, spec_json FROM experiments ORDER BY name",
    "SELECT 'experiment artifact', experiment, name, path, sha256, bytes FROM experiment_artifacts ORDER BY experiment, name",
]

def content(path, root):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return [tuple(v.replace(root, "<results>") if isinstance(v, str) else v for v in row)
            for sql in QUERIES for row in db.execute(sql)]

merged, single = content(sys.argv[1], sys.argv[2]), content(sys.argv[3], sys.argv[4])
if merged != single:
    print(f"error: the merged ledger {sys.argv[1]} differs from the single-machine ledger:", file=sys.stderr)
    for row in [r for r in merged if r not in single][:10]:
        print("  only merged:", row, file=sys.stderr)
    for row in [r for r in single if r not in merged][:10]:
        print("  only single:", row, file=sys.stderr)
    sys.exit(1)
count = lambda kind: sum(1 for r in merged if r[0] == kind)
completed = sum(1 for r in merged if r[0] == "run" and r[9] == "completed")
print(f"{sys.argv[1]} equals the single-machine ledger: {count('run')} runs ({completed} completed), "
      f"{count('metric')} metrics, {count('artifact')} artifact hashes")
PY
}

# 3. The experiment, on a single machine first, then as a job array and a merge job.
cat >"$tmp/experiment.json" <<'JSON'
{"name": "slurm-test", "seed": 20261201,
 "data": {"synthetic": {"customers": 800, "segments": 4, "seed": 9}},
 "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
 "algorithms": {"kmeans": {"k": {"from": 2, "to": 21}, "init": ["k-means++", "random"], "n_init": [1, 4]}}}
JSON
"$seglab" run "$tmp/experiment.json" --jobs 2 --ledger "$tmp/single/ledger.sqlite" --results "$tmp/single" 2>"$tmp/single.log"
say "single machine: $(tail -n 2 "$tmp/single.log" | head -n 1)"
mkdir -p "$tmp/scratch" "$tmp/scratch2"
export SEGLAB=$seglab SEGLAB_SCRATCH=$tmp/scratch

# Waits (bounded) until none of the given jobs is queued or running.
wait_for() {
    local deadline=$(( $(date +%s) + timeout ))
    while [[ -n $(squeue -h -j "$1" 2>/dev/null) ]]; do
        if (( $(date +%s) > deadline )); then
            squeue >&2
            echo "error: jobs $1 did not finish within $timeout s" >&2
            exit 1
        fi
        sleep 0.25
    done
}
# Fails unless every task of every given job ended COMPLETED.
require_completed() {
    for job in ${1//,/ }; do
        for state in $(scontrol show job "$job" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2); do
            [[ $state == COMPLETED ]] || { scontrol show job "$job" >&2; echo "error: job $job ended $state" >&2; exit 1; }
        done
    done
}
submit() {
    local submitted
    submitted=$("$here/submit.sh" "$tmp/experiment.json" "$shards" "$1" --cpus-per-task=1 --time=10)
    say "$submitted"
    array=$(sed -E 's/^array job ([0-9]+).*/\1/' <<<"$submitted")
    merge=$(sed -E 's/.*merge job ([0-9]+).*/\1/' <<<"$submitted")
}

# Round 1: the overnight workflow as it is meant to go.
submit "$tmp/results"
wait_for "$array,$merge"
require_completed "$array,$merge"
say "array job $array and merge job $merge completed"
compare "$tmp/results"

# Round 2: shard 1 is killed with SIGKILL mid-grid (a node lost, say), so the merge job never
# starts; shard 1 is resubmitted alone and merged by a new merge job.
export SEGLAB_SCRATCH=$tmp/scratch2
submit "$tmp/results2"
deadline=$(( $(date +%s) + timeout ))
until [[ -n $(find "$tmp/scratch2" -path '*/1-of-4/slurm-test/*/run.json' 2>/dev/null | head -n 1) ]]; do
    (( $(date +%s) < deadline )) || { echo "error: shard 1 never completed a run" >&2; exit 1; }
    sleep 0.05
done
scancel --signal=KILL --full "${array}_1" || true
if scontrol show job "${array}_1" | grep -q 'JobState=COMPLETED'; then
    echo "error: shard 1 finished before it could be killed; this round needs it killed mid-grid" >&2
    exit 1
fi
say "shard 1 (job ${array}_1) killed with SIGKILL after $(find "$tmp/scratch2" -path '*/1-of-4/slurm-test/*/run.json' | wc -l) of its runs"
wait_for "$array"
scancel "$merge"   # its dependency can no longer be satisfied
resubmitted=$(SEGLAB_FILE=$tmp/experiment.json SEGLAB_RESULTS=$tmp/results2 SEGLAB_SHARD_COUNT=$shards \
    sbatch --parsable --export=ALL --array=1 --cpus-per-task=1 --output="$tmp/results2/logs/shard-%A_%a.out" "$here/shard.sbatch")
merge=$(SEGLAB_RESULTS=$tmp/results2 SEGLAB_SHARD_COUNT=$shards sbatch --parsable --export=ALL --dependency="afterok:$resubmitted" \
    --output="$tmp/results2/logs/merge-%j.out" "$here/merge.sbatch")
wait_for "$resubmitted,$merge"
require_completed "$resubmitted,$merge"
resumed=$(grep -h 'skipped (already completed)' "$tmp/results2/logs/shard-${resubmitted}_1.out" || true)
grep -qE '[1-9][0-9]* skipped \(already completed\)' <<<"$resumed" \
    || { echo "error: the resubmitted shard did not resume: $resumed" >&2; exit 1; }
say "resubmitted shard (job $resubmitted) resumed: ${resumed#seglab: }"
compare "$tmp/results2"
say "PASSED: $shards shards on slurmctld, merged = single machine; a SIGKILLed shard resubmitted and merged cleanly"
