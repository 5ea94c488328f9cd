package loadgen

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/perf/internal/workload"
)

func TestSchedule(t *testing.T) {
	got := Schedule(2, 4)
	want := [][]int{{0, 1}, {1, 0}, {0, 1}, {1, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Schedule(2,4) = %v, want %v", got, want)
	}
	got = Schedule(3, 2)
	want = [][]int{{0, 1, 2}, {2, 1, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Schedule(3,2) = %v, want %v", got, want)
	}
	// every target runs exactly once per round
	for r, order := range Schedule(5, 7) {
		seen := map[int]bool{}
		for _, i := range order {
			seen[i] = true
		}
		if len(seen) != 5 {
			t.Fatalf("round %d: %v", r, order)
		}
	}
}

func TestBuildRequest(t *testing.T) {
	got := string(BuildRequest("POST", "/graphql", "127.0.0.1:8000", [][2]string{{"Content-Type", "application/json"}}, []byte(`{"q":1}`)))
	want := "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"q\":1}"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if got := string(BuildRequest("GET", "/health", "h", nil, nil)); got != "GET /health HTTP/1.1\r\nHost: h\r\n\r\n" {
		t.Fatalf("GET: %q", got)
	}
}

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		spec, err string
		remote    bool
		kind      Kind
	}{
		{spec: "a=http://127.0.0.1:8000", kind: KindHTTP},
		{spec: "a=http://localhost:8000/", kind: KindHTTP},
		{spec: "a=http://[::1]:8000", kind: KindHTTP},
		{spec: "a=http://10.1.2.3:8000", err: "not a loopback"},
		{spec: "a=http://example.com", err: "not a loopback"},
		{spec: "a=http://example.com", remote: true, kind: KindHTTP},
		{spec: "a=http://127.0.0.1:8000/graphql", err: "server root"},
		{spec: "floor=postgres:///db?host=/var/run/postgresql", kind: KindPG},
		{spec: "floor=postgres://u@127.0.0.1:5432/db", kind: KindPG},
		{spec: "floor=postgres://u@10.0.0.1:5432/db", err: "not a loopback"},
		{spec: "a=https://127.0.0.1", err: "not supported"},
		{spec: "nourl", err: "name=URL"},
	} {
		got, err := ParseTarget(tc.spec, tc.remote)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || got.Kind != tc.kind {
			t.Errorf("%s: %+v %v", tc.spec, got, err)
		}
	}
}

// rawServer answers each request on a connection with the next canned response.
func rawServer(t *testing.T, responses []string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for _, resp := range responses {
					// read one request (headers only; the test requests have no body)
					for {
						line, err := br.ReadString('\n')
						if err != nil {
							return
						}
						if line == "\r\n" {
							break
						}
					}
					if _, err := io.WriteString(c, resp); err != nil {
						return
					}
					if strings.Contains(resp, "Connection: close") {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func TestHTTPConnFraming(t *testing.T) {
	addr := rawServer(t, []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-T: 1\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 500 Oops\r\ncontent-length: 3\r\nConnection: close\r\n\r\nbad",
	})
	h := newHTTPConn(addr, 2*time.Second)
	defer h.close()
	req := BuildRequest("GET", "/", addr, nil, nil)
	for i, want := range []struct {
		status int
		body   string
	}{{200, "hello"}, {201, "abcde"}, {204, ""}, {500, "bad"}} {
		status, body, err := h.do(req)
		if err != nil || status != want.status || string(body) != want.body {
			t.Fatalf("response %d: %d %q %v, want %d %q", i, status, body, err, want.status, want.body)
		}
	}
	if h.c != nil {
		t.Fatal("Connection: close must drop the connection")
	}
	// the next request reconnects and starts the canned sequence again
	status, body, err := h.do(req)
	if err != nil || status != 200 || string(body) != "hello" {
		t.Fatalf("after reconnect: %d %q %v", status, body, err)
	}
}

func TestHTTPConnMalformed(t *testing.T) {
	for _, resp := range []string{
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"garbage\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	} {
		addr := rawServer(t, []string{resp})
		h := newHTTPConn(addr, 2*time.Second)
		if _, _, err := h.do(BuildRequest("GET", "/", addr, nil, nil)); err == nil {
			t.Errorf("%q: no error", resp)
		}
		h.close()
	}
}

func testWorkload(t *testing.T, js string) workload.Workload {
	t.Helper()
	ws, err := workload.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return ws[0]
}

func TestRunClosedAndOpenLoop(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, `{"data":{"x":1}}`)
		case "/gqlerr":
			io.WriteString(w, `{"errors":[{"message":"nope"}]}`)
		case "/flaky":
			if hits.Load()%2 == 0 {
				w.WriteHeader(500)
			}
			io.WriteString(w, `{"data":{}}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	a, err := ParseTarget("a="+srv.URL, false)
	if err != nil {
		t.Fatal(err)
	}
	b := a
	b.Name = "b"
	ws := []workload.Workload{
		testWorkload(t, `{"workloads":[{"name":"ok","path":"/ok"}]}`),
		testWorkload(t, `{"workloads":[{"name":"gqlerr","path":"/gqlerr"}]}`),
		testWorkload(t, `{"workloads":[{"name":"missing","path":"/missing"}]}`),
	}
	cfg := Config{Targets: []Target{a, b}, Workloads: ws, Connections: []int{2}, Duration: 100 * time.Millisecond, Rounds: 2}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 6 {
		t.Fatalf("%d results, want 6", len(res))
	}
	for _, r := range res {
		switch r.Workload {
		case "ok":
			if r.Skipped || r.Requests == 0 || r.Errors != 0 || r.RPS <= 0 || r.P50 <= 0 || r.P50 > r.P99 || r.P99 > r.Max || r.MeanBytes != 16 {
				t.Errorf("ok: %+v", r)
			}
			if r.Seconds < 0.09 || r.Seconds > 0.11 {
				t.Errorf("measured %v s, want the configured 0.1 s", r.Seconds)
			}
		case "gqlerr":
			if !r.Skipped || !strings.Contains(r.SkipReason, `"errors":[{"message"`) || r.Requests != 0 {
				t.Errorf("gqlerr must be skipped: %+v", r)
			}
		case "missing":
			if !r.Skipped || !strings.Contains(r.SkipReason, "status 404") {
				t.Errorf("missing must be skipped: %+v", r)
			}
		}
	}

	// open loop: 200 req/s for 100 ms is about 20 requests, never many more
	cfg.Workloads = ws[:1]
	cfg.Targets = []Target{a}
	cfg.Rate = 200
	cfg.Rounds = 1
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Mode != "open" || r.Requests < 5 || r.Requests > 21 {
		t.Errorf("open loop: %+v", r)
	}

	// count bound and errors during the run: the flaky endpoint fails half the time
	cfg.Rate = 0
	cfg.MaxRequests = 50
	cfg.Duration = 5 * time.Second
	cfg.Workloads = []workload.Workload{testWorkload(t, `{"workloads":[{"name":"flaky","path":"/flaky"}]}`)}
	hits.Store(0) // the probe hit is odd: it succeeds
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Skipped || r.Requests+r.Errors > 50 || r.Errors == 0 || r.Requests == 0 || !strings.Contains(r.ErrorSample, "status 500") {
		t.Errorf("flaky: %+v", r)
	}
	if r.Seconds >= 5 {
		t.Errorf("count-bounded run took the whole duration: %v", r.Seconds)
	}
}

func TestConfigValidate(t *testing.T) {
	a := Target{Name: "a"}
	w := []workload.Workload{{Name: "w"}}
	base := Config{Targets: []Target{a}, Workloads: w, Connections: []int{1}, Duration: time.Second, Rounds: 1}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Config){
		"dup target": func(c *Config) { c.Targets = []Target{a, a} },
		"conns":      func(c *Config) { c.Connections = []int{MaxConnections + 1} },
		"zero conns": func(c *Config) { c.Connections = []int{0} },
		"duration":   func(c *Config) { c.Duration = MaxDuration + 1 },
		"rounds":     func(c *Config) { c.Rounds = 0 },
		"rate":       func(c *Config) { c.Rate = -1 },
		"no wl":      func(c *Config) { c.Workloads = nil },
	} {
		c := base
		mut(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A warm-up drives the target before the cells and is not counted in them.
func TestRunWarmup(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, `{"data":{"x":1}}`)
	}))
	defer srv.Close()
	a, err := ParseTarget("a="+srv.URL, false)
	if err != nil {
		t.Fatal(err)
	}
	ws := []workload.Workload{testWorkload(t, `{"workloads":[{"name":"ok","path":"/ok"}]}`)}
	cfg := Config{Targets: []Target{a}, Workloads: ws, Connections: []int{1, 2}, Duration: 50 * time.Millisecond, Rounds: 1,
		Warmup: 100 * time.Millisecond}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	measured := int64(res[0].Requests + res[1].Requests)
	// beyond the measured: the probe, one warm-up request per connection of
	// each slice, at most one answer per connection after each deadline
	// (about 10 in all); 100 ms of warm-up on two connections is far more
	if extra := hits.Load() - measured; extra <= 30 {
		t.Errorf("no warm-up traffic: %d hits, %d measured", hits.Load(), measured)
	}
	if res[0].Seconds > 0.06 || res[1].Seconds > 0.06 {
		t.Errorf("warm-up time counted in a cell: %v, %v s", res[0].Seconds, res[1].Seconds)
	}
	cfg.Warmup = -time.Second
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Error("negative warm-up accepted")
	}
}
