# Sourced by the scripts: makes `java` a JDK 21 or newer, picking one under /usr/lib/jvm when the
# default is older (this project's machines default to 17).
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}
current_java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$current_java" >/dev/null 2>&1 || [ "$(java_major "$current_java")" -lt 21 ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate/bin/java")" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      break
    fi
  done
fi
if [ "$(java_major "${JAVA_HOME:+$JAVA_HOME/bin/}java")" -lt 21 ]; then
  echo "Xeadline Uploads needs Java 21 or newer; set JAVA_HOME to one." >&2
  exit 1
fi
