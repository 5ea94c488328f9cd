// Package perf measures fraiseql-http side by side with a real GraphQL peer,
// with what it replaces and with what the machine can do: PostGraphile 4
// (perf/peer, pinned, installed into a cache folder, asked for the same data in
// its own dialect), the FastAPI baseline (perf/baseline, a v1-style app, NOT
// the real FraiseQL), the thin reference (cmd/thinref: net/http + pgx, the
// same SQL, no GraphQL) and the raw-pgx floor; and the demo app's v_ views
// beside its tv_ tables (examples/blog/tv.sql).
//
// Layout: cmd/fraiseql-bench (load generator: closed and open loop, targets
// interleaved, per-target dialects, a same-data check before measuring, CPU
// per request of the server and of PostgreSQL's backends, JSON/Markdown/SVG
// reports; `proc` for idle RSS, start-up time, leak check and connections
// held), cmd/thinref, cmd/wsbench (subscriptions: subscribed sockets held,
// RSS per socket, fan-out latency, against its own gorilla/websocket + pgx
// LISTEN reference, `make bench-ws`), internal/hist (log-linear latency histogram),
// internal/workload (workload files, workloads/*.json), internal/loadgen,
// internal/report, internal/procstat (/proc: RSS, CPU of a process tree and
// of a database's backends), internal/tvsync (tests: tv_ tables stay equal to
// their views under writes), dataset.sh and dataset/generate.sql
// (deterministic data at three sizes, --tv for the tv_ tables), bench.sh
// (`make bench-smoke`, `make bench`, `make bench-full`). Results go to
// results/<date>-<mode>/ and docs/performance.md.
//
// What it must never do: import a product module (the server is a black box
// over TCP), load a non-loopback host unless --allow-remote is given, write to
// the demo database tests use (benchmarks run on fraiseql_bench_<size>[_tv]),
// count an error answer as throughput, compare servers that returned different
// data, or hold a test to a wall-clock time.
package perf
