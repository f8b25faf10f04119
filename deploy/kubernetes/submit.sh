#!/usr/bin/env bash
# Meta-training on Kubernetes, cluster deploy mode: the driver runs in a pod, executors in pods.
# spark-submit then reports the driver pod's phase, not metaspark's exit codes (2 bad config, 3 bad
# data, 4 diverged, 5 locked): for scheduled runs use cronjob.yaml, which runs the driver in client
# mode inside its own pod, so the pod's exit code is metaspark's.
# Needs an image with Spark 3.5 (Scala 2.12, Java 17) and the shaded jar at /opt/metaspark/metaspark-app.jar,
# e.g. FROM apache/spark:3.5.x-scala2.12-java17-ubuntu, COPY modules/app/target/metaspark-app.jar and conf/.
#
#   K8S_API=https://kubernetes.example:6443 IMAGE=registry.example/metaspark:0.1.0 deploy/kubernetes/submit.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${K8S_API:?the Kubernetes API server URL}"
: "${IMAGE:?the container image with Spark and the metaspark jar}"

JVM_OPTIONS="$(grep -v -e '^#' -e '^[[:space:]]*$' conf/jvm-options | tr '\n' ' ')"

# Spark on Kubernetes: spark.authenticate generates a secret per application and hands it to the
# executors as a Kubernetes secret; set spark.network.crypto.enabled for encrypted RPC as on YARN.
exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --name metaspark-nightly \
  --class io.metaspark.app.cli.MetasparkCli \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.namespace=metaspark \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=metaspark \
  --conf spark.executor.instances=8 --conf spark.executor.cores=4 --conf spark.executor.memory=6g \
  --conf spark.executor.memoryOverhead=2g \
  --conf "spark.driver.extraJavaOptions=$JVM_OPTIONS" \
  --conf spark.executorEnv.OMP_NUM_THREADS=1 \
  --conf spark.authenticate=true \
  --conf spark.network.crypto.enabled=true \
  local:///opt/metaspark/metaspark-app.jar \
  train --config /opt/metaspark/conf/sinusoid.conf \
    --set run.dir=s3a://my-bucket/metaspark/runs --set run.name=sinusoid-nightly --set spark.partitions=32
