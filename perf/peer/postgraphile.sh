#!/usr/bin/env bash
# Installs PostGraphile (versions pinned by perf/peer/package-lock.json) into a
# cache folder outside the clone, once per machine and version, then runs it
# against a database in the foreground:
#
#   perf/peer/postgraphile.sh install                  install only, print the folder
#   perf/peer/postgraphile.sh DATABASE_URL [PORT] [WORKERS]
#
# It prints "postgraphile: listening on http://127.0.0.1:PORT" on stderr once it
# serves (PORT 0, the default, picks a free port) and answers GET /health.
# FRAISEQL_BENCH_CACHE overrides the cache root (default ~/.cache/fraiseql-http).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(node -e 'console.log(require(process.argv[1]).dependencies.postgraphile)' "$here/package.json")
sum=$(sha256sum <"$here/package-lock.json" | cut -c1-12)
dir=${FRAISEQL_BENCH_CACHE:-$HOME/.cache/fraiseql-http}/postgraphile-$version-$sum
if [ ! -e "$dir/.installed" ]; then
  echo "postgraphile: installing $version into $dir" >&2
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$here/package.json" "$here/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  touch "$dir/.installed"
fi
if [ "${1:-}" = install ]; then echo "$dir"; exit 0; fi
url=${1:?usage: perf/peer/postgraphile.sh install | DATABASE_URL [PORT] [WORKERS]}
cp "$here/server.js" "$dir/server.js"   # the wrapper is not part of the install key
exec node "$dir/server.js" "$url" "${2:-0}" "${3:-1}"
