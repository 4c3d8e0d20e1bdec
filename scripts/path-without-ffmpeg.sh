#!/usr/bin/env bash
# Prints a PATH like the current one in which no ffmpeg or ffprobe can be found: each directory
# holding one is replaced by a shadow directory of links to everything else in it. CI runs the
# video tests under it to prove the fallback to the tools bundled in the jar.
set -euo pipefail
shadow_root="$(mktemp -d)"
out=""
IFS=':' read -r -a dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  if [ -e "$dir/ffmpeg" ] || [ -e "$dir/ffprobe" ]; then
    shadow="$shadow_root/$(echo "$dir" | tr '/' '_')"
    mkdir -p "$shadow"
    for entry in "$dir"/*; do
      name="$(basename "$entry")"
      [ "$name" = ffmpeg ] || [ "$name" = ffprobe ] || ln -s "$entry" "$shadow/$name"
    done
    dir="$shadow"
  fi
  out="${out:+$out:}$dir"
done
echo "$out"
