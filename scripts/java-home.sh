# Sourced by local.sh and .ci/run: points JAVA_HOME at a JDK 21 or newer.
# Keeps a JAVA_HOME that is new enough; otherwise takes the newest JDK under /usr/lib/jvm or on PATH.
# Returns 1 (and leaves JAVA_HOME alone) when there is none.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | sed 's/^1\.//'
}

use_jdk21_or_newer() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ] 2>/dev/null; then
    export PATH="$JAVA_HOME/bin:$PATH"
    return 0
  fi
  local best="" best_major=0 jdk major candidates=()
  for jdk in /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/; do
    [ -x "${jdk}bin/javac" ] && candidates+=("${jdk%/}")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for jdk in "${candidates[@]}"; do
    major="$(java_major "$jdk/bin/java")"
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ] 2>/dev/null; then best="$jdk"; best_major="$major"; fi
  done
  [ "$best_major" -ge 21 ] || return 1
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}
