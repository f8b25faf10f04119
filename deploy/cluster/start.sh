#!/usr/bin/env bash
# Start a Spark standalone cluster on this machine, every port on 127.0.0.1: one Master and
# WORKERS Workers, from the Spark home that spark-home.sh assembles from Maven Central (no Spark
# distribution needed). Waits until every worker is registered and ALIVE, then prints the master URL.
#
#   deploy/cluster/start.sh [-w WORKERS] [-c CORES_PER_WORKER] [-m MEM_PER_WORKER]
#       defaults: 2 workers, 1 core and 2g each. Stop with deploy/cluster/stop.sh.
#
# Environment:
#   METASPARK_CLUSTER_DIR     PIDs, logs and the workers' work dirs (default /tmp/metaspark-cluster)
#   METASPARK_SPARK_HOME      the Spark home (default ~/.cache/metaspark/spark-3.5.9; see spark-home.sh)
#   METASPARK_MASTER_PORT     the master's RPC port (default 7077)
#   METASPARK_MASTER_UI_PORT  the master's web UI port (default 8080); workers take free ports
#   METASPARK_DAEMON_MEMORY   heap of the master and worker JVMs themselves (default 512m)
#   METASPARK_START_TIMEOUT   seconds to wait for the workers (default 120)
#   JAVA_HOME                 the Java 17 to run (default: java on the PATH)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '6,7s/^# \{0,1\}//p' "$0" >&2; exit 2; }

workers=2 cores=1 memory=2g
while getopts 'w:c:m:h' opt; do
  case "$opt" in
    w) workers="$OPTARG" ;;
    c) cores="$OPTARG" ;;
    m) memory="$OPTARG" ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "-w wants a number of workers >= 1, got '$workers'"
[[ "$cores" =~ ^[1-9][0-9]*$ ]] || die "-c wants a number of cores >= 1, got '$cores'"
[[ "$memory" =~ ^[1-9][0-9]*[mMgG]$ ]] || die "-m wants a memory size such as 1g or 1536m, got '$memory'"

master_port="${METASPARK_MASTER_PORT:-7077}"
ui_port="${METASPARK_MASTER_UI_PORT:-8080}"
daemon_memory="${METASPARK_DAEMON_MEMORY:-512m}"
timeout="${METASPARK_START_TIMEOUT:-120}"

version="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
if [ -z "$version" ] || [ "$version" -lt 17 ]; then
  die "needs Java 17 (found: ${version:-none}); set JAVA_HOME"
fi

if pid_alive "$(cat "$STATE_DIR/master.pid" 2>/dev/null || true)" org.apache.spark.deploy.master.Master; then
  die "a cluster is already running from $STATE_DIR (master $(cat "$STATE_DIR/master-url")): deploy/cluster/stop.sh first"
fi
for port in "$master_port" "$ui_port"; do
  if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is taken: set METASPARK_MASTER_PORT / METASPARK_MASTER_UI_PORT to free ones"
  fi
done

SPARK_HOME="$("$HERE/spark-home.sh")"
export SPARK_HOME
# The Worker builds executor (and cluster-mode driver) command lines with Spark's launcher library,
# which asks for the Scala version even when SPARK_HOME/jars exists and, unless SPARK_SCALA_VERSION
# is set, looks for it in a source build's directories: every executor launch then fails with
# "Cannot find any build directories".
export SPARK_SCALA_VERSION=2.12

mkdir -p "$STATE_DIR/logs"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
rm -f "$STATE_DIR"/*.pid "$STATE_DIR/master-url" "$STATE_DIR/master-ui-port"
echo "$SPARK_HOME" >"$STATE_DIR/spark-home"

# Start a Spark daemon in the background, nohup, its output in logs/NAME.log and its PID in NAME.pid.
launch() {
  local name="$1"
  shift
  nohup "$JAVA" -Xmx"$daemon_memory" -cp "$SPARK_HOME/jars/*" "$@" \
    </dev/null >"$STATE_DIR/logs/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
}

# On a failed start, show the log and stop what was started.
fail() {
  echo "start.sh: $1" >&2
  [ -z "${2:-}" ] || { echo "--- last lines of $2:" >&2; tail -n 20 "$2" >&2; }
  "$HERE/stop.sh" >&2 || true
  exit 1
}

launch master org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$master_port" --webui-port "$ui_port"
master_url="spark://127.0.0.1:$master_port"
deadline=$((SECONDS + timeout))
until alive_workers "$ui_port" >/dev/null; do
  pid_alive "$(cat "$STATE_DIR/master.pid")" org.apache.spark.deploy.master.Master \
    || fail "the master exited" "$STATE_DIR/logs/master.log"
  [ "$SECONDS" -lt "$deadline" ] || fail "the master's web UI did not answer within ${timeout}s" "$STATE_DIR/logs/master.log"
  sleep 1
done
echo "$master_url" >"$STATE_DIR/master-url"
echo "$ui_port" >"$STATE_DIR/master-ui-port"

for i in $(seq 1 "$workers"); do
  dir="$STATE_DIR/worker-$i"
  mkdir -p "$dir/work" "$dir/local"
  # executors and drivers run in work/ (their stdout and stderr too); shuffle and block files in local/
  SPARK_LOCAL_DIRS="$dir/local" launch "worker-$i" org.apache.spark.deploy.worker.Worker "$master_url" \
    --host 127.0.0.1 --port 0 --webui-port 0 --cores "$cores" --memory "$memory" --work-dir "$dir/work"
done

alive=0
until [ "$alive" -ge "$workers" ]; do
  for i in $(seq 1 "$workers"); do
    pid_alive "$(cat "$STATE_DIR/worker-$i.pid")" org.apache.spark.deploy.worker.Worker \
      || fail "worker $i exited" "$STATE_DIR/logs/worker-$i.log"
  done
  [ "$SECONDS" -lt "$deadline" ] || fail "only $alive of $workers workers registered within ${timeout}s" "$STATE_DIR/logs/worker-1.log"
  sleep 1
  alive="$(alive_workers "$ui_port" || echo 0)"
done

json="$(http_get "$ui_port" /json/)"
echo "Spark standalone cluster up: $workers workers x $cores core(s) x $memory, all ALIVE"
echo "  master URL     $master_url"
echo "  master web UI  http://127.0.0.1:$ui_port/  (JSON: http://127.0.0.1:$ui_port/json/)"
grep -Eo '"webuiaddress"[[:space:]]*:[[:space:]]*"[^"]*"' <<<"$json" | sed 's/.*"\([^"]*\)"$/  worker web UI  \1/'
echo "  Spark home     $SPARK_HOME"
echo "  state and logs $STATE_DIR"
echo "Submit with: deploy/cluster/submit.sh -- train --config \$PWD/conf/sinusoid.conf; stop with deploy/cluster/stop.sh"
