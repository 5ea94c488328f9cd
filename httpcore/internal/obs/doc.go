// Package obs is what fraiseql-http tells its operator about each request:
// its id (the X-Request-ID an upstream sent, or one made here), the
// record the layers above fill as the request goes (operation type and
// name, errors), and the access log line written when it ends.
//
// It owns the request id format and its validation, the per-request
// Record in the context, the middleware that starts and ends it
// (Handler: it also logs a handler's panic, with the request's id, and
// any 5xx nothing else logged), and the construction of the process logger
// from the --log-format and --log-level settings (NewLogger).
//
// What it must never do: change a response's status or body (a panic is
// answered by the connection layer's own 500, through
// h1.ResponseWriter.Fail), or add a
// header under --quirks v1.9.7 unless asked (IDAlways); log a request
// body, a variable or a token; let a client-sent id into a log or a
// response unless it is well formed (ValidID), so that a header cannot
// forge log lines or split a response.
//
// Security defaults: an incoming id is accepted only when it is 1 to 128
// bytes of letters, digits and "-_.:/+=@"; anything else is replaced by a
// generated id. Generated ids are 32 hex digits: 8 random bytes chosen at
// start (so two instances never collide) and a counter.
package obs
