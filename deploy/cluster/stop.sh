#!/usr/bin/env bash
# Stop the cluster deploy/cluster/start.sh started: exactly the PIDs in its state dir, each still
# checked to run the Spark class it was started as: the master first (so that no executor is placed
# on a worker that is going away), then the workers, which end their executors and drivers.
# SIGTERM, then SIGKILL after METASPARK_STOP_TIMEOUT seconds (default 30). Then waits as long for
# every JVM in the workers' work dirs to end (an executor launched while its worker shuts down ends
# by itself once it loses the worker) and exits 1 naming any that did not.
# Logs and the workers' work dirs (executor and driver output) are kept; rm -rf the state dir to
# drop them.
#
#   deploy/cluster/stop.sh
#
# Environment: METASPARK_CLUSTER_DIR (default /tmp/metaspark-cluster), as for start.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 0 ] || { sed -n '11p' "$0" | sed 's/^# *//' >&2; exit 2; }
timeout="${METASPARK_STOP_TIMEOUT:-30}"

# stop NAME CLASS: the process in STATE_DIR/NAME.pid, if it still runs CLASS.
stop() {
  local name="$1" class="$2" pid_file="$STATE_DIR/$1.pid" pid deadline
  pid="$(cat "$pid_file" 2>/dev/null || true)"
  if ! pid_alive "$pid" "$class"; then
    [ -z "$pid" ] || echo "$name (pid $pid) was not running"
    rm -f "$pid_file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while pid_alive "$pid" "$class" && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.5
  done
  if pid_alive "$pid" "$class"; then
    echo "$name (pid $pid) still running after ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while pid_alive "$pid" "$class"; do sleep 0.2; done
  fi
  echo "stopped $name (pid $pid)"
  rm -f "$pid_file"
}

found=0
if [ -e "$STATE_DIR/master.pid" ]; then
  found=1
  stop master org.apache.spark.deploy.master.Master
fi
rm -f "$STATE_DIR/master-url" "$STATE_DIR/master-ui-port"
for pid_file in "$STATE_DIR"/worker-*.pid; do
  [ -e "$pid_file" ] || continue
  found=1
  name="$(basename "$pid_file" .pid)"
  stop "$name" org.apache.spark.deploy.worker.Worker
done
[ "$found" -eq 1 ] || echo "no cluster PIDs in $STATE_DIR: nothing to stop"

# Executors and drivers run in the workers' work dirs: the PIDs of processes still there (Linux /proc).
in_work_dirs() {
  local cwd dir pid
  for cwd in /proc/[0-9]*/cwd; do
    dir="$(readlink "$cwd" 2>/dev/null || true)"
    case "$dir" in
      "$STATE_DIR"/worker-*/work/*)
        pid="${cwd#/proc/}"
        echo "${pid%/cwd}"
        ;;
    esac
  done
}
deadline=$((SECONDS + timeout))
left="$(in_work_dirs | paste -sd, -)"
while [ -n "$left" ] && [ "$SECONDS" -lt "$deadline" ]; do
  sleep 1
  left="$(in_work_dirs | paste -sd, -)"
done
if [ -n "$left" ]; then
  echo "stop.sh: processes still running in $STATE_DIR/worker-*/work:" >&2
  ps -o pid=,args= -p "$left" | cut -c1-200 >&2
  exit 1
fi
