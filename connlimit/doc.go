// Package connlimit bounds and counts the TCP connections a server accepts,
// and sets the read deadlines of the phases of a persistent connection.
//
// It wraps a net.Listener, and a connection frees its slot when it is
// closed. What happens at the limit is a setting (Overflow): by default
// Accept blocks, leaving the surplus clients queued in the kernel's listen
// backlog, where they are served as soon as a slot frees up (silently, and
// possibly after a long wait); with Reject every connection is accepted and
// those over the limit are handed to a function the server supplies, which
// answers them (an HTTP 503 with Retry-After, a WebSocket close 1013) so a
// load balancer can retry elsewhere. The answer itself is the caller's: this
// package knows no protocol. Rejections run on at most MaxRejecting
// goroutines; past that a surplus connection is closed without an answer.
//
// What it must never do: import anything outside the standard library, read
// or write connection payload, or keep a reference to a connection after it
// is closed.
//
// Security defaults: NewListener with a limit <= 0 is unlimited, so callers
// that face the network should always pass a limit (fraiseql-http's default
// is 10000). Timeouts with a zero field leave that phase without a deadline;
// the HTTP layer sets all three.
package connlimit
