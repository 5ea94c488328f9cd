package tracing

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
)

// Options configure New.
type Options struct {
	// Endpoint is the collector's OTLP/HTTP URL: a base URL
	// ("http://collector:4318") gets the traces path /v1/traces, a URL
	// with a path is used as it is.
	Endpoint string
	// ServiceName is the service.name resource attribute.
	ServiceName string
	// SampleRatio is the share of new traces recorded (0..1); a request
	// with a traceparent follows its parent's decision.
	SampleRatio float64
	// Version is the service.version resource attribute.
	Version string
	// Getenv reads the exporter's OTEL_EXPORTER_OTLP_* variables (see
	// exporter); nil is os.Getenv.
	Getenv func(string) string
}

// Tracing is the tracer provider and what the server installs from it.
type Tracing struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
}

// TracesURL is the URL spans are sent to for an --otel-endpoint value.
func TracesURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// New starts the provider and its OTLP/HTTP exporter (no connection is
// made until the first batch is sent).
func New(ctx context.Context, o Options) (*Tracing, error) {
	endpoint, err := TracesURL(o.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("tracing: endpoint: %w", err)
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	exp, err := newExporter(endpoint, getenv)
	if err != nil {
		return nil, fmt.Errorf("tracing: exporter: %w", err)
	}
	res := resource.NewSchemaless(
		attribute.String("service.name", o.ServiceName),
		attribute.String("service.version", o.Version),
	)
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(o.SampleRatio))),
	)
	return &Tracing{
		tp:     tp,
		tracer: tp.Tracer("github.com/fraiseql/fraiseql-http/httpcore"),
		prop:   propagation.TraceContext{},
	}, nil
}

// Shutdown sends the spans still buffered and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.tp.Shutdown(ctx) }

// spanName is the span's name: the method and, for the app's own routes,
// the path (never a client-chosen path, which would make names unbounded).
func spanName(r *http.Request) string {
	switch p := r.URL.Path; {
	case p == "/graphql", p == "/health", p == "/ready", p == "/metrics", p == "/graphql/metrics", p == "/graphql/subscriptions":
		return r.Method + " " + p
	case strings.HasPrefix(p, "/graphql/graphiql/"):
		return r.Method + " /graphql/graphiql/*"
	}
	return r.Method
}

// Handler starts a server span per request, child of the request's W3C
// traceparent when it has one, and ends it with the status, the GraphQL
// operation (from the request's obs.Record) and the request id; the
// response's write to the connection, which follows, is its child span
// "http.write" (through h1.ResponseWriter.OnWrite).
func (t *Tracing) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw, flush := h1.Adapt(w)
		defer flush()
		ctx := t.prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := t.tracer.Start(ctx, spanName(r), trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				attribute.String("http.request.method", r.Method),
				attribute.String("url.path", r.URL.Path),
			))
		defer span.End()
		if span.IsRecording() {
			rw.OnWrite(t.writeSpan(ctx, rw))
		}
		next.ServeHTTP(rw, r.WithContext(ctx))
		status := rw.Status()
		if status == 0 {
			status = http.StatusOK
		}
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
		if rec := obs.FromContext(r.Context()); rec != nil {
			span.SetAttributes(attribute.String("fraiseql.request_id", rec.ID()))
			if rec.Operation != "" {
				span.SetAttributes(attribute.String("graphql.operation.type", rec.Operation))
			}
			if rec.OperationName != "" {
				span.SetAttributes(attribute.String("graphql.operation.name", rec.OperationName))
			}
			if n := rec.Errors.Load(); n > 0 {
				span.SetAttributes(attribute.Int("graphql.errors", int(n)))
			}
		}
	})
}

// writeSpan returns the OnWrite hook that makes the "http.write" span, a
// child of the request's server span: the response written to the
// connection once every handler has returned (so it starts as the server
// span ends), with the body's size as sent and the write's error.
func (t *Tracing) writeSpan(ctx context.Context, rw h1.ResponseWriter) func() func(error) {
	return func() func(error) {
		_, body := rw.Body()
		_, span := t.tracer.Start(ctx, "http.write", trace.WithAttributes(attribute.Int("http.response.body.size", len(body))))
		return func(err error) {
			if err != nil {
				span.RecordError(err)
				span.SetStatus(codes.Error, "write failed")
			}
			span.End()
		}
	}
}

// Phase is graphqlexec's Hooks.Phase: a span per phase of a traced
// request (parse, plan, execute), the SQL spans nested under execute.
func (t *Tracing) Phase(ctx context.Context, name string) (context.Context, func()) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, noEnd
	}
	ctx, span := t.tracer.Start(ctx, name)
	return ctx, func() { span.End() }
}

func noEnd() {}

// QueryTracer is the pgx tracer that makes a span of each statement run
// under a traced request (statements outside one, such as /ready's ping
// from an untraced probe, make none).
func (t *Tracing) QueryTracer() pgx.QueryTracer { return sqlTracer{t.tracer} }

type sqlTracer struct{ tracer trace.Tracer }

type spanKey struct{}

func (s sqlTracer) start(ctx context.Context, name, sql string) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	ctx, span := s.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system.name", "postgresql"),
			attribute.String("db.query.text", sql),
		))
	return context.WithValue(ctx, spanKey{}, span)
}

func end(ctx context.Context, err error) {
	span, ok := ctx.Value(spanKey{}).(trace.Span)
	if !ok {
		return
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "statement failed")
	}
	span.End()
}

func (s sqlTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return s.start(ctx, "db.query", data.SQL)
}

func (s sqlTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	end(ctx, data.Err)
}

// A batch (a statement after its session variables, one round trip) is
// one span holding the statements' texts.
func (s sqlTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	var texts []string
	if data.Batch != nil {
		for _, q := range data.Batch.QueuedQueries {
			texts = append(texts, q.SQL)
		}
	}
	return s.start(ctx, "db.batch", strings.Join(texts, ";\n"))
}

func (s sqlTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (s sqlTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	end(ctx, data.Err)
}
