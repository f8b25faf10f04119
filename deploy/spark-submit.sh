#!/usr/bin/env bash
# spark-submit the shaded metaspark jar with what Java 17 and ND4J need.
#
#   deploy/spark-submit.sh [spark-submit options] -- <metaspark command and options>
#
# e.g. against a standalone master, client deploy mode (the config is read on this machine):
#   deploy/spark-submit.sh --master spark://127.0.0.1:7077 -- train --config conf/sinusoid.conf
# cluster deploy mode ships the config with --files and names it by its base name:
#   deploy/spark-submit.sh --master yarn --deploy-mode cluster --files conf/sinusoid.conf \
#     -- train --config sinusoid.conf --set run.dir=hdfs:///user/$USER/metaspark
#
# Needs SPARK_HOME (a Spark 3.5.x for Scala 2.12) and the jar from `mvn -B -DskipTests package`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${METASPARK_JAR:-$ROOT/modules/app/target/metaspark-app.jar}"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5.x (Scala 2.12) installation}"
[ -f "$JAR" ] || { echo "no $JAR: build it with 'mvn -B -DskipTests package'" >&2; exit 2; }

submit_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  submit_args+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift

# The driver needs Spark's module list on Java 17 (spark-submit adds it in client mode from Spark
# 3.3 on; spark.driver.extraJavaOptions covers cluster mode). Executors get it from Spark itself.
JVM_OPTIONS="$(grep -v -e '^#' -e '^[[:space:]]*$' "$ROOT/conf/jvm-options" | tr '\n' ' ')"

exec "$SPARK_HOME/bin/spark-submit" \
  --class io.metaspark.app.cli.MetasparkCli \
  --driver-java-options "$JVM_OPTIONS" \
  --conf "spark.driver.extraJavaOptions=$JVM_OPTIONS" \
  --conf "spark.executor.extraJavaOptions=-XX:+UseParallelGC -Dorg.bytedeco.javacpp.maxPhysicalBytes=0" \
  --conf spark.executorEnv.OMP_NUM_THREADS=1 \
  --conf spark.yarn.appMasterEnv.OMP_NUM_THREADS=1 \
  "${submit_args[@]}" \
  "$JAR" "$@"
