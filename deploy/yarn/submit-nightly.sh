#!/usr/bin/env bash
# Nightly meta-training on YARN. Re-running the same command resumes the run from its newest valid
# checkpoint, so a scheduler can simply retry after a failure.
#
#   SPARK_HOME=/opt/spark deploy/yarn/submit-nightly.sh
#
# Client deploy mode: the driver runs here, in spark-submit's own JVM, so metaspark's exit code is
# this script's exit code: 0 done, 2 bad config, 3 bad data, 4 diverged, 5 run locked by a job
# still running, 130/143 interrupted (a SIGTERM to this script stops training gracefully: the
# iteration in flight is checkpointed and the run resumes there); anything else: read the log.
# In cluster deploy mode spark-submit reports only the application's final state (SUCCEEDED or
# FAILED), never those codes, so a scheduler could not tell a bad config (retrying is useless) from
# a lost node (retrying resumes): keep client mode for scheduled runs. The executors must be able
# to reach this host (the driver's RPC port and, with spark.mode = barrier, its relay port).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUN_DIR="${RUN_DIR:-hdfs:///user/$USER/metaspark/runs}"

# Spark's own security settings belong here (or in spark-defaults.conf), not in the job config:
#   spark.authenticate=true                    RPC authentication between driver and executors
#                                              (on YARN the secret is generated and distributed for you)
#   spark.network.crypto.enabled=true          AES encryption of RPC and block transfers
#   spark.io.encryption.enabled=true           encryption of shuffle and spill files on local disks
#   spark.ssl.enabled=true + spark.ssl.keyStore/trustStore/...   TLS for the web UIs
exec deploy/spark-submit.sh \
  --master yarn --deploy-mode client \
  --name metaspark-nightly \
  --driver-memory 4g \
  --num-executors 8 --executor-cores 4 --executor-memory 6g \
  --conf spark.executor.memoryOverhead=2g \
  --conf spark.authenticate=true \
  --conf spark.network.crypto.enabled=true \
  --conf spark.io.encryption.enabled=true \
  --conf spark.yarn.maxAppAttempts=1 \
  -- train --config conf/sinusoid.conf \
     --set run.dir="$RUN_DIR" --set run.name=sinusoid-nightly \
     --set spark.partitions=32 --set train.iterations=70000
