#!/usr/bin/env bash
# Assemble a Spark home from Maven Central alone: DIR/jars holds spark-core_2.12 and spark-sql_2.12
# 3.5.9 with all their dependencies, resolved with Spark's own BOM (spark-parent_2.12, imported) so
# that slf4j, Jackson and the rest are the versions Spark is released with. Enough to run a Master,
# Workers (which launch executors and cluster-mode drivers from DIR/jars) and SparkSubmit; there is
# no bin/ (run the classes with java) and no Hive, MLlib, Streaming, YARN or Kubernetes.
#
#   deploy/cluster/spark-home.sh [DIR]
#
# DIR defaults to ${METASPARK_SPARK_HOME:-$HOME/.cache/metaspark/spark-3.5.9}. The first call
# downloads ~220 MB (146 jars) through Maven; later calls find DIR/.metaspark-spark-home (written
# last, after every jar is in place) and only print DIR. Needs Java 17 and Maven on the PATH.
# Prints DIR on stdout; Maven's progress goes to stderr.
set -euo pipefail

SPARK_VERSION=3.5.9
SCALA_BINARY=2.12
DEPENDENCY_PLUGIN=3.8.1

DIR="${1:-${METASPARK_SPARK_HOME:-$HOME/.cache/metaspark/spark-$SPARK_VERSION}}"
MARKER="$DIR/.metaspark-spark-home"

complete() {
  [ -f "$MARKER" ] && [ -d "$DIR/jars" ] || return 1
  local want have
  want="$(sed -n 's/^jars=//p' "$MARKER")"
  have="$(find "$DIR/jars" -maxdepth 1 -name '*.jar' | wc -l)"
  grep -qx "spark=$SPARK_VERSION scala=$SCALA_BINARY" "$MARKER" && [ -n "$want" ] && [ "$want" -eq "$have" ]
}

if complete; then
  echo "$DIR"
  exit 0
fi

command -v mvn >/dev/null 2>&1 || { echo "spark-home.sh: needs Maven (mvn) on the PATH" >&2; exit 1; }
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
MARKER="$DIR/.metaspark-spark-home"
rm -f "$MARKER"
STAGING="$DIR/.staging.$$"
trap 'rm -rf "$STAGING"' EXIT
mkdir -p "$STAGING"

cat >"$STAGING/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by deploy/cluster/spark-home.sh: the jars of a Spark $SPARK_VERSION home. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.metaspark</groupId>
  <artifactId>spark-home</artifactId>
  <version>$SPARK_VERSION</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
      <!-- Spark's own versions: without it slf4j-api 1.7 wins (logging silently off) and Jackson mixes -->
      <dependency>
        <groupId>org.apache.spark</groupId>
        <artifactId>spark-parent_$SCALA_BINARY</artifactId>
        <version>$SPARK_VERSION</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.apache.spark</groupId>
      <artifactId>spark-core_$SCALA_BINARY</artifactId>
      <version>$SPARK_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.spark</groupId>
      <artifactId>spark-sql_$SCALA_BINARY</artifactId>
      <version>$SPARK_VERSION</version>
    </dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-dependency-plugin</artifactId>
          <version>$DEPENDENCY_PLUGIN</version>
        </plugin>
      </plugins>
    </pluginManagement>
  </build>
</project>
EOF

echo "spark-home.sh: assembling Spark $SPARK_VERSION (Scala $SCALA_BINARY) jars in $DIR (~220 MB from Maven Central, once)" >&2
# (Debian's Maven 3.8.7 prints bare colour resets even in batch mode: drop them)
# (all scopes: Spark's BOM marks guava 14 and protobuf-java "provided", and its distribution ships them)
mvn -B -q -f "$STAGING/pom.xml" dependency:copy-dependencies -DoutputDirectory="$STAGING/jars" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2

count="$(find "$STAGING/jars" -maxdepth 1 -name '*.jar' | wc -l)"
for jar in spark-core spark-launcher; do
  if [ ! -f "$STAGING/jars/${jar}_$SCALA_BINARY-$SPARK_VERSION.jar" ]; then
    echo "spark-home.sh: Maven finished but $jar $SPARK_VERSION is missing in $STAGING/jars" >&2
    exit 1
  fi
done

rm -rf "$DIR/jars"
mv "$STAGING/jars" "$DIR/jars"
mv "$STAGING/pom.xml" "$DIR/pom.xml"
# the marker goes last: its presence means every jar above is in place
printf 'spark=%s scala=%s\njars=%s\n' "$SPARK_VERSION" "$SCALA_BINARY" "$count" >"$MARKER"
echo "spark-home.sh: $count jars, $(du -sh "$DIR/jars" | cut -f1)" >&2
echo "$DIR"
