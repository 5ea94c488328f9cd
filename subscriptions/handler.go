package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Config holds the per-connection limits and timeouts. Zero values mean the
// documented defaults; Validate refuses negative ones.
type Config struct {
	// InitTimeout is how long a socket may wait before connection_init
	// (default 10 s); then it is closed with 4408.
	InitTimeout time.Duration
	// KeepAlive is the interval of the server's WebSocket ping frames (and
	// of "ka" on the legacy protocol, "ping" messages on
	// graphql-transport-ws), default 12 s. A socket from which nothing (not
	// even a pong) has arrived for 2×KeepAlive is dropped at the next
	// interval: half-open TCP connections do not pile up.
	KeepAlive time.Duration
	// WriteTimeout bounds the write of one frame (default 10 s); a client
	// that does not read for that long is dropped.
	WriteTimeout time.Duration
	// MaxMessageBytes bounds an incoming message (default 128 KiB); a larger
	// one is answered with close 1009.
	MaxMessageBytes int64
	// MaxOperations bounds the live operations of one connection:
	// subscriptions plus queries and mutations in flight (default 100). A
	// subscribe over it gets an error message; the socket stays open.
	MaxOperations int
	// SendQueue bounds the messages waiting to be written to one connection
	// (default 64). When it is full the connection is closed with 1008:
	// a slow reader never delays the Hub or other subscribers and never
	// grows memory without bound.
	SendQueue int
	// ReadBufferSize is the size of one read from a socket (default
	// 1 KiB): a parked socket is read into a buffer taken from a shared
	// pool for that read; a socket with a reader goroutine holds one.
	// WriteBufferSize is the write buffer (default 1 KiB), taken from a
	// shared pool for each write.
	ReadBufferSize, WriteBufferSize int
	// GoroutinePerSocket serves every socket with a reader goroutine of its
	// own, blocked in Read while the socket is idle, as on systems other
	// than Linux. By default, on Linux, an idle socket is parked in an
	// epoll instance and holds no goroutine (about 8 KB of stack each,
	// see docs/performance.md); TLS sockets always get a reader goroutine.
	GoroutinePerSocket bool
	// CheckOrigin decides whether an upgrade's Origin is allowed. nil means
	// gorilla/websocket's rule: no Origin header, or the same host. httpcore
	// passes its CORS origin check so CORS settings apply to the upgrade.
	CheckOrigin func(r *http.Request) bool
	// Logger receives what clients never see (default slog.Default()).
	Logger *slog.Logger
}

// Validate reports configuration errors.
func (c *Config) Validate() error {
	if c.InitTimeout < 0 || c.KeepAlive < 0 || c.WriteTimeout < 0 || c.MaxMessageBytes < 0 ||
		c.MaxOperations < 0 || c.SendQueue < 0 || c.ReadBufferSize < 0 || c.WriteBufferSize < 0 {
		return errors.New("subscriptions: limits and timeouts must not be negative")
	}
	return nil
}

func (c *Config) withDefaults() Config {
	d := *c
	if d.InitTimeout == 0 {
		d.InitTimeout = 10 * time.Second
	}
	if d.KeepAlive == 0 {
		d.KeepAlive = 12 * time.Second
	}
	if d.WriteTimeout == 0 {
		d.WriteTimeout = 10 * time.Second
	}
	if d.MaxMessageBytes == 0 {
		d.MaxMessageBytes = 128 << 10
	}
	if d.MaxOperations == 0 {
		d.MaxOperations = 100
	}
	if d.SendQueue == 0 {
		d.SendQueue = 64
	}
	if d.ReadBufferSize == 0 {
		d.ReadBufferSize = 1024
	}
	if d.WriteBufferSize == 0 {
		d.WriteBufferSize = 1024
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}

// Authenticator decides who a connection is, once, on connection_init.
type Authenticator interface {
	// Authenticate returns the connection's auth context (nil, nil means
	// anonymous) or an error to refuse it: the client gets close 4403
	// (legacy: connection_error, then close 4403). The error is logged,
	// never sent. ctx ends when the socket closes.
	Authenticate(ctx context.Context, init *InitRequest) (*AuthContext, error)
}

// InitRequest is what an Authenticator sees.
type InitRequest struct {
	// Header is the upgrade request's header (read-only).
	Header http.Header
	// RemoteAddr is the upgrade request's RemoteAddr.
	RemoteAddr string
	// Payload is the connection_init payload (a JSON object), nil when
	// absent or null.
	Payload json.RawMessage
	// Authorization is the credential the client sent, looked up in this
	// order: payload "authorization" (or "Authorization"), payload
	// "headers" object's Authorization key in any case, the upgrade
	// request's Authorization header. "" when none; a value that is not a
	// string is ignored.
	Authorization string
}

// Handler serves GraphQL over WebSocket. Mount it where clients upgrade
// (httpcore: /graphql for requests that are upgrades, and
// /graphql/subscriptions); it answers 400 to a request that is not an
// upgrade.
type Handler struct {
	cfg         Config
	exec        Executor
	hub         *Hub
	authn       Authenticator
	upgrader    websocket.Upgrader
	poller      *poller   // nil: a reader goroutine per socket
	readBuffers sync.Pool // *[]byte of ReadBufferSize, for parked sockets' reads

	mu       sync.Mutex
	conns    map[*conn]struct{}
	draining bool
	wg       sync.WaitGroup
	active   atomic.Int64
}

// NewHandler returns a Handler. exec is required. hub may be nil: then
// queries and mutations work over the socket and subscriptions are refused
// with an error message. authn may be nil: every connection is anonymous.
func NewHandler(cfg Config, exec Executor, hub *Hub, authn Authenticator) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if exec == nil {
		return nil, errors.New("subscriptions: NewHandler needs an Executor")
	}
	h := &Handler{cfg: cfg.withDefaults(), exec: exec, hub: hub, authn: authn, conns: make(map[*conn]struct{})}
	if !h.cfg.GoroutinePerSocket {
		h.poller = sharedPoller()
	}
	size := h.cfg.ReadBufferSize
	h.readBuffers.New = func() any {
		b := make([]byte, size)
		return &b
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// gorilla's reader is never used (frames.go reads), but it
		// allocates a buffer per socket for life: the smallest it takes.
		ReadBufferSize:  1,
		WriteBufferSize: h.cfg.WriteBufferSize,
		WriteBufferPool: &sync.Pool{},
		Subprotocols:    []string{ProtocolTransportWS, ProtocolLegacyWS},
		CheckOrigin:     h.cfg.CheckOrigin,
		Error: func(w http.ResponseWriter, r *http.Request, status int, reason error) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
		},
	}
	return h, nil
}

// IsUpgrade reports whether r asks for a WebSocket upgrade; httpcore uses it
// to send GET /graphql upgrades here and the rest to the playground.
func IsUpgrade(r *http.Request) bool {
	return websocket.IsWebSocketUpgrade(r)
}

// Active is the number of open sockets (for metrics and the Python bridge's
// active_connections).
func (h *Handler) Active() int { return int(h.active.Load()) }

// ServeHTTP upgrades the request and serves the socket until it closes.
// Without an acceptable subprotocol the upgrade completes and the socket is
// closed at once with 4406, as graphql-transport-ws specifies (a browser
// cannot read an HTTP refusal's reason). During Shutdown it answers 503.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	draining := h.draining
	if !draining {
		h.wg.Add(1)
	}
	h.mu.Unlock()
	if draining {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.wg.Done()
		return // the upgrader has answered (400, 403 for a refused origin)
	}
	if ws.Subprotocol() == "" {
		deadline := time.Now().Add(time.Second)
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(CloseSubprotocolNotOK, "Subprotocol not acceptable"), deadline)
		_ = ws.Close()
		h.wg.Done()
		return
	}
	c := newConn(h, ws, r)
	h.mu.Lock()
	if h.draining { // Shutdown started between the check and the upgrade
		h.mu.Unlock()
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(CloseGoingAway, "Server shutting down"), time.Now().Add(time.Second))
		_ = ws.Close()
		h.wg.Done()
		return
	}
	h.conns[c] = struct{}{}
	h.active.Add(1)
	h.mu.Unlock()
	// ServeHTTP returns while the socket lives on: the connection is
	// hijacked, and the HTTP server's goroutine (whose stack grew while it
	// read and routed the request) is released instead of idling under
	// every socket for its whole life. The socket's reads are served by
	// the idle poller, or by a fresh goroutine (reader.go).
	c.onEnd = func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.active.Add(-1)
		h.mu.Unlock()
		h.wg.Done()
	}
	c.serve()
}

// Shutdown stops new upgrades, lets every socket finish the queries and
// mutations it is running, sends each a close frame 1001 and waits for them
// to end. When ctx ends first, the remaining sockets are cut and ctx's error
// is returned. Shutdown is idempotent.
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.draining = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.drain()
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		h.mu.Lock()
		for c := range h.conns {
			c.cut()
		}
		h.mu.Unlock()
		<-done
		return ctx.Err()
	}
}

// authorization finds the credential of a connection (see InitRequest).
func authorization(payload json.RawMessage, header http.Header) string {
	if isObject(payload) {
		var fields map[string]json.RawMessage
		if json.Unmarshal(payload, &fields) == nil {
			for _, k := range []string{"authorization", "Authorization"} {
				var s string
				if raw, ok := fields[k]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
					return s
				}
			}
			var headers map[string]json.RawMessage
			if raw, ok := fields["headers"]; ok && isObject(raw) && json.Unmarshal(raw, &headers) == nil {
				// Several spellings of the name: the first in byte order
				// wins, so the choice never depends on map order.
				keys := make([]string, 0, 1)
				for k := range headers {
					if strings.EqualFold(k, "authorization") {
						keys = append(keys, k)
					}
				}
				slices.Sort(keys)
				for _, k := range keys {
					var s string
					if json.Unmarshal(headers[k], &s) == nil && s != "" {
						return s
					}
				}
			}
		}
	}
	return header.Get("Authorization")
}
