// Package h2 serves HTTP/2 for fraiseql-http on the HTTP/1.1 server's port,
// with golang.org/x/net/http2 doing the protocol: connections that start
// with the client preface (cleartext prior knowledge, and TLS connections
// whose ALPN chose "h2"; both arrive through h1.Server.HTTP2) and
// cleartext HTTP/1.1 requests carrying "Upgrade: h2c" (Upgrade wraps the
// application's handler). Every stream is answered by h1.Server.ServeForeign,
// so routes, limits, the panic answer and the compression step are the
// ones HTTP/1.1 has; only the framing differs (header names lower-case and
// sorted by the library, no "Connection: close").
//
// What it must never do: parse HTTP/2 frames itself, serve an h2c upgrade
// on a TLS connection or without a valid HTTP2-Settings header (those
// requests are answered on HTTP/1.1, as uvicorn would), or keep a
// connection past Shutdown's context.
//
// Security defaults: at most MaxConcurrentStreams (100) streams per
// connection; x/net/http2 (v0.63.0 pinned) bounds what a client can make
// the server do: handlers beyond the stream limit are queued up to 4×
// that and a client that resets streams faster than that is disconnected
// with ENHANCE_YOUR_CALM (the rapid reset attack, CVE-2023-44487, fixed in
// v0.17.0); header blocks, CONTINUATION frames included, are bounded by the
// advertised header list size (64 KiB + overhead, the HTTP/1.1 header
// limit) and a connection that sends more is closed without decoding it
// (the CONTINUATION flood, CVE-2023-45288, Go's instance of the class
// CVE-2024-27316 names for httpd, fixed in v0.23.0); more than 10,000
// queued control frames (PING/SETTINGS floods) close the connection.
// An idle connection (no open stream) is closed after the HTTP/1.1
// keep-alive timeout; a stream's body is read under the body timeout and
// MaxBodyBytes. Shutdown sends GOAWAY, lets open streams finish, and
// closes what remains when its context ends.
package h2
