#!/usr/bin/env bash
# cdk.json's app: runs the CDK app (infra/target/classes on the classpath Maven wrote next to it) on a JDK 21 or
# newer — JAVA_HOME when it is one, else the newest installed (scripts/java-home.sh). No Maven run here: a synth
# stays offline and fast, and the app's output is the app's alone.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
use_jdk21_or_newer || {
  echo "cdk app: no JDK 21 or newer found: install one (any standard location) or set JAVA_HOME to it" >&2
  exit 1
}
[ -r infra/target/classpath.txt ] || {
  echo "cdk app: infra/target/classpath.txt is missing: build first (./mvnw package -DskipTests)" >&2
  exit 1
}
exec "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -cp "infra/target/classes:$(cat infra/target/classpath.txt)" dev.bedrockchat.infra.ChatApp "$@"
