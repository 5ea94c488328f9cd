package tracing

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protowire"
)

// exporter sends spans to a collector over OTLP/HTTP with the protobuf
// encoding (opentelemetry-proto's ExportTraceServiceRequest), as the
// otlptracehttp package does. It is written here, on protowire, because
// that package links the collector's gRPC service definitions (grpc,
// grpc-gateway, genproto, the generated OTLP types): 7 MB of binary and
// about 3.5 MB of idle RSS for a server that never speaks gRPC.
//
// It reads the standard variables otlptracehttp reads (the per-signal
// OTEL_EXPORTER_OTLP_TRACES_* form wins over OTEL_EXPORTER_OTLP_*):
// HEADERS (key=value,… percent-decoded), TIMEOUT (milliseconds, default
// 10000, bounds one export with its retries), COMPRESSION (gzip or none),
// CERTIFICATE (a PEM file of the CAs to trust), CLIENT_CERTIFICATE and
// CLIENT_KEY (PEM files for mutual TLS). An answer 429, 502, 503 or 504,
// or a failed connection, is retried with exponential backoff from 5 s
// (Retry-After when the collector sends one, capped at 30 s) for at most a
// minute and never past the export's timeout.
type exporter struct {
	url     string
	client  *http.Client
	headers http.Header
	gzip    bool
	timeout time.Duration
	// backoff: first wait, longest wait, total time allowed for retries
	initial, maxWait, maxElapsed time.Duration

	mu      sync.Mutex
	stopped bool
}

const userAgent = "fraiseql-http OTLP over HTTP/protobuf exporter"

func newExporter(tracesURL string, getenv func(string) string) (*exporter, error) {
	env := func(name string) string {
		if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_" + name)); v != "" {
			return v
		}
		return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_" + name))
	}
	e := &exporter{
		url: tracesURL, headers: http.Header{}, timeout: 10 * time.Second,
		initial: 5 * time.Second, maxWait: 30 * time.Second, maxElapsed: time.Minute,
	}
	for _, kv := range strings.Split(env("HEADERS"), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		k, errK := url.PathUnescape(strings.TrimSpace(k))
		v, errV := url.PathUnescape(strings.TrimSpace(v))
		if errK != nil || errV != nil || k == "" {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_HEADERS: %q is not key=value with percent-encoding", kv)
		}
		e.headers.Set(k, v)
	}
	if s := env("TIMEOUT"); s != "" {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil || ms <= 0 {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_TIMEOUT: %q is not a positive number of milliseconds", s)
		}
		e.timeout = time.Duration(ms) * time.Millisecond
	}
	switch c := env("COMPRESSION"); c {
	case "gzip":
		e.gzip = true
	case "", "none":
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_COMPRESSION: %q is not gzip or none", c)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if ca, cert, key := env("CERTIFICATE"), env("CLIENT_CERTIFICATE"), env("CLIENT_KEY"); ca != "" || cert != "" || key != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if ca != "" {
			pem, err := os.ReadFile(ca)
			if err != nil {
				return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CERTIFICATE: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CERTIFICATE: no PEM certificate in %s", ca)
			}
		}
		if cert != "" || key != "" {
			pair, err := tls.LoadX509KeyPair(cert, key)
			if err != nil {
				return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and _CLIENT_KEY: %w", err)
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
		tr.TLSClientConfig = cfg
	}
	e.client = &http.Client{Transport: tr}
	return e, nil
}

// ExportSpans sends one batch (sdktrace.SpanExporter).
func (e *exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.Lock()
	stopped := e.stopped
	e.mu.Unlock()
	if stopped || len(spans) == 0 {
		return nil
	}
	body := encodeRequest(spans)
	if e.gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	start := time.Now()
	wait := e.initial
	for {
		retry, after, err := e.send(ctx, body)
		if err == nil || !retry {
			return err
		}
		// exponential backoff with jitter (±50%), at least Retry-After
		d := wait/2 + rand.N(wait)
		if after > d {
			d = after
		}
		if d > e.maxWait {
			d = e.maxWait
		}
		if time.Since(start)+d > e.maxElapsed {
			return err
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up: %w)", err, ctx.Err())
		case <-t.C:
		}
		wait = wait * 3 / 2
	}
}

// send makes one attempt; retry says whether another may succeed.
func (e *exporter) send(ctx context.Context, body []byte) (retry bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return false, 0, err
	}
	for k, v := range e.headers {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", userAgent)
	if e.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return ctx.Err() == nil, 0, fmt.Errorf("tracing: export: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode/100 == 2 {
		return false, 0, nil // a partial success is the collector's to report
	}
	err = fmt.Errorf("tracing: export: collector answered %s: %s", resp.Status, bytes.TrimSpace(msg))
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
			after = time.Duration(s) * time.Second
		}
		return true, after, err
	}
	return false, 0, err
}

// Shutdown stops sending (sdktrace.SpanExporter); the provider has sent
// what was buffered before it calls this.
func (e *exporter) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.client.CloseIdleConnections()
	return ctx.Err()
}

// The field numbers of opentelemetry-proto (collector/trace/v1,
// trace/v1, common/v1, resource/v1) this encoder writes.
const (
	reqResourceSpans = 1 // ExportTraceServiceRequest

	rsResource, rsScopeSpans, rsSchemaURL = 1, 2, 3 // ResourceSpans
	resAttributes, resDropped             = 1, 2    // Resource
	ssScope, ssSpans, ssSchemaURL         = 1, 2, 3 // ScopeSpans
	scName, scVersion, scAttributes       = 1, 2, 3 // InstrumentationScope

	spTraceID, spSpanID, spTraceState, spParentSpanID, spName, spKind = 1, 2, 3, 4, 5, 6 // Span
	spStart, spEnd, spAttributes, spDroppedAttributes                 = 7, 8, 9, 10
	spEvents, spDroppedEvents, spLinks, spDroppedLinks                = 11, 12, 13, 14
	spStatus, spFlags                                                 = 15, 16

	evTime, evName, evAttributes, evDropped                           = 1, 2, 3, 4    // Span.Event
	lkTraceID, lkSpanID, lkTraceState, lkAttributes, lkDropped        = 1, 2, 3, 4, 5 // Span.Link
	lkFlags                                                           = 6
	stMessage, stCode                                                 = 2, 3          // Status
	kvKey, kvValue                                                    = 1, 2          // KeyValue
	avString, avBool, avInt, avDouble, avArray                        = 1, 2, 3, 4, 5 // AnyValue
	arrValues                                                         = 1             // ArrayValue
	flagsHasIsRemote, flagsIsRemote                            uint32 = 0x100, 0x200
)

// encodeRequest is the ExportTraceServiceRequest of spans, grouped by
// resource and instrumentation scope.
func encodeRequest(spans []sdktrace.ReadOnlySpan) []byte {
	type group struct {
		res    *resource.Resource
		scopes []instrumentation.Scope
		spans  [][]sdktrace.ReadOnlySpan
	}
	var groups []*group
	for _, s := range spans {
		var g *group
		for _, x := range groups {
			if x.res == s.Resource() {
				g = x
			}
		}
		if g == nil {
			g = &group{res: s.Resource()}
			groups = append(groups, g)
		}
		i := 0
		for i < len(g.scopes) && !sameScope(g.scopes[i], s.InstrumentationScope()) {
			i++
		}
		if i == len(g.scopes) {
			g.scopes = append(g.scopes, s.InstrumentationScope())
			g.spans = append(g.spans, nil)
		}
		g.spans[i] = append(g.spans[i], s)
	}
	var out, rs, ss, buf []byte
	for _, g := range groups {
		rs = rs[:0]
		if g.res != nil {
			buf = buf[:0]
			for _, kv := range g.res.Attributes() {
				buf = appendKeyValue(buf, resAttributes, kv)
			}
			rs = appendMessage(rs, rsResource, buf)
		}
		for i, sc := range g.scopes {
			ss = ss[:0]
			buf = buf[:0]
			buf = appendString(buf, scName, sc.Name)
			buf = appendString(buf, scVersion, sc.Version)
			for _, kv := range sc.Attributes.ToSlice() {
				buf = appendKeyValue(buf, scAttributes, kv)
			}
			ss = appendMessage(ss, ssScope, buf)
			for _, s := range g.spans[i] {
				buf = appendSpan(buf[:0], s)
				ss = appendMessage(ss, ssSpans, buf)
			}
			ss = appendString(ss, ssSchemaURL, sc.SchemaURL)
			rs = appendMessage(rs, rsScopeSpans, ss)
		}
		if g.res != nil {
			rs = appendString(rs, rsSchemaURL, g.res.SchemaURL())
		}
		out = appendMessage(out, reqResourceSpans, rs)
	}
	return out
}

func sameScope(a, b instrumentation.Scope) bool {
	return a.Name == b.Name && a.Version == b.Version && a.SchemaURL == b.SchemaURL && a.Attributes.Equals(&b.Attributes)
}

func appendSpan(b []byte, s sdktrace.ReadOnlySpan) []byte {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	b = appendBytes(b, spTraceID, tid[:])
	b = appendBytes(b, spSpanID, sid[:])
	b = appendString(b, spTraceState, sc.TraceState().String())
	if p := s.Parent(); p.SpanID().IsValid() {
		psid := p.SpanID()
		b = appendBytes(b, spParentSpanID, psid[:])
	}
	b = appendString(b, spName, s.Name())
	if k := s.SpanKind(); k != trace.SpanKindUnspecified {
		b = protowire.AppendTag(b, spKind, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(k)) // the same numbers as OTLP's SpanKind
	}
	b = appendFixed64(b, spStart, s.StartTime())
	b = appendFixed64(b, spEnd, s.EndTime())
	var sub []byte
	for _, kv := range s.Attributes() {
		b = appendKeyValue(b, spAttributes, kv)
	}
	b = appendUint(b, spDroppedAttributes, uint64(s.DroppedAttributes()))
	for _, ev := range s.Events() {
		sub = appendFixed64(sub[:0], evTime, ev.Time)
		sub = appendString(sub, evName, ev.Name)
		for _, kv := range ev.Attributes {
			sub = appendKeyValue(sub, evAttributes, kv)
		}
		sub = appendUint(sub, evDropped, uint64(ev.DroppedAttributeCount))
		b = appendMessage(b, spEvents, sub)
	}
	b = appendUint(b, spDroppedEvents, uint64(s.DroppedEvents()))
	for _, l := range s.Links() {
		ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		sub = appendBytes(sub[:0], lkTraceID, ltid[:])
		sub = appendBytes(sub, lkSpanID, lsid[:])
		// no trace_state: otlptracehttp v1.47 sends none for links either
		for _, kv := range l.Attributes {
			sub = appendKeyValue(sub, lkAttributes, kv)
		}
		sub = appendUint(sub, lkDropped, uint64(l.DroppedAttributeCount))
		sub = appendFlags(sub, lkFlags, l.SpanContext.TraceFlags(), l.SpanContext.IsRemote())
		b = appendMessage(b, spLinks, sub)
	}
	b = appendUint(b, spDroppedLinks, uint64(s.DroppedLinks()))
	st := s.Status()
	sub = appendString(sub[:0], stMessage, st.Description)
	switch st.Code { // Go's codes differ from OTLP's StatusCode (unset 0, ok 1, error 2)
	case codes.Ok:
		sub = appendUint(sub, stCode, 1)
	case codes.Error:
		sub = appendUint(sub, stCode, 2)
	}
	b = appendMessage(b, spStatus, sub)
	return appendFlags(b, spFlags, sc.TraceFlags(), s.Parent().IsRemote())
}

// appendFlags writes SpanFlags: the span's W3C trace flags in the low byte,
// and whether its parent (for a link: the linked span) is remote.
func appendFlags(b []byte, num protowire.Number, tf trace.TraceFlags, remote bool) []byte {
	f := uint32(tf) | flagsHasIsRemote
	if remote {
		f |= flagsIsRemote
	}
	b = protowire.AppendTag(b, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, f)
}

func appendKeyValue(b []byte, num protowire.Number, kv attribute.KeyValue) []byte {
	var kvb []byte
	kvb = appendString(kvb, kvKey, string(kv.Key))
	kvb = appendMessage(kvb, kvValue, appendAnyValue(nil, kv.Value))
	return appendMessage(b, num, kvb)
}

// appendAnyValue is the AnyValue message of v (its fields, no tag).
func appendAnyValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		b = protowire.AppendTag(b, avBool, protowire.VarintType)
		return protowire.AppendVarint(b, protowire.EncodeBool(v.AsBool()))
	case attribute.INT64:
		b = protowire.AppendTag(b, avInt, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(v.AsInt64()))
	case attribute.FLOAT64:
		b = protowire.AppendTag(b, avDouble, protowire.Fixed64Type)
		return protowire.AppendFixed64(b, math.Float64bits(v.AsFloat64()))
	case attribute.STRING:
		b = protowire.AppendTag(b, avString, protowire.BytesType)
		return protowire.AppendString(b, v.AsString())
	case attribute.BOOLSLICE:
		return appendArray(b, values(v.AsBoolSlice(), attribute.BoolValue))
	case attribute.INT64SLICE:
		return appendArray(b, values(v.AsInt64Slice(), attribute.Int64Value))
	case attribute.FLOAT64SLICE:
		return appendArray(b, values(v.AsFloat64Slice(), attribute.Float64Value))
	case attribute.STRINGSLICE:
		return appendArray(b, values(v.AsStringSlice(), attribute.StringValue))
	}
	return b // an invalid value: an empty AnyValue
}

func appendArray(b []byte, items []attribute.Value) []byte {
	var arr []byte
	for _, it := range items {
		arr = appendMessage(arr, arrValues, appendAnyValue(nil, it))
	}
	return appendMessage(b, avArray, arr)
}

// Scalar fields are written only when they differ from proto3's default,
// as proto.Marshal writes them.

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendMessage(b []byte, num protowire.Number, m []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

func appendUint(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendFixed64(b []byte, num protowire.Number, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.Fixed64Type)
	return protowire.AppendFixed64(b, uint64(t.UnixNano()))
}

// values converts a slice attribute's elements to attribute values for appendArray.
func values[T any](xs []T, value func(T) attribute.Value) []attribute.Value {
	items := make([]attribute.Value, 0, len(xs))
	for _, x := range xs {
		items = append(items, value(x))
	}
	return items
}
