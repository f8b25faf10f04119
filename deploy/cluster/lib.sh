# shellcheck shell=bash disable=SC2034
# Helpers shared by deploy/cluster/{start,stop,submit}.sh; sourced, not run.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets HERE (this folder), ROOT (the repository), STATE_DIR (the cluster's PIDs, logs and work dirs)
# and JAVA; defines http_get, alive_workers, pid_alive and die.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
STATE_DIR="${METASPARK_CLUSTER_DIR:-/tmp/metaspark-cluster}"
case "$STATE_DIR" in /*) ;; *) STATE_DIR="$PWD/$STATE_DIR" ;; esac
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# every daemon, executor and driver listens on loopback only (Spark's web UIs bind to SPARK_LOCAL_IP)
export SPARK_LOCAL_IP=127.0.0.1

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# The body of http://127.0.0.1:PORT/PATH, with curl when there is one, else bash's /dev/tcp.
http_get() {
  local port="$1" path="$2"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "http://127.0.0.1:$port$path"
  else
    local response
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
    response="$(timeout 5 cat <&3)" || { exec 3<&-; return 1; }
    exec 3<&-
    case "$response" in
      "HTTP/1."?" 200"*) printf '%s\n' "${response#*$'\r\n\r\n'}" ;;
      *) return 1 ;;
    esac
  fi
}

# How many workers the master at web UI port $1 lists as ALIVE (nothing printed if it does not answer).
# Workers are the only entries of /json/ with a "state" of ALIVE (the master's own is "status").
alive_workers() {
  local json
  json="$(http_get "$1" /json/ 2>/dev/null)" || return 1
  { grep -Eo '"state"[[:space:]]*:[[:space:]]*"ALIVE"' <<<"$json" || true; } | wc -l
}

# Whether PID $1 is alive and still runs the Spark class $2 (a PID is reused once its process ended).
pid_alive() {
  local pid="$1" class="$2"
  [ -n "$pid" ] && ps -ww -p "$pid" -o args= 2>/dev/null | grep -qF -- "$class"
}
