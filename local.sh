#!/usr/bin/env bash
# Builds what the local chat needs and starts it on http://localhost:${PORT:-8080}:
# on Amazon Bedrock when AWS credentials are found, on the clearly labelled offline stand-in otherwise.
# On Linux it starts the Lambda artifact itself through scripts/run.sh (the JVM settings, and with JDK 25 the
# ahead-of-time cache, remade after each build by a short training run).
set -euo pipefail
cd "$(dirname "$0")"

. scripts/java-home.sh
use_jdk21_or_newer || { echo "local.sh: needs a JDK 21 or newer: install one or set JAVA_HOME to it" >&2; exit 1; }
command -v node >/dev/null || { echo "local.sh: needs Node.js 20 or newer on PATH" >&2; exit 1; }

echo "local.sh: building the page and the function (JDK at $JAVA_HOME)…" >&2
./mvnw -B -q -ntp package -DskipTests -pl frontend,function >&2

if [ "$(uname -s)" = Linux ]; then
  if [ "$(jdk_major "$JAVA_HOME")" -ge 25 ] && command -v curl >/dev/null \
      && ! [ function/target/function.aot -nt function/target/function.jar ]; then
    echo "local.sh: making the ahead-of-time cache (a few seconds; the server then starts in about 0.2 s)…" >&2
    scripts/run.sh --train || echo "local.sh: no ahead-of-time cache this time; starting without it" >&2
  fi
  exec scripts/run.sh "$@"
else
  # function.jar carries only Linux's AWS CRT natives; elsewhere run the same classes with every platform's.
  exec "$JAVA_HOME/bin/java" -cp "function/target/classes:$(cat function/target/classpath.txt)" \
    dev.bedrockchat.function.Main "$@"
fi
