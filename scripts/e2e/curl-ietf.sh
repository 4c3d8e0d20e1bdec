#!/usr/bin/env bash
# curl speaking the IETF resumable-upload draft (interop version 8) against a running server: an
# optimistic creation carrying the whole file is killed mid-body after its 104 named the upload;
# HEAD gives the offset, a PATCH of application/partial-upload sends the rest, and the stored
# bytes' sha256 must be the file's. Then a cancelled upload must be gone.
# Usage: scripts/e2e/curl-ietf.sh http://127.0.0.1:PORT/files/ WORKDIR
set -euo pipefail
endpoint="$1"; work="$2"
file="$work/curl-ietf.mp4"
head -c $((16 * 1024 * 1024)) /dev/urandom > "$file"
size=$(stat -c %s "$file")
v='Upload-Draft-Interop-Version: 8'
field() { awk -v name="$(echo "$1" | tr 'A-Z' 'a-z'):" 'tolower($1) == name {print $2}' | tr -d '\r' | head -1; }

# curl's trace (stderr, unbuffered) shows the 104 as it arrives; the transfer is cut after 2 s.
curl -sS -v -o /dev/null -X POST "$endpoint" -H "$v" -H 'Upload-Complete: ?1' \
  -H 'Content-Type: video/mp4' -H 'Content-Disposition: inline; filename="curl-ietf.mp4"' \
  --limit-rate 4M --max-time 2 --data-binary @"$file" 2> "$work/ietf-creation.txt" || true
grep -q '^< HTTP/1.1 104' "$work/ietf-creation.txt" || { echo "no 104 before the body was cut" >&2; exit 1; }
location=$(sed -n 's/^< //p' "$work/ietf-creation.txt" | field Location)
[ -n "$location" ] || { echo "the 104 carried no Location" >&2; exit 1; }

curl -sS -I "$location" -H "$v" > "$work/ietf-head.txt"
offset=$(field Upload-Offset < "$work/ietf-head.txt")
[ "$(field Upload-Complete < "$work/ietf-head.txt")" = "?0" ] || { echo "HEAD says the cut upload is complete" >&2; exit 1; }
if [ -z "$offset" ] || [ "$offset" -le 0 ] || [ "$offset" -ge "$size" ]; then
  echo "unexpected offset after the kill: '$offset'" >&2; exit 1
fi
tail -c +$((offset + 1)) "$file" | curl -sS -D "$work/ietf-patch.txt" -o /dev/null -X PATCH "$location" -H "$v" \
  -H "Upload-Offset: $offset" -H 'Upload-Complete: ?1' -H 'Content-Type: application/partial-upload' --data-binary @-
[ "$(field Upload-Complete < "$work/ietf-patch.txt")" = "?1" ] || { echo "the resuming PATCH did not complete the upload" >&2; exit 1; }
expected=$(sha256sum "$file" | cut -d' ' -f1)
actual=$(curl -sS "$location" | sha256sum | cut -d' ' -f1)
[ "$expected" = "$actual" ] || { echo "stored bytes differ from the file" >&2; exit 1; }
echo "ok curl interop 8: 104 then cut at $offset, resumed: sha256 $expected"

cancelled=$(curl -sS -D - -o /dev/null -X POST "$endpoint" -H "$v" -H 'Upload-Complete: ?0' | field Location)
[ "$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$cancelled" -H "$v")" = "204" ] || { echo "DELETE failed" >&2; exit 1; }
[ "$(curl -sS -o /dev/null -w '%{http_code}' -I "$cancelled" -H "$v")" = "404" ] || { echo "a cancelled upload is still there" >&2; exit 1; }
echo "ok curl interop 8: cancelled upload is gone"
