package h1

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// conns is the number of connections the server tracks.
func (s *Server) trackedConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A client that sends a request and never reads the answer is closed
// once WriteTimeout passes, and its buffered response freed; a client
// that reads keeps its keep-alive connection.
func TestWriteTimeoutClosesNonReader(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	big := bytes.Repeat([]byte("x"), 16<<20) // more than the socket buffers hold
	// The reader asks for less, so that a loaded machine (-race, two
	// cores shared) still writes it well within the timeout.
	small := big[:1<<20]
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/small" {
			w.(ResponseWriter).Respond(200, "text/plain", small)
			return
		}
		w.(ResponseWriter).Respond(200, "text/plain", big)
	})
	ts := startServer(t, h, func(s *Server) { s.WriteTimeout = time.Second })
	c := ts.dial()
	c.(*net.TCPConn).SetReadBuffer(4096)
	io.WriteString(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "the server to track the connection", func() bool { return ts.srv.trackedConns() == 1 })
	waitFor(t, "the write deadline to close the connection", func() bool { return ts.srv.trackedConns() == 0 })

	// A reader gets the whole answer and keeps the connection.
	r := ts.dial()
	br := bufio.NewReader(r)
	io.WriteString(r, "GET /small HTTP/1.1\r\nHost: x\r\n\r\n")
	if got := readResponse(t, br, false); len(got) < len(small) {
		t.Fatalf("reader got %d bytes", len(got))
	}
	if ts.srv.trackedConns() != 1 {
		t.Errorf("reader's connection not kept: %d tracked", ts.srv.trackedConns())
	}
}

// At shutdown an idle keep-alive connection is closed at once; a
// connection still receiving its request gets ShutdownReadGrace: a
// client whose body arrives in time is answered, one trickling its body is
// closed (it used to hold the drain for the whole timeout); a request
// being executed is drained.
func TestShutdownClosesConnectionsWithoutARequestInFlight(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	exec := &testApp{block: make(chan struct{}), started: make(chan struct{}, 1)}
	ts := startServer(t, exec, nil)
	idle := ts.dial()
	idleBR := bufio.NewReader(idle)
	io.WriteString(idle, healthReq)
	readResponse(t, idleBR, false)
	trickle := ts.dial()
	io.WriteString(trickle, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"qu")
	header := ts.dial()
	io.WriteString(header, "GET /health HTTP/1.1\r\nHost: x\r\n")
	late := ts.dial()
	io.WriteString(late, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n{}")
	busy := ts.dial()
	io.WriteString(busy, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 21\r\n\r\n{\"query\":\"{ hello }\"}")
	<-exec.started
	waitFor(t, "five connections", func() bool { return ts.srv.trackedConns() == 5 })

	shut := make(chan error, 1)
	go func() { shut <- ts.srv.Shutdown(context.Background()) }()
	assertClosed(t, idleBR)
	io.WriteString(late, "  ") // the rest of its body, within the grace
	if got := string(readResponse(t, bufio.NewReader(late), false)); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") {
		t.Fatalf("a body completed during the grace: %q", got)
	}
	assertClosed(t, bufio.NewReader(trickle))
	assertClosed(t, bufio.NewReader(header))
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	default:
	}
	close(exec.block)
	br := bufio.NewReader(busy)
	if got := string(readResponse(t, br, false)); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") {
		t.Fatalf("in-flight response: %q", got)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// failingListener fails Accept with err n times, then accepts.
type failingListener struct {
	net.Listener
	mu  sync.Mutex
	n   int
	err error
}

func (l *failingListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.n > 0 {
		l.n--
		l.mu.Unlock()
		return nil, l.err
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Running out of file descriptors is one log line with the limit and how
// to raise it (not one per attempt), accepting backs off and resumes, and
// the server keeps serving.
func TestAcceptOutOfFileDescriptors(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	emfile := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	fl := &failingListener{Listener: ln, n: 6, err: emfile}
	var logs lockedBuffer
	srv := NewServer(&testApp{})
	srv.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(fl) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, healthReq)
	if got := string(readResponse(t, bufio.NewReader(c), false)); !strings.HasPrefix(got, "HTTP/1.1 200 OK") {
		t.Fatalf("after the failures: %q", got)
	}
	out := logs.String()
	if n := strings.Count(out, "out of file descriptors"); n != 1 {
		t.Errorf("%d out-of-descriptor lines, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "limit_soft=") || !strings.Contains(out, "ulimit -n") || !strings.Contains(out, "accepting connections again") || !strings.Contains(out, "failed_attempts=6") {
		t.Errorf("log lines:\n%s", out)
	}
	srv.Shutdown(context.Background())
	if err := <-served; err != ErrServerClosed {
		t.Fatalf("Serve: %v", err)
	}
}

// A permanent accept error still ends Serve.
func TestAcceptPermanentErrorEndsServe(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	perm := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EINVAL)}
	srv := NewServer(&testApp{})
	if err := srv.Serve(&failingListener{Listener: ln, n: 1, err: perm}); err != perm {
		t.Fatalf("Serve: %v", err)
	}
}

// OnWrite's hook brackets the write of the response: start runs once the
// handler has returned, end once the bytes are flushed (nil error); an
// aborted response calls neither. Adapt's writer brackets its flush.
func TestOnWrite(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []string
	note := func(s string) { mu.Lock(); events = append(events, s); mu.Unlock() }
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := w.(ResponseWriter)
		rw.OnWrite(func() func(error) {
			note("start " + r.URL.Path)
			return func(err error) { note(fmt.Sprintf("end %s %v", r.URL.Path, err)) }
		})
		rw.Respond(200, "text/plain", []byte("ok"))
		note("handler returned")
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
	})
	ts := startServer(t, h, nil)
	c := ts.dial()
	br := bufio.NewReader(c)
	io.WriteString(c, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
	readResponse(t, br, false)
	io.WriteString(c, "GET /abort HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "the aborted connection to close", func() bool { return ts.srv.trackedConns() == 0 })
	mu.Lock()
	got := strings.Join(events, "; ")
	mu.Unlock()
	if want := "handler returned; start /ok; end /ok <nil>; handler returned"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}

	events = nil
	rec := httptest.NewRecorder()
	rw, flush := Adapt(rec)
	h.ServeHTTP(rw, httptest.NewRequest("GET", "/adapted", nil))
	flush()
	if got := strings.Join(events, "; "); got != "handler returned; start /adapted; end /adapted <nil>" || rec.Body.String() != "ok" {
		t.Errorf("adapted: events %q, body %q", got, rec.Body)
	}
}
