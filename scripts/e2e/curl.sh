#!/usr/bin/env bash
# curl against a running server: create, PATCH part of a file, kill curl mid-transfer, HEAD,
# resume from the reported offset, and compare the stored bytes' sha256 with the file's.
# Usage: scripts/e2e/curl.sh http://127.0.0.1:PORT/files/ WORKDIR
set -euo pipefail
endpoint="$1"; work="$2"
file="$work/curl.mp4"
head -c $((24 * 1024 * 1024)) /dev/urandom > "$file"
size=$(stat -c %s "$file")
location=$(curl -sS -D - -o /dev/null -X POST "$endpoint" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" \
  | awk 'tolower($1) == "location:" {print $2}' | tr -d '\r')
[ -n "$location" ] || { echo "no Location from POST" >&2; exit 1; }

# Send slowly, then kill curl mid-body, as a dropped connection would.
curl -sS -o /dev/null -X PATCH "$location" -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
  -H 'Content-Type: application/offset+octet-stream' --limit-rate 4M --data-binary @"$file" &
pid=$!
sleep 2
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
sleep 1

offset=$(curl -sS -I "$location" -H 'Tus-Resumable: 1.0.0' | awk 'tolower($1) == "upload-offset:" {print $2}' | tr -d '\r')
if [ -z "$offset" ] || [ "$offset" -le 0 ] || [ "$offset" -ge "$size" ]; then
  echo "unexpected offset after the kill: '$offset'" >&2; exit 1
fi
tail -c +$((offset + 1)) "$file" | curl -sS -o /dev/null -w '%{http_code}' -X PATCH "$location" -H 'Tus-Resumable: 1.0.0' \
  -H "Upload-Offset: $offset" -H 'Content-Type: application/offset+octet-stream' --data-binary @- > "$work/status"
[ "$(cat "$work/status")" = "204" ] || { echo "resume PATCH answered $(cat "$work/status")" >&2; exit 1; }

expected=$(sha256sum "$file" | cut -d' ' -f1)
actual=$(curl -sS "$location" | sha256sum | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { echo "stored bytes differ: $actual != $expected" >&2; exit 1; }
echo "ok curl killed at $offset of $size and resumed: sha256 $expected"
