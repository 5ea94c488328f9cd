// Package httpcore is fraiseql-http's HTTP server: it answers FraiseQL v1
// clients with the bytes FraiseQL v1.9.7's FastAPI/uvicorn server sends.
//
// It has three layers, top-down:
//
//   - App (app.go): Config from flags and FRAISEQL_* variables, the
//     declaration, the PostgreSQL pool, the engine, listening through
//     connlimit, and Shutdown (stop accepting, drain, close the pool last).
//   - Handler (handler.go, body.go, query.go, metrics.go): FraiseQL's routes
//     on chi with FastAPI's envelopes: POST/GET /graphql, /graphql/rust,
//     /graphql/metrics (development), /health, /ready, Starlette's 404, 405
//     and trailing-slash 307, and pydantic's 422 bodies for the request model.
//   - Server (wire.go, response.go, status.go): an HTTP/1.1 connection loop
//     that writes uvicorn's framing (lower-case header names in Starlette's
//     order, CPython 3.13 status phrases, a date cached per second,
//     keep-alive with a 5 s idle timeout, h11's 400 for unparseable input).
//     net/http's server is not used because it canonicalises and sorts
//     response headers.
//
// What it must never do: execute GraphQL itself (graphqlexec does), put a Go
// or PostgreSQL error text in a response unless v1 does the same (/ready's
// "failed: ..." check is such a case), or answer a GraphQL error with
// anything but HTTP 200.
//
// Security defaults: listens on 127.0.0.1; request bodies are capped at
// 10 MiB (v1 has no cap; over it we answer 413 {"detail":"Content Too
// Large"} and close, a documented divergence); header blocks are capped at
// 64 KiB; header and body reads have deadlines so a slow client cannot hold
// a connection forever; at most 10000 client connections are open at once;
// production turns GraphiQL, /graphql/metrics and GET /graphql off, as v1
// does.
package httpcore
