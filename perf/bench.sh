#!/usr/bin/env bash
# Runs the side-by-side benchmark and writes perf/results/<date>-<mode>[-N]/ (a new folder each run).
#
#   perf/bench.sh smoke   (make bench-smoke) about 1-2 minutes, for a shared or loaded
#                                            machine: 3 workloads, 1 s per target and
#                                            cell, start-up and idle RSS only (no leak
#                                            or connection checks), no floor, no
#                                            FastAPI baseline
#   perf/bench.sh quick   (make bench)       about 3-4 minutes: 4 workloads, short slices,
#                                            small leak check; FastAPI baseline only if
#                                            its packages are already installed
#   perf/bench.sh full    (make bench-full)  every workload, longer slices, 100k → 1M leak
#                                            check, 20k connections, FastAPI baseline
#                                            installed if missing, PostGraphile with 2
#                                            cluster workers too, introspection run
#
# Targets: fraiseql-http (production) on the demo app's v_ views, the same
# binary on its tv_ tables (fraiseql-http-tv: examples/blog/app-tv.graphql over
# tv.sql's table-backed projections), PostGraphile 4 (a real GraphQL peer,
# pinned in perf/peer and installed into a cache folder on first use; skipped,
# and said so, when node or npm is missing), the thin reference (net/http +
# pgx), the FastAPI baseline (v1-style, NOT the real FraiseQL), and the raw-pgx
# floor. fraiseql-http, fraiseql-http-tv and PostGraphile are asked for the same data, each in its
# own dialect (perf/workloads/blog.json "dialects"), and must return it
# (--same-data) before a workload is measured for them. Every result carries
# the server's and PostgreSQL's CPU time per request, read from /proc.
# Everything listens on 127.0.0.1 and runs against a benchmark database
# (perf/dataset.sh), never the demo database tests use. BENCH_NOTE sets the
# machine note recorded in results.json (e.g. "shared machine, tests running");
# the load generator runs under BENCH_NICE (default "nice -n 10").
set -euo pipefail
mode=${1:-quick}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$root/perf/.bin
log() { echo "bench: $*" >&2; }
export GOFLAGS=${GOFLAGS:--buildvcs=false}

proc=1
case "$mode" in
  smoke)
    select=users-20x3,posts-10-author,user-by-id
    conns=1,10,50; duration=1s; rounds=2; warmup=1s
    runs=1; proc=0
    ;;
  quick)
    select=users-20x3,posts-10-author,user-by-id,apq-hit
    conns=1,10,50; duration=1s; rounds=2; warmup=1s
    runs=3; leak_small=10000; leak_large=50000; hold=2000
    fa_leak_small=2000; fa_leak_large=6000; pg_leak_small=5000; pg_leak_large=20000
    ;;
  full)
    select=users-20x3,posts-10-author,users-filtered,user-by-id,update-post,apq-hit
    conns=1,10,50; duration=6s; rounds=3; warmup=3s
    runs=10; leak_small=100000; leak_large=1000000; hold=20000
    fa_leak_small=10000; fa_leak_large=30000; pg_leak_small=20000; pg_leak_large=200000
    ;;
  *) echo "usage: perf/bench.sh smoke|quick|full" >&2; exit 2 ;;
esac
out=$root/perf/results/$(date -u +%Y-%m-%d)-$mode
# Never overwrite an earlier run of the same day: committed results stay as they were.
if [ -e "$out" ]; then
  n=2
  while [ -e "$out-$n" ]; do n=$((n + 1)); done
  out=$out-$n
fi
mkdir -p "$bin" "$out"
read -r -a nice_cmd <<<"${BENCH_NICE-nice -n 10}"

log "building into $bin"
# The servers static (CGO_ENABLED=0), as the Dockerfile ships fraiseql-http.
(cd perf && go build -o "$bin/" ./cmd/fraiseql-bench && CGO_ENABLED=0 go build -o "$bin/" ./cmd/thinref)
(cd httpcore && CGO_ENABLED=0 go build -o "$bin/fraiseql-http" ./cmd/fraiseql-http)

peer=0
if command -v node >/dev/null && command -v npm >/dev/null && perf/peer/postgraphile.sh install >/dev/null; then
  peer=1
else
  log "PostGraphile skipped (needs node and npm: perf/peer/postgraphile.sh install)"
fi

fastapi=0
if [ "$mode" = smoke ]; then
  :
elif [ "$mode" = full ]; then
  perf/baseline/setup.sh && fastapi=1
elif perf/baseline/setup.sh >/dev/null 2>&1 && dpkg -s python3-fastapi >/dev/null 2>&1; then
  fastapi=1
else
  log "FastAPI baseline skipped (run perf/baseline/setup.sh or make bench-full to install it)"
fi

url=$(perf/dataset.sh medium --tv $([ "$mode" != full ] && echo --reuse))
dbname=${url%%\?*}; dbname=${dbname##*/}
log "database $url"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start VAR NAME LOGFILE CMD...: starts a server in this shell (so the EXIT trap
# knows its PID), waits for its announced address and stores it in VAR, and
# its PID in last_pid.
start() {
  local var=$1 name=$2 logf=$3 addr; shift 3
  "$@" 2>"$logf" >&2 &
  pids+=($!)
  last_pid=$!
  for _ in $(seq 1 300); do
    addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$logf" | head -1 || true)
    if [ -n "$addr" ] && curl -fsS -o /dev/null "$addr/health" 2>/dev/null; then printf -v "$var" %s "$addr"; return 0; fi
    sleep 0.1
  done
  log "$name did not start:"; cat "$logf" >&2; return 1
}

fh_cmd=("$bin/fraiseql-http" serve --schema examples/blog/app.graphql --database-url "$url" --host 127.0.0.1 --port 0 --environment production)
fhtv_cmd=("$bin/fraiseql-http" serve --schema examples/blog/app-tv.graphql --database-url "$url" --host 127.0.0.1 --port 0 --environment production)
tr_cmd=("$bin/thinref" --workloads perf/workloads/blog.json --database-url "$url" --port 0)
fa_cmd=(perf/baseline/run.sh "$url" 0)
pg_cmd=(perf/peer/postgraphile.sh "$url" 0)
pyver=$(/usr/bin/python3 -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "?")
fa_label="FastAPI baseline, NOT the real FraiseQL: v1-style app in perf/baseline on CPython $pyver, FastAPI $(dpkg-query -W -f='${Version}' python3-fastapi 2>/dev/null || echo '?'), uvicorn $(dpkg-query -W -f='${Version}' python3-uvicorn 2>/dev/null || echo '?') (h11, asyncio, 1 process), psycopg $(dpkg-query -W -f='${Version}' python3-psycopg 2>/dev/null || echo '?'), graphql-core 3.2"
pg_label="?"
if [ $peer = 1 ]; then
  pg_version=$(node -e 'console.log(require(process.argv[1]).dependencies.postgraphile)' "$root/perf/peer/package.json")
  pg_label="PostGraphile $pg_version on Node $(node --version), library mode (perf/peer/server.js), simplify inflector, default mutations off, reads the tb_ tables"
fi

# 1. single-process measurements (each server started alone, nothing else under load)
procs=()
log "process measurements"
if [ $proc = 1 ]; then
  proc_args=(--startup-runs $runs --leak-small $leak_small --leak-large $leak_large --hold $hold)
else
  proc_args=(--startup-runs $runs --leak-small 0 --hold 0) # start-up and idle RSS only
fi
# fraiseql-http bounds open client connections (--max-connections, default
# 10000); the hold measurement raises the bound to the number attempted, and
# the report says so.
"$bin/fraiseql-bench" proc --name fraiseql-http "${proc_args[@]}" \
  --out "$out/proc-fraiseql-http.json" -- "${fh_cmd[@]}" --max-connections "${hold:-10000}" >/dev/null && procs+=(--proc "$out/proc-fraiseql-http.json")
if [ $peer = 1 ]; then
  # a smaller leak check: PostGraphile serves a fraction of our request rate
  pg_args=("${proc_args[@]}")
  [ $proc = 1 ] && pg_args=(--startup-runs $runs --leak-small $pg_leak_small --leak-large $pg_leak_large --hold $hold)
  "$bin/fraiseql-bench" proc --name postgraphile "${pg_args[@]}" --dialect postgraphile \
    --out "$out/proc-postgraphile.json" -- "${pg_cmd[@]}" >/dev/null && procs+=(--proc "$out/proc-postgraphile.json")
fi
if [ $proc = 1 ]; then
  "$bin/fraiseql-bench" proc --name thinref "${proc_args[@]}" \
    --out "$out/proc-thinref.json" -- "${tr_cmd[@]}" >/dev/null && procs+=(--proc "$out/proc-thinref.json")
fi
if [ $fastapi = 1 ]; then
  "$bin/fraiseql-bench" proc --name fastapi-baseline --startup-runs $([ "$mode" = quick ] && echo 2 || echo 5) \
    --leak-small $fa_leak_small --leak-large $fa_leak_large --hold $hold \
    --out "$out/proc-fastapi-baseline.json" -- "${fa_cmd[@]}" >/dev/null && procs+=(--proc "$out/proc-fastapi-baseline.json")
fi

# 2. throughput, latency and CPU per request, targets interleaved, in two runs
# so the servers' pools (20 connections each) stay under PostgreSQL's 100:
#   a. the GraphQL servers on the same data: fraiseql-http (v_ views),
#      fraiseql-http-tv (tv_ tables), PostGraphile (1 process; full: also 2
#      workers), ratios against PostGraphile; results in $out
#   b. the baselines: fraiseql-http, the thin reference, the FastAPI baseline,
#      the raw-pgx floor, ratios against thinref; results in $out/baselines
# The peers of run a are stopped before run b starts.
start fh fraiseql-http "$out/fraiseql-http.log" "${fh_cmd[@]}"
fh_pid=$last_pid
rev=$(git rev-parse --short HEAD)
common=(--pg-database "$dbname" --workloads perf/workloads/blog.json
  --select "$select" --connections "$conns" --duration "$duration" --rounds "$rounds" --warmup "$warmup"
  --database-url "$url" --note "${BENCH_NOTE:-client, servers and PostgreSQL on one box}")
fh_label="fraiseql-http=fraiseql-http $rev, --environment production, v_ views"

start fhtv fraiseql-http-tv "$out/fraiseql-http-tv.log" "${fhtv_cmd[@]}"
peers=($last_pid)
targets=(--target "fraiseql-http=$fh" --target "fraiseql-http-tv=$fhtv" --pid "fraiseql-http=$fh_pid" --pid "fraiseql-http-tv=$last_pid")
labels=(--label "$fh_label"
        --label "fraiseql-http-tv=fraiseql-http $rev, --environment production, tv_ tables (examples/blog/app-tv.graphql, tv.sql)")
same=fraiseql-http,fraiseql-http-tv
ref=()
if [ $peer = 1 ]; then
  start pg postgraphile "$out/postgraphile.log" "${pg_cmd[@]}"
  peers+=($last_pid)
  targets+=(--target "postgraphile=$pg" --dialect postgraphile=postgraphile --pid "postgraphile=$last_pid")
  labels+=(--label "postgraphile=$pg_label, 1 process, pool 20")
  same+=,postgraphile
  ref=(--reference postgraphile)
  if [ "$mode" = full ]; then
    start pg2 postgraphile-2w "$out/postgraphile-2w.log" "${pg_cmd[@]}" 2
    peers+=($last_pid)
    targets+=(--target "postgraphile-2w=$pg2" --dialect postgraphile-2w=postgraphile --pid "postgraphile-2w=$last_pid")
    labels+=(--label "postgraphile-2w=$pg_label, 2 cluster workers sharing the port, pool 10 each")
    same+=,postgraphile-2w
  fi
fi
log "load run a: GraphQL servers ($mode)"
"${nice_cmd[@]}" "$bin/fraiseql-bench" run "${targets[@]}" "${labels[@]}" "${procs[@]}" "${common[@]}" \
  --same-data "$same" "${ref[@]}" --title "fraiseql-bench $mode $(date -u +%Y-%m-%d), GraphQL servers, dataset medium" \
  --out "$out" >/dev/null
for p in "${peers[@]}"; do kill "$p" 2>/dev/null || true; done

start tr thinref "$out/thinref.log" "${tr_cmd[@]}"
targets=(--target "fraiseql-http=$fh" --target "thinref=$tr" --pid "fraiseql-http=$fh_pid" --pid "thinref=$last_pid")
labels=(--label "$fh_label"
        --label "thinref=thin reference: net/http + pgx, same SQL, rows joined into the data envelope, no GraphQL"
        --label "floor=raw pgx, same SQL and concurrency, no HTTP")
if [ $fastapi = 1 ]; then
  start fa fastapi-baseline "$out/fastapi.log" "${fa_cmd[@]}"
  targets+=(--target "fastapi-baseline=$fa" --pid "fastapi-baseline=$last_pid"); labels+=(--label "fastapi-baseline=$fa_label")
fi
[ "$mode" != smoke ] && targets+=(--target "floor=$url")
log "load run b: baselines ($mode)"
"${nice_cmd[@]}" "$bin/fraiseql-bench" run "${targets[@]}" "${labels[@]}" "${common[@]}" --reference thinref \
  --title "fraiseql-bench $mode $(date -u +%Y-%m-%d), baselines, dataset medium" \
  --out "$out/baselines" >/dev/null

# 3. full only: introspection (refused in production) against development-mode fraiseql-http
if [ "$mode" = full ]; then
  start fhd fraiseql-http-dev "$out/fraiseql-http-dev.log" "${fh_cmd[@]:0:10}" --environment development
  t2=(--target "fraiseql-http-dev=$fhd")
  [ $fastapi = 1 ] && t2+=(--target "fastapi-baseline=$fa")
  "${nice_cmd[@]}" "$bin/fraiseql-bench" run "${t2[@]}" --workloads perf/workloads/blog.json --select introspection \
    --connections 1,10 --duration 4s --rounds 2 --title "introspection (development mode)" \
    --out "$out/introspection" >/dev/null
fi
log "results in $out and $out/baselines"
cat "$out/results.md"
echo
cat "$out/baselines/results.md"
