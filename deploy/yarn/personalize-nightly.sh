#!/usr/bin/env bash
# Nightly personalization on YARN: meta-train one model on every group's history, then adapt it to
# each group on the group's labelled rows of today's table and predict its other rows, in one Spark
# job (docs/SPARK-API.md). Each night is its own run (run.name carries the date): re-running the
# same night resumes its training from the newest checkpoint, or skips it when it is complete, and
# writes the predictions again.
#
#   SPARK_HOME=/opt/spark HISTORY=hdfs:///data/sites/history TODAY=hdfs:///data/sites/today \
#     deploy/yarn/personalize-nightly.sh
#
# On one machine, without YARN or a Spark installation (bin/metaspark, an embedded Spark):
#   LOCAL=1 HISTORY=src-test-data/tables/regression.parquet TODAY=src-test-data/tables/regression.parquet \
#     RUN_DIR=/tmp/nightly OUT_DIR=/tmp/nightly/out ITERATIONS=100 deploy/yarn/personalize-nightly.sh
#
# Exit codes are metaspark's (client deploy mode, see submit-nightly.sh): 0 done, 2 bad config,
# 3 bad data, 4 diverged, 5 run locked by a job still running; a failed training stops the script
# before the personalization, so yesterday's predictions stay where they are.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${HISTORY:?set HISTORY to the table meta-training reads (Parquet)}"
: "${TODAY:?set TODAY to the table to personalize (labels null on the rows to predict)}"
DAY="${DAY:-$(date +%F)}"
RUN_DIR="${RUN_DIR:-hdfs:///user/$USER/metaspark/runs}"
OUT_DIR="${OUT_DIR:-hdfs:///user/$USER/metaspark/personalized}"
ITERATIONS="${ITERATIONS:-600}"

metaspark() {
  if [ -n "${LOCAL:-}" ]; then
    bin/metaspark "$@"
  else
    deploy/spark-submit.sh \
      --master yarn --deploy-mode client \
      --name "metaspark-personalize-$DAY" \
      --driver-memory 4g \
      --num-executors 8 --executor-cores 4 --executor-memory 6g \
      --conf spark.executor.memoryOverhead=2g \
      --conf spark.yarn.maxAppAttempts=1 \
      -- "$@"
  fi
}

# 1. the shared model: conf/table-example.conf's network and MAML settings on the history table
metaspark train --config conf/table-example.conf \
  --set tasks.table.location="$HISTORY" \
  --set run.dir="$RUN_DIR" --set run.name="sites-$DAY" \
  --set train.iterations="$ITERATIONS"

# 2. every group adapted and predicted; one adapted parameter vector per group as well
metaspark adapt --model "$RUN_DIR/sites-$DAY/final" \
  --table "$TODAY" --parameters \
  --output "$OUT_DIR/$DAY"
