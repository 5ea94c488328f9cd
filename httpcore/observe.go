package httpcore

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/metrics"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/tracing"
)

// observability is the App's share of logging and metrics: the engine's
// error hook, the middleware around the routes, and the metrics' own
// listener when --metrics-listen is set.
type observability struct {
	metrics *metrics.Metrics // nil with --metrics=false
	// On a port of its own (--metrics-listen): bound by Listen, served by
	// Serve, closed by Shutdown.
	server *http.Server
	ln     net.Listener
	// tracing is nil unless --otel-endpoint is set.
	tracing *tracing.Tracing
}

func newObservability(cfg Config, pool *pgxpool.Pool, app func() *App, sockets bool) observability {
	if !cfg.Metrics {
		return observability{}
	}
	src := metrics.Sources{
		Pool:              pool,
		ActiveConnections: func() int64 { return app().ActiveConnections() },
		TotalConnections: func() uint64 {
			if ln := app().listener.Load(); ln != nil {
				return ln.Total()
			}
			return 0
		},
	}
	if sockets {
		src.Sockets = func() metrics.SocketStats { return app().socketStats() }
	}
	src.DocumentCache = func() (uint64, uint64) {
		if a := app(); a != nil && a.engine != nil {
			return a.engine.DocumentCacheStats()
		}
		return 0, 0
	}
	src.APQ = func() (uint64, uint64, uint64) {
		if a := app(); a != nil && a.apqStats != nil {
			return a.apqStats.Hits.Load(), a.apqStats.Misses.Load(), a.apqStats.Registrations.Load()
		}
		return 0, 0, 0
	}
	return observability{metrics: metrics.New(src)}
}

// errorHook logs each error a request meets once, at its class's level,
// with the cause the client never sees, counts it in the request's record
// and in the metrics.
func (o *observability) errorHook(logger *slog.Logger) func(context.Context, graphqlexec.ErrorEvent) {
	m := o.metrics
	return func(ctx context.Context, e graphqlexec.ErrorEvent) {
		if rec := obs.FromContext(ctx); rec != nil {
			rec.Errors.Add(1)
			if e.Class == graphqlexec.ErrorInternal {
				rec.MarkInternal()
			}
		}
		if m != nil {
			m.Error(string(e.Class))
		}
		level := errorLevel(e.Class)
		if !logger.Enabled(ctx, level) {
			return
		}
		attrs := []slog.Attr{slog.String("class", string(e.Class)), slog.String("message", e.Message)}
		if e.Err != nil {
			attrs = append(attrs, slog.String("err", e.Err.Error()))
		}
		logger.LogAttrs(ctx, level, "graphql error", attrs...)
	}
}

// wrap puts the request ids, the access log and the request metrics
// around the routes, and mounts the metrics on the main port unless they
// have their own.
func (o *observability) wrap(routes http.Handler, cfg Config, ids *obs.IDs, logger *slog.Logger) http.Handler {
	opts := obs.Options{Mode: cfg.requestIDMode(), IDs: ids, Logger: logger, AccessLog: cfg.AccessLog}
	if o.tracing != nil {
		routes = o.tracing.Handler(routes) // inside the metrics route: scrapes are not traced
	}
	if m := o.metrics; m != nil {
		opts.Begin = m.Begin
		opts.Done = func(rec *obs.Record, _ *http.Request, status, _ int, elapsed time.Duration) {
			m.End(status, rec.Operation, rec.OperationName, elapsed)
		}
		scrape := m.Handler(cfg.MetricsToken)
		if cfg.MetricsListen == "" {
			routes = metricsRoute{path: cfg.MetricsPath, scrape: scrape, next: routes}
		} else {
			mux := http.NewServeMux()
			mux.Handle(cfg.MetricsPath, scrape)
			o.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
		}
	}
	return obs.Handler(routes, opts)
}

// metricsRoute serves the metrics at path (GET and HEAD) ahead of the
// app's routes, so that neither the development Basic gate nor CORS
// applies to a scrape.
type metricsRoute struct {
	path   string
	scrape http.Handler
	next   http.Handler
}

func (m metricsRoute) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == m.path && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		m.scrape.ServeHTTP(w, r)
		return
	}
	m.next.ServeHTTP(w, r)
}

// listen binds the metrics port, when there is one.
func (o *observability) listen(addr string) error {
	if o.server == nil {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	o.ln = ln
	return nil
}

// serve serves the metrics port until shutdown.
func (o *observability) serve(logger *slog.Logger) {
	if o.ln == nil {
		return
	}
	go func() {
		if err := o.server.Serve(o.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics: serve failed", "err", err)
		}
	}()
}

func (o *observability) shutdown(ctx context.Context) {
	if o.server != nil {
		o.server.Shutdown(ctx)
	}
}

// flushTraces sends the spans still buffered (after the drain, so the
// last requests' spans go too).
func (o *observability) flushTraces(ctx context.Context, logger *slog.Logger) {
	if o.tracing == nil {
		return
	}
	if err := o.tracing.Shutdown(ctx); err != nil {
		logger.Warn("tracing: spans not flushed at shutdown", "err", err)
	}
}

// MetricsAddr is the address the metrics port is bound to, nil when the
// metrics are on the main port, off, or Listen has not run.
func (a *App) MetricsAddr() net.Addr {
	if a.obs.ln == nil {
		return nil
	}
	return a.obs.ln.Addr()
}
