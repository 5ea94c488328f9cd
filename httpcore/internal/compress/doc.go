// Package compress is the response compression step of fraiseql-http: it
// negotiates a content coding from the request's Accept-Encoding (q-values,
// identity and "*" as RFC 9110 §12.5.3 reads them) and replaces a complete,
// buffered response body by its gzip or zstd form (klauspost/compress) when
// the body is large enough and of a compressible type. It runs once per
// response, after the route's handler, on the h1.ResponseWriter every route
// answers through, so JSON answers and static assets alike pass it, on
// HTTP/1.1 and HTTP/2.
//
// What it must never do: compress a response whose request carried no
// Accept-Encoding (FraiseQL v1 never compresses: such a client gets v1's
// exact bytes, without even a vary header), touch a body that already has a
// content-encoding, a hijacked connection or a body-less status, allocate a
// compressor per request (gzip writers are pooled; one zstd encoder serves
// every request), or decode request bodies (a Content-Encoding on a request
// is not interpreted, as in v1, so a compressed "bomb" is never inflated).
//
// Security defaults: zstd frames use a 1 MiB window (browsers refuse windows
// over 8 MiB); gzip runs at klauspost's default level. Compression of
// responses that mix secrets with attacker-chosen text in one body (BREACH)
// is a property of the application: GraphQL answers echo variables, so a
// deployment that puts secrets in responses next to reflected input should
// turn compression off (--compression=false).
package compress
