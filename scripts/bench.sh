#!/usr/bin/env bash
# The project's benchmark: builds everything, then measures sizes, start-up, per-turn latency, streaming and synth.
# Writes the table to test/target/bench/bench.md (the README's Performance section quotes it).
# Bench runs after the package phase on the build's toolchain JDK (test/pom.xml's bench profile), like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
./mvnw -B -q -ntp -Pbench package -DskipTests
