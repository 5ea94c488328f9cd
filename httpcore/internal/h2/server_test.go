package h2

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/fraiseql/fraiseql-http/connlimit"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// app answers through h1.ResponseWriter as the real routes do: /health a
// fixed JSON body with a header in each slot, /echo the request body,
// /panic panics, /block waits for release.
type app struct {
	started chan struct{}
	release chan struct{}
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := w.(h1.ResponseWriter)
	switch r.URL.Path {
	case "/health":
		rw.AddHeader("x-early", "1")
		rw.AppendHeader("x-late", "2")
		rw.Respond(http.StatusOK, "application/json", []byte(`{"status":"healthy","service":"fraiseql"}`))
	case "/echo":
		b, err := h1.BodyBytes(r)
		if err != nil {
			panic(err)
		}
		rw.Respond(http.StatusOK, "application/json", b)
	case "/no-content-type": // v1's development 401 has none
		rw.AddHeader("www-authenticate", `Basic realm="FraiseQL Development"`)
		rw.Respond(http.StatusUnauthorized, "", []byte("Authentication required"))
	case "/panic":
		rw.Respond(http.StatusOK, "application/json", []byte(`{}`))
		panic("boom")
	case "/stuck": // a handler that ignores cancellation
		a.started <- struct{}{}
		<-a.release
		rw.Respond(http.StatusOK, "application/json", []byte(`{"done":true}`))
	case "/block":
		a.started <- struct{}{}
		select {
		case <-a.release:
		case <-r.Context().Done():
		}
		rw.Respond(http.StatusOK, "application/json", []byte(`{"done":true}`))
	default:
		rw.Respond(http.StatusNotFound, "application/json", []byte(`{"detail":"Not Found"}`))
	}
}

type testServer struct {
	t    *testing.T
	h1   *h1.Server
	h2   *Server
	ln   *connlimit.Listener
	addr string
	app  *app
	done chan error
	once sync.Once
}

func start(t *testing.T, tweak func(*h1.Server)) *testServer {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &app{started: make(chan struct{}, 1000), release: make(chan struct{})}
	s1 := h1.NewServer(a)
	if tweak != nil {
		tweak(s1)
	}
	s2, err := New(s1, nil)
	if err != nil {
		t.Fatal(err)
	}
	s1.HTTP2 = s2.ServeConn
	s1.Handler = s2.Upgrade(s1.Handler)
	ts := &testServer{t: t, h1: s1, h2: s2, ln: connlimit.NewListener(raw, 0), addr: raw.Addr().String(), app: a, done: make(chan error, 1)}
	go func() { ts.done <- s1.Serve(ts.ln) }()
	t.Cleanup(func() { ts.shutdown(5 * time.Second) })
	return ts
}

func (ts *testServer) shutdown(d time.Duration) (h1err, h2err error) {
	ts.once.Do(func() { h1err, h2err = ts.shutdownNow(d) })
	return h1err, h2err
}

func (ts *testServer) shutdownNow(d time.Duration) (h1err, h2err error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	ch := make(chan error, 1)
	go func() { ch <- ts.h2.Shutdown(ctx) }()
	h1err = ts.h1.Shutdown(ctx)
	h2err = <-ch
	<-ts.done
	return h1err, h2err
}

// client speaks HTTP/2 with prior knowledge over cleartext TCP (net/http's
// client, which bundles x/net's; x/net's own Transport is deprecated).
func (ts *testServer) client() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p}
	ts.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func (ts *testServer) get(c *http.Client, path string) (*http.Response, []byte) {
	ts.t.Helper()
	resp, err := c.Get("http://" + ts.addr + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return resp, b
}

// TestPriorKnowledge: Go's HTTP/2 client gets the same status, headers
// and body as an HTTP/1.1 client (names lower-case on the wire; the
// library sorts them).
func TestPriorKnowledge(t *testing.T) {
	t.Parallel()
	ts := start(t, nil)
	c := ts.client()
	resp, body := ts.get(c, "/health")
	if resp.ProtoMajor != 2 {
		t.Fatalf("proto %s, want HTTP/2", resp.Proto)
	}
	if resp.StatusCode != 200 || string(body) != `{"status":"healthy","service":"fraiseql"}` {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	want := map[string]string{"Server": "uvicorn", "Content-Length": "41", "Content-Type": "application/json", "X-Early": "1", "X-Late": "2"}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if resp.Header.Get("Date") == "" {
		t.Error("no date header")
	}
	// The same request on HTTP/1.1 carries the same fields.
	c1, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c1.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	r1, err := http.ReadResponse(bufio.NewReader(c1), nil)
	if err != nil {
		t.Fatal(err)
	}
	r1.Body.Close()
	c1.Close()
	for k := range r1.Header {
		if k != "Date" && resp.Header.Get(k) != r1.Header.Get(k) {
			t.Errorf("%s: HTTP/2 %q, HTTP/1.1 %q", k, resp.Header.Get(k), r1.Header.Get(k))
		}
	}
	if len(r1.Header) != len(resp.Header) {
		t.Errorf("HTTP/1.1 headers %v, HTTP/2 headers %v", r1.Header, resp.Header)
	}

	// Many requests share one connection, concurrently.
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			resp, err := c.Get("http://" + ts.addr + "/health")
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	for deadline := time.Now().Add(2 * time.Second); ts.ln.Active() > 1 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // the HTTP/1.1 connection's close reaching the server
	}
	if n := ts.ln.Active(); n != 1 {
		t.Errorf("connlimit counts %d connections, want the 1 TCP connection", n)
	}
	if n := ts.h2.Active(); n != 1 {
		t.Errorf("h2.Active = %d, want 1", n)
	}
}

// TestStreamLimitsAndPanic: the body limit, the 413, the panic's 500 and
// an echo of a body are HTTP/1.1's.
func TestStreamLimitsAndPanic(t *testing.T) {
	t.Parallel()
	ts := start(t, func(s *h1.Server) { s.MaxBodyBytes = 1000 })
	c := ts.client()
	post := func(body []byte, unknownLength bool) (int, string) {
		var r io.Reader = bytes.NewReader(body)
		if unknownLength {
			r = io.MultiReader(r) // hides the length: no content-length is sent
		}
		resp, err := c.Post("http://"+ts.addr+"/echo", "application/json", r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post([]byte(`{"query":"{ a }"}`), false); code != 200 || body != `{"query":"{ a }"}` {
		t.Errorf("echo: %d %q", code, body)
	}
	big := bytes.Repeat([]byte("x"), 1001)
	for _, unknown := range []bool{false, true} {
		if code, body := post(big, unknown); code != 413 || body != `{"detail":"Content Too Large"}` {
			t.Errorf("over the limit (unknown length %v): %d %q", unknown, code, body)
		}
	}
	if code, body := post(big[:1000], true); code != 200 || len(body) != 1000 {
		t.Errorf("at the limit: %d, %d bytes", code, len(body))
	}
	resp, body := ts.get(c, "/no-content-type")
	if resp.StatusCode != 401 || string(body) != "Authentication required" || len(resp.Header.Values("Content-Type")) != 0 {
		t.Errorf("no content type: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = ts.get(c, "/panic")
	if resp.StatusCode != 500 || string(body) != "Internal Server Error" || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("panic: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// The connection survives the panic.
	if resp, _ := ts.get(c, "/health"); resp.StatusCode != 200 {
		t.Errorf("after the panic: %d", resp.StatusCode)
	}
}

const curlSettings = "AAMAAABkAAQCAAAAAAIAAAAA" // what curl sends

// upgradeConn sends an HTTP/1.1 request asking for h2c and returns the
// connection, its reader and the raw response head.
func (ts *testServer) upgrade(req string) (net.Conn, *bufio.Reader, string) {
	ts.t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(req)); err != nil {
		ts.t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var head strings.Builder
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
	}
	return c, br, head.String()
}

// readStream reads frames until stream 1's answer is complete and
// returns its decoded header fields and body.
func readStream(t *testing.T, fr *http2.Framer) (map[string]string, []byte) {
	t.Helper()
	fields := map[string]string{}
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) { fields[f.Name] = f.Value })
	var body []byte
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("reading frames: %v", err)
		}
		switch f := f.(type) {
		case *http2.HeadersFrame:
			if f.StreamID != 1 {
				t.Fatalf("headers on stream %d", f.StreamID)
			}
			if _, err := dec.Write(f.HeaderBlockFragment()); err != nil {
				t.Fatal(err)
			}
			if f.StreamEnded() {
				return fields, body
			}
		case *http2.DataFrame:
			body = append(body, f.Data()...)
			if f.StreamEnded() {
				return fields, body
			}
		case *http2.GoAwayFrame:
			t.Fatalf("GOAWAY %v", f.ErrCode)
		}
	}
}

// TestUpgradeH2C: "Upgrade: h2c" gets 101, then the request's answer as
// HTTP/2 stream 1 (its body included), and the connection speaks HTTP/2.
func TestUpgradeH2C(t *testing.T) {
	t.Parallel()
	ts := start(t, nil)
	for _, tc := range []struct{ req, wantBody string }{
		{"GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + curlSettings + "\r\n\r\n", `{"status":"healthy","service":"fraiseql"}`},
		{"POST /echo HTTP/1.1\r\nHost: x\r\nConnection: upgrade,http2-settings\r\nUpgrade: H2C\r\nHTTP2-Settings: \r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n", "{\"a\":\"b\"}\r\n"},
	} {
		c, br, head := ts.upgrade(tc.req)
		if head != "HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n" {
			t.Fatalf("upgrade answer %q", head)
		}
		fr := http2.NewFramer(c, br)
		c.Write([]byte(http2.ClientPreface))
		fr.WriteSettings()
		fields, body := readStream(t, fr)
		if fields[":status"] != "200" || string(body) != tc.wantBody || fields["server"] != "uvicorn" {
			t.Errorf("stream 1: %v %q", fields, body)
		}
		// Stream 3 on the same connection.
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/nope"}} {
			enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 3, BlockFragment: hb.Bytes(), EndStream: true, EndHeaders: true})
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := f.(*http2.DataFrame); ok && d.StreamID == 3 {
				if string(d.Data()) != `{"detail":"Not Found"}` {
					t.Errorf("stream 3 body %q", d.Data())
				}
				break
			}
		}
	}
}

// TestUpgradeNotGranted: requests that do not ask for h2c correctly are
// answered on HTTP/1.1, as uvicorn answers every upgrade it does not
// speak.
func TestUpgradeNotGranted(t *testing.T) {
	t.Parallel()
	ts := start(t, nil)
	for name, headers := range map[string]string{
		"no HTTP2-Settings":           "Connection: Upgrade\r\nUpgrade: h2c\r\n",
		"settings not in connection":  "Connection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: " + curlSettings + "\r\n",
		"two settings headers":        "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + curlSettings + "\r\nHTTP2-Settings: " + curlSettings + "\r\n",
		"settings not base64url":      "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: !!!\r\n",
		"settings not 6-byte entries": "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + base64.RawURLEncoding.EncodeToString([]byte{1, 2, 3}) + "\r\n",
		"settings huge":               "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + strings.Repeat("A", 8192) + "\r\n",
		"websocket":                   "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: websocket\r\nHTTP2-Settings: " + curlSettings + "\r\n",
	} {
		_, _, head := ts.upgrade("GET /health HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n")
		if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") {
			t.Errorf("%s: %q", name, head)
		}
	}
	// HTTP/1.0 cannot upgrade to h2c either.
	_, _, head := ts.upgrade("GET /health HTTP/1.0\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + curlSettings + "\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") {
		t.Errorf("HTTP/1.0: %q", head)
	}
}

// TestGracefulShutdown: Shutdown sends GOAWAY, lets the stream in flight
// finish, and returns once the connection has closed.
func TestGracefulShutdown(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := start(t, nil)
	c := ts.client()
	got := make(chan string, 1)
	go func() {
		resp, err := c.Get("http://" + ts.addr + "/block")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-ts.app.started
	shut := make(chan [2]error, 1)
	go func() {
		a, b := ts.shutdown(10 * time.Second)
		shut <- [2]error{a, b}
	}()
	// The GOAWAY reaches the client before the stream ends: no new
	// stream is started on this connection; new connections are refused.
	time.Sleep(100 * time.Millisecond)
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		t.Error("a new connection was accepted during shutdown")
	}
	select {
	case errs := <-shut:
		t.Fatalf("Shutdown returned %v with a stream in flight", errs)
	default:
	}
	close(ts.app.release)
	if body := <-got; body != `{"done":true}` {
		t.Errorf("in-flight stream got %q", body)
	}
	if errs := <-shut; errs[0] != nil || errs[1] != nil {
		t.Errorf("Shutdown: %v", errs)
	}
	if n := ts.h2.Active(); n != 0 {
		t.Errorf("%d HTTP/2 connections left", n)
	}
}

// TestShutdownDeadline: a stream that does not finish is cut when the
// context ends, and Shutdown says so.
func TestShutdownDeadline(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := start(t, nil)
	c := ts.client()
	failed := make(chan error, 1)
	go func() {
		resp, err := c.Get("http://" + ts.addr + "/block")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		failed <- err
	}()
	<-ts.app.started
	_, h2err := ts.shutdown(200 * time.Millisecond)
	if !errors.Is(h2err, context.DeadlineExceeded) {
		t.Errorf("h2 Shutdown = %v, want deadline exceeded", h2err)
	}
	if err := <-failed; err == nil {
		t.Error("the cut stream got a complete answer")
	}
	close(ts.app.release)
}

// frameConn opens a prior-knowledge connection driven frame by frame.
func (ts *testServer) frameConn() (net.Conn, *http2.Framer) {
	ts.t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	c.Write([]byte(http2.ClientPreface))
	fr := http2.NewFramer(c, c)
	fr.WriteSettings()
	return c, fr
}

func requestBlock(path string) []byte {
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", path}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	return hb.Bytes()
}

// awaitGoAway reads frames until GOAWAY (returning its code) or the
// connection ends (returning ok=false).
func awaitGoAway(fr *http2.Framer) (http2.ErrCode, bool) {
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return 0, false
		}
		if g, ok := f.(*http2.GoAwayFrame); ok {
			return g.ErrCode, true
		}
	}
}

// TestRapidReset (CVE-2023-44487): a client that opens streams and resets
// them at once, while the handlers it started are still running, is
// disconnected with ENHANCE_YOUR_CALM by x/net/http2 once the queue of
// handlers waiting for a slot passes 4 × MaxConcurrentStreams; it never
// gets more than MaxConcurrentStreams handlers running.
func TestRapidReset(t *testing.T) {
	t.Parallel()
	ts := start(t, nil)
	_, fr := ts.frameConn()
	block := requestBlock("/stuck")
	var sent atomic.Int32
	go func() {
		for id := uint32(1); id < 2*(5*MaxConcurrentStreams+10); id += 2 {
			if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndStream: true, EndHeaders: true}) != nil ||
				fr.WriteRSTStream(id, http2.ErrCodeCancel) != nil {
				return
			}
			sent.Add(1)
		}
	}()
	code, ok := awaitGoAway(fr)
	if !ok || code != http2.ErrCodeEnhanceYourCalm {
		t.Fatalf("GOAWAY %v (received %v), want ENHANCE_YOUR_CALM", code, ok)
	}
	started := len(ts.app.started)
	if started > MaxConcurrentStreams {
		t.Errorf("%d handlers started, limit %d", started, MaxConcurrentStreams)
	}
	t.Logf("GOAWAY %v after %d open+reset pairs, %d handlers started", code, sent.Load(), started)
	close(ts.app.release)
}

// TestContinuationFlood (CVE-2023-45288): a header block that never ends,
// sent as endless CONTINUATION frames, is cut once it passes the header
// list limit; the connection closes instead of buffering it.
func TestContinuationFlood(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := start(t, nil)
	c, fr := ts.frameConn()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	enc.WriteField(hpack.HeaderField{Name: ":method", Value: "GET"})
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: false})
	var total atomic.Int64
	go func() {
		// 10,000 frames of 16 KB: 160 MB if nothing stopped it.
		for range 10000 {
			var b bytes.Buffer
			e := hpack.NewEncoder(&b)
			for b.Len() < 16000 {
				e.WriteField(hpack.HeaderField{Name: "x-flood", Value: strings.Repeat("a", 1000)})
			}
			if fr.WriteContinuation(1, false, b.Bytes()) != nil {
				return
			}
			total.Add(int64(b.Len()))
		}
	}()
	code, gotGoAway := awaitGoAway(fr)
	// Either a GOAWAY(PROTOCOL_ERROR) then close, or a close: the
	// connection must be gone.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if gotGoAway && code != http2.ErrCodeProtocol {
		t.Errorf("GOAWAY %v", code)
	}
	if n := total.Load(); n > 4<<20 {
		t.Errorf("the server read %d header bytes before cutting the connection", n)
	}
	t.Logf("cut after about %d header bytes (GOAWAY %v %v)", total.Load(), gotGoAway, code)
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

// TestIdleConnectionClosed: an HTTP/2 connection with no stream is closed
// after the keep-alive timeout, like an idle HTTP/1.1 one.
func TestIdleConnectionClosed(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := start(t, func(s *h1.Server) { s.Timeouts.Idle = 300 * time.Millisecond })
	_, fr := ts.frameConn()
	begin := time.Now()
	if _, ok := awaitGoAway(fr); !ok && time.Since(begin) > 10*time.Second {
		t.Fatal("idle connection not closed")
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("idle connection closed after %v", d)
	}
}

// TestGarbageAfterPreface: bytes that are not HTTP/2 frames after the
// preface end that connection (GOAWAY or close), and the server goes on
// serving others.
func TestGarbageAfterPreface(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := start(t, nil)
	for _, junk := range []string{"\x00\x00\x01\x09\x00\x00\x00\x00\x01x", "GET / HTTP/1.1\r\n\r\n", strings.Repeat("\xff", 100)} {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write([]byte(http2.ClientPreface + junk))
		_, err = io.ReadAll(c)
		c.Close()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("%q: connection still open after 10 s", junk)
		}
	}
	if resp, _ := ts.get(ts.client(), "/health"); resp.StatusCode != 200 {
		t.Errorf("server after garbage: %d", resp.StatusCode)
	}
}

// TestSlowStreamBody: a stream whose body does not arrive within the body
// timeout is reset; the connection stays usable.
func TestSlowStreamBody(t *testing.T) {
	// Not parallel: it counts on deadlines and graces being met.
	ts := start(t, func(s *h1.Server) { s.Timeouts.Body = 200 * time.Millisecond })
	_, fr := ts.frameConn()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/echo"}, {"content-length", "10"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true})
	fr.WriteData(1, false, []byte("12345")) // half the body, then nothing
	begin := time.Now()
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no reset of the slow stream: %v", err)
		}
		if rst, ok := f.(*http2.RSTStreamFrame); ok && rst.StreamID == 1 {
			break
		}
		if h, ok := f.(*http2.HeadersFrame); ok && h.StreamID == 1 {
			t.Fatal("the slow stream was answered")
		}
	}
	if d := time.Since(begin); d > 3*time.Second {
		t.Errorf("reset after %v", d)
	}
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 3, BlockFragment: requestBlock("/health"), EndStream: true, EndHeaders: true})
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := f.(*http2.DataFrame); ok && d.StreamID == 3 {
			break
		}
	}
}
