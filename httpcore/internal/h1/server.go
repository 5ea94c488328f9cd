package h1

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fraiseql/fraiseql-http/connlimit"
)

// Server is the HTTP/1.1 connection loop. Go's net/http server cannot be
// used: it canonicalises response header names and writes them sorted, while
// FraiseQL v1 clients see uvicorn's lower-case names in Starlette's order.
// Server reads each request with http.ReadRequest, reads its body completely,
// hands it to Handler with a buffering ResponseWriter, and writes the answer
// in uvicorn's framing (see ResponseWriter for the header order).
//
// The zero value is not usable; set Handler and call Serve. Fields must not
// change once Serve has been called.
type Server struct {
	Handler http.Handler
	// ServerHeader is the value of the "server" header; empty omits it.
	ServerHeader string
	// Timeouts bound each phase of a connection: Idle is uvicorn's
	// keep-alive timeout (5 s). uvicorn has no header or body timeout; ours
	// only close connections that would otherwise hang forever.
	Timeouts connlimit.Timeouts
	// MaxHeaderBytes bounds the request line plus headers; past it the
	// request gets uvicorn's "Invalid HTTP request received." 400, which is
	// what h11 answers to an oversized header block.
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request body. v1 has no limit: this is a
	// deliberate divergence, answered with 413 {"detail":"Content Too Large"}.
	MaxBodyBytes int64
	// WriteTimeout bounds the writing of each response (a client that
	// never reads its answers is closed when it passes, and its buffered
	// response freed); 0 means none.
	WriteTimeout time.Duration
	// Logger receives connection-level problems (handler panics, accept
	// failures such as running out of file descriptors); nil discards them.
	Logger *slog.Logger
	// HTTP2 is the hand-off point for another protocol: when set, a
	// connection whose first bytes are the HTTP/2 client preface (prior
	// knowledge, RFC 9113 §3.3) is given to it instead of being answered
	// "400 Invalid HTTP request received." as uvicorn does. It runs on the
	// connection's goroutine and owns c (it must close it); r holds every
	// byte read so far, the preface included, unconsumed. Like a hijacked
	// connection, c has left the keep-alive loop and the idle and drain
	// bookkeeping, and stays counted by a connlimit listener until closed.
	// nil (the default) costs nothing: no byte is peeked.
	HTTP2 func(c net.Conn, r *bufio.Reader)

	mu         sync.Mutex
	listeners  map[net.Listener]struct{}
	conns      map[*serverConn]struct{}
	onShutdown []func()
	inShutdown atomic.Bool
	connsDone  chan struct{} // closed by the last tracked conn once shutting down
	hooksDone  chan struct{} // closed once every RegisterOnShutdown func returned
}

// ClientPreface is the first bytes an HTTP/2 client sends with prior
// knowledge.
const ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// RegisterOnShutdown registers f to be called once when Shutdown starts,
// each registered func on its own goroutine, as net/http's does; it is how
// the owner of a hijacked connection (a WebSocket layer) learns that it
// should send its close frames. Unlike net/http, Shutdown also waits for
// the funcs to return (bounded by its context), so that whatever they
// close is closed before Shutdown returns.
func (s *Server) RegisterOnShutdown(f func()) {
	s.mu.Lock()
	s.onShutdown = append(s.onShutdown, f)
	s.mu.Unlock()
}

// Defaults applied by NewServer.
const (
	DefaultIdleTimeout       = 5 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadBodyTimeout   = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxBodyBytes      = 10 << 20
)

// NewServer returns a Server with uvicorn's keep-alive timeout and this
// project's default limits.
func NewServer(h http.Handler) *Server {
	return &Server{
		Handler:      h,
		ServerHeader: "uvicorn",
		Timeouts: connlimit.Timeouts{
			Idle:   DefaultIdleTimeout,
			Header: DefaultReadHeaderTimeout,
			Body:   DefaultReadBodyTimeout,
		},
		MaxHeaderBytes: DefaultMaxHeaderBytes,
		MaxBodyBytes:   DefaultMaxBodyBytes,
	}
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = http.ErrServerClosed

// Serve accepts connections on ln until Shutdown or an accept error, and
// serves each on its own goroutine. It closes ln before returning.
func (s *Server) Serve(ln net.Listener) error {
	if s.Handler == nil {
		return errors.New("h1: Server.Handler is nil")
	}
	if !s.trackListener(ln, true) {
		ln.Close()
		return ErrServerClosed
	}
	defer s.trackListener(ln, false)
	defer ln.Close()
	var backoff time.Duration
	failures := 0
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.inShutdown.Load() {
				return ErrServerClosed
			}
			if !transientAccept(err) {
				return err
			}
			// Out of file descriptors (or buffers): the connections
			// already open keep being served; accepting backs off like
			// net/http's, and the streak is logged once when it starts
			// and once when it ends, not once per attempt.
			if failures == 0 {
				s.logAcceptFailure(err)
			}
			failures++
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			time.Sleep(backoff)
			continue
		}
		if failures > 0 {
			s.logf(slog.LevelWarn, "accepting connections again", "failed_attempts", failures)
			failures = 0
		}
		backoff = 0
		sc := &serverConn{srv: s, c: c}
		if !s.trackConn(sc, true) {
			c.Close()
			return ErrServerClosed
		}
		go sc.serve()
	}
}

// Shutdown stops accepting, calls the RegisterOnShutdown funcs, lets
// in-flight requests finish, closes idle keep-alive connections, and
// returns once every connection is closed and every func has returned, or
// ctx is done (then the remaining connections are closed forcibly and
// ctx.Err() is returned). Hijacked connections are not waited for. It is
// idempotent: later calls wait the same way.
func (s *Server) Shutdown(ctx context.Context) error {
	s.inShutdown.Store(true)
	s.mu.Lock()
	for ln := range s.listeners {
		ln.Close()
	}
	if s.connsDone == nil {
		s.connsDone = make(chan struct{})
		if len(s.conns) == 0 {
			close(s.connsDone)
		}
		s.hooksDone = make(chan struct{})
		go runHooks(s.onShutdown, s.hooksDone)
	}
	done, hooks := s.connsDone, s.hooksDone
	s.mu.Unlock()

	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.closeIdle()
		select {
		case <-done:
			done = nil
		case <-hooks:
			hooks = nil
		case <-ctx.Done():
			s.mu.Lock()
			for sc := range s.conns {
				sc.c.Close()
			}
			s.mu.Unlock()
			return ctx.Err()
		case <-tick.C:
		}
		if done == nil && hooks == nil {
			return nil
		}
	}
}

func runHooks(hooks []func(), done chan struct{}) {
	var wg sync.WaitGroup
	for _, f := range hooks {
		wg.Go(f)
	}
	wg.Wait()
	close(done)
}

// ShutdownReadGrace is how long, once Shutdown has begun, a connection
// still receiving a request (its header or body) has to finish sending it.
// A client whose body is on its way gets its answer; one trickling a body
// is closed after this, instead of holding the drain for its whole
// timeout.
const ShutdownReadGrace = 2 * time.Second

// closeIdle closes every connection waiting for its next request, and
// gives those still receiving one ShutdownReadGrace to finish (once).
func (s *Server) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sc := range s.conns {
		if sc.state.CompareAndSwap(connIdle, connClosed) {
			sc.c.Close()
		} else if sc.state.Load() == connReading && sc.graced.CompareAndSwap(false, true) {
			sc.c.SetReadDeadline(time.Now().Add(ShutdownReadGrace))
		}
	}
}

func (s *Server) trackListener(ln net.Listener, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.inShutdown.Load() {
			return false
		}
		if s.listeners == nil {
			s.listeners = make(map[net.Listener]struct{})
		}
		s.listeners[ln] = struct{}{}
	} else {
		delete(s.listeners, ln)
	}
	return true
}

func (s *Server) trackConn(sc *serverConn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if add {
		if s.inShutdown.Load() {
			return false
		}
		if s.conns == nil {
			s.conns = make(map[*serverConn]struct{})
		}
		s.conns[sc] = struct{}{}
		return true
	}
	delete(s.conns, sc)
	if len(s.conns) == 0 && s.connsDone != nil {
		select {
		case <-s.connsDone:
		default:
			close(s.connsDone)
		}
	}
	return true
}

// invalidRequest is uvicorn's answer to bytes h11 cannot parse: no date, no
// server, no content-length, and the connection closes.
var invalidRequest = []byte("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nInvalid HTTP request received.")

var continueResponse = []byte("HTTP/1.1 100 Continue\r\n\r\n")

var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4096) }}
)

// Connection states (serverConn.state).
const (
	connIdle int32 = iota
	connReading
	connBusy
	connClosed
)

// serverConn is one accepted connection.
type serverConn struct {
	srv *Server
	c   net.Conn
	// state is connIdle while waiting for a request's first byte,
	// connReading until its body is read, connBusy while it is handled and
	// its response written. Shutdown moves an idle connection to
	// connClosed (and closes it), shortens a reading one's deadline to
	// ShutdownReadGrace (graced), and never touches a busy one.
	state  atomic.Int32
	graced atomic.Bool
	lr     limitReader
	tls    *tls.ConnectionState // set for a TLS connection once its handshake is done
}

// limitReader caps the bytes read from the connection while the header
// block is being read, so an endless header line cannot grow memory.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeaderTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

var errHeaderTooLarge = errors.New("request header block too large")

const unlimited = 1<<63 - 1

func (sc *serverConn) serve() {
	s := sc.srv
	hijacked := false
	defer func() {
		if !hijacked {
			sc.c.Close()
		}
		s.trackConn(sc, false)
	}()

	sc.lr.r = sc.c
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(&sc.lr)
	// The writer is taken for one request and returned once its response is
	// flushed: an idle keep-alive connection holds no write buffer (4 KB of
	// the ~9 KB each of 20,000 idle connections would otherwise cost).
	var bw *bufio.Writer
	releaseWriter := func() {
		if bw != nil {
			bw.Reset(nil)
			writerPool.Put(bw)
			bw = nil
		}
	}
	defer func() {
		if !hijacked {
			br.Reset(nil)
			readerPool.Put(br)
			releaseWriter()
		}
	}()

	first := true
	maxHeader := int64(s.MaxHeaderBytes)
	if maxHeader <= 0 {
		maxHeader = DefaultMaxHeaderBytes
	}
	for {
		if s.inShutdown.Load() || sc.state.Load() == connClosed {
			return
		}
		s.Timeouts.AwaitRequest(sc.c)
		// The header limit counts from the first read of this request
		// (bytes a pipelining client sent earlier are already buffered and
		// uncounted, at most the buffer size).
		sc.lr.n = maxHeader
		if _, err := br.Peek(1); err != nil {
			return // closed, idle timeout or Shutdown: uvicorn closes silently
		}
		if !sc.state.CompareAndSwap(connIdle, connReading) {
			return // Shutdown closed it
		}
		sc.readDeadline(s.Timeouts.ReadHeader)
		if first && s.HTTP2 != nil && hasPreface(br) {
			hijacked = true
			sc.lr.n = unlimited
			connlimit.Clear(sc.c)
			s.trackConn(sc, false)
			releaseWriter()
			s.HTTP2(sc.c, br)
			return
		}
		first = false
		bw = writerPool.Get().(*bufio.Writer)
		bw.Reset(sc.c)
		req, err := http.ReadRequest(br)
		if err != nil {
			if errors.Is(err, errHeaderTooLarge) || !isDisconnect(err) {
				bw.Write(invalidRequest)
				bw.Flush()
			}
			return
		}
		sc.lr.n = unlimited
		if tc, ok := sc.c.(*tls.Conn); ok {
			if sc.tls == nil {
				st := tc.ConnectionState()
				sc.tls = &st
			}
			req.TLS = sc.tls
		}
		if req.ProtoMajor != 1 || (req.ProtoAtLeast(1, 1) && req.Host == "") {
			// h11 requires Host on HTTP/1.1 and speaks nothing but 1.x.
			bw.Write(invalidRequest)
			bw.Flush()
			return
		}

		w := getResponseWriter(sc, br, bw, req)
		closeAfter := req.Close || !req.ProtoAtLeast(1, 1)
		body, status := sc.readBody(req, bw)
		if !sc.state.CompareAndSwap(connReading, connBusy) {
			// Shutdown closed it while the request was being read.
			body.release()
			putResponseWriter(w)
			return
		}
		switch status {
		case bodyOK:
			req.Body = body
			sc.handle(w, req)
			if w.hijacked {
				hijacked = true
				return
			}
		case bodyTooLarge:
			// The rest of the body is not read, so the connection cannot be
			// reused: the client is told so.
			closeAfter = true
			w.writeJSONDetail(http.StatusRequestEntityTooLarge, `{"detail":"Content Too Large"}`)
		case bodyMalformed:
			if s.WriteTimeout > 0 {
				sc.c.SetWriteDeadline(time.Now().Add(s.WriteTimeout))
			}
			bw.Write(invalidRequest)
			bw.Flush()
			body.release()
			putResponseWriter(w)
			return
		default:
			putResponseWriter(w)
			return
		}
		if closeAfter || s.inShutdown.Load() {
			w.closeConn = true
		}
		if s.WriteTimeout > 0 {
			sc.c.SetWriteDeadline(time.Now().Add(s.WriteTimeout))
		}
		err = w.write()
		body.release()
		keep := !w.closeConn
		putResponseWriter(w)
		releaseWriter()
		if err != nil || !keep || !sc.state.CompareAndSwap(connBusy, connIdle) {
			return
		}
	}
}

// readDeadline sets a read deadline through set, unless Shutdown has
// shortened it (graced): a later, longer one would undo the grace.
func (sc *serverConn) readDeadline(set func(net.Conn) error) {
	set(sc.c)
	if sc.graced.Load() {
		sc.c.SetReadDeadline(time.Now().Add(ShutdownReadGrace))
	}
}

// hasPreface reports whether the connection starts with ClientPreface. It
// peeks no further than the bytes that still match, so an HTTP/1 request
// shorter than the preface is never waited on.
func hasPreface(br *bufio.Reader) bool {
	n := 1
	for {
		n = min(max(n, br.Buffered()), len(ClientPreface))
		b, err := br.Peek(n)
		if string(b) != ClientPreface[:len(b)] || err != nil {
			return false
		}
		if n == len(ClientPreface) {
			return true
		}
		n++
	}
}

// handle runs the handler, turning a panic into Starlette's 500.
func (sc *serverConn) handle(w *responseWriter, req *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler || w.hijacked {
				w.closeConn = true
				w.abort = true
				return
			}
			if sc.srv.Logger != nil {
				sc.srv.Logger.Error("handler panic", "method", req.Method, "path", req.URL.Path, "panic", p)
			}
			w.reset500()
		}
	}()
	sc.srv.Handler.ServeHTTP(w, req)
}

type bodyStatus int

const (
	bodyOK bodyStatus = iota
	bodyTooLarge
	bodyBroken // client vanished or timed out mid-body: close silently
	// bodyMalformed: the body's framing is broken (a chunk size that is
	// not hex, a chunk without its CRLF): h11's 400, then close.
	bodyMalformed
)

// readBody reads the whole body (Content-Length or chunked) into a pooled
// buffer, sending "100 Continue" first when the client waits for it.
func (sc *serverConn) readBody(req *http.Request, bw *bufio.Writer) (*Body, bodyStatus) {
	b := getBody()
	if req.ContentLength == 0 {
		return b, bodyOK
	}
	limit := sc.srv.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if req.ContentLength > limit {
		return b, bodyTooLarge
	}
	if strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		if sc.srv.WriteTimeout > 0 {
			sc.c.SetWriteDeadline(time.Now().Add(sc.srv.WriteTimeout))
		}
		bw.Write(continueResponse)
		if bw.Flush() != nil {
			return b, bodyBroken
		}
	}
	sc.readDeadline(sc.srv.Timeouts.ReadBody)
	if req.ContentLength > 0 {
		b.buf = growTo(b.buf, int(req.ContentLength))
	}
	return b, b.readFrom(req.Body, limit)
}

// readFrom appends everything r yields to b, stopping at limit bytes.
// Both protocols read bodies through it, so the limit is one rule.
func (b *Body) readFrom(r io.Reader, limit int64) bodyStatus {
	for {
		if len(b.buf) == cap(b.buf) {
			b.buf = append(b.buf, 0)[:len(b.buf)]
		}
		n, err := r.Read(b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+n]
		if int64(len(b.buf)) > limit {
			return bodyTooLarge
		}
		if err == io.EOF {
			return bodyOK
		}
		if err != nil {
			if isDisconnect(err) {
				return bodyBroken
			}
			return bodyMalformed
		}
	}
}

func growTo(buf []byte, n int) []byte {
	if cap(buf) >= n {
		return buf[:0]
	}
	return make([]byte, 0, n)
}

func isDisconnect(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// Body is the fully read request body. Handlers get it as Request.Body and
// may take the bytes without copying through BodyBytes.
type Body struct {
	buf []byte
	off int
}

var bodyPool = sync.Pool{New: func() any { return new(Body) }}

func getBody() *Body {
	b := bodyPool.Get().(*Body)
	b.buf, b.off = b.buf[:0], 0
	return b
}

func (b *Body) release() {
	if cap(b.buf) > 1<<20 {
		b.buf = nil // do not keep a huge body alive in the pool
	}
	bodyPool.Put(b)
}

// Read implements io.Reader.
func (b *Body) Read(p []byte) (int, error) {
	if b.off >= len(b.buf) {
		return 0, io.EOF
	}
	n := copy(p, b.buf[b.off:])
	b.off += n
	return n, nil
}

// Close implements io.Closer; the buffer returns to its pool after the
// response is written.
func (b *Body) Close() error { return nil }

// Bytes returns the whole body. The slice is valid until the handler returns.
func (b *Body) Bytes() []byte { return b.buf }

// BodyBytes returns the complete body of a request served by Server without
// copying it; for any other request it reads r.Body.
func BodyBytes(r *http.Request) ([]byte, error) {
	if b, ok := r.Body.(*Body); ok {
		return b.buf, nil
	}
	if r.Body == nil {
		return nil, nil
	}
	return io.ReadAll(r.Body)
}

// transientAccept reports whether an accept error passes by itself: the
// process or the system is out of file descriptors or memory, or a
// client reset a connection still in the backlog.
func transientAccept(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.ECONNRESET} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// logAcceptFailure says what went wrong and, for file descriptors, the
// limit and how to raise it.
func (s *Server) logAcceptFailure(err error) {
	if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
		var lim syscall.Rlimit
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
		s.logf(slog.LevelError, "cannot accept connections: out of file descriptors; open connections are still served, new ones wait in the backlog (raise the limit: ulimit -n, systemd LimitNOFILE=, docker --ulimit nofile=; or lower --max-connections)",
			"err", err.Error(), "limit_soft", lim.Cur, "limit_hard", lim.Max)
		return
	}
	s.logf(slog.LevelError, "cannot accept connections; retrying with backoff", "err", err.Error())
}

func (s *Server) logf(level slog.Level, msg string, args ...any) {
	if s.Logger != nil {
		s.Logger.Log(context.Background(), level, msg, args...)
	}
}
