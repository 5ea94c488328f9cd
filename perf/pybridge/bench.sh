#!/usr/bin/env bash
# The Python bridge against the binary, in the same run (issue 9's targets):
# throughput of users-20x3 served by fraiseql-http started from Python
# (fraiseql_http) and by the fraiseql-http binary, interleaved; and the
# latency of `await start()` after the library is loaded.
#
#   perf/pybridge/bench.sh [DATABASE_URL]    (make bench-pybridge)
#
# Both servers run in production mode on 127.0.0.1 against the same database
# (default: the demo database from scripts/devdb.sh; users-20x3 only reads).
# Results go to perf/results/<date>-pybridge[-N]/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
url=${1:-$(scripts/devdb.sh)}
py=${PYTHON:-python3}
bin=$root/perf/.bin
out=$root/perf/results/$(date -u +%Y-%m-%d)-pybridge
if [ -e "$out" ]; then n=2; while [ -e "$out-$n" ]; do n=$((n + 1)); done; out=$out-$n; fi
mkdir -p "$bin" "$out"
log() { echo "bench-pybridge: $*" >&2; }
export GOFLAGS=${GOFLAGS:--buildvcs=false}

(cd perf && go build -o "$bin/" ./cmd/fraiseql-bench)
(cd httpcore && go build -o "$bin/fraiseql-http" ./cmd/fraiseql-http)
make --no-print-directory pybridge >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() {
  local var=$1 logf=$2 addr; shift 2
  "$@" 2>"$logf" >&2 &
  pids+=($!)
  for _ in $(seq 1 200); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$logf" | head -1 || true)
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$addr/health" 2>/dev/null; then printf -v "$var" %s "$addr"; return 0; fi
    sleep 0.1
  done
  log "$logf: server did not start"; cat "$logf" >&2; return 1
}
schema=examples/blog/app.graphql
start bin_url "$bin/pybridge-binary.log" "$bin/fraiseql-http" serve --schema $schema --database-url "$url" --host 127.0.0.1 --port 0 --environment production
start py_url "$bin/pybridge-python.log" env PYTHONPATH=pybridge/python "$py" perf/pybridge/serve.py serve $schema "$url"

log "load run: users-20x3, binary vs started from Python ($($py -c 'import sys; print(sys.version.split()[0])'))"
"$bin/fraiseql-bench" run --target "binary=$bin_url" --target "python=$py_url" \
  --label "binary=fraiseql-http $(git rev-parse --short HEAD) binary, --environment production" \
  --label "python=the same server started in-process by fraiseql_http ($py), production" \
  --workloads perf/workloads/blog.json --select users-20x3 --connections ${CONNS:-10,50} \
  --duration ${DURATION:-6s} --rounds ${ROUNDS:-3} --reference binary --database-url "$url" \
  --title "Python bridge vs binary $(date -u +%Y-%m-%d)" --note "${BENCH_NOTE:-client, servers and PostgreSQL on one box}" \
  --out "$out" >/dev/null
cleanup; pids=()

log "startup: await start() after one library load"
PYTHONPATH=pybridge/python "$py" perf/pybridge/serve.py startup $schema "$url" ${STARTS:-20} > "$out/startup.json"
log "results in $out"
cat "$out/results.md" "$out/startup.json"
