package tracing

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// sink is a fake collector keeping each request's body (decompressed) and
// headers, answering with the given statuses in turn (then 200).
type sink struct {
	mu       sync.Mutex
	bodies   [][]byte
	headers  []http.Header
	statuses []int
	retryAt  string
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		body = zr
	}
	b, _ := io.ReadAll(body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, b)
	s.headers = append(s.headers, r.Header.Clone())
	if len(s.statuses) > 0 {
		code := s.statuses[0]
		s.statuses = s.statuses[1:]
		if s.retryAt != "" {
			w.Header().Set("Retry-After", s.retryAt)
		}
		http.Error(w, "busy", code)
		return
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Write(out)
}

// spans are read-only spans with everything the encoder writes: every
// attribute type, events (RecordError), a link, statuses, a remote parent
// with a trace state, two scopes and two resources.
func testSpans(t *testing.T) []sdktrace.ReadOnlySpan {
	t.Helper()
	ts, _ := trace.ParseTraceState("vendor=abc,other=x")
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	remote := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}, TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: true})
	local := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled, TraceState: ts})
	t0 := time.Unix(1764900000, 123456789)
	res1 := resource.NewSchemaless(attribute.String("service.name", "fraiseql-http"), attribute.String("service.version", "v1 (revision x)"))
	res2 := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0", attribute.String("service.name", "other"))
	scope1 := instrumentation.Scope{Name: "github.com/fraiseql/fraiseql-http/httpcore"}
	scope2 := instrumentation.Scope{Name: "lib", Version: "1.2.3", SchemaURL: "https://example/schema", Attributes: attribute.NewSet(attribute.Bool("x", true))}
	stubs := tracetest.SpanStubs{
		{
			Name: "POST /graphql", SpanContext: local, Parent: remote, SpanKind: trace.SpanKindServer,
			StartTime: t0, EndTime: t0.Add(1500 * time.Microsecond),
			Attributes: []attribute.KeyValue{
				attribute.String("http.request.method", "POST"), attribute.Int("http.response.status_code", 200),
				attribute.Bool("b", true), attribute.Bool("f", false), attribute.Float64("pi", 3.25), attribute.Int64("neg", -7),
				attribute.StringSlice("ss", []string{"a", "", "ü"}), attribute.IntSlice("is", []int{1, -2}),
				attribute.Float64Slice("fs", []float64{0.5}), attribute.BoolSlice("bs", []bool{true, false}),
				attribute.String("empty", ""),
			},
			DroppedAttributes: 2,
			Status:            sdktrace.Status{Code: codes.Error, Description: "statement failed"},
			Resource:          res1, InstrumentationScope: scope1,
		},
		{
			Name: "db.query", SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{9, 9, 9, 9, 9, 9, 9, 9}}),
			Parent: local, SpanKind: trace.SpanKindClient, StartTime: t0, EndTime: t0.Add(time.Millisecond),
			Events: []sdktrace.Event{{Name: "exception", Time: t0.Add(time.Microsecond), Attributes: []attribute.KeyValue{
				attribute.String("exception.type", "*pgconn.PgError"), attribute.String("exception.message", "boom")}, DroppedAttributeCount: 1}},
			Links:         []sdktrace.Link{{SpanContext: remote, Attributes: []attribute.KeyValue{attribute.String("k", "v")}, DroppedAttributeCount: 3}},
			DroppedEvents: 1, DroppedLinks: 4,
			Status:   sdktrace.Status{Code: codes.Ok},
			Resource: res1, InstrumentationScope: scope1,
		},
		{Name: "internal", SpanContext: local, StartTime: t0, EndTime: t0, Resource: res1, InstrumentationScope: scope2},
		{Name: "elsewhere", SpanContext: local, SpanKind: trace.SpanKindProducer, StartTime: t0, EndTime: t0, Resource: res2, InstrumentationScope: scope1},
	}
	return stubs.Snapshots()
}

// TestEncodeMatchesOtlptracehttp: the request our exporter sends decodes to
// the same ExportTraceServiceRequest as the one the upstream otlptracehttp
// exporter (kept as the test's oracle) sends for the same spans.
func TestEncodeMatchesOtlptracehttp(t *testing.T) {
	spans := testSpans(t)
	var theirs, ours sink
	ts, os := httptest.NewServer(&theirs), httptest.NewServer(&ours)
	defer ts.Close()
	defer os.Close()
	ctx := context.Background()
	up, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(ts.URL+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	if err := up.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	up.Shutdown(ctx)
	e, err := newExporter(os.URL+"/v1/traces", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ExportSpans(ctx, spans); err != nil {
		t.Fatal(err)
	}
	var want, got collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(theirs.bodies[0], &want); err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(ours.bodies[0], &got); err != nil {
		t.Fatal(err)
	}
	if len(want.ResourceSpans) != 2 {
		t.Fatalf("oracle: %d resource spans", len(want.ResourceSpans))
	}
	if !proto.Equal(&want, &got) {
		t.Errorf("requests differ\nupstream %v\nours     %v", &want, &got)
	}
	if h := ours.headers[0]; h.Get("Content-Type") != "application/x-protobuf" || h.Get("Content-Encoding") != "" {
		t.Errorf("headers %v", h)
	}
}

// TestExporterEnvironment: the OTEL_EXPORTER_OTLP_* variables, the
// per-signal form first; bad values refuse to start.
func TestExporterEnvironment(t *testing.T) {
	var s sink
	srv := httptest.NewServer(&s)
	defer srv.Close()
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_HEADERS":        "api-key=generic,x-team=a%20b",
		"OTEL_EXPORTER_OTLP_TRACES_HEADERS": "api-key=secret%3D1, x-other = 2 ",
		"OTEL_EXPORTER_OTLP_COMPRESSION":    "gzip",
		"OTEL_EXPORTER_OTLP_TIMEOUT":        "2500",
	}
	e, err := newExporter(srv.URL, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if e.timeout != 2500*time.Millisecond {
		t.Errorf("timeout %v", e.timeout)
	}
	if err := e.ExportSpans(context.Background(), testSpans(t)); err != nil {
		t.Fatal(err)
	}
	h := s.headers[0]
	if h.Get("Api-Key") != "secret=1" || h.Get("X-Other") != "2" || h.Get("X-Team") != "" || h.Get("Content-Encoding") != "gzip" {
		t.Errorf("headers %v", h)
	}
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(s.bodies[0], &req); err != nil || len(req.ResourceSpans) != 2 {
		t.Errorf("gzip body: %v, %d resource spans", err, len(req.ResourceSpans))
	}
	for k, v := range map[string]string{
		"OTEL_EXPORTER_OTLP_TIMEOUT":            "soon",
		"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "zstd",
		"OTEL_EXPORTER_OTLP_HEADERS":            "a=%zz",
		"OTEL_EXPORTER_OTLP_CERTIFICATE":        "/nonexistent/ca.pem",
		"OTEL_EXPORTER_OTLP_CLIENT_KEY":         "/nonexistent/key.pem",
	} {
		if _, err := newExporter(srv.URL, func(name string) string {
			if name == k {
				return v
			}
			return ""
		}); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_") {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
	}
}

// TestExporterRetries: 503 and 429 are retried (Retry-After honoured), a
// 400 is not, and the export's timeout bounds the retries.
func TestExporterRetries(t *testing.T) {
	spans := testSpans(t)
	s := &sink{statuses: []int{503, 429}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	e, err := newExporter(srv.URL, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	e.initial = 10 * time.Millisecond
	if err := e.ExportSpans(context.Background(), spans); err != nil || len(s.bodies) != 3 {
		t.Fatalf("err %v after %d attempts", err, len(s.bodies))
	}

	s2 := &sink{statuses: []int{400, 400}}
	srv2 := httptest.NewServer(s2)
	defer srv2.Close()
	e2, _ := newExporter(srv2.URL, func(string) string { return "" })
	e2.initial = 10 * time.Millisecond
	if err := e2.ExportSpans(context.Background(), spans); err == nil || !strings.Contains(err.Error(), "400") || len(s2.bodies) != 1 {
		t.Fatalf("400: err %v after %d attempts", err, len(s2.bodies))
	}

	s3 := &sink{statuses: []int{503, 503, 503}, retryAt: "1"}
	srv3 := httptest.NewServer(s3)
	defer srv3.Close()
	e3, _ := newExporter(srv3.URL, func(k string) string {
		if k == "OTEL_EXPORTER_OTLP_TIMEOUT" {
			return "300"
		}
		return ""
	})
	e3.initial = 10 * time.Millisecond
	start := time.Now()
	err = e3.ExportSpans(context.Background(), spans)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || len(s3.bodies) != 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("timeout: err %v after %d attempts", err, len(s3.bodies))
	}

	// after Shutdown nothing is sent
	e.Shutdown(context.Background())
	n := len(s.bodies)
	if err := e.ExportSpans(context.Background(), spans); err != nil || len(s.bodies) != n {
		t.Fatalf("after shutdown: %v, %d requests", err, len(s.bodies)-n)
	}
}
