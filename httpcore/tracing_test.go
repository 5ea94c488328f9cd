package httpcore

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// collector is a fake OTLP/HTTP collector keeping the spans it is sent.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
	paths []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	b, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Write(b)
}

func attr(s *tracepb.Span, key string) string {
	for _, a := range s.Attributes {
		if a.Key == key {
			if v := a.Value.GetStringValue(); v != "" {
				return v
			}
			if a.Value.GetIntValue() != 0 {
				return itoa(int(a.Value.GetIntValue()))
			}
		}
	}
	return ""
}

// With --otel-endpoint, a request carrying a W3C traceparent gets a server
// span in that trace (child of the caller's span) and each SQL statement a
// child span of it, sent to the collector by the time Shutdown returns.
func TestAppTraces(t *testing.T) {
	t.Parallel()
	var col collector
	cs := httptest.NewServer(&col)
	defer cs.Close()
	app, addr := startApp(t, func(c *Config) { c.OTelEndpoint = cs.URL; c.RequestIDHeader = "always" })
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	head, body := rawExchange(t, addr, "traceparent: 00-"+traceID+"-"+parentID+"-01\r\n",
		`{"query":"query Five { users(limit: 5) { id } }","operationName":"Five"}`)
	if !strings.Contains(string(body), `"users":[`) {
		t.Fatalf("body %s", body)
	}
	// A request without traceparent starts a trace of its own (ratio 1).
	rawExchange(t, addr, "", usersQuery)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.paths) == 0 || col.paths[0] != "/v1/traces" {
		t.Fatalf("collector got %v", col.paths)
	}
	var server *tracepb.Span
	for _, s := range col.spans {
		if s.Name == "POST /graphql" && hex.EncodeToString(s.TraceId) == traceID {
			server = s
		}
	}
	if server == nil {
		t.Fatalf("no server span in the caller's trace among %d spans", len(col.spans))
	}
	if hex.EncodeToString(server.ParentSpanId) != parentID || server.Kind != tracepb.Span_SPAN_KIND_SERVER {
		t.Errorf("server span parent %x kind %v", server.ParentSpanId, server.Kind)
	}
	_, id, _ := strings.Cut(head, "x-request-id: ")
	for k, want := range map[string]string{"graphql.operation.type": "query", "graphql.operation.name": "Five", "http.response.status_code": "200", "fraiseql.request_id": strings.TrimSpace(id)} {
		if got := attr(server, k); got != want {
			t.Errorf("server span %s = %q, want %q", k, got, want)
		}
	}
	// The phases are children of the server span; the SQL a child of
	// graphql.execute.
	phases := map[string]*tracepb.Span{}
	for _, s := range col.spans {
		if string(s.ParentSpanId) == string(server.SpanId) && strings.HasPrefix(s.Name, "graphql.") {
			phases[s.Name] = s
		}
	}
	for _, s := range col.spans {
		if string(s.ParentSpanId) == string(server.SpanId) && s.Name == "http.write" {
			phases[s.Name] = s
		}
	}
	for _, name := range []string{"graphql.parse", "graphql.plan", "graphql.execute", "http.write"} {
		if phases[name] == nil {
			t.Errorf("no %s span under the server span", name)
		}
	}
	// The write follows the execution and carries the body's size.
	if w, x := phases["http.write"], phases["graphql.execute"]; w != nil && x != nil {
		if w.StartTimeUnixNano < x.EndTimeUnixNano || attr(w, "http.response.body.size") != itoa(len(body)) {
			t.Errorf("http.write starts %d (execute ended %d), size %q, body %d bytes", w.StartTimeUnixNano, x.EndTimeUnixNano, attr(w, "http.response.body.size"), len(body))
		}
	}
	exec := phases["graphql.execute"]
	if exec == nil {
		t.FailNow()
	}
	var sql *tracepb.Span
	for _, s := range col.spans {
		if string(s.ParentSpanId) == string(exec.SpanId) && strings.HasPrefix(s.Name, "db.") {
			sql = s
		}
	}
	if sql == nil || !strings.Contains(attr(sql, "db.query.text"), "v_user") || attr(sql, "db.system.name") != "postgresql" {
		t.Fatalf("no SQL child span: %v", sql)
	}
	others := 0
	for _, s := range col.spans {
		if s.Name == "POST /graphql" && hex.EncodeToString(s.TraceId) != traceID && len(s.ParentSpanId) == 0 {
			others++
		}
	}
	if others != 1 {
		t.Errorf("%d root spans for the request without traceparent", others)
	}
}
