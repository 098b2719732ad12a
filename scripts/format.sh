#!/usr/bin/env bash
# Formats the Java sources as the build checks them (palantir-java-format through Spotless).
# The formatter parses with the JVM Maven runs on, so Maven runs here on a JDK 21 or newer.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
use_jdk21_or_newer || { echo "format.sh: no JDK 21 or newer found: install one (any standard location) or set JAVA_HOME" >&2; exit 1; }
exec ./mvnw -B -q spotless:apply "$@"
