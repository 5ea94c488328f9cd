// Package h1 is the HTTP/1.1 connection layer of fraiseql-http, written to
// frame responses exactly as uvicorn 0.38 (with h11) does: lower-case header
// names in Starlette's order, CPython 3.13's status phrases, a date header
// refreshed once a second, keep-alive with a 5 s idle timeout, and h11's
// "400 Invalid HTTP request received." for bytes it cannot parse. Go's
// net/http server is not used because it canonicalises and sorts response
// header names.
//
// It owns the accept loop (Server), the per-connection request loop, the
// request body (read completely into a pooled Body before the handler
// runs), the buffering ResponseWriter, Hijack for WebSocket upgrades,
// RegisterOnShutdown, the HTTP2 hand-off of a connection that starts with
// the HTTP/2 client preface, ServeForeign (the same handler, limits and
// panic answer for requests another protocol's server reads), and graceful
// shutdown (stop accepting, drain, close idle connections).
//
// What it must never do: know anything of GraphQL, FastAPI or FraiseQL
// (it serves any http.Handler; the layers above speak through
// ResponseWriter), write a response before the handler has returned, or
// keep a connection it has handed over (hijack, HTTP2) in its bookkeeping.
//
// Security defaults: header blocks are capped at 64 KiB and bodies at
// 10 MiB (413 {"detail":"Content Too Large"} and the connection closes);
// the idle, header and body phases each have a read deadline (5 s, 10 s,
// 60 s) so a slow client cannot hold a connection forever; a CR or LF in a
// header value is replaced by a space; a handler panic becomes a 500 and is
// logged, and the connection survives it.
package h1
