#!/usr/bin/env bash
# The project's benchmark: builds everything, then measures sizes, start-up, per-turn latency, streaming and synth.
# Writes the table to test/target/bench/bench.md (the README's Performance section quotes it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
use_jdk21_or_newer || { echo "bench.sh: needs a JDK 21 or newer" >&2; exit 1; }
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
./mvnw -B -q -ntp install -DskipTests >&2
./mvnw -B -q -ntp -pl test exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.bedrockchat.system.bench.Bench -Drepo.root="$PWD"
