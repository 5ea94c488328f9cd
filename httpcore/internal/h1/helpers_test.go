package h1

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testApp is the smallest handler the connection tests need: /health
// answers like FraiseQL's, any POST reads its body and answers a fixed
// GraphQL-looking body (after waiting on block, when set), anything else is
// Starlette's 404. It knows nothing of GraphQL: the bytes are fixed.
type testApp struct {
	block   chan struct{}
	started chan struct{}
}

func (a *testApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := w.(ResponseWriter)
	switch {
	case r.URL.Path == "/health":
		rw.Respond(http.StatusOK, "application/json", []byte(`{"status":"healthy","service":"fraiseql"}`))
	case r.Method == http.MethodPost:
		if _, err := BodyBytes(r); err != nil {
			panic(err)
		}
		if a.started != nil {
			a.started <- struct{}{}
		}
		if a.block != nil {
			<-a.block
		}
		rw.Respond(http.StatusOK, "application/json", []byte(`{"data":{"fake":true}}`))
	default:
		rw.Respond(http.StatusNotFound, "application/json", []byte(`{"detail":"Not Found"}`))
	}
}

var dateRe = regexp.MustCompile(`(?m)^date: [^\r]*\r$`)

// normalizeDate replaces the date value, the only header that varies.
func normalizeDate(b []byte) []byte {
	return dateRe.ReplaceAll(b, []byte("date: <date>\r"))
}

// testServer runs a Server with handler on a loopback port.
type testServer struct {
	t    testing.TB
	srv  *Server
	addr string
	done chan error
}

func startServer(t testing.TB, h http.Handler, tweak func(*Server)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h)
	if tweak != nil {
		tweak(srv)
	}
	ts := &testServer{t: t, srv: srv, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-ts.done; err != ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ts
}

func (ts *testServer) dial() net.Conn {
	ts.t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// exchange sends raw on a new connection and reads one response.
func (ts *testServer) exchange(raw []byte, head bool) []byte {
	ts.t.Helper()
	c := ts.dial()
	if _, err := c.Write(raw); err != nil {
		ts.t.Fatal(err)
	}
	return readResponse(ts.t, bufio.NewReader(c), head)
}

var contentLengthRe = regexp.MustCompile(`(?m)^content-length: (\d+)\r$`)

// readResponse reads one response: the header block, then content-length
// body bytes (none for HEAD), or everything until EOF without a length.
func readResponse(t testing.TB, br *bufio.Reader, head bool) []byte {
	t.Helper()
	var out bytes.Buffer
	for {
		line, err := br.ReadBytes('\n')
		out.Write(line)
		if err != nil {
			return out.Bytes()
		}
		if bytes.Equal(line, []byte("\r\n")) {
			break
		}
	}
	m := contentLengthRe.FindSubmatch(out.Bytes())
	if m == nil {
		rest, _ := io.ReadAll(br)
		out.Write(rest)
		return out.Bytes()
	}
	if head {
		return out.Bytes()
	}
	n, _ := strconv.Atoi(string(m[1]))
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatalf("reading %d body bytes: %v (got so far %q)", n, err, out.Bytes())
	}
	out.Write(body)
	return out.Bytes()
}
