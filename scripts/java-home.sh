# Sourced by local.sh, scripts/cdk-app.sh, scripts/bench.sh, scripts/format.sh and .ci/run: finds a JDK 21 or newer.
# Keeps a JAVA_HOME that is new enough; otherwise takes the newest JDK in the places Maven's toolchain discovery
# searches too (/usr/lib/jvm, /usr/java, /opt/java, macOS's JavaVirtualMachines, SDKMAN, ~/.jdks, ~/.m2/jdks ...)
# or the javac on PATH. On success it exports JAVA_HOME and puts its bin/ first on PATH; it prints nothing.
# Returns 1 (and leaves JAVA_HOME alone) when there is none.

# The feature version of the JDK at $1 (25 for 25.0.3, 8 for 1.8.0): from its release file, else by asking its java.
jdk_major() {
  local version=""
  if [ -r "$1/release" ]; then
    version="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$1/release")"
  fi
  if [ -z "$version" ] && [ -x "$1/bin/java" ]; then
    version="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  fi
  version="${version#1.}"
  printf '%s\n' "${version%%[!0-9]*}"
}

is_jdk21_or_newer() {
  [ -n "${1:-}" ] && [ -x "$1/bin/javac" ] && [ "$(jdk_major "$1")" -ge 21 ] 2>/dev/null
}

use_jdk21_or_newer() {
  if is_jdk21_or_newer "${JAVA_HOME:-}"; then
    export PATH="$JAVA_HOME/bin:$PATH"
    return 0
  fi
  local best="" best_major=0 jdk major
  local candidates=(
    /usr/lib/jvm/*/ /usr/java/*/ /usr/jdk/*/ /opt/java/*/
    /Library/Java/JavaVirtualMachines/*/Contents/Home/ "$HOME"/Library/Java/JavaVirtualMachines/*/Contents/Home/
    "$HOME"/.sdkman/candidates/java/*/ "$HOME"/.jdks/*/ "$HOME"/.m2/jdks/*/ "$HOME"/.gradle/jdks/*/
    "$HOME"/.asdf/installs/java/*/ "$HOME"/.jbang/cache/jdks/*/
  )
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for jdk in "${candidates[@]}"; do
    jdk="${jdk%/}"
    [ -x "$jdk/bin/javac" ] || continue
    major="$(jdk_major "$jdk")"
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ] 2>/dev/null; then best="$jdk"; best_major="$major"; fi
  done
  [ "$best_major" -ge 21 ] || return 1
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}
