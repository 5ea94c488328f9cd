// Package httpcore is fraiseql-http's HTTP server: it answers FraiseQL v1
// clients with the bytes FraiseQL v1.9.7's FastAPI/uvicorn server sends.
//
// It is the application layer of three, bottom-up:
//
//   - internal/h1: the HTTP/1.1 connection loop in uvicorn's framing
//     (lower-case header names in Starlette's order, CPython 3.13 status
//     phrases, a date cached per second, keep-alive with a 5 s idle
//     timeout, h11's 400 for unparseable input), the buffering
//     h1.ResponseWriter every layer above writes through, Hijack for
//     WebSocket upgrades, RegisterOnShutdown, and graceful shutdown. It
//     knows nothing of GraphQL.
//   - internal/fastapi: what FastAPI and Starlette do around v1's handlers:
//     the GraphQLRequest body model and pydantic's 422 bodies, query-string
//     decoding, the router's 404/405/307, the 500 of ServerErrorMiddleware,
//     CORS, the development Basic gate, automatic persisted queries (memory
//     or PostgreSQL store), v1's GraphiQL page bytes (served with
//     --graphiql=v1).
//   - internal/graphiql (beside them, standard library only): the embedded
//     GraphiQL page and its assets, the default page on GET /graphql, its
//     assets under /graphql/graphiql/.
//   - beside them too, internal/compress (the response compression step, run once
//     after every route in handler.ServeHTTP) and internal/h2 (HTTP/2 on
//     the same port through x/net/http2: prior knowledge, Upgrade: h2c, TLS
//     ALPN h2; every stream answered by h1.Server.ServeForeign).
//   - internal/obs (beside them): request ids (X-Request-ID in, x-request-id
//     out by --request-id-header), the per-request record in the context,
//     the access log, the process logger (--log-format, --log-level).
//   - internal/metrics (beside them): Prometheus metrics, the /metrics
//     handler; internal/tracing: OpenTelemetry spans for requests and SQL,
//     installed only with --otel-endpoint.
//   - internal/gqlhttp (beside them): the GraphQL-over-HTTP media type
//     negotiation and its status codes (outside --quirks v1.9.7).
//   - this package: Config (defaults, Validate, flags and FRAISEQL_*
//     variables), the environment's policy (introspection, playground,
//     development-only routes) in one place, the one route table (POST/GET
//     /graphql, /graphql/rust, /graphql/metrics in development, /health,
//     /ready, the embedded GraphiQL's assets) with v1's middleware order (Basic gate, CORS, routes), v1's
//     handler steps (bearer token and the 401 gate, APQ, execution with the
//     user's claims and session variables), and App: Open, Listen (through
//     connlimit, then TLS when configured), Serve, Shutdown (stop
//     accepting, GOAWAY and drain HTTP/2, drain HTTP/1.1, close the pool
//     last), ReloadTLS, ActiveConnections.
//
// What it must never do: execute GraphQL itself (graphqlexec does), put a Go
// or PostgreSQL error text in a response (under --quirks v1.9.7 /ready's
// "failed: ..." check shows pgx's text, as v1 shows psycopg's), answer a
// GraphQL error with anything but HTTP 200 (the APQ hash mismatch is a
// request error: Apollo's 400), or tell a client why its token was refused
// (it gets RFC 6750's invalid_token 401, under --quirks v1.9.7 the request
// is anonymous, as in v1; the reason goes to the debug log).
//
// Security defaults: listens on 127.0.0.1; request bodies are capped at
// 10 MiB (v1 has no cap; over it we answer 413 {"detail":"Content Too
// Large"} and close, a documented divergence); header blocks are capped at
// 64 KiB; header and body reads have deadlines so a slow client cannot hold
// a connection forever; at most 10000 client connections are open at once;
// production turns GraphiQL, /graphql/metrics and GET /graphql off, as v1
// does; CORS is off until origins are configured; without an auth provider
// every request is anonymous (v1's default), with one every GraphQL request
// needs a valid token except, in development, a real introspection
// operation (v1's "__schema" substring test under --quirks v1.9.7);
// requests without a token never wait for a JWKS; an APQ registration must
// carry its text's SHA-256; a refused CORS origin is granted nothing; the
// in-memory APQ store is bounded (10000 entries, 64 MiB); a response is
// compressed only when the request's Accept-Encoding asks (so v1's clients,
// which send none, get v1's bytes); request bodies are never decompressed;
// TLS is 1.2 or later with Go's default cipher suites; HTTP/2 allows 100
// streams per connection and relies on x/net/http2's rapid-reset and
// CONTINUATION-flood protections.
package httpcore
