// Package perf measures fraiseql-http side by side with what it replaces and
// with what the machine can do: the FastAPI baseline (perf/baseline, a
// v1-style app, NOT the real FraiseQL), the thin reference (cmd/thinref:
// net/http + pgx, the same SQL, no GraphQL) and the raw-pgx floor.
//
// Layout: cmd/fraiseql-bench (load generator: closed and open loop, targets
// interleaved, JSON/Markdown/SVG reports; `proc` for idle RSS, start-up time,
// leak check and connections held), cmd/thinref, internal/hist (log-linear
// latency histogram), internal/workload (workload files, workloads/*.json),
// internal/loadgen, internal/report, internal/procstat, dataset.sh and
// dataset/generate.sql (deterministic data at three sizes), bench.sh
// (`make bench`, `make bench-full`). Results go to results/<date>-<mode>/ and
// docs/performance.md.
//
// What it must never do: import a product module (the server is a black box
// over TCP), load a non-loopback host unless --allow-remote is given, write to
// the demo database tests use (benchmarks run on fraiseql_bench_<size>), count
// an error answer as throughput, or hold a test to a wall-clock time.
package perf
