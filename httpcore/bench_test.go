package httpcore

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
)

// benchLoop sends req b.N times on one keep-alive connection and reads each
// response, measuring the whole request loop (parse, route, write) over
// loopback TCP.
func benchLoop(b *testing.B, h *handler, req string) {
	ts := startServer(b, h, nil)
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	raw := []byte(req)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(raw); err != nil {
			b.Fatal(err)
		}
		readResponse(b, br, false)
	}
}

func BenchmarkServeHealth(b *testing.B) {
	benchLoop(b, devHandler(&fakeExecutor{}), healthReq)
}

func BenchmarkServeGraphQL(b *testing.B) {
	body := `{"query":"{ users(limit: 2) { id displayName } }"}`
	exec := &fakeExecutor{answers: map[string]graphqlexec.Response{
		"{ users(limit: 2) { id displayName } }\x00\x00": {Body: []byte(`{"data":{"users":[{"__typename":"User","displayName":"Ana Silva","id":"11111111-1111-4111-8111-111111111101"},{"__typename":"User","displayName":"Bruno C.","id":"11111111-1111-4111-8111-111111111102"}]}}`)},
	}}
	benchLoop(b, devHandler(exec), "POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: application/json\r\nContent-Length: "+itoa(len(body))+"\r\n\r\n"+body)
}

func itoa(n int) string { return string(appendInt64(nil, int64(n))) }

// BenchmarkObservability is the per-request cost of the request id, the
// record in the context and the metrics (and of the access log line, to a
// discarding handler): the same /health request served bare and wrapped,
// in process, so that the difference is the wrapper's.
func BenchmarkObservability(b *testing.B) {
	ids, err := obs.NewIDs()
	if err != nil {
		b.Fatal(err)
	}
	routes := devHandler(&fakeExecutor{})
	cfg := DefaultConfig()
	// The process logger as App builds it (request ids added to lines).
	logger := slog.New(obs.WithRequestIDs(slog.NewJSONHandler(io.Discard, nil)))
	withMetrics := newObservability(cfg, nil, func() *App { return nil }, false)
	cfg.Metrics = false
	noMetrics := newObservability(cfg, nil, func() *App { return nil }, false)
	logCfg := cfg
	logCfg.AccessLog = true
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", routes},
		{"ids", noMetrics.wrap(routes, cfg, ids, logger)},
		{"ids+metrics", withMetrics.wrap(routes, DefaultConfig(), ids, logger)},
		{"ids+metrics+accesslog", withMetrics.wrap(routes, func() Config { c := DefaultConfig(); c.AccessLog = true; return c }(), ids, logger)},
		{"ids+accesslog", noMetrics.wrap(routes, logCfg, ids, logger)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/health", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				tc.h.ServeHTTP(w, req)
			}
		})
	}
}

// discardWriter is the cheapest http.ResponseWriter: what Adapt flushes
// into it is dropped.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
