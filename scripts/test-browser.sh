#!/usr/bin/env bash
# The embedded GraphiQL page in a real headless browser (`make test-browser`):
# Debian's chromium (installed when missing), puppeteer-core (pinned in
# httpcore/internal/graphiql/browsertest/package-lock.json, installed once per
# lock file into ~/.cache/fraiseql-http), bin/fraiseql-http serving the demo
# app against a test database, and the Node test runner.
#
# Environment: FRAISEQL_TEST_DATABASE_URL (else the local cluster's database
# $BROWSER_TEST_DB, default fraiseql_browser, loaded when missing; the test
# only reads), CHROMIUM (a browser to use instead), SCREENSHOT (default
# bin/graphiql-browser.png).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=httpcore/internal/graphiql/browsertest
screenshot=${SCREENSHOT:-$root/bin/graphiql-browser.png}

chromium=$(scripts/ensure-chromium.sh)

lock_sum=$(sha256sum "$dir/package-lock.json" | cut -c1-16)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fraiseql-http/graphiql-browsertest-$lock_sum
if [ ! -d "$cache/node_modules" ]; then
	mkdir -p "$(dirname "$cache")"
	tmp=$(mktemp -d "${cache}.XXXX")
	cp "$dir/package.json" "$dir/package-lock.json" "$tmp/"
	(cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
	mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp" # another run got there first
fi
ln -sfn "$cache/node_modules" "$dir/node_modules"

url=${FRAISEQL_TEST_DATABASE_URL:-$(FRAISEQL_DEMO_DB=${BROWSER_TEST_DB:-fraiseql_browser} scripts/devdb.sh)}
# A user row straight from PostgreSQL, in the tenant an anonymous request
# reads (the schema's tenant_id default): the result pane must show it.
tenant=$(grep -o 'name: "tenant_id".*default: "[0-9a-f-]*"' examples/blog/app.graphql | grep -o '[0-9a-f-]\{36\}')
IFS='|' read -r id first email < <(psql "$url" -Atqc \
	"select id, data->>'first_name', data->>'email' from v_user where tenant_id = '$tenant' order by id desc limit 1")
[ -n "$id" ] || { echo "test-browser: no user in $url" >&2; exit 1; }

make --no-print-directory bin/fraiseql-http >&2
mkdir -p bin
log=$(mktemp)
bin/fraiseql-http serve --schema examples/blog/app.graphql --database-url "$url" \
	--host 127.0.0.1 --port 0 --environment development --graphiql embedded 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
base=""
for _ in $(seq 100); do
	base=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | cut -d' ' -f3) && [ -n "$base" ] && break
	kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
	sleep 0.1
done
[ -n "$base" ] || { echo "test-browser: server did not start" >&2; cat "$log" >&2; exit 1; }

start=$(date +%s)
BASE_URL=$base CHROMIUM=$chromium SCREENSHOT=$screenshot \
	EXPECT_ID=$id EXPECT_FIRST_NAME=$first EXPECT_EMAIL=$email \
	node --test --test-reporter=spec "$dir/graphiql.test.mjs"
echo "test-browser: passed in $(( $(date +%s) - start )) s against $base; screenshot $screenshot"
