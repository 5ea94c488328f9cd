package h1

import (
	"net/http"
	"time"
)

// ServeForeign serves a request that arrived through another protocol
// (HTTP/2, served by golang.org/x/net/http2 on a connection handed over
// through the HTTP2 hook or an Upgrade) with s.Handler, and answers it the
// way Server answers on HTTP/1.1, so that the protocol changes only the
// framing:
//
//   - the body is read whole, under MaxBodyBytes (413 {"detail":"Content
//     Too Large"} over it) and the body phase's read deadline;
//   - the handler gets the same buffering ResponseWriter interface
//     (through Adapt), so every route answers through one code path;
//   - a panic becomes Starlette's 500 and is logged; http.ErrAbortHandler
//     passes through (the stream is reset);
//   - the server header and an explicit content-length are set.
//
// w's own framing decides header order and case (HTTP/2 writes lower-case
// names, sorted by the library).
func (s *Server) ServeForeign(w http.ResponseWriter, r *http.Request) {
	a := &adapter{w: w, serverHeader: s.ServerHeader, framed: true}
	b := getBody()
	defer b.release()
	limit := s.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	status := bodyOK
	if r.ContentLength > limit {
		status = bodyTooLarge
	} else if r.Body != nil && r.Body != http.NoBody {
		// The body phase's deadline, lifted once the body is read. Not
		// every writer supports it; without it the stream's body is still
		// bounded by the connection's idle timeout.
		rc := http.NewResponseController(w)
		deadline := s.Timeouts.Body > 0 && rc.SetReadDeadline(time.Now().Add(s.Timeouts.Body)) == nil
		if r.ContentLength > 0 {
			b.buf = growTo(b.buf, int(r.ContentLength))
		}
		status = b.readFrom(r.Body, limit)
		if deadline {
			rc.SetReadDeadline(time.Time{})
		}
	}
	switch status {
	case bodyTooLarge:
		a.Respond(http.StatusRequestEntityTooLarge, "application/json", []byte(`{"detail":"Content Too Large"}`))
	case bodyBroken, bodyMalformed:
		panic(http.ErrAbortHandler) // the stream is gone: reset it, answer nothing
	default:
		r.Body = b
		if !s.handleForeign(a, r) {
			panic(http.ErrAbortHandler)
		}
	}
	a.flush()
}

// handleForeign runs the handler like serverConn.handle; it reports false
// when the handler aborted.
func (s *Server) handleForeign(a *adapter, r *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				ok = false
				return
			}
			ok = true
			if s.Logger != nil {
				s.Logger.Error("handler panic", "method", r.Method, "path", r.URL.Path, "proto", r.Proto, "panic", p)
			}
			a.Fail()
		}
	}()
	s.Handler.ServeHTTP(a, r)
	return true
}
