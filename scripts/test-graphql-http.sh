#!/usr/bin/env bash
# graphql-http's auditServer (the GraphQL-over-HTTP conformance audit) against
# bin/fraiseql-http serving the demo app, in development and in production
# (`make test-graphql-http`). graphql-http is pinned in
# httpcore/internal/gqlhttp/audittest/package-lock.json and installed once per
# lock file into ~/.cache/fraiseql-http.
#
# Environment: FRAISEQL_TEST_DATABASE_URL (else the local cluster's database
# $AUDIT_TEST_DB, default fraiseql_audit, loaded when missing; the audit only
# reads).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=httpcore/internal/gqlhttp/audittest

lock_sum=$(sha256sum "$dir/package-lock.json" | cut -c1-16)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fraiseql-http/graphql-http-audit-$lock_sum
if [ ! -d "$cache/node_modules" ]; then
	mkdir -p "$(dirname "$cache")"
	tmp=$(mktemp -d "${cache}.XXXX")
	cp "$dir/package.json" "$dir/package-lock.json" "$tmp/"
	(cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp" # another run got there first
fi
ln -sfn "$cache/node_modules" "$dir/node_modules"

url=${FRAISEQL_TEST_DATABASE_URL:-$(FRAISEQL_DEMO_DB=${AUDIT_TEST_DB:-fraiseql_audit} scripts/devdb.sh)}
make --no-print-directory bin/fraiseql-http >&2

pids=()
logs=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -f "${logs[@]}"' EXIT
base=""
start_server() { # environment: sets $base to the server's URL
	local log
	log=$(mktemp)
	logs+=("$log")
	bin/fraiseql-http serve --schema examples/blog/app.graphql --database-url "$url" \
		--host 127.0.0.1 --port 0 --environment "$1" >/dev/null 2>"$log" &
	pids+=($!)
	for _ in $(seq 100); do
		base=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | cut -d' ' -f3) && [ -n "$base" ] && return
		sleep 0.1
	done
	echo "test-graphql-http: the $1 server did not start" >&2
	cat "$log" >&2
	return 1
}
start_server development
dev=$base
start_server production
prod=$base
URL_DEVELOPMENT=$dev/graphql URL_PRODUCTION=$prod/graphql node --test --test-reporter=spec "$dir/audit.test.mjs"
