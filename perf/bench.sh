#!/usr/bin/env bash
# Runs the side-by-side benchmark and writes perf/results/<date>-<mode>[-N]/ (a new folder each run).
#
#   perf/bench.sh quick   (make bench)       about 2-3 minutes: 4 workloads, short slices,
#                                            small leak check; FastAPI baseline only if
#                                            its packages are already installed
#   perf/bench.sh full    (make bench-full)  every workload, longer slices, 100k → 1M leak
#                                            check, 20k connections, FastAPI baseline
#                                            installed if missing, introspection run
#
# Targets: fraiseql-http (production), the thin reference (net/http + pgx), the
# FastAPI baseline (v1-style, NOT the real FraiseQL), and the raw-pgx floor.
# Everything listens on 127.0.0.1 and runs against a fresh benchmark database
# (perf/dataset.sh), never the demo database tests use. BENCH_NOTE sets the
# machine note recorded in results.json (e.g. "shared machine, tests running").
set -euo pipefail
mode=${1:-quick}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$root/perf/.bin
out=$root/perf/results/$(date -u +%Y-%m-%d)-$mode
# Never overwrite an earlier run of the same day: committed results stay as they were.
if [ -e "$out" ]; then
  n=2
  while [ -e "$out-$n" ]; do n=$((n + 1)); done
  out=$out-$n
fi
mkdir -p "$bin" "$out"
log() { echo "bench: $*" >&2; }
export GOFLAGS=${GOFLAGS:--buildvcs=false}

case "$mode" in
  quick)
    select=users-20x3,posts-10-author,user-by-id,apq-hit
    conns=1,10,50; duration=1s; rounds=2
    runs=3; leak_small=10000; leak_large=50000; hold=2000
    fa_leak_small=2000; fa_leak_large=6000
    ;;
  full)
    select=users-20x3,posts-10-author,users-filtered,user-by-id,update-post,apq-hit
    conns=1,10,50; duration=6s; rounds=3
    runs=10; leak_small=100000; leak_large=1000000; hold=20000
    fa_leak_small=10000; fa_leak_large=30000
    ;;
  *) echo "usage: perf/bench.sh quick|full" >&2; exit 2 ;;
esac

log "building into $bin"
(cd perf && go build -o "$bin/" ./cmd/fraiseql-bench ./cmd/thinref)
(cd httpcore && go build -o "$bin/fraiseql-http" ./cmd/fraiseql-http)

fastapi=0
if [ "$mode" = full ]; then
  perf/baseline/setup.sh && fastapi=1
elif perf/baseline/setup.sh >/dev/null 2>&1 && dpkg -s python3-fastapi >/dev/null 2>&1; then
  fastapi=1
else
  log "FastAPI baseline skipped (run perf/baseline/setup.sh or make bench-full to install it)"
fi

url=$(perf/dataset.sh medium $([ "$mode" = quick ] && echo --reuse))
log "database $url"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start VAR NAME LOGFILE CMD...: starts a server in this shell (so the EXIT trap
# knows its PID), waits for its announced address and stores it in VAR.
start() {
  local var=$1 name=$2 logf=$3 addr; shift 3
  "$@" 2>"$logf" >&2 &
  pids+=($!)
  for _ in $(seq 1 200); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$logf" | head -1 || true)
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$addr/health" 2>/dev/null; then printf -v "$var" %s "$addr"; return 0; fi
    sleep 0.1
  done
  log "$name did not start:"; cat "$logf" >&2; return 1
}

fh_cmd=("$bin/fraiseql-http" serve --schema examples/blog/app.graphql --database-url "$url" --host 127.0.0.1 --port 0 --environment production)
tr_cmd=("$bin/thinref" --workloads perf/workloads/blog.json --database-url "$url" --port 0)
fa_cmd=(perf/baseline/run.sh "$url" 0)
pyver=$(/usr/bin/python3 -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "?")
fa_label="FastAPI baseline, NOT the real FraiseQL: v1-style app in perf/baseline on CPython $pyver, FastAPI $(dpkg-query -W -f='${Version}' python3-fastapi 2>/dev/null || echo '?'), uvicorn $(dpkg-query -W -f='${Version}' python3-uvicorn 2>/dev/null || echo '?') (h11, asyncio, 1 process), psycopg $(dpkg-query -W -f='${Version}' python3-psycopg 2>/dev/null || echo '?'), graphql-core 3.2"

# 1. single-process measurements (each server started alone, nothing else under load)
procs=()
log "process measurements"
# fraiseql-http bounds open client connections (--max-connections, default
# 10000); the hold measurement raises the bound to the number attempted, and
# the report says so.
"$bin/fraiseql-bench" proc --name fraiseql-http --startup-runs $runs --leak-small $leak_small --leak-large $leak_large \
  --hold $hold --out "$out/proc-fraiseql-http.json" -- "${fh_cmd[@]}" --max-connections $hold >/dev/null && procs+=(--proc "$out/proc-fraiseql-http.json")
"$bin/fraiseql-bench" proc --name thinref --startup-runs $runs --leak-small $leak_small --leak-large $leak_large \
  --hold $hold --out "$out/proc-thinref.json" -- "${tr_cmd[@]}" >/dev/null && procs+=(--proc "$out/proc-thinref.json")
if [ $fastapi = 1 ]; then
  "$bin/fraiseql-bench" proc --name fastapi-baseline --startup-runs $([ "$mode" = quick ] && echo 2 || echo 5) \
    --leak-small $fa_leak_small --leak-large $fa_leak_large --hold $hold \
    --out "$out/proc-fastapi-baseline.json" -- "${fa_cmd[@]}" >/dev/null && procs+=(--proc "$out/proc-fastapi-baseline.json")
fi

# 2. throughput and latency, all targets interleaved
start fh fraiseql-http "$out/fraiseql-http.log" "${fh_cmd[@]}"
start tr thinref "$out/thinref.log" "${tr_cmd[@]}"
targets=(--target "fraiseql-http=$fh" --target "thinref=$tr")
labels=(--label "fraiseql-http=fraiseql-http $(git rev-parse --short HEAD), --environment production"
        --label "thinref=thin reference: net/http + pgx, same SQL, rows joined into the data envelope, no GraphQL"
        --label "floor=raw pgx, same SQL and concurrency, no HTTP")
if [ $fastapi = 1 ]; then
  start fa fastapi-baseline "$out/fastapi.log" "${fa_cmd[@]}"
  targets+=(--target "fastapi-baseline=$fa"); labels+=(--label "fastapi-baseline=$fa_label")
fi
targets+=(--target "floor=$url")
log "load run ($mode)"
"$bin/fraiseql-bench" run "${targets[@]}" "${labels[@]}" "${procs[@]}" --workloads perf/workloads/blog.json \
  --select "$select" --connections "$conns" --duration "$duration" --rounds "$rounds" --reference thinref \
  --database-url "$url" --title "fraiseql-bench $mode $(date -u +%Y-%m-%d), dataset medium" \
  --note "${BENCH_NOTE:-client, servers and PostgreSQL on one box}" \
  --out "$out" >/dev/null

# 3. full only: introspection (refused in production) against development-mode fraiseql-http
if [ "$mode" = full ]; then
  start fhd fraiseql-http-dev "$out/fraiseql-http-dev.log" "${fh_cmd[@]:0:10}" --environment development
  t2=(--target "fraiseql-http-dev=$fhd")
  [ $fastapi = 1 ] && t2+=(--target "fastapi-baseline=$fa")
  "$bin/fraiseql-bench" run "${t2[@]}" --workloads perf/workloads/blog.json --select introspection \
    --connections 1,10 --duration 4s --rounds 2 --title "introspection (development mode)" \
    --out "$out/introspection" >/dev/null
fi
log "results in $out"
cat "$out/results.md"
