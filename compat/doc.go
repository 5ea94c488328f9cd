// Package compat proves that fraiseql-http answers HTTP requests with the same
// bytes as FraiseQL v1.9.7's FastAPI server, and lets users prove it for their
// own app.
//
// It loads recorded exchanges ("goldens": NAME.request and NAME.response files,
// cases.json and profile.json per profile), replays each request byte for byte
// over a fresh TCP connection to a server started as the profile says, on a
// freshly created database, and compares the answer with the recorded one
// after normalizing only the parts cases.json marks volatile (the date header,
// timings and the content-length they change). Each case ends identical,
// diverged-as-registered (a deliberate difference listed in the divergence
// registry with its reason and our bytes), pending (on the pending list of
// unimplemented cases) or failed, with a readable diff.
//
// The server is a black box: compat imports no product module and reaches the
// server only through its command line and TCP. It must never rewrite request
// bytes (the Host header stays as recorded), never normalize anything that is
// not declared volatile, and never count a pending case as passed; a pending or
// registered case that starts matching the golden fails, so those lists only
// shrink.
//
// Security: replay creates and drops databases named fraiseql_compat_<profile>_<pid>
// on the server of the admin URL it is given (the named database is only
// connected to, never modified), runs the app SQL it is given there, and
// starts the binary it is given. Point it at a disposable PostgreSQL server,
// never at production. Record sends requests to the target as they are.
package compat
