#!/usr/bin/env bash
# Submit metaspark's shaded jar to the cluster deploy/cluster/start.sh runs (its master URL is read
# from the state dir), with Spark's SparkSubmit run by java on the assembled Spark home's jars.
#
#   deploy/cluster/submit.sh [--deploy-mode client|cluster] [spark-submit options] -- <metaspark command and options>
#
#   deploy/cluster/submit.sh -- train --config "$PWD/conf/sinusoid.conf" --set spark.partitions=2
#   deploy/cluster/submit.sh --deploy-mode cluster -- train --config "$PWD/conf/sinusoid.conf"
#
# client (default): the driver is this script's JVM, with conf/jvm-options and a METASPARK_DRIVER_MEMORY
#   heap; metaspark's output is printed here and its exit code is this script's.
# cluster: the master starts the driver inside a worker (org.apache.spark.deploy.worker.DriverWrapper,
#   spark.driver.extraJavaOptions from conf/jvm-options) and this script waits for it
#   (spark.standalone.submit.waitAppCompletion), then prints the driver's stdout from the worker's work
#   dir and exits 0 if the driver FINISHED, 1 otherwise (Spark reports a state, not the exit code).
#   The worker copies the jar from its path here and runs the driver in its own work dir, so give
#   --config and run.dir as absolute paths. The driver needs a worker with a free core and
#   METASPARK_DRIVER_MEMORY of free memory besides the executors.
# Either way executors get one native thread (spark.executorEnv.OMP_NUM_THREADS=1) and Spark's Java 17
# module options from Spark itself; conf/spark-defaults.conf is the properties file.
#
# Environment:
#   METASPARK_JAR            the shaded jar (default: ../../modules/app/target/metaspark-app.jar from here)
#   METASPARK_DRIVER_MEMORY  the driver's heap (default 1g); --driver-memory sets it too
#   METASPARK_CLUSTER_DIR    start.sh's state dir (default /tmp/metaspark-cluster)
#   JAVA_HOME                the Java 17 to run (default: java on the PATH)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2; }

deploy_mode=client
driver_memory="${METASPARK_DRIVER_MEMORY:-1g}"
submit_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --deploy-mode) [ $# -ge 2 ] || usage; deploy_mode="$2"; shift 2 ;;
    --deploy-mode=*) deploy_mode="${1#*=}"; shift ;;
    --driver-memory) [ $# -ge 2 ] || usage; driver_memory="$2"; shift 2 ;;
    --driver-memory=*) driver_memory="${1#*=}"; shift ;;
    --master|--master=*|--class|--class=*) die "$1 is set by submit.sh (the master from start.sh, the class io.metaspark.app.cli.MetasparkCli)" ;;
    -h|--help) usage ;;
    *) submit_args+=("$1"); shift ;;
  esac
done
[ "${1:-}" = "--" ] || usage
shift
[ $# -gt 0 ] || usage
case "$deploy_mode" in client|cluster) ;; *) die "--deploy-mode is client or cluster, not '$deploy_mode'" ;; esac

JAR="${METASPARK_JAR:-$ROOT/modules/app/target/metaspark-app.jar}"
[ -f "$JAR" ] || die "no $JAR: build it with 'mvn -B -DskipTests package' (or set METASPARK_JAR)"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"

if [ ! -f "$STATE_DIR/master-url" ] \
    || ! pid_alive "$(cat "$STATE_DIR/master.pid" 2>/dev/null || true)" org.apache.spark.deploy.master.Master; then
  die "no cluster running from $STATE_DIR: start one with deploy/cluster/start.sh"
fi
MASTER_URL="$(cat "$STATE_DIR/master-url")"
SPARK_HOME="$(cat "$STATE_DIR/spark-home")"
export SPARK_HOME

mapfile -t JVM_OPTIONS < <(grep -v -e '^#' -e '^[[:space:]]*$' "$ROOT/conf/jvm-options")
# the driver's native threads (in cluster mode the worker gives the driver this environment)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

spark_args=(
  --master "$MASTER_URL"
  --deploy-mode "$deploy_mode"
  --class io.metaspark.app.cli.MetasparkCli
  --properties-file "$ROOT/conf/spark-defaults.conf"
  --driver-memory "$driver_memory"
  --conf "spark.driver.extraJavaOptions=${JVM_OPTIONS[*]}"
  --conf spark.executorEnv.OMP_NUM_THREADS=1
)

if [ "$deploy_mode" = client ]; then
  exec "$JAVA" -Xmx"$driver_memory" "${JVM_OPTIONS[@]}" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
    -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
    "${spark_args[@]}" "${submit_args[@]}" "$JAR" "$@"
fi

# cluster deploy mode
for ((i = 1; i <= $#; i++)); do
  arg="${!i}" path=""
  case "$arg" in
    --config=*) path="${arg#*=}" ;;
    --config) j=$((i + 1)); path="${!j:-}" ;;
  esac
  case "$path" in
    ""|/*) ;;
    *) echo "submit.sh: warning: --config $path is relative, but the driver runs in a worker's work dir: give an absolute path" >&2 ;;
  esac
done

mkdir -p "$STATE_DIR/submits"
log="$STATE_DIR/submits/$(date +%Y%m%d-%H%M%S)-$$.log"
set +e
"$JAVA" -Xmx256m "${JVM_OPTIONS[@]}" -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
  -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit \
  "${spark_args[@]}" --conf spark.standalone.submit.waitAppCompletion=true \
  "${submit_args[@]}" "$JAR" "$@" 2>&1 | tee "$log"
submit_status="${PIPESTATUS[0]}"
set -e

driver_id="$(grep -Eo 'driver-[0-9]+-[0-9]+' "$log" | head -n 1 || true)"
state="$(sed -n 's/.*State of driver driver-[0-9-]* is \([A-Z]*\), exiting.*/\1/p' "$log" | tail -n 1)"
[ -n "$driver_id" ] || die "the master took no driver (spark-submit exited with $submit_status; its output: $log)"

driver_dir="$(find "$STATE_DIR" -mindepth 3 -maxdepth 3 -type d -path "$STATE_DIR/worker-*/work/$driver_id" | head -n 1)"
echo "submit.sh: $driver_id ran in ${driver_dir:-a worker of another state dir}: ${state:-state unknown}" \
  "(the spark-submit client exited with $submit_status)"
if [ -n "$driver_dir" ]; then
  echo "--- driver stdout ($driver_dir/stdout):"
  cat "$driver_dir/stdout"
  if [ "$state" != FINISHED ]; then
    echo "--- last lines of the driver's stderr ($driver_dir/stderr):"
    tail -n 30 "$driver_dir/stderr"
  fi
fi
[ "$state" = FINISHED ] || exit 1
