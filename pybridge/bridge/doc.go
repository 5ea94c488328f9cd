// Package bridge is the Go side of the Python bridge without cgo: it turns
// the JSON options the Python package sends into an httpcore.Config
// (through httpcore.ParseFlags, so every setting parses and fails exactly
// as the binary's flag would), starts a server with httpcore.Open, Listen
// and Serve, keeps the running servers behind integer handles (Handles)
// and stops them (Shutdown, bounded by the drain timeout).
//
// It owns the options document (Options, ParseOptions, BuildConfig), the
// handle registry and the Server lifecycle; cmd/libfraiseql only exports
// it over cgo.
//
// What it must never do: call back into Python (Go keeps no reference to
// the interpreter; Python polls through the exported functions); accept an
// option that no serve flag or documented setting names (unknown keys are
// an error, not ignored); reuse a handle.
//
// Security defaults: those of httpcore.Config; a secret given in the
// options (the JWT secret, the development password, the metrics token,
// the database password) is passed to the server and removed from the
// error messages that go back to Python.
package bridge
