#!/usr/bin/env bash
# The local command: runs the built function/target/function.jar (`./local.sh` builds it, then runs this) with the
# project's local JVM settings, which live here and nowhere else (Lambda's are ChatFunction.JAVA_TOOL_OPTIONS in
# infra). The benchmark starts every process it measures through this script.
#
#   scripts/run.sh           start the server (settings from the environment: PORT, CHAT_MODE, ... see README)
#   scripts/run.sh --train   make the JDK's ahead-of-time cache (function/target/function.aot) from a training run:
#                            the server against the project's Bedrock stand-in (function-tests.jar), driven through
#                            streamed and JSON chats, conversations and the page with curl, then stopped
#
# With JDK 25 or newer and a cache newer than the jar, the server starts from the cache (-XX:AOTCache: classes
# already loaded and linked; no method profiles, see train_jvm below); without one it starts as usual. Extra JVM
# options for one run: JDK_JAVA_OPTIONS (read by the java launcher itself).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/java-home.sh"
use_jdk21_or_newer || { echo "run.sh: needs a JDK 21 or newer: install one or set JAVA_HOME to it" >&2; exit 1; }

jar="$root/function/target/function.jar"
aot="$root/function/target/function.aot"
[ -f "$jar" ] || { echo "run.sh: $jar is missing: build it first (./mvnw -pl frontend,function package)" >&2; exit 1; }

# Chosen by the benchmark (README, Performance): the serial collector and a heap of at most 96 MB hold 200
# concurrent streams and 15,000 turns without growth, in far less memory than the JVM's default heap (a quarter of
# the machine's memory) lets the process take. Both compilers: C2 takes a running server well past C1's turns per
# second. Virtual threads serve the connections, so no platform thread stacks grow with them.
jvm=(
  -XX:+UseSerialGC
  -Xmx96m
  --enable-native-access=ALL-UNNAMED
)
# From JDK 22 on: the C library gives back the memory C2 frees after each compilation, every second (without it the
# resident size climbs by some 40 MiB over the first 20,000 turns and stays there).
[ "$(jdk_major "$JAVA_HOME")" -ge 22 ] 2>/dev/null && jvm+=(-XX:TrimNativeHeapInterval=1000)
# The training run compiles with C1 alone (it ends sooner) and records no method profiles in the cache, only the
# classes loaded and linked. A cache with the training's profiles started some 25 ms sooner, but the server it started
# kept running the methods the training had compiled with C1 in C1's code, C2 idle, even under long load: under wrk,
# 1,080-1,230 turns/s at 1.2-1.35 ms of CPU per turn, against 1,600-1,790/s at 0.7-0.8 ms without profiles.
# (AOTRecordTraining is a diagnostic option of JDK 25; an older or newer JDK without it fails the training loudly.)
train_jvm=("${jvm[@]}" -XX:TieredStopAtLevel=1 -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining)

aot_capable() { [ "$(jdk_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; }

if [ "${1:-}" = --train ]; then
  aot_capable || { echo "run.sh --train: the ahead-of-time cache needs JDK 25 or newer ($JAVA_HOME)" >&2; exit 1; }
  tests_jar="$root/function/target/function-tests.jar"
  [ -f "$tests_jar" ] || { echo "run.sh --train: $tests_jar is missing: build it first" >&2; exit 1; }
  command -v curl >/dev/null || { echo "run.sh --train: needs curl on PATH" >&2; exit 1; }
  work="$(mktemp -d)"
  stub_pid="" server_pid=""
  cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null || true
    rm -rf "$work"
  }
  trap cleanup EXIT
  "$JAVA_HOME/bin/java" -cp "$tests_jar:$jar" dev.bedrockchat.function.testing.BedrockRuntimeStub 0 >"$work/stub.log" 2>&1 &
  stub_pid=$!
  for _ in $(seq 200); do grep -q BEDROCK_STUB_PORT= "$work/stub.log" && break; sleep 0.05; done
  stub_port="$(sed -n 's/^BEDROCK_STUB_PORT=//p' "$work/stub.log")"
  [ -n "$stub_port" ] || { echo "run.sh --train: the Bedrock stand-in did not start:" >&2; cat "$work/stub.log" >&2; exit 1; }
  rm -f "$aot"
  # A clean environment: none of the shell's AWS, sign-in or storage settings reach the training server.
  env -i PATH="$PATH" HOME="$work" CHAT_MODE=bedrock AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDLOCALTRAINING \
    AWS_SECRET_ACCESS_KEY=local-training AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:$stub_port" \
    AWS_EC2_METADATA_DISABLED=true HOST=127.0.0.1 PORT=0 CHAT_DATA_DIR="$work/data" \
    "$JAVA_HOME/bin/java" "${train_jvm[@]}" -XX:AOTCacheOutput="$aot" -jar "$jar" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 400); do grep -q '"listening"' "$work/server.log" && break; sleep 0.05; done
  port="$(sed -n 's/.*"listening".*"port":\([0-9]*\).*/\1/p' "$work/server.log" | head -1)"
  [ -n "$port" ] || { echo "run.sh --train: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  for i in $(seq 30); do
    curl -sf -o /dev/null "$base/api/health"
    curl -sf -o /dev/null -N -H 'Content-Type: application/json' -H 'Accept: text/event-stream' \
      -d "{\"message\":\"training stream $i [burst]\"}" "$base/api/chat"
    id="$(curl -sf -H 'Content-Type: application/json' -d "{\"message\":\"training turn $i [burst]\"}" "$base/api/chat" \
      | sed -n 's/.*"conversationId":"\([^"]*\)".*/\1/p')"
    curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"message\":\"again\",\"conversationId\":\"$id\"}" \
      "$base/api/chat"
    curl -sf -o /dev/null "$base/api/conversations"
    curl -sf -o /dev/null "$base/api/conversations/$id"
    curl -sf -o /dev/null "$base/api/models"
    curl -s -o /dev/null "$base/"
    curl -s -o /dev/null "$base/api/nothing-here"
  done
  # The cache is written as the JVM exits (SIGTERM runs the shutdown hooks, then the JVM assembles the cache).
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
  [ -f "$aot" ] || { echo "run.sh --train: no cache was written:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
  echo "run.sh: ahead-of-time cache $aot ($(du -h "$aot" | cut -f1))" >&2
  exit 0
fi

if aot_capable && [ -f "$aot" ] && [ "$aot" -nt "$jar" ]; then
  jvm+=(-XX:AOTCache="$aot")
fi
exec "$JAVA_HOME/bin/java" "${jvm[@]}" -jar "$jar" "$@"
