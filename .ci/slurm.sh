#!/usr/bin/env bash
# The Slurm path end to end on a real single-node Slurm (issue 11): installs slurmctld, slurmd,
# the Slurm clients and MUNGE (Debian packages), starts a private MUNGE and Slurm (own socket,
# ports, state and logs in a temporary folder), then, from an unrelated working directory, with
# an absolute --out and no DWGD set:
#   1. a small compare and 2. a small sweep are emitted (in the clone, relative config paths),
#      submitted with the emitted submit.sh from another folder, and must end with a report
#      identical, byte for byte, to an unsharded local run with the same arguments
#      (provenance.json, which holds wall-clock times, and the Slurm logs aside);
#   3. a compare whose task 2 fails on purpose must leave no job behind: the report job is
#      cancelled by Slurm, not left pending; the failed shard rerun with --resume, then
#      `dwgd report`, again gives the local bytes.
# Every daemon it started is stopped on exit, also on failure. Without apt-get it says so and
# skips. Needs root (the daemons) and California Housing ($DWGD_DATA_DIR or datasets/).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DWGD_BIN="$ROOT/bin/dwgd.js"
say() { echo "slurm test: $*"; }

if [ "$(id -u)" -ne 0 ]; then say "skipped: needs root to start slurmd and munged"; exit 0; fi
if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  if ! command -v apt-get >/dev/null; then say "skipped: no apt-get to install Slurm and MUNGE"; exit 0; fi
  say "installing slurmctld slurmd slurm-client munge"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge; } \
    >/tmp/dwgd-ci-slurm-apt.log 2>&1 </dev/null || { tail -n 5 /tmp/dwgd-ci-slurm-apt.log; say "FAILED to install Slurm"; exit 1; }
fi
[ -s /etc/munge/munge.key ] || { say "FAILED: no /etc/munge/munge.key after installing munge"; exit 1; }
export DWGD_DATA_DIR=$(cd "${DWGD_DATA_DIR:-$ROOT/datasets}" 2>/dev/null && pwd || echo "${DWGD_DATA_DIR:-}")
unset DWGD

T=$(mktemp -d /tmp/dwgd-slurm-XXXXXX)
chmod 755 "$T"
cleanup() {
  local code=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$T/slurmctld.pid" ]; then
    squeue -h -o %A 2>/dev/null | xargs -r scancel 2>/dev/null || true
  fi
  for f in slurmd slurmctld munged; do
    [ -f "$T/$f.pid" ] && kill "$(cat "$T/$f.pid")" 2>/dev/null || true
  done
  sleep 1
  for f in slurmd slurmctld munged; do
    [ -f "$T/$f.pid" ] && kill -9 "$(cat "$T/$f.pid")" 2>/dev/null || true
  done
  if [ "$code" -ne 0 ]; then
    say "FAILED (exit $code); daemon logs:"
    tail -n 15 "$T"/*.log 2>/dev/null || true
    for f in "$T"/work/*/*/*/slurm/*.out "$T"/work/*/*/slurm/*.out; do [ -f "$f" ] && { echo "== $f"; tail -n 5 "$f"; }; done
  fi
  rm -rf "$T"
  exit "$code"
}
trap cleanup EXIT

# A private MUNGE: its own socket, pid, log and seed files (the machine's key).
mkdir -p "$T/munge"
chown munge:munge "$T/munge"
runuser -u munge -- /usr/sbin/munged --socket="$T/munge/munge.socket" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed"
for _ in $(seq 50); do [ -s "$T/munge/munged.pid" ] && break; sleep 0.1; done
cp "$T/munge/munged.pid" "$T/munged.pid"

# A private Slurm: ports of its own, state, spool, logs and pid files here.
HOST=$(hostname -s)
PORT=$((20000 + RANDOM % 20000))
export SLURM_CONF="$T/slurm.conf"
mkdir -p "$T/state" "$T/spool"
cat >"$SLURM_CONF" <<EOF
ClusterName=dwgdci
SlurmctldHost=$HOST
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobCompType=jobcomp/filetxt
JobCompLoc=$T/jobcomp.txt
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
NodeName=$HOST CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
  [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && break
  sleep 0.3
done
[ "$(sinfo -h -o %t)" = idle ] || { sinfo; say "FAILED: the node did not become idle"; exit 1; }
say "single-node Slurm up ($HOST, port $PORT)"

# Waits until none of the jobs is in the queue (at most $2 s).
wait_gone() {
  local ids=$1 limit=$2 t=0
  while [ -n "$(squeue -h -j "$ids" -o %A 2>/dev/null)" ]; do
    [ "$t" -ge "$limit" ] && { squeue -j "$ids"; say "FAILED: jobs $ids still queued after ${limit}s"; exit 1; }
    sleep 2; t=$((t + 2))
  done
}
# The final state of a job (or of task K of an array job: job_state ID K) in the completion log.
job_state() {
  local pattern="^JobId=$1 "
  [ -n "${2:-}" ] && pattern="ArrayJobId=$1 ArrayTaskId=$2 "
  grep -E "$pattern" "$T/jobcomp.txt" | tail -n 1 | sed -E 's/.* JobState=([A-Z_]+).*/\1/'
}
# Submits with the emitted submit.sh; prints "ARRAY REPORT".
submit() {
  local out
  out=$(bash "$1")
  echo "$out" >&2
  echo "$out" | sed -nE 's/^array job ([0-9]+):.*report job ([0-9]+):.*/\1 \2/p'
}
same() {
  diff -r -x provenance.json -x slurm "$1" "$2" >/dev/null || { diff -r -q -x provenance.json -x slurm "$1" "$2" || true; say "FAILED: $3 differs from the local run"; exit 1; }
  say "$3: identical to the local run"
}

# Emitting and the local runs happen in the clone with relative config paths, as a user would
# (`node bin/dwgd.js compare --config configs/… --out /abs/…`); submitting from an unrelated folder.
dw() { (cd "$ROOT" && node "$DWGD_BIN" "$@"); }
mkdir -p "$T/work/elsewhere"
cd "$T/work/elsewhere"   # neither the project nor the output folder
SMALL=(--set turns=1 --set stepsPerTurn=200)
CMP=(--config configs/paper/all.yaml --only dataset=california-housing --seeds 2 "${SMALL[@]}")
SWP=(--config configs/sweeps/california-housing-test-noise.yaml --seeds 2 "${SMALL[@]}")

# 1. compare: three tasks of one CPU, two at a time on this node, into one shared folder.
dw compare "${CMP[@]}" --out "$T/work/local" --quiet --workers 2 >/dev/null
dw compare "${CMP[@]}" --out "$T/work/abs/cluster" --emit slurm --shards 3 --sbatch cpus-per-task=1 >/dev/null
read -r A R < <(submit "$T/work/abs/cluster/compare/paper/slurm/submit.sh")
wait_gone "$A,$R" 300
[ "$(job_state "$R")" = COMPLETED ] || { say "FAILED: compare report job $R ended $(job_state "$R")"; exit 1; }
same "$T/work/local/compare/paper" "$T/work/abs/cluster/compare/paper" "compare (3 array tasks)"

# 2. sweep: the default array size.
dw sweep "${SWP[@]}" --out "$T/work/local" --quiet --workers 2 >/dev/null
dw sweep "${SWP[@]}" --out "$T/work/abs/cluster" --emit slurm >/dev/null
read -r A R < <(submit "$T/work/abs/cluster/sweeps/california-housing-test-noise/slurm/submit.sh")
wait_gone "$A,$R" 300
[ "$(job_state "$R")" = COMPLETED ] || { say "FAILED: sweep report job $R ended $(job_state "$R")"; exit 1; }
same "$T/work/local/sweeps/california-housing-test-noise" "$T/work/abs/cluster/sweeps/california-housing-test-noise" "sweep"

# 3. task 2 of 3 fails on purpose (its set-up line exits): the report job must be cancelled.
dw compare "${CMP[@]}" --out "$T/work/abs/failing" --emit slurm --shards 3 --sbatch cpus-per-task=1 \
  --setup 'if [ "${SLURM_ARRAY_TASK_ID:-}" = 2 ]; then echo "failing on purpose" >&2; exit 3; fi' >/dev/null
read -r A R < <(submit "$T/work/abs/failing/compare/paper/slurm/submit.sh")
wait_gone "$A,$R" 300
[ "$(job_state "$A" 2)" = FAILED ] || { grep "$A" "$T/jobcomp.txt"; say "FAILED: task 2 ended $(job_state "$A" 2), expected FAILED"; exit 1; }
[ "$(job_state "$R")" = CANCELLED ] || { say "FAILED: the report job ended $(job_state "$R"), expected CANCELLED"; exit 1; }
say "a failing task: the report job was cancelled, nothing left in the queue"
dw compare "${CMP[@]}" --out "$T/work/abs/failing" --shard 2/3 --resume --quiet >/dev/null
dw report "$T/work/abs/failing/compare/paper" >/dev/null
same "$T/work/local/compare/paper" "$T/work/abs/failing/compare/paper" "compare with shard 2 rerun"
say "passed"
