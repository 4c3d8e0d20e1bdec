# Sourced by the scripts: puts a JDK 21 or newer first on PATH (and in JAVA_HOME), picking one
# under /usr/lib/jvm when neither JAVA_HOME nor the default `java` is new enough (this project's
# machines default to 17).
# java_major HOME: sets JAVA_MAJOR to the JDK's feature version, read from its release file:
# starting a JVM only to ask it costs 0.2 s or more on a busy machine, on every start of the
# server. Plain bash, no subshell (each $(...) forks, ~3 ms): scripts/run's own time is part of
# the server's start.
java_major() {
  local line
  JAVA_MAJOR=""
  if [ -f "$1/release" ]; then
    while IFS= read -r line; do
      if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then JAVA_MAJOR="${BASH_REMATCH[1]}"; break; fi
    done <"$1/release"
  fi
  [ -n "$JAVA_MAJOR" ] || JAVA_MAJOR="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)"
  JAVA_MAJOR="${JAVA_MAJOR:-0}"
}
java_ok() {
  [ -x "$1/bin/java" ] && java_major "$1" && [ "$JAVA_MAJOR" -ge 21 ]
}
if [ -z "${JAVA_HOME:-}" ] || ! java_ok "$JAVA_HOME"; then
  unset JAVA_HOME
  default_java="$(command -v java || true)"
  if [ -n "$default_java" ]; then
    default_java="$(readlink -f "$default_java")"
    default_home="${default_java%/bin/java}"
    java_ok "$default_home" && export JAVA_HOME="$default_home"
  fi
fi
if [ -z "${JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if java_ok "$candidate"; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ]; then
  echo "Xeadline Uploads needs a JDK 21 or newer and found none (JAVA_HOME, java on the PATH, /usr/lib/jvm/*): install one (e.g. Temurin 21 or 25 from adoptium.net) or set JAVA_HOME to it." >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
