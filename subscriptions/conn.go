package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// closeGrace is how long a closing socket waits for the peer's close frame.
const closeGrace = 2 * time.Second

// conn is one socket. Its frames are read by the idle poller's short-lived
// goroutines or by a reader goroutine of its own (reader.go). Data frames
// are written by a writer goroutine that exists only while the queue holds
// something; keepalive is a timer. Operations run in their own goroutines
// only while they are being prepared or executed (a live subscription costs
// no goroutine: the Hub calls its deliver function). So an idle subscribed
// socket holds no goroutine where the poller runs, and one, its reader,
// elsewhere.
type conn struct {
	h      *Handler
	ws     *websocket.Conn // upgrades and writes; its reading half is unused
	nc     net.Conn        // the socket under ws
	legacy bool
	header http.Header // the upgrade's, until connection_init has used it
	remote string
	onEnd  func() // the Handler's bookkeeping, run last by end

	// The read side (reader.go): frames holds an incomplete frame between
	// reads; rmu guards who reads (rstate) and the poller registration.
	frames   frameReader
	lastRead atomic.Int64 // UnixNano of the last bytes read: keepalive's idle check
	rmu      sync.Mutex
	rstate   readState
	polled   bool // registered with h.poller (raw, fd, token are its)
	cutting  bool // cut has closed or is closing the socket
	stopped  bool // stopReading was called
	raw      syscall.RawConn
	fd       int
	token    uint64

	ctx    context.Context // ends when the socket is done; parent of every operation
	cancel context.CancelFunc

	qmu         sync.Mutex
	queue       [][]byte // waiting to be written, at most Config.SendQueue
	writing     bool     // a writer goroutine is running
	writers     sync.WaitGroup
	startWriter func() // go c.flush(); replaced by the fuzz target, which has no socket

	closeOnce     sync.Once
	closing       chan struct{} // closed when a close was requested
	closeCode     int
	closeText     string
	closeSentOnce sync.Once
	cutOnce       sync.Once

	mu       sync.Mutex
	ops      map[string]*operation
	initSeen bool
	acked    bool
	draining bool
	auth     *AuthContext
	inflight sync.WaitGroup

	timersMu sync.Mutex
	timers   []*time.Timer // init timeout, credential expiry
	kaTimer  *time.Timer
}

type operation struct {
	id     string
	qid    []byte
	cancel context.CancelFunc
	done   atomic.Bool
	unsub  func()
}

func newConn(h *Handler, ws *websocket.Conn, r *http.Request) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		h: h, ws: ws, nc: ws.NetConn(), legacy: ws.Subprotocol() == ProtocolLegacyWS,
		// ServeHTTP returns while the socket lives on, and an HTTP server
		// may reuse the request: keep a copy of the header, without the
		// handshake's fields, which nothing reads after the upgrade.
		header: socketHeader(r.Header), remote: r.RemoteAddr,
		ctx: ctx, cancel: cancel,
		closing: make(chan struct{}),
		ops:     make(map[string]*operation),
		frames:  frameReader{limit: h.cfg.MaxMessageBytes},
	}
	c.startWriter = func() { go c.flush() }
	return c
}

// serve starts the socket's timers and its reads, and returns; end
// releases everything once the socket is done.
func (c *conn) serve() {
	cfg := &c.h.cfg
	c.after(cfg.InitTimeout, func() {
		c.mu.Lock()
		seen := c.initSeen
		c.mu.Unlock()
		if !seen {
			c.closeWith(CloseInitTimeout, "Connection initialisation timeout", nil)
		}
	})
	c.timersMu.Lock()
	c.kaTimer = time.AfterFunc(cfg.KeepAlive, c.keepalive)
	c.timersMu.Unlock()
	c.startReading()
}

// end runs once, when the reads have stopped: it stops everything this
// socket started, closes it and tells the Handler.
func (c *conn) end() {
	c.closeWith(CloseNormal, "", nil) // no-op when a close was already requested
	c.cancel()
	c.stopTimers()
	c.mu.Lock()
	ops := c.ops
	c.ops = map[string]*operation{}
	c.mu.Unlock()
	for _, op := range ops {
		op.stop()
	}
	c.inflight.Wait()
	c.writers.Wait()
	_ = c.ws.Close()
	if c.onEnd != nil {
		c.onEnd()
	}
}

// after runs f after d unless the socket ended first.
func (c *conn) after(d time.Duration, f func()) {
	t := time.AfterFunc(d, f)
	c.timersMu.Lock()
	c.timers = append(c.timers, t)
	c.timersMu.Unlock()
}

func (c *conn) stopTimers() {
	c.timersMu.Lock()
	for _, t := range c.timers {
		t.Stop()
	}
	c.timers = nil
	if c.kaTimer != nil {
		c.kaTimer.Stop()
		c.kaTimer = nil
	}
	c.timersMu.Unlock()
}

// keepalive runs every KeepAlive (a timer, not a goroutine): a WebSocket
// ping frame, and after the ack a "ping" message (graphql-transport-ws) or
// "ka" (legacy). A socket from which nothing (not even a pong) arrived for
// 2×KeepAlive is cut: half-open TCP connections do not pile up.
func (c *conn) keepalive() {
	select {
	case <-c.closing:
		return
	default:
	}
	if time.Since(time.Unix(0, c.lastRead.Load())) > 2*c.h.cfg.KeepAlive {
		c.stopReading()
		return
	}
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.h.cfg.WriteTimeout)); err != nil {
		c.cut()
		return
	}
	c.mu.Lock()
	acked := c.acked
	c.mu.Unlock()
	if acked {
		if c.legacy {
			c.enqueue([]byte(`{"type":"ka"}`))
		} else {
			c.enqueue([]byte(`{"type":"ping"}`))
		}
	}
	c.timersMu.Lock()
	if c.kaTimer != nil { // nil: stopped
		c.kaTimer.Reset(c.h.cfg.KeepAlive)
	}
	c.timersMu.Unlock()
}

// flush is the writer: it writes the queue in order, then the close frame
// when a close was requested, and exits when there is nothing left.
func (c *conn) flush() {
	defer c.writers.Done()
	for {
		c.qmu.Lock()
		if len(c.queue) == 0 {
			c.writing = false
			closing := c.isClosing() // decided under qmu: see closeWith
			c.qmu.Unlock()
			if closing {
				c.writeClose()
			}
			return
		}
		msg := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		if len(c.queue) == 0 {
			c.queue = nil // let the backing array go while idle
		}
		c.qmu.Unlock()
		_ = c.ws.SetWriteDeadline(time.Now().Add(c.h.cfg.WriteTimeout))
		if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			c.cut()
			c.qmu.Lock()
			c.queue, c.writing = nil, false
			c.qmu.Unlock()
			return
		}
	}
}

// writeClose sends the close frame once and gives the peer closeGrace to
// answer before its reads stop.
func (c *conn) writeClose() {
	c.closeSentOnce.Do(func() {
		err := c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(c.closeCode, c.closeText), time.Now().Add(c.h.cfg.WriteTimeout))
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			c.cut()
			return
		}
		c.after(closeGrace, c.stopReading)
	})
}

// closeWith asks for a close frame (after first, when not nil) and makes
// the reader stop handling messages. Only the first call counts. Queued
// messages are written first, except when the queue overflowed: a reader
// too slow to take them gets the close frame as soon as the frame being
// written is done.
func (c *conn) closeWith(code int, text string, first []byte) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		// closing is closed under qmu together with queueing first, so a
		// writer that finds the queue empty and closing set knows nothing
		// is left to write before the close frame.
		c.qmu.Lock()
		close(c.closing)
		if code == ClosePolicyViolation {
			c.queue = nil
		}
		if first != nil {
			c.queue = append(c.queue, first)
		}
		start := !c.writing
		if start {
			c.writing = true
			c.writers.Add(1)
		}
		c.qmu.Unlock()
		if start {
			c.startWriter()
		}
	})
}

func (c *conn) isClosing() bool {
	select {
	case <-c.closing:
		return true
	default:
		return false
	}
}

// cut drops the TCP connection at once (a writer that cannot write, a
// silent peer, the close handshake's grace, Shutdown's deadline). A parked
// socket has no reader to notice: cut leaves the poller and ends it.
func (c *conn) cut() {
	c.cutOnce.Do(func() {
		c.closeWith(CloseGoingAway, "", nil)
		c.rmu.Lock()
		c.cutting = true
		parked := c.rstate == readParked
		if parked {
			c.rstate = readDone
		}
		if c.polled { // before the close: a descriptor number is reused
			c.polled = false
			c.h.poller.forget(c)
		}
		c.rmu.Unlock()
		_ = c.nc.Close()
		if parked {
			go c.end()
		}
	})
}

// drain is Shutdown's per-socket step: refuse new operations, let the ones
// being executed finish, then close with 1001.
func (c *conn) drain() {
	c.mu.Lock()
	c.draining = true
	c.mu.Unlock()
	go func() {
		c.inflight.Wait()
		c.closeWith(CloseGoingAway, "Server shutting down", nil)
	}()
}

// enqueue hands a message to the writer without ever blocking. A full queue
// means the client reads more slowly than events arrive: the connection is
// closed with 1008 (the overflow policy, see Config.SendQueue).
func (c *conn) enqueue(msg []byte) {
	c.qmu.Lock()
	if c.isClosing() {
		c.qmu.Unlock()
		return
	}
	if len(c.queue) >= c.h.cfg.SendQueue {
		c.qmu.Unlock()
		c.h.cfg.Logger.Warn("subscriptions: outgoing queue full, closing a slow connection", "remote", c.remote)
		c.closeWith(ClosePolicyViolation, "Outgoing queue full: the client reads too slowly", nil)
		return
	}
	c.queue = append(c.queue, msg)
	start := !c.writing
	if start {
		c.writing = true
		c.writers.Add(1)
	}
	c.qmu.Unlock()
	if start {
		c.startWriter()
	}
}

func (op *operation) stop() {
	if op.done.Swap(true) {
		return
	}
	op.cancel()
	if op.unsub != nil {
		op.unsub()
	}
}

// ---- connection_init ----

// handleInit authenticates; it returns false when the socket is closing.
func (c *conn) handleInit(payload json.RawMessage) bool {
	c.mu.Lock()
	if c.initSeen {
		c.mu.Unlock()
		if c.legacy {
			c.closeWith(CloseTooManyInits, "Too many initialisation requests",
				encode("connection_error", nil, messagePayload("Too many initialisation requests")))
		} else {
			c.closeWith(CloseTooManyInits, "Too many initialisation requests", nil)
		}
		return false
	}
	c.initSeen = true
	c.mu.Unlock()
	if !isNull(payload) && !isObject(payload) {
		c.protocolError("connection_init payload must be an object")
		return false
	}
	init := &InitRequest{Header: c.header, RemoteAddr: c.remote, Authorization: authorization(payload, c.header)}
	c.header = nil // nothing reads it after connection_init; an idle socket need not keep it
	if !isNull(payload) {
		init.Payload = payload
	}
	ac, err := c.authenticate(init)
	if err != nil {
		c.h.cfg.Logger.Info("subscriptions: connection refused", "remote", c.remote, "err", err)
		c.forbid("Forbidden")
		return false
	}
	if ac == nil {
		ac = &AuthContext{}
	}
	if !ac.ExpiresAt.IsZero() && !time.Now().Before(ac.ExpiresAt) {
		c.h.cfg.Logger.Info("subscriptions: connection refused: credentials expired", "remote", c.remote)
		c.forbid("Forbidden")
		return false
	}
	c.mu.Lock()
	c.auth, c.acked = ac, true
	c.mu.Unlock()
	if !ac.ExpiresAt.IsZero() {
		c.after(time.Until(ac.ExpiresAt), func() {
			c.h.cfg.Logger.Info("subscriptions: credentials expired, closing", "remote", c.remote)
			c.forbid("Forbidden: credentials expired")
		})
	}
	c.enqueue([]byte(`{"type":"connection_ack"}`))
	if c.legacy {
		c.enqueue([]byte(`{"type":"ka"}`))
	}
	return true
}

func (c *conn) authenticate(init *InitRequest) (ac *AuthContext, err error) {
	if c.h.authn == nil {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in Authenticate: %v\n%s", r, debug.Stack())
		}
	}()
	return c.h.authn.Authenticate(c.ctx, init)
}

func (c *conn) forbid(text string) {
	if c.legacy {
		c.closeWith(CloseForbidden, text, encode("connection_error", nil, messagePayload(text)))
	} else {
		c.closeWith(CloseForbidden, text, nil)
	}
}

// protocolError: graphql-transport-ws closes with 4400; the legacy protocol
// answers connection_error and keeps the socket (its PROTOCOL.md).
func (c *conn) protocolError(text string) {
	if c.legacy {
		c.enqueue(encode("connection_error", nil, messagePayload(text)))
		return
	}
	c.closeWith(CloseBadRequest, text, nil)
}

// ---- operations ----

// start reserves id and runs the operation; reason is "" when it started.
func (c *conn) start(id string, req Request) {
	qid := quoteID(id)
	c.mu.Lock()
	if c.draining {
		c.mu.Unlock()
		c.opError(qid, "The server is shutting down", "SHUTTING_DOWN")
		return
	}
	if old, ok := c.ops[id]; ok {
		if !c.legacy {
			c.mu.Unlock()
			c.closeWith(CloseSubscriberExists, "Subscriber for "+truncate(id, 64)+" already exists", nil)
			return
		}
		// subscriptions-transport-ws replaces an operation restarted with
		// the same id.
		delete(c.ops, id)
		old.stop()
	}
	if len(c.ops) >= c.h.cfg.MaxOperations {
		c.mu.Unlock()
		c.opError(qid, "Too many operations on this connection (limit "+strconv.Itoa(c.h.cfg.MaxOperations)+")",
			"TOO_MANY_OPERATIONS")
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	op := &operation{id: id, qid: qid, cancel: cancel}
	c.ops[id] = op
	req.Auth = c.auth
	c.inflight.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.inflight.Done()
		c.run(ctx, op, &req)
	}()
}

// run prepares and executes or registers one operation.
func (c *conn) run(ctx context.Context, op *operation, req *Request) {
	prepared, err := c.prepare(ctx, req)
	if op.done.Load() {
		return
	}
	var reqErr *RequestError
	switch {
	case errors.As(err, &reqErr):
		c.finish(op)
		c.enqueue(encode("error", op.qid, reqErr.Errors))
		return
	case err != nil:
		c.internalError(op, err)
		return
	}
	switch p := prepared.(type) {
	case SingleResult:
		body, err := c.execute(ctx, p)
		if op.done.Load() {
			return
		}
		if err != nil {
			c.internalError(op, err)
			return
		}
		c.finish(op)
		c.enqueue(encode(c.dataType(), op.qid, body))
		c.enqueue(encode("complete", op.qid, nil))
	case Subscription:
		if c.h.hub == nil {
			c.finish(op)
			c.enqueue(encode("error", op.qid, errorsPayload("Subscriptions are not enabled on this server", "SUBSCRIPTIONS_DISABLED")))
			return
		}
		typ := c.dataType()
		unsub := c.h.hub.Subscribe(p, func(payload []byte) {
			if !op.done.Load() {
				c.enqueue(encode(typ, op.qid, payload))
			}
		})
		c.mu.Lock()
		live := c.ops[op.id] == op && !op.done.Load()
		if live {
			op.unsub = unsub
		}
		c.mu.Unlock()
		if !live {
			unsub()
		}
		// Nothing uses the operation's context once it is registered
		// (reads run under the Hub's): release it rather than keep it in
		// the socket's context for the subscription's whole life.
		op.cancel()
	default:
		c.internalError(op, fmt.Errorf("executor returned %T, neither SingleResult nor Subscription", prepared))
	}
}

func (c *conn) prepare(ctx context.Context, req *Request) (op Operation, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in Prepare: %v\n%s", r, debug.Stack())
		}
	}()
	return c.h.exec.Prepare(ctx, req)
}

func (c *conn) execute(ctx context.Context, p SingleResult) (body []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in Execute: %v\n%s", r, debug.Stack())
		}
	}()
	return p.Execute(ctx)
}

func (c *conn) dataType() string {
	if c.legacy {
		return "data"
	}
	return "next"
}

// finish forgets a completed operation.
func (c *conn) finish(op *operation) {
	c.mu.Lock()
	if c.ops[op.id] == op {
		delete(c.ops, op.id)
	}
	c.mu.Unlock()
	op.stop()
}

// stopOp handles complete (graphql-transport-ws) and stop (legacy).
func (c *conn) stopOp(id string) {
	c.mu.Lock()
	op, ok := c.ops[id]
	if ok {
		delete(c.ops, id)
	}
	c.mu.Unlock()
	if !ok {
		return
	}
	op.stop()
	if c.legacy { // the legacy server confirms a stop with complete
		c.enqueue(encode("complete", op.qid, nil))
	}
}

func (c *conn) internalError(op *operation, err error) {
	c.h.cfg.Logger.Error("subscriptions: operation failed", "remote", c.remote, "id", op.id, "err", err)
	c.finish(op)
	if c.legacy {
		c.enqueue(encode("error", op.qid, messagePayload("Internal server error")))
		return
	}
	c.closeWith(CloseInternalServerError, "Internal server error", nil)
}

// opError refuses an operation that never started.
func (c *conn) opError(qid []byte, msg, code string) {
	if c.legacy {
		c.enqueue(encode("error", qid, messagePayload(msg)))
		return
	}
	c.enqueue(encode("error", qid, errorsPayload(msg, code)))
}

// truncate shortens s to at most n bytes on a rune boundary (a close
// reason must be valid UTF-8 and at most 123 bytes).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ---- graphql-transport-ws ----

func (c *conn) handleTransport(kind int, data []byte) {
	if kind != websocket.TextMessage {
		c.closeWith(CloseBadRequest, "Binary messages are not supported", nil)
		return
	}
	var m inMessage
	if err := json.Unmarshal(data, &m); err != nil || m.Type == nil {
		c.closeWith(CloseBadRequest, "Invalid message received", nil)
		return
	}
	switch *m.Type {
	case "connection_init":
		c.handleInit(m.Payload)
	case "ping":
		c.enqueue([]byte(`{"type":"pong"}`))
	case "pong":
	case "subscribe":
		c.mu.Lock()
		acked := c.acked
		c.mu.Unlock()
		if !acked {
			c.closeWith(CloseUnauthorized, "Unauthorized", nil)
			return
		}
		if m.ID == nil || *m.ID == "" {
			c.closeWith(CloseBadRequest, "Invalid message received: subscribe needs an id", nil)
			return
		}
		req, bad := parseRequest(m.Payload)
		if bad != "" {
			c.closeWith(CloseBadRequest, "Invalid message received: "+bad, nil)
			return
		}
		c.start(*m.ID, req)
	case "complete":
		if m.ID == nil || *m.ID == "" {
			c.closeWith(CloseBadRequest, "Invalid message received: complete needs an id", nil)
			return
		}
		c.stopOp(*m.ID)
	default:
		c.closeWith(CloseBadRequest, "Invalid message received: unknown type", nil)
	}
}

// ---- legacy graphql-ws ----

func (c *conn) handleLegacy(kind int, data []byte) {
	if kind != websocket.TextMessage {
		c.protocolError("Binary messages are not supported")
		return
	}
	var m inMessage
	if err := json.Unmarshal(data, &m); err != nil {
		c.protocolError("Message must be a JSON object")
		return
	}
	if m.Type == nil {
		c.protocolError("Message type is required")
		return
	}
	switch *m.Type {
	case "connection_init":
		c.handleInit(m.Payload)
	case "connection_terminate":
		c.closeWith(CloseNormal, "Client requested termination", nil)
	case "start":
		if m.ID == nil || *m.ID == "" {
			c.protocolError("Operation id is required")
			return
		}
		qid := quoteID(*m.ID)
		c.mu.Lock()
		acked := c.acked
		c.mu.Unlock()
		if !acked {
			c.enqueue(encode("error", qid, messagePayload("Unauthorized: send connection_init first")))
			return
		}
		req, bad := parseRequest(m.Payload)
		if bad != "" {
			c.enqueue(encode("error", qid, messagePayload(bad)))
			return
		}
		c.start(*m.ID, req)
	case "stop":
		if m.ID == nil || *m.ID == "" {
			c.protocolError("Operation id is required")
			return
		}
		c.stopOp(*m.ID)
	default:
		c.protocolError("Invalid message type")
	}
}

// socketHeader copies the upgrade request's header for the Authenticator,
// leaving out the WebSocket handshake's own fields.
func socketHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		switch k {
		case "Sec-Websocket-Key", "Sec-Websocket-Version", "Sec-Websocket-Extensions", "Sec-Websocket-Protocol", "Upgrade", "Connection":
			continue
		}
		out[k] = append([]string(nil), v...)
	}
	return out
}
