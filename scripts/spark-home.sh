#!/usr/bin/env bash
# Lays out a minimal SPARK_HOME (Spark's jars from Maven Central and a bin/spark-submit) in the given
# directory, for trying Ember where no Spark 3.5 installation is at hand. With a Spark installation,
# use its own bin/spark-submit instead.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 <directory>" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
home="$(mkdir -p "$1" && cd "$1" && pwd)"
parent() {  # a property of Ember's parent pom (without the colour codes Maven may print around it)
  mvn -q -B -ntp -f "$root/pom.xml" -N help:evaluate -Dexpression="$1" -DforceStdout | sed 's/\x1b\[[0-9;]*m//g'
}
mvn -q -B -ntp -f "$root/scripts/spark-home/pom.xml" dependency:copy-dependencies \
  -Dspark.version="$(parent spark.version)" -Dscala.binary.version="$(parent scala.binary.version)" \
  -DincludeScope=runtime -DoutputDirectory="$home/jars"
opens="$(parent ember.jvm.opens)"
mkdir -p "$home/bin"
cat > "$home/bin/spark-submit" <<SUBMIT
#!/usr/bin/env bash
# spark-submit for this SPARK_HOME: Spark's launcher class on Java 17 with Spark's --add-opens list.
export SPARK_HOME="$home"
exec "\${JAVA_HOME:+\$JAVA_HOME/bin/}java" $opens -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit "\$@"
SUBMIT
chmod +x "$home/bin/spark-submit"
echo "SPARK_HOME with $(ls "$home/jars" | wc -l) jars: $home (submit with $home/bin/spark-submit)"
