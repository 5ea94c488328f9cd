package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/connlimit"
)

const healthReq = "GET /health HTTP/1.1\r\nHost: localhost:8000\r\n\r\n"

const healthResp = "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 41\r\ncontent-type: application/json\r\n\r\n{\"status\":\"healthy\",\"service\":\"fraiseql\"}"

const invalidResp = "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nInvalid HTTP request received."

// assertClosed fails unless the server closes c without sending more bytes.
func assertClosed(t *testing.T, br *bufio.Reader) {
	t.Helper()
	b, err := br.ReadByte()
	if err == nil {
		rest, _ := br.Peek(br.Buffered())
		t.Fatalf("expected the connection to close, got more bytes %q", append([]byte{b}, rest...))
	}
	if !errors.Is(err, io.EOF) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("connection still open (read timed out)")
		}
	}
}

func TestFraming(t *testing.T) {
	t.Parallel()
	ts := startServer(t, &testApp{}, nil)
	tests := []struct {
		name string
		req  string
		head bool
		want string
	}{
		{"health", healthReq, false, healthResp},
		{"connection close asked", "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false,
			strings.Replace(healthResp, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)},
		{"http/1.0 answered as 1.1 and closed", "GET /health HTTP/1.0\r\n\r\n", false,
			strings.Replace(healthResp, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)},
		{"head has the length, not the body", "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n", true,
			"HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 41\r\ncontent-type: application/json\r\n\r\n"},
		{"unknown path with slash", "GET /nope/ HTTP/1.1\r\nHost: x\r\n\r\n", false,
			"HTTP/1.1 404 Not Found\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Not Found\"}"},
		{"chunked body", "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{\"que\r\n10\r\nry\":\"{ hello }\"}\r\n0\r\n\r\n", false,
			"HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"data\":{\"fake\":true}}"},
		{"expect continue", "POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}", false,
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"data\":{\"fake\":true}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.dial()
			io.WriteString(c, tt.req)
			br := bufio.NewReader(c)
			var got []byte
			if strings.HasPrefix(tt.want, "HTTP/1.1 100 ") {
				cont := make([]byte, len(continueResponse))
				io.ReadFull(br, cont)
				got = append(got, cont...)
			}
			got = append(got, readResponse(t, br, tt.head)...)
			if g := string(normalizeDate(got)); g != tt.want {
				t.Fatalf("\n got: %q\nwant: %q", g, tt.want)
			}
			if strings.Contains(tt.want, "Connection: close") {
				assertClosed(t, br)
			}
		})
	}
}

func TestMalformedRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, &testApp{}, func(s *Server) { s.MaxHeaderBytes = 1024 })
	tests := []struct{ name, req string }{
		{"garbage", "GARBAGE\r\n\r\n"},
		{"bad content-length", "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"},
		{"two content-lengths", "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"},
		{"bad transfer-encoding", "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"},
		{"missing host on 1.1", "GET /health HTTP/1.1\r\n\r\n"},
		{"http/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"},
		{"huge header", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 4096) + "\r\n\r\n"},
		{"header without colon", "GET /health HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n"},
		// A body whose chunked framing is broken: h11's 400, not a silent close.
		{"chunk size not hex", "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"},
		{"chunk without its CRLF", "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.dial()
			io.WriteString(c, tt.req)
			br := bufio.NewReader(c)
			got, _ := io.ReadAll(br)
			if string(got) != invalidResp {
				t.Fatalf("\n got: %q\nwant: %q", got, invalidResp)
			}
		})
	}
}

func TestKeepAliveAndPipelining(t *testing.T) {
	t.Parallel()
	ts := startServer(t, &testApp{}, nil)
	c := ts.dial()
	br := bufio.NewReader(c)
	// Sequential requests on one connection.
	for i := 0; i < 3; i++ {
		io.WriteString(c, healthReq)
		if got := string(normalizeDate(readResponse(t, br, false))); got != healthResp {
			t.Fatalf("request %d: %q", i, got)
		}
	}
	// Pipelined: three requests in one write, answered in order.
	notFound := "GET /x HTTP/1.1\r\nHost: x\r\n\r\n"
	post := "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 21\r\n\r\n{\"query\":\"{ hello }\"}"
	io.WriteString(c, healthReq+notFound+post+"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	wantStatus := []string{"HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"}
	for i, w := range wantStatus {
		got := readResponse(t, br, false)
		if !bytes.HasPrefix(got, []byte(w+"\r\n")) {
			t.Fatalf("pipelined response %d: %q, want status %q", i, got, w)
		}
	}
	assertClosed(t, br)
}

func TestIdleAndSlowClientsAreClosed(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := startServer(t, &testApp{}, func(s *Server) {
		s.Timeouts = connlimit.Timeouts{Idle: 100 * time.Millisecond, Header: 100 * time.Millisecond, Body: 100 * time.Millisecond}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		c := ts.dial()
		io.WriteString(c, healthReq)
		br := bufio.NewReader(c)
		readResponse(t, br, false)
		assertClosed(t, br) // nothing more is sent: closed after Idle
	})
	t.Run("slowloris header", func(t *testing.T) {
		c := ts.dial()
		io.WriteString(c, "GET /health HTTP/1.1\r\nHost: x\r\n") // never finishes
		assertClosed(t, bufio.NewReader(c))
	})
	t.Run("short body", func(t *testing.T) {
		c := ts.dial()
		io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}")
		assertClosed(t, bufio.NewReader(c))
	})
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	ts := startServer(t, &testApp{}, func(s *Server) { s.MaxBodyBytes = 16 })
	want := "HTTP/1.1 413 Content Too Large\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 30\r\ncontent-type: application/json\r\nConnection: close\r\n\r\n{\"detail\":\"Content Too Large\"}"
	for name, req := range map[string]string{
		"content-length": "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + strings.Repeat("a", 17),
		"chunked":        "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n" + strings.Repeat("a", 17) + "\r\n0\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := ts.dial()
			io.WriteString(c, req)
			br := bufio.NewReader(c)
			if got := string(normalizeDate(readResponse(t, br, false))); got != want {
				t.Fatalf("\n got: %q\nwant: %q", got, want)
			}
			assertClosed(t, br)
		})
	}
	// Exactly at the limit is fine.
	got := ts.exchange([]byte("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n{\"query\":\"{ a }\"}"[:len("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n")+16]), false)
	if !bytes.HasPrefix(got, []byte("HTTP/1.1 422 ")) && !bytes.HasPrefix(got, []byte("HTTP/1.1 200 ")) {
		t.Fatalf("body at the limit: %q", got)
	}
}

func TestPanicIs500AndConnectionSurvives(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			w.Header().Set("X-Partial", "1")
			w.Write([]byte("partial"))
			panic("boom")
		}
		w.(ResponseWriter).Respond(200, "text/plain; charset=utf-8", []byte("ok"))
	})
	ts := startServer(t, h, nil)
	c := ts.dial()
	br := bufio.NewReader(c)
	io.WriteString(c, "GET /panic HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
	want500 := "HTTP/1.1 500 Internal Server Error\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 21\r\ncontent-type: text/plain; charset=utf-8\r\n\r\nInternal Server Error"
	if got := string(normalizeDate(readResponse(t, br, false))); got != want500 {
		t.Fatalf("\n got: %q\nwant: %q", got, want500)
	}
	if got := readResponse(t, br, false); !bytes.HasSuffix(got, []byte("\r\n\r\nok")) {
		t.Fatalf("after panic: %q", got)
	}
}

func TestHeaderOrderAPI(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ho := w.(ResponseWriter)
		w.Header().Set("X-Zeta", "z")
		w.Header().Set("X-Alpha", "a")
		ho.AddHeader("www-authenticate", `Basic realm="FraiseQL Development"`)
		ho.AppendHeader("vary", "Origin")
		ho.AppendHeader("x-injected", "a\r\nb")
		w.WriteHeader(401)
		io.WriteString(w, "Development authentication required")
	})
	ts := startServer(t, h, nil)
	got := string(normalizeDate(ts.exchange([]byte(healthReq), false)))
	want := "HTTP/1.1 401 Unauthorized\r\ndate: <date>\r\nserver: uvicorn\r\nx-alpha: a\r\nx-zeta: z\r\nwww-authenticate: Basic realm=\"FraiseQL Development\"\r\ncontent-length: 35\r\nvary: Origin\r\nx-injected: a  b\r\n\r\nDevelopment authentication required"
	if got != want {
		t.Fatalf("\n got: %q\nwant: %q", got, want)
	}
}

// TestHijack: the hijacked reader still holds what the client sent with
// the request, and the connection outlives the request-phase deadlines.
func TestHijack(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\nhello")
		rw.Flush()
		for range 2 {
			line, err := rw.ReadString('\n')
			if err != nil {
				t.Error(err)
				return
			}
			rw.WriteString("echo:" + line)
			rw.Flush()
		}
	})
	ts := startServer(t, h, func(s *Server) {
		s.Timeouts = connlimit.Timeouts{Idle: 50 * time.Millisecond, Header: 50 * time.Millisecond, Body: 50 * time.Millisecond}
	})
	c := ts.dial()
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\nearly\n")
	br := bufio.NewReader(c)
	want := "HTTP/1.1 101 Switching Protocols\r\n\r\nhelloecho:early\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil || string(got) != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
	time.Sleep(200 * time.Millisecond) // past every request-phase deadline
	io.WriteString(c, "late\n")
	rest, _ := io.ReadAll(br)
	if string(rest) != "echo:late\n" {
		t.Fatalf("after the request deadlines: %q", rest)
	}
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	exec := &testApp{block: make(chan struct{}), started: make(chan struct{}, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(exec)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	busy, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idleBR := bufio.NewReader(idle)
	io.WriteString(idle, healthReq)
	readResponse(t, idleBR, false) // now an idle keep-alive connection

	io.WriteString(busy, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 21\r\n\r\n{\"query\":\"{ hello }\"}")
	<-exec.started

	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()

	assertClosed(t, idleBR) // idle connection closed promptly
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("listener still accepting after Shutdown")
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	default:
	}
	close(exec.block)
	br := bufio.NewReader(busy)
	got := string(normalizeDate(readResponse(t, br, false)))
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.Contains(got, "\r\nConnection: close\r\n\r\n{\"data\"") {
		t.Fatalf("in-flight response: %q", got)
	}
	assertClosed(t, br)
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if err := <-served; err != ErrServerClosed {
		t.Fatalf("Serve: %v", err)
	}
}

func TestShutdownDeadlineClosesStuckConnections(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	exec := &testApp{block: make(chan struct{}), started: make(chan struct{}, 1)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(exec)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 21\r\n\r\n{\"query\":\"{ hello }\"}")
	<-exec.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown with a done context: %v", err)
	}
	assertClosed(t, bufio.NewReader(c))
	close(exec.block) // let the handler goroutine finish
	<-served
	// The handler goroutine ends once its write fails on the closed conn.
	deadline := time.Now().Add(5 * time.Second)
	for {
		srv.mu.Lock()
		n := len(srv.conns)
		srv.mu.Unlock()
		if n == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An unparsable request after a first one on the same keep-alive
// connection (pipelined or sent later) gets h11's framing too: the 400
// with "Connection: close", then the close (issue 11's "error after the
// first request" lacked the header).
func TestMalformedAfterFirstRequest(t *testing.T) {
	t.Parallel()
	ts := startServer(t, &testApp{}, nil)
	for _, pipelined := range []bool{true, false} {
		c := ts.dial()
		br := bufio.NewReader(c)
		if pipelined {
			io.WriteString(c, healthReq+"GARBAGE\r\n\r\n")
		} else {
			io.WriteString(c, healthReq)
		}
		if got := string(normalizeDate(readResponse(t, br, false))); got != healthResp {
			t.Fatalf("first: %q", got)
		}
		if !pipelined {
			io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
		}
		rest, _ := io.ReadAll(br)
		if string(rest) != invalidResp {
			t.Errorf("pipelined %v: after the first response %q, want %q", pipelined, rest, invalidResp)
		}
	}
}
