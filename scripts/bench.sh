#!/usr/bin/env bash
# The project's benchmark: builds everything, then measures sizes, cold starts, the time the function adds to a
# stream, throughput (wrk), memory (after many turns, under 200 concurrent streams, a leak check) and synth.
# Writes one table to test/target/bench/bench.md (the README's Performance section quotes it).
# Bench runs after the package phase on the build's toolchain JDK (test/pom.xml's bench profile), like the tests;
# it makes the ahead-of-time cache first (scripts/run.sh --train) and starts every server through scripts/run.sh.
#
#   scripts/bench.sh            the full run (20 fresh processes, 1,000 streams, 60 s of 200 streams, 10,000 turns)
#   scripts/bench.sh --quick    fewer processes and turns, no synth: for iterating
#   scripts/bench.sh --no-aot   without the ahead-of-time cache (to compare)
#
# Needs: a JDK 21+ (25 for the ahead-of-time cache), Node.js 20+ with npm (the page and the CDK CLI), curl, and
# wrk (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk). Linux (/proc) for the memory figures.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
use_jdk21_or_newer || { echo "bench.sh: needs a JDK 21 or newer: install one or set JAVA_HOME to it" >&2; exit 1; }
for tool in node npm curl wrk; do
  command -v "$tool" >/dev/null || {
    echo "bench.sh: needs $tool on PATH (wrk: apt-get install wrk / brew install wrk)" >&2
    exit 1
  }
done
[ -d /proc/self ] || { echo "bench.sh: needs Linux (/proc) for the memory figures" >&2; exit 1; }

quick=false aot=true
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    --no-aot) aot=false ;;
    *) echo "bench.sh: unknown option $arg (use --quick, --no-aot)" >&2; exit 2 ;;
  esac
done
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
# The function's test classes are compiled again, with JMH's annotation processor (the bench profile's): classes left
# by an earlier build without it would leave the JMH benchmarks unlisted.
rm -rf function/target/test-classes
./mvnw -B -q -ntp -Pbench package -DskipTests -Dbench.quick="$quick" -Dbench.aot="$aot"
