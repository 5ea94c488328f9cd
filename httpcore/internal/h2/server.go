// x/net/http2's server API is deprecated in favour of net/http's
// Server.Protocols, which serves only listeners it owns and has no h2c
// Upgrade: it cannot take over a connection h1 has already read from, nor
// answer an upgrade request on stream 1. The x/net API stays maintained
// (security fixes are backported; from Go 1.27 it wraps net/http's own
// implementation), so this file uses it on purpose.
//
//lint:file-ignore SA1019 see above: the only API for connections handed over mid-stream

package h2

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

// MaxConcurrentStreams is the number of streams a client may open at once
// on one connection (RFC 9113 recommends at least 100).
const MaxConcurrentStreams = 100

// NextProtos is the ALPN list of a TLS listener serving both protocols,
// HTTP/2 preferred.
var NextProtos = []string{"h2", "http/1.1"}

// Server serves the HTTP/2 connections of one h1.Server.
type Server struct {
	h1   *h1.Server
	h2   *http2.Server
	base *http.Server // carries settings and the graceful-shutdown hook to x/net
	opts http2.ServeConnOpts

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closing bool
}

// New returns the HTTP/2 server of s; set s.HTTP2 to its ServeConn and wrap
// s.Handler with its Upgrade to turn the protocol on. logger receives the
// library's connection-level messages at debug level (a client that is not
// speaking HTTP/2); nil discards them.
func New(s *h1.Server, logger *slog.Logger) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	base := &http.Server{
		MaxHeaderBytes: s.MaxHeaderBytes,
		IdleTimeout:    s.Timeouts.Idle,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	h2s := &http2.Server{
		MaxConcurrentStreams: MaxConcurrentStreams,
		IdleTimeout:          s.Timeouts.Idle,
		// A peer that stops reading (its flow-control window open but
		// its socket full) is closed, as h1 closes such a client.
		WriteByteTimeout: s.WriteTimeout,
	}
	// ConfigureServer only fails on a TLS cipher list, which base has not;
	// the error is still returned rather than assumed away.
	if err := http2.ConfigureServer(base, h2s); err != nil {
		return nil, fmt.Errorf("h2: %w", err)
	}
	srv := &Server{h1: s, h2: h2s, base: base, conns: make(map[net.Conn]struct{})}
	srv.opts = http2.ServeConnOpts{BaseConfig: base, Handler: http.HandlerFunc(s.ServeForeign)}
	return srv, nil
}

// ServeConn serves a connection whose first bytes, still unread in r, are
// the HTTP/2 client preface; it has the signature of h1.Server.HTTP2 and
// closes c when the connection ends.
func (s *Server) ServeConn(c net.Conn, r *bufio.Reader) {
	opts := s.opts
	s.serve(wrap(c, r), &opts)
}

// Upgrade returns next with h2c upgrades in front: a cleartext HTTP/1.1
// request with "Upgrade: h2c", "Connection: Upgrade, HTTP2-Settings" and
// one valid HTTP2-Settings header (RFC 7540 §3.2) gets "101 Switching
// Protocols" and its answer as HTTP/2 stream 1, and the connection goes on
// in HTTP/2. Any other request goes to next unchanged.
//
// Why not x/net's h2c package: it is deprecated (net/http's replacement
// serves prior knowledge only, on listeners it owns), and the request body
// it would have to buffer is already read whole, under the body limit, by
// h1 before any handler runs.
func (s *Server) Upgrade(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		settings, ok := upgradeSettings(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		c, rw, err := hj.Hijack()
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n")
		if err := rw.Flush(); err != nil {
			c.Close()
			return
		}
		opts := s.opts
		opts.UpgradeRequest = r
		opts.Settings = settings
		s.serve(wrap(c, rw.Reader), &opts)
	})
}

// upgradeSettings reports whether r asks for an h2c upgrade that may be
// granted, and the decoded HTTP2-Settings payload.
func upgradeSettings(r *http.Request) ([]byte, bool) {
	if r.TLS != nil || r.ProtoMajor != 1 || r.ProtoMinor != 1 {
		return nil, false // h2c is cleartext only; TLS negotiates h2 by ALPN
	}
	if !hasToken(r.Header["Upgrade"], "h2c") ||
		!hasToken(r.Header["Connection"], "upgrade") || !hasToken(r.Header["Connection"], "http2-settings") {
		return nil, false
	}
	values := r.Header["Http2-Settings"]
	if len(values) != 1 {
		return nil, false // RFC 7540 §3.2.1: exactly one
	}
	v := strings.TrimRight(strings.TrimSpace(values[0]), "=")
	if len(v) > 4096 {
		return nil, false
	}
	settings, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(settings)%6 != 0 {
		return nil, false
	}
	return settings, true
}

// hasToken reports whether a comma-separated header holds token (any case).
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for v != "" {
			var t string
			t, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

func (s *Server) serve(c net.Conn, opts *http2.ServeConnOpts) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		c.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		c.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
	s.h2.ServeConn(c, opts)
}

// Shutdown sends GOAWAY on every HTTP/2 connection, waits until their open
// streams are answered and they close, and closes the rest when ctx ends
// (returning ctx.Err()). Connections handed over afterwards are closed at
// once. It is idempotent.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		if i%10 == 0 {
			// Runs x/net's graceful-shutdown hook (GOAWAY); repeated
			// because a connection handed over just before closing was set
			// may register with x/net only after the previous call.
			s.base.Shutdown(ctx)
		}
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			s.mu.Lock()
			for c := range s.conns {
				c.Close()
			}
			s.mu.Unlock()
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Active is the number of HTTP/2 connections being served.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// wrap returns c reading through r first. A TLS connection keeps its
// ConnectionState visible, which x/net uses to check the TLS version and
// cipher (RFC 9113 §9.2) and to fill Request.TLS.
func wrap(c net.Conn, r *bufio.Reader) net.Conn {
	if tc, ok := c.(*tls.Conn); ok {
		return &tlsConn{bufConn{c, r}, tc}
	}
	return &bufConn{c, r}
}

type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

type tlsConn struct {
	bufConn
	tc *tls.Conn
}

func (c *tlsConn) ConnectionState() tls.ConnectionState { return c.tc.ConnectionState() }
