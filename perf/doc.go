// Package perf will hold the load generator, workloads and side-by-side
// comparisons (FastAPI baseline, thin net/http+pgx reference, raw pgx floor).
//
// Not built yet: this module holds only its package documentation until the
// performance issue is taken. It treats the product as a black box over TCP and
// imports none of its modules.
package perf
