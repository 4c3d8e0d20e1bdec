#!/usr/bin/env bash
# Builds the upload page into $1 (the server's classes, under web/). Without Node.js and npm, or
# when npm cannot fetch packages, it installs a page that says how to get the real one, and the
# Maven build goes on.
set -uo pipefail
cd "$(dirname "$0")"
out="$1"
mkdir -p "$out"

fallback() {
  echo "web: $1; the page at / will say how to enable the upload page" >&2
  cp fallback.html "$out/index.html"
  rm -f "$out/app.js" "$out/app.css" "$out/app.js.LEGAL.txt" "$out/app.css.LEGAL.txt"
  exit 0
}

if [ "${XEADLINE_WEB_SKIP:-false}" = true ]; then
  fallback "XEADLINE_WEB_SKIP=true"
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  fallback "Node.js/npm not found"
fi
# npm ci only when the lock changed since the last install: repeat builds stay fast.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || fallback "npm ci failed"
fi
node build.mjs "$out" || fallback "the page build failed"
