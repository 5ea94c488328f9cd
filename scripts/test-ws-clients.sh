#!/usr/bin/env bash
# Real GraphQL-over-WebSocket clients against two real servers (`make test-ws`):
# bin/fraiseql-http serve started twice, the way a user starts it, on one
# scratch copy of the demo database with the subscriptions trigger installed
# (scripts/devdb.sh), and subscriptions/clients/node/ws.test.mjs under Node's
# test runner: graphql-ws 6.4.2 (graphql-transport-ws) and
# subscriptions-transport-ws 0.11.0 (legacy graphql-ws), pinned in
# package-lock.json and installed once per lock file into ~/.cache/fraiseql-http.
# The two-instance case subscribes on B and sends updatePost over HTTP to A.
#
# Environment: FRAISEQL_DATABASE_URL (a server to create the scratch database
# on; else the local cluster), WS_TEST_DB (its name, default
# fraiseql_ws_test_<pid>, so that runs at the same time never share it;
# created afresh and dropped at exit: the tests write).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=subscriptions/clients/node

lock_sum=$(sha256sum "$dir/package-lock.json" | cut -c1-16)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fraiseql-http/ws-clients-$lock_sum
if [ ! -d "$cache/node_modules" ]; then
	mkdir -p "$(dirname "$cache")"
	tmp=$(mktemp -d "${cache}.XXXX")
	cp "$dir/package.json" "$dir/package-lock.json" "$tmp/"
	(cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp" # another run got there first
fi
# A real node_modules left by a manual npm install is replaced by the link.
[ -L "$dir/node_modules" ] || rm -rf "$dir/node_modules"
ln -sfn "$cache/node_modules" "$dir/node_modules"

db=${WS_TEST_DB:-fraiseql_ws_test_$$}
url=$(FRAISEQL_DEMO_DB=$db scripts/devdb.sh --reload)
make --no-print-directory bin/fraiseql-http >&2

logs=()
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -f "${logs[@]}"
	# devdb.sh prints <server>/<db>[?query]: drop it from the server's postgres database.
	psql "${url/\/$db/\/postgres}" -qc "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# start_server: one instance on a free port; sets base to its URL once it is
# ready (runs in this shell, so cleanup knows its pid).
start_server() {
	local log
	log=$(mktemp)
	logs+=("$log")
	bin/fraiseql-http serve --schema examples/blog/app.graphql,examples/blog/subscriptions.graphql \
		--database-url "$url" --host 127.0.0.1 --port 0 --pool-size 4 2>"$log" &
	pids+=($!)
	local pid=$!
	base=""
	for _ in $(seq 100); do
		base=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | cut -d' ' -f3) && [ -n "$base" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
		sleep 0.1
	done
	[ -n "$base" ] || { echo "test-ws: server did not start" >&2; cat "$log" >&2; return 1; }
	# Ready means the LISTEN connection is up too.
	for _ in $(seq 100); do
		curl -fsS "$base/ready" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "test-ws: $base never became ready" >&2
	curl -sS "$base/ready" >&2 || true
	return 1
}
start_server
a=$base
start_server
b=$base

start=$(date +%s)
FRAISEQL_HTTP_URL=$a/graphql FRAISEQL_HTTP_URL_B=$b/graphql FRAISEQL_REQUIRE_TWO_INSTANCES=1 \
	node --test --test-reporter=spec "$dir/ws.test.mjs"
echo "test-ws: passed in $(( $(date +%s) - start )) s against $a and $b"
