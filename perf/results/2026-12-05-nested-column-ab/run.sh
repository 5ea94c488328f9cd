#!/bin/bash
# A/B: fraiseql-http before (main ed34cee, author read from data) vs after (object column reads) vs thinref,
# on fraiseql_h_peer_med (10k users, 50k posts, 200k comments; v_post with its author column).
set -euo pipefail
cd /work/wt/peer
M='postgres:///fraiseql_h_peer_med?host=/var/run/postgresql'
out=${1:?out dir}; shift
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() { # var logfile cmd...
  local var=$1 logf=$2 addr; shift 2
  "$@" 2>"$logf" >&2 & pids+=($!); last=$!
  for _ in $(seq 1 300); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$logf" | head -1 || true)
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$addr/health" 2>/dev/null; then printf -v "$var" %s "$addr"; return 0; fi
    sleep 0.1
  done; cat "$logf" >&2; return 1
}
start B /tmp/peer-ab/b.log /tmp/peer-ab/fh-before serve --schema /tmp/peer-ab/src/examples/blog/app.graphql --database-url "$M" --host 127.0.0.1 --port 0 --environment production; pb=$last
start A /tmp/peer-ab/a.log /tmp/peer-ab/fh-after serve --schema examples/blog/app.graphql --database-url "$M" --host 127.0.0.1 --port 0 --environment production; pa=$last
start T /tmp/peer-ab/t.log /tmp/peer-ab/thinref --workloads perf/workloads/blog.json --database-url "$M" --port 0; pt=$last
nice -n 10 /tmp/peer-ab/fraiseql-bench run --target before=$B --target after=$A --target thinref=$T \
  --pid before=$pb --pid after=$pa --pid thinref=$pt --pg-database fraiseql_h_peer_med --database-url "$M" \
  --same-data before,after --reference thinref --workloads perf/workloads/blog.json "$@" \
  --note "shared 2-core machine, 4 other helpers building and testing" --out "$out"
