// Package connlimit bounds and counts the TCP connections a server accepts,
// and sets the read deadlines of the phases of a persistent connection.
//
// It wraps a net.Listener: Accept blocks while the number of open accepted
// connections is at the limit, and a connection frees its slot when it is
// closed. Blocking (rather than accepting and closing at once) leaves the
// surplus clients queued in the kernel's listen backlog, where they are
// served as soon as a slot frees up, and keeps this package free of any
// protocol knowledge: a rejection would need an HTTP response, which is not
// this layer's business.
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
