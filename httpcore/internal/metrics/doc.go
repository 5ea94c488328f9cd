// Package metrics is fraiseql-http's Prometheus exposition: what a request
// costs and how it ended, counted on the request path for a few tens of
// nanoseconds, and what the process holds (connections, the PostgreSQL
// pool), read only when /metrics is scraped.
//
// It owns the metric names, their labels and buckets, the registry
// (prometheus/client_golang), and the /metrics handler with its optional
// bearer token.
//
// What it must never do: label a metric with a value the client chooses
// freely (paths, ids; operation names only up to MaxOperationNames, then
// "other"): every label has a bounded set of values, so a client cannot
// grow the registry; take a lock or allocate
// per request beyond what client_golang's counters do; know GraphQL,
// FastAPI or the routes.
//
// Security defaults: the handler answers 401 without the configured token
// (compared in constant time); with no token it is open, as Prometheus
// endpoints usually are, and belongs on a private port (--metrics-listen)
// or behind the load balancer.
package metrics
