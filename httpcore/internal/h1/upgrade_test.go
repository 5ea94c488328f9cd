package h1

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/fraiseql/fraiseql-http/connlimit"
)

// echoWS is the smallest WebSocket layer: it upgrades on /ws, echoes every
// message, and on shutdown sends each open connection a 1001 close frame.
type echoWS struct {
	upgrader websocket.Upgrader
	mu       sync.Mutex
	conns    map[*websocket.Conn]struct{}
	wg       sync.WaitGroup
}

func (e *echoWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ws" {
		w.(ResponseWriter).Respond(http.StatusNotFound, "application/json", []byte(`{"detail":"Not Found"}`))
		return
	}
	c, err := e.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered 400 through w
	}
	e.mu.Lock()
	e.conns[c] = struct{}{}
	e.mu.Unlock()
	e.wg.Go(func() {
		defer func() {
			e.mu.Lock()
			delete(e.conns, c)
			e.mu.Unlock()
			c.Close()
		}()
		for {
			typ, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(typ, msg); err != nil {
				return
			}
		}
	})
}

// goingAway is the RegisterOnShutdown hook.
func (e *echoWS) goingAway() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for c := range e.conns {
		c.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"),
			time.Now().Add(time.Second))
	}
}

// TestWebSocketUpgrade: gorilla/websocket's Upgrader works on a route
// served by Server; the upgraded connection leaves the keep-alive loop and
// the drain (Shutdown does not wait for it) but stays counted by the
// connlimit listener until it is closed; RegisterOnShutdown lets the
// WebSocket layer send its close frame.
func TestWebSocketUpgrade(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limited := connlimit.NewListener(ln, 10)
	ws := &echoWS{conns: map[*websocket.Conn]struct{}{}}
	srv := NewServer(ws)
	srv.Timeouts = connlimit.Timeouts{Idle: 100 * time.Millisecond, Header: 100 * time.Millisecond, Body: 100 * time.Millisecond}
	srv.RegisterOnShutdown(ws.goingAway)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(limited) }()

	url := "ws://" + ln.Addr().String() + "/ws"
	c, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake status %d", resp.StatusCode)
	}
	for _, msg := range []string{"hello", strings.Repeat("x", 70000), "é🙂"} {
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		typ, got, err := c.ReadMessage()
		if err != nil || typ != websocket.TextMessage || string(got) != msg {
			t.Fatalf("echo of %.20q: %d %.20q %v", msg, typ, got, err)
		}
	}

	// The connection outlives the idle and header timeouts the handshake
	// was read under (TestHijack checks the same without gorilla, which
	// also clears deadlines itself).
	time.Sleep(300 * time.Millisecond)
	if err := c.WriteMessage(websocket.BinaryMessage, []byte{0, 1}); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, got, err := c.ReadMessage(); err != nil || string(got) != "\x00\x01" {
		t.Fatalf("echo after the HTTP timeouts: %q %v", got, err)
	}
	srv.mu.Lock()
	tracked := len(srv.conns)
	srv.mu.Unlock()
	if tracked != 0 {
		t.Errorf("the hijacked connection is still tracked by the server (%d conns)", tracked)
	}
	if n := limited.Active(); n != 1 {
		t.Errorf("connlimit Active = %d with one WebSocket open, want 1", n)
	}

	// A plain request on another connection still works next to it.
	hc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(hc, "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	hc.SetDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(hc)
	hc.Close()
	if !strings.HasPrefix(string(got), "HTTP/1.1 404 Not Found\r\n") {
		t.Fatalf("plain request next to the WebSocket: %q", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown waited on the WebSocket: %v", err)
	}
	if err := <-served; err != ErrServerClosed {
		t.Fatalf("Serve: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("after Shutdown the client read %v, want a 1001 close frame", err)
	}
	c.Close()
	ws.wg.Wait() // the server side ends once the client is gone
	deadline := time.Now().Add(5 * time.Second)
	for limited.Active() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := limited.Active(); n != 0 {
		t.Errorf("connlimit Active = %d after the WebSocket closed, want 0", n)
	}
}

// TestWebSocketUpgradeRefused: a bad handshake is answered through the
// ResponseWriter (gorilla's http.Error) and the connection stays HTTP.
func TestWebSocketUpgradeRefused(t *testing.T) {
	t.Parallel()
	ws := &echoWS{conns: map[*websocket.Conn]struct{}{}}
	ts := startServer(t, ws, nil)
	c := ts.dial()
	br := bufio.NewReader(c)
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
	got := string(normalizeDate(readResponse(t, br, false)))
	if !strings.HasPrefix(got, "HTTP/1.1 400 Bad Request\r\n") || !strings.Contains(got, "\r\nsec-websocket-version: 13\r\n") {
		t.Fatalf("refused handshake: %q", got)
	}
	io.WriteString(c, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
	if got := readResponse(t, br, false); !strings.HasPrefix(string(got), "HTTP/1.1 404 ") {
		t.Fatalf("keep-alive after a refused upgrade: %q", got)
	}
}

func TestRegisterOnShutdownRunsOnceAndIsWaitedFor(t *testing.T) {
	t.Parallel()
	srv := NewServer(&testApp{})
	var calls atomic.Int32
	release := make(chan struct{})
	srv.RegisterOnShutdown(func() { calls.Add(1); <-release })
	srv.RegisterOnShutdown(func() { calls.Add(1) })
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v before its hook did", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("hooks called %d times, want each once (2)", n)
	}

	// A hook that never returns is bounded by the context.
	stuck := NewServer(&testApp{})
	never := make(chan struct{})
	defer close(never)
	stuck.RegisterOnShutdown(func() { <-never })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := stuck.Shutdown(ctx); err != context.DeadlineExceeded {
		t.Fatalf("Shutdown with a stuck hook: %v", err)
	}
}

func TestAdaptForeignWriter(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	w, flush := Adapt(rec)
	w.AddHeader("allow", "POST")
	w.Respond(http.StatusMethodNotAllowed, "application/json", []byte(`{"detail":"Method Not Allowed"}`))
	flush()
	if rec.Code != 405 || rec.Header().Get("Allow") != "POST" || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != `{"detail":"Method Not Allowed"}` {
		t.Fatalf("adapted: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	own := &responseWriter{}
	if got, _ := Adapt(own); got != own {
		t.Fatal("Adapt wrapped this package's own writer")
	}
}
