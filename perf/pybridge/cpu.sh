#!/usr/bin/env bash
# CPU per request of the fraiseql-http binary and of the same server started
# from Python (perf/pybridge/serve.py), users-20x3 at CONNS connections:
# utime+stime of each server process (/proc/<pid>/stat) around a load run,
# divided by the requests served. Throughput on a shared machine moves with
# the neighbours; CPU per request does not, so this tells whether anything
# of Python is on the request path.
#
#   perf/pybridge/cpu.sh [DATABASE_URL]     (ROUNDS, DURATION, CONNS, PYTHON)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
url=${1:-$(scripts/devdb.sh)}
py=${PYTHON:-python3}
bin=$root/perf/.bin
tmp=$(mktemp -d)
export GOFLAGS=${GOFLAGS:--buildvcs=false}
(cd perf && go build -o "$bin/" ./cmd/fraiseql-bench)
(cd httpcore && go build -o "$bin/fraiseql-http" ./cmd/fraiseql-http)
make --no-print-directory pybridge >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
start() { # var pidvar log cmd...: start a server, wait for its /health
  local var=$1 pidvar=$2 logf=$3 addr; shift 3
  "$@" 2>"$logf" >&2 &
  pids+=($!); printf -v "$pidvar" %s $!
  for _ in $(seq 1 200); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$logf" | head -1 || true)
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$addr/health" 2>/dev/null; then printf -v "$var" %s "$addr"; return 0; fi
    sleep 0.1
  done
  echo "cpu: $logf: server did not start" >&2; cat "$logf" >&2; return 1
}
schema=examples/blog/app.graphql
start bin_url bin_pid "$tmp/binary.log" "$bin/fraiseql-http" serve --schema $schema --database-url "$url" --host 127.0.0.1 --port 0 --environment production
start py_url py_pid "$tmp/python.log" env PYTHONPATH=pybridge/python "$py" perf/pybridge/serve.py serve $schema "$url"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
printf '| round | target | req/s | requests | server CPU | CPU per request |\n|---:|---|---:|---:|---:|---:|\n'
for round in $(seq 1 "${ROUNDS:-2}"); do
  for t in "binary $bin_pid $bin_url" "python $py_pid $py_url"; do
    read -r name pid addr <<<"$t"
    c0=$(ticks "$pid")
    "$bin/fraiseql-bench" run --target "$name=$addr" --workloads perf/workloads/blog.json --select users-20x3 \
      --connections "${CONNS:-50}" --duration "${DURATION:-5s}" --rounds 1 --reference "$name" \
      --database-url "$url" --out "$tmp/$name" >/dev/null 2>&1
    c1=$(ticks "$pid")
    "$py" - "$tmp/$name/results.json" "$round" "$name" "$((c1 - c0))" "$hz" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
ticks, hz = int(sys.argv[4]), int(sys.argv[5])
print(f"| {sys.argv[2]} | {sys.argv[3]} | {r['rps']:.0f} | {r['requests']} | {ticks / hz:.2f} s | "
      f"{ticks / hz / r['requests'] * 1e6:.1f} µs |")
PY
  done
done
