// Package httpcore is fraiseql-http's HTTP server: it answers FraiseQL v1
// clients with the bytes FraiseQL v1.9.7's FastAPI/uvicorn server sends.
//
// It has three layers, top-down:
//
//   - App (app.go): Config from flags and FRAISEQL_* variables, the
//     declaration, the PostgreSQL pool, the engine, listening through
//     connlimit, and Shutdown (stop accepting, drain, close the pool last).
//   - Handler (handler.go, body.go, query.go, metrics.go, cors.go, apq.go):
//     v1's middleware order — the development Basic gate outermost, then
//     Starlette's CORS, then FraiseQL's routes on chi with FastAPI's
//     envelopes: POST/GET /graphql, /graphql/rust, /graphql/metrics
//     (development), /health, /ready, Starlette's 404, 405 and
//     trailing-slash 307, and pydantic's 422 bodies for the request model.
//     POST/GET /graphql then run v1's handler steps: bearer token (auth
//     module) and the 401 gate, automatic persisted queries (memory or
//     PostgreSQL store), execution with the user's claims and session
//     variables.
//   - Server (wire.go, response.go, status.go): an HTTP/1.1 connection loop
//     that writes uvicorn's framing (lower-case header names in Starlette's
//     order, CPython 3.13 status phrases, a date cached per second,
//     keep-alive with a 5 s idle timeout, h11's 400 for unparseable input).
//     net/http's server is not used because it canonicalises and sorts
//     response headers.
//
// What it must never do: execute GraphQL itself (graphqlexec does), put a Go
// or PostgreSQL error text in a response unless v1 does the same (/ready's
// "failed: ..." check is such a case), answer a GraphQL error with anything
// but HTTP 200, or tell a client why its token was refused (a refused token
// makes the request anonymous; the reason goes to the debug log).
//
// Security defaults: listens on 127.0.0.1; request bodies are capped at
// 10 MiB (v1 has no cap; over it we answer 413 {"detail":"Content Too
// Large"} and close, a documented divergence); header blocks are capped at
// 64 KiB; header and body reads have deadlines so a slow client cannot hold
// a connection forever; at most 10000 client connections are open at once;
// production turns GraphiQL, /graphql/metrics and GET /graphql off, as v1
// does; CORS is off until origins are configured; without an auth provider
// every request is anonymous (v1's default), with one every GraphQL request
// needs a valid token except v1's "__schema" exemption; requests without a
// token never wait for a JWKS; the in-memory APQ store is bounded (10000
// entries, 64 MiB).
package httpcore
