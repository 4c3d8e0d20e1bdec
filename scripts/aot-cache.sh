# Sourced by scripts/run: aot_cache_flags JAR JVM_FLAGS... sets AOT_FLAGS to the flags that start
# JAR from its JDK 25 AOT cache, training one first if there is none for this jar and JDK; AOT_FLAGS
# is empty (a plain start) on an older JDK, with UPLOADS_AOT=off, or when training fails.
# aot_train CACHE JAR JVM_FLAGS... trains one: the server started once on a loopback port with
# an empty data directory, asked OPTIONS, POST, PATCH and HEAD, and stopped (the JVM writes the
# cache as it exits). Every class in the cache is loaded at each start, used or not, so the
# training stays on the tus path: a chunked upload through the JSON API as well made the cache
# 2.4 MB larger and a server's idle RSS 2.4 MiB higher, for ~70 ms saved once, on the first JSON API
# upload after a start (measured side by side; its classes are then loaded from the jar).
aot_cache_flags() {
  local jar="$1"; shift
  AOT_FLAGS=()
  [ "${UPLOADS_AOT:-on}" = off ] && return 0
  # The JDK's version and home from its release file, as scripts/java-env.sh reads it: no JVM
  # start and no subprocess beyond stat (this script's time is part of the server's start).
  local jdk="" line size_time cache jar_dir="${jar%/*}" jar_name="${jar##*/}"
  java_major "$JAVA_HOME"
  [ "$JAVA_MAJOR" -ge 25 ] || return 0
  if [ -f "$JAVA_HOME/release" ]; then
    while IFS= read -r line; do
      [[ "$line" =~ ^(JAVA_RUNTIME_VERSION|IMPLEMENTOR)= ]] && jdk+="${line#*=}-"
    done <"$JAVA_HOME/release"
  fi
  local here="$PWD"
  CDPATH='' cd -P -- "$JAVA_HOME" || return 0
  jdk+="$PWD"
  cd -- "$here" || return 0
  jdk="${jdk//[^A-Za-z0-9.+-]/_}"
  size_time="$(stat -c '%s-%Y' "$jar")"
  cache="$jar_dir/aot/${jar_name%.jar}-$size_time-$jdk.aot"
  # Caches of earlier builds or JDKs are never used again (nor what was checked of them).
  local old
  for old in "$jar_dir/aot/${jar_name%.jar}"-*.aot*; do
    [ -f "$old" ] && [ "$old" != "$cache" ] && [[ "$old" != "$cache".ok-* ]] && [[ "$old" != "$cache".no-* ]] && rm -f "$old"
  done
  if [ ! -f "$cache" ]; then
    echo "scripts/run: training the start-up cache for this jar and JDK once (UPLOADS_AOT=off skips it) ..." >&2
    aot_train "$cache" "$jar" "$@" || true
  fi
  # -XX:AOTMode=auto: a cache the JVM cannot use is ignored, mostly (see aot_usable_with).
  # ArchiveRelocationMode=0 maps the cache at the address it was made for instead of a random one
  # (the default since JDK 20, for ASLR): no pass relocating every pointer in it at start-up, and
  # its pages stay clean file pages shared with the page cache instead of ~65 MB of private
  # copies. IgnoreUnrecognizedVMOptions: a later JDK without that diagnostic flag still starts.
  [ -f "$cache" ] && AOT_FLAGS=(-XX:AOTCache="$cache" -XX:AOTMode=auto -Xlog:aot=off -Xlog:cds=off
    -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-AOTReplayTraining)
  local operator="${UPLOADS_JVM_OPTS:-}${JAVA_TOOL_OPTIONS:-}${JDK_JAVA_OPTIONS:-}"
  if [ ${#AOT_FLAGS[@]} -gt 0 ] && [ -n "$operator" ] && ! aot_usable_with "$cache" "$jar" "$@"; then
    echo "scripts/run: the start-up cache cannot be used with these JVM options (UPLOADS_JVM_OPTS, JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS); starting without it" >&2
    AOT_FLAGS=()
  fi
  return 0
}

# aot_usable_with CACHE JAR JVM_FLAGS...: whether a JVM starts from CACHE with these flags and the
# operator's JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS. Not every unusable cache is ignored: one whose
# archived objects do not fit the old generation the flags leave (e.g. -Xmn6m with -Xms8m) stops
# the JVM with "Unable to use AOT cache". A new set of options is tried once with -version and the
# answer kept next to the cache; "unusable" only when the same options start without the cache
# (wrong flags, or a host short of memory for a moment, are left for the real start to report).
aot_usable_with() {
  local cache="$1" jar="$2"; shift 2
  local sum; sum="$(printf '%s\n' "$@" "${JAVA_TOOL_OPTIONS:-}" "${JDK_JAVA_OPTIONS:-}" | cksum)"
  sum="${sum%% *}"
  [ -f "$cache.ok-$sum" ] && return 0
  [ -f "$cache.no-$sum" ] && return 1
  if java "$@" "${AOT_FLAGS[@]}" -cp "$jar" -version >/dev/null 2>&1; then
    touch "$cache.ok-$sum" 2>/dev/null || true
    return 0
  fi
  if java "$@" -cp "$jar" -version >/dev/null 2>&1; then
    touch "$cache.no-$sum" 2>/dev/null || true
    return 1
  fi
  return 0
}

aot_train() {
  local cache="$1" jar="$2"; shift 2
  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/xeadline-aot.XXXXXX")"
  mkdir -p "$(dirname "$cache")"
  # No training data (JEP 515's method profiles): they feed the optimizing compiler, which the
  # server does not use (TieredStopAtLevel=1); without them the cache is ~2 MB smaller, and a start
  # neither maps them nor replays them to the compiler (measured side by side: first OPTIONS 825 ->
  # 728 ms, first 201 1981 -> 1819 ms, idle RSS ~3 MiB less).
  java "$@" -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
    -XX:AOTCacheOutput="$dir/app.aot" -Xlog:aot=off -Xlog:cds=off -jar "$jar" \
    --server.host=127.0.0.1 --server.port=0 --storage.data-dir="$dir/data" --auth.mode=none \
    >"$dir/log" 2>&1 </dev/null &
  local pid=$! url=""
  for _ in $(seq 1 1200); do
    url="$(grep -o '"url":"http://127.0.0.1:[0-9]*/files/"' "$dir/log" 2>/dev/null | head -1 | cut -d'"' -f4)" || true
    [ -n "$url" ] || ! kill -0 "$pid" 2>/dev/null || { sleep 0.1; continue; }
    break
  done
  if [ -n "$url" ] && command -v curl >/dev/null; then
    local t=(-H 'Tus-Resumable: 1.0.0') location
    curl -s -o /dev/null -X OPTIONS "${t[@]}" "$url" || true
    location="$(curl -s -D - -o /dev/null -X POST "${t[@]}" -H 'Upload-Length: 5' "$url" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')" || true
    if [ -n "$location" ]; then
      curl -s -o /dev/null -X PATCH "${t[@]}" -H 'Upload-Offset: 0' -H 'Content-Type: application/offset+octet-stream' --data-binary hello "$location" || true
      curl -s -o /dev/null -I "${t[@]}" "$location" || true
    fi
    curl -s -o /dev/null "${url%/files/}/healthz" || true
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local ok=1
  if [ -s "$dir/app.aot" ]; then
    mv -f "$dir/app.aot" "$cache" && ok=0
  else
    echo "scripts/run: no start-up cache was made (the server starts without one); see $dir/log" >&2
    return 1
  fi
  rm -rf "$dir"
  return $ok
}
