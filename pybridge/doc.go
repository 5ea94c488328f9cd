// Package pybridge holds fraiseql-http's bridge to Python: the c-shared
// library (cmd/libfraiseql, built by `make pybridge`) and the stdlib-only
// Python package fraiseql_http (python/) that loads it with ctypes and
// starts and stops the server in-process.
//
// The Go logic is in package bridge (options → httpcore.Config, the server
// lifecycle, handles); cmd/libfraiseql only converts C values and recovers
// panics. Python never runs on the request path: once started, the server
// is all Go, and the GIL is never taken by it.
//
// Security defaults: the configuration comes only from the caller (the
// process environment is not read), error messages returned to Python have
// the database password and auth secrets removed, and logs go to the file
// descriptor Python gives (a pipe read into the logging module), never to
// stdout.
package pybridge
