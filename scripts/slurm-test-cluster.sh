#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, from Debian's packages (slurm-wlm, munge; see
# scripts/install-deps.sh) and without systemd, so that deploy/slurm/ can be tested on a real
# scheduler (test/deploy/slurm.test.ts, docs/cluster.md).
#
#   scripts/slurm-test-cluster.sh start    write slurm.conf for this host, start munged (unless one
#                                          already answers), slurmctld and slurmd; wait until the
#                                          node is idle; print the SLURM_CONF line to export
#   scripts/slurm-test-cluster.sh status   exit 0 if the cluster answers and its node is up
#   scripts/slurm-test-cluster.sh stop     cancel its jobs, stop the daemons it started, by PID
#
# Everything lives in $SLURM_TEST_DIR (default /tmp/relaysim-slurm): slurm.conf, state, logs and
# PID files. Slurm's commands find the cluster with `export SLURM_CONF=$SLURM_TEST_DIR/slurm.conf`.
# The daemons listen on ports $SLURM_TEST_PORT and $SLURM_TEST_PORT+1 (default 16817, 16818:
# not Slurm's 6817/6818, so a real cluster on the same machine is left alone).
#
# Needs root (munged runs as the munge user, the Slurm daemons as root); as another user it
# re-runs itself with `sudo -n` when that is allowed. Known pitfalls it handles: /run/munge must
# exist and belong to munge; proctrack/linuxproc and task/none avoid cgroups (absent in
# containers); DependencyParameters=kill_invalid_depend cancels a job whose dependency failed
# instead of leaving it pending for ever.
set -euo pipefail

DIR=${SLURM_TEST_DIR:-/tmp/relaysim-slurm}
PORT=${SLURM_TEST_PORT:-16817}
CONF="$DIR/slurm.conf"
START_TIMEOUT=${SLURM_TEST_START_TIMEOUT:-60}
export SLURM_CONF="$CONF"

die() {
  echo "slurm-test-cluster: $*" >&2
  exit 1
}

need_root() {
  [ "$(id -u)" -eq 0 ] && return 0
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    exec sudo -n --preserve-env=SLURM_TEST_DIR,SLURM_TEST_PORT,SLURM_TEST_START_TIMEOUT "$0" "$@"
  fi
  die "must run as root (or with password-less sudo): munged runs as the munge user and slurmd as root"
}

need_commands() {
  local missing=()
  for c in munged munge unmunge slurmctld slurmd sinfo scontrol squeue scancel; do
    command -v "$c" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$c" >/dev/null || missing+=("$c")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: install Slurm and munge (sudo bash scripts/install-deps.sh, or apt-get install slurm-wlm munge)"
}

# A PID from a file, if that process is alive.
live_pid() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(cat "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

munge_answers() {
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1
}

node_state() {
  sinfo --noheader --Node --format=%t 2>/dev/null | head -n 1
}

write_conf() {
  # slurmd -C prints this machine's NodeName, CPUs, sockets, cores, threads and RealMemory.
  local node host
  node=$(slurmd -C | head -n 1)
  [[ "$node" == NodeName=* ]] || die "slurmd -C printed no node line: $node"
  host=${node#NodeName=}
  host=${host%% *}
  mkdir -p "$DIR/state/ctld" "$DIR/state/d" "$DIR/log"
  chmod 755 "$DIR"
  cat >"$CONF" <<EOF
# Written by scripts/slurm-test-cluster.sh for $host on $(date -u +%Y-%m-%dT%H:%M:%SZ)
ClusterName=relaysim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$DIR/state/ctld
SlurmdSpoolDir=$DIR/state/d
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: processes are tracked through /proc, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# A job whose dependency can no longer be satisfied (afterok on a failed task) is cancelled.
DependencyParameters=kill_invalid_depend
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes: callers check each task's state.
MinJobAge=600
KillWait=5
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  chmod 644 "$CONF"
  echo "$host"
}

start_munge() {
  if munge_answers; then
    echo "munged: already running, using it"
    return 0
  fi
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge /etc/munge/munge.key
  chmod 700 /etc/munge
  chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 755 /run/munge
  runuser -u munge -- munged
  local i
  for i in $(seq 50); do
    munge_answers && break
    sleep 0.1
  done
  munge_answers || die "munged did not answer; see /var/log/munge/munged.log"
  cp /run/munge/munged.pid "$DIR/munged.pid"
  echo "munged: started, PID $(cat "$DIR/munged.pid")"
}

start() {
  need_commands
  # A running cluster is reused, busy or not ("mix" and "alloc" while jobs run).
  if status >/dev/null; then
    echo "already running (SLURM_CONF=$CONF)"
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  stop_daemons quiet
  rm -rf "$DIR/state" "$DIR/log"
  mkdir -p "$DIR"
  local host
  host=$(write_conf)
  start_munge
  slurmctld -f "$CONF" || die "slurmctld failed to start; see $DIR/log/slurmctld.log"
  slurmd -f "$CONF" -N "$host" || die "slurmd failed to start; see $DIR/log/slurmd.log"
  local deadline=$((SECONDS + START_TIMEOUT)) state=""
  while [ $SECONDS -lt $deadline ]; do
    state=$(node_state || true)
    [ "$state" = idle ] && break
    sleep 0.2
  done
  if [ "$state" != idle ]; then
    echo "node $host is '${state:-not answering}' after ${START_TIMEOUT} s; last log lines:" >&2
    tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
    stop_daemons quiet
    exit 1
  fi
  echo "node $host idle ($(grep -o 'CPUs=[0-9]*' "$CONF"), $(grep -o 'RealMemory=[0-9]*' "$CONF") MB)"
  echo "export SLURM_CONF=$CONF"
}

# Stop one daemon by the PID in its file: TERM, then KILL after 10 s.
stop_pid_file() {
  local file=$1 name=$2 pid i
  pid=$(live_pid "$file") || {
    rm -f "$file"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
  [ "${3:-}" = quiet ] || echo "$name (PID $pid) stopped"
}

stop_daemons() {
  if [ -f "$CONF" ] && [ -s "$DIR/slurmctld.pid" ] && live_pid "$DIR/slurmctld.pid" >/dev/null; then
    local jobs
    jobs=$(squeue --noheader --format=%A 2>/dev/null | sort -u | tr '\n' ' ' || true)
    # shellcheck disable=SC2086
    [ -z "${jobs// /}" ] || scancel $jobs 2>/dev/null || true
  fi
  stop_pid_file "$DIR/slurmd.pid" slurmd "${1:-}"
  stop_pid_file "$DIR/slurmctld.pid" slurmctld "${1:-}"
  # munged only if this script started it (another munged may serve other programs).
  stop_pid_file "$DIR/munged.pid" munged "${1:-}"
}

status() {
  local ctld slurmd_pid
  ctld=$(live_pid "$DIR/slurmctld.pid") || {
    echo "not running (no live slurmctld PID in $DIR)"
    return 1
  }
  slurmd_pid=$(live_pid "$DIR/slurmd.pid") || {
    echo "slurmctld PID $ctld runs but slurmd does not"
    return 1
  }
  local state
  state=$(node_state || true)
  echo "slurmctld PID $ctld, slurmd PID $slurmd_pid, node ${state:-not answering} (SLURM_CONF=$CONF)"
  [ -n "$state" ] && [[ "$state" != down* ]] && [[ "$state" != drain* ]]
}

case "${1:-}" in
start)
  need_root "$@"
  start
  ;;
stop)
  need_root "$@"
  stop_daemons
  ;;
status) status ;;
*)
  echo "usage: $0 start|stop|status   (state in \$SLURM_TEST_DIR, default /tmp/relaysim-slurm)" >&2
  exit 2
  ;;
esac
