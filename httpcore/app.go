package httpcore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/connlimit"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/compress"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/graphiql"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h2"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/metrics"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/tracing"
	"github.com/fraiseql/fraiseql-http/subscriptions"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// App is a configured fraiseql-http server: the declaration, the PostgreSQL
// pool, the engine, the routes and the connection loop.
type App struct {
	cfg      Config
	logger   *slog.Logger
	pool     *pgxpool.Pool
	server   *h1.Server
	listener atomic.Pointer[connlimit.Listener] // nil before Listen
	serving  net.Listener                       // what Serve accepts on: listener, or TLS over it
	verifier *auth.JWTVerifier                  // nil without a provider
	h2       *h2.Server                         // nil with --http2=false
	certs    *certReloader                      // nil without TLS
	obs      observability                      // metrics and their listener
	engine   *graphqlexec.Engine                // for the metrics' document cache figures
	apqStats *fastapi.APQStats                  // persisted-query counts, for the metrics

	// GraphQL over WebSocket (nil when --subscriptions is off, or auto
	// without a subscription root): the socket handler and the LISTEN hub
	// (nil when the declaration has no subscriptions: queries and
	// mutations only), which Serve runs until Shutdown.
	ws        *subscriptions.Handler
	hub       *subscriptions.Hub
	hubOnce   sync.Once
	hubCancel context.CancelFunc
	hubDone   chan struct{}

	// declarationDone stops the start-up schema check if it still runs
	// and waits for it (nil without one).
	declarationDone func()

	shutdownOnce sync.Once
	shutdownErr  error
	shutdownDone chan struct{}
}

// StartupError is a failure of Open or Listen that the operator must fix
// (bad declaration, unreachable database, port in use).
type StartupError struct {
	Stage string // "config", "schema", "tls", "database", "schema check", "engine", "graphiql", "auth", "apq", "http2", "listen"
	Err   error
}

func (e *StartupError) Error() string { return e.Stage + ": " + e.Err.Error() }
func (e *StartupError) Unwrap() error { return e.Err }

// Open validates cfg, loads the declaration, connects to PostgreSQL (one
// ping, so that a wrong URL fails at start, not at the first request) and
// builds the engine and routes. It does not listen yet.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, &StartupError{"config", err}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// Lines logged with a request's context carry its id.
	logger = slog.New(obs.WithRequestIDs(logger.Handler()))
	ids, err := obs.NewIDs()
	if err != nil {
		return nil, &StartupError{"config", err}
	}
	sch, err := schema.LoadFiles(strings.Split(cfg.SchemaPath, ",")...)
	if err != nil {
		return nil, &StartupError{"schema", err}
	}
	var certs *certReloader
	if cfg.TLSCert != "" {
		// Before the database, so a bad pair is reported without one.
		if certs, err = newCertReloader(cfg.TLSCert, cfg.TLSKey); err != nil {
			return nil, &StartupError{"tls", err}
		}
	}
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return nil, &StartupError{"database", fmt.Errorf("invalid database url: %w", err)}
	}
	poolCfg.MaxConns = int32(cfg.PoolSize)
	var app *App // set on success (the metrics and the cleanup below read it)
	var tr *tracing.Tracing
	if cfg.OTelEndpoint != "" {
		if tr, err = tracing.New(ctx, tracing.Options{Endpoint: cfg.OTelEndpoint, ServiceName: cfg.OTelServiceName, SampleRatio: cfg.OTelSampleRatio}); err != nil {
			return nil, &StartupError{"tracing", err}
		}
		poolCfg.ConnConfig.Tracer = tr.QueryTracer()
		// Every failure below stops the exporter's goroutine again.
		defer func() {
			if app == nil {
				tr.Shutdown(context.Background())
			}
		}()
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, &StartupError{"database", fmt.Errorf("invalid database url: %w", err)}
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &StartupError{"database", err}
	}
	var declaration *declarationCheck
	if cfg.SchemaCheck == SchemaCheckRefuse {
		findings, err := check.Run(ctx, sch, pool)
		if err == nil && len(findings) > 0 {
			err = MismatchError(findings)
		}
		if err != nil {
			pool.Close()
			return nil, &StartupError{"schema check", err}
		}
	}
	if cfg.SchemaCheck != SchemaCheckOff {
		declaration = newDeclarationCheck(sch, pool, logger, !cfg.Quirks.V1())
		if cfg.SchemaCheck == SchemaCheckRefuse {
			declaration.matched() // just checked above
		}
		// In warn mode the first check runs in the background (started at
		// the end of Open): it was about half of a start, and a mismatch
		// only shows in the log and /ready, which waits for it.
	}
	// The scrape reads the app's connection count: the app exists by then.
	ob := newObservability(cfg, pool, func() *App { return app }, cfg.servesSockets(sch))
	ob.tracing = tr
	hooks := graphqlexec.Hooks{Error: ob.errorHook(logger)}
	if tr != nil {
		hooks.Phase = tr.Phase
	}
	exec, err := newExecutor(sch, pool, cfg, hooks)
	if err != nil {
		pool.Close()
		return nil, &StartupError{"engine", err}
	}
	opts := handlerOptions{
		Environment:         cfg.Environment,
		Quirks:              cfg.Quirks,
		IntrospectionPolicy: cfg.Introspection,
		Playground:          cfg.Playground,
		Executor:            exec,
		DB:                  pool,
		Declaration:         declaration,
		APQMode:             fastapi.APQMode(cfg.APQMode),
		CORS:                cfg.corsOptions(),
		Logger:              logger,
		APQStats:            &fastapi.APQStats{},
		RateLimiter:         cfg.rateLimiter(),
		RateLimitBySubject:  cfg.RateLimitKey == "subject",
	}
	// Only when the page is served (never in production): no handler, no
	// assets in memory otherwise.
	if cfg.EffectiveGraphiQL() == GraphiQLEmbedded && cfg.EffectivePlayground() {
		if opts.GraphiQL, err = graphiql.New(graphiql.Options{Path: "/graphql"}); err != nil {
			pool.Close()
			return nil, &StartupError{"graphiql", err}
		}
	}
	if cfg.DevAuthPassword != "" {
		opts.DevAuth = &fastapi.DevBasic{Username: cfg.DevAuthUsername, Password: cfg.DevAuthPassword}
	}
	// Validate has checked these already; the errors cannot happen here.
	opts.SessionVars, _ = cfg.sessionVarMapping()
	local := fastapi.NewMemoryAPQStore(cfg.APQCacheEntries, cfg.APQCacheBytes)
	opts.APQStore = local
	if cfg.APQStore == fastapi.APQStorePostgres {
		store, err := fastapi.NewPostgresAPQStore(ctx, pool, local)
		if err != nil {
			pool.Close()
			return nil, &StartupError{"apq", err}
		}
		opts.APQStore = store
	}
	var verifier *auth.JWTVerifier
	if ac, _ := cfg.authConfig(); ac != nil {
		if verifier, err = auth.NewJWTVerifier(*ac); err != nil {
			pool.Close()
			return nil, &StartupError{"auth", err}
		}
		opts.Verifier = verifier
		if ac.JWKSURL != "" {
			// Fetch the key set now so a wrong URL shows in the log at
			// start; in the background, because a JWKS outage must delay
			// neither startup nor requests without a token.
			go func() {
				if err := verifier.WarmUp(context.Background()); err != nil {
					logger.Warn("auth: JWKS not available yet; tokens are checked once it is", "url", ac.JWKSURL, "err", err)
				}
			}()
		}
	}
	// --quirks v1.9.7 answers with v1's bytes even to clients that send
	// Accept-Encoding (browsers always do): v1 never compresses.
	if cfg.Compression && cfg.Quirks != graphqlexec.QuirksV197 {
		if opts.Compressor, err = compress.New(cfg.CompressionMinBytes); err != nil {
			closeAll(pool, verifier)
			return nil, &StartupError{"config", err}
		}
	}
	var ws *subscriptions.Handler
	var hub *subscriptions.Hub
	if cfg.servesSockets(sch) {
		if ws, hub, err = newSockets(cfg, sch, exec, verifier, opts, logger); err != nil {
			closeAll(pool, verifier)
			return nil, &StartupError{"subscriptions", err}
		}
		if hub != nil {
			opts.Listening = hub.Listening
		}
	}
	var root http.Handler = ob.wrap(newHandler(opts), cfg, ids, logger)
	if ws != nil {
		root = &socketRouter{paths: cfg.WSPaths, ws: ws, next: root}
	}
	srv := h1.NewServer(root)
	srv.ServerHeader = cfg.ServerHeader
	srv.MaxBodyBytes = cfg.MaxBodyBytes
	srv.WriteTimeout = cfg.WriteTimeout
	srv.Logger = logger
	var h2srv *h2.Server
	if cfg.HTTP2 {
		if h2srv, err = h2.New(srv, logger); err != nil {
			closeAll(pool, verifier)
			return nil, &StartupError{"http2", err}
		}
		srv.HTTP2 = h2srv.ServeConn
		srv.Handler = h2srv.Upgrade(srv.Handler)
	}
	app = &App{
		cfg: cfg, logger: logger, pool: pool, server: srv, verifier: verifier,
		h2: h2srv, certs: certs, ws: ws, hub: hub, obs: ob,
		engine: exec, apqStats: opts.APQStats,
		shutdownDone: make(chan struct{}),
	}
	if declaration != nil && cfg.SchemaCheck == SchemaCheckWarn {
		app.declarationDone = declaration.start(logger)
	}
	return app, nil
}

// newSockets builds the WebSocket handler and, when the declaration has
// subscriptions, the LISTEN hub, with the HTTP side's token verifier,
// session variables and CORS origins.
func newSockets(cfg Config, s *schema.Schema, exec *graphqlexec.Engine, verifier *auth.JWTVerifier, opts handlerOptions, logger *slog.Logger) (*subscriptions.Handler, *subscriptions.Hub, error) {
	var hub *subscriptions.Hub
	if s.Subscription != "" {
		connCfg, err := pgx.ParseConfig(cfg.DatabaseURL)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid database url: %w", err)
		}
		hub, err = subscriptions.NewHub(subscriptions.HubConfig{ConnConfig: connCfg, Channel: cfg.SubscriptionsChannel, Logger: logger})
		if err != nil {
			return nil, nil, err
		}
	}
	var cors *fastapi.CORS
	if opts.CORS != nil {
		cors = fastapi.NewCORS(opts.CORS)
	}
	// The same providers and refusals as HTTP: with a verifier, a socket
	// without a valid token is refused (HTTP's 401 gate), and a bad token
	// is refused rather than made anonymous.
	authn := &subscriptions.TokenAuthenticator{SessionVars: opts.SessionVars}
	if verifier != nil {
		authn.Verifier, authn.Required = verifier, true
	}
	h, err := subscriptions.NewHandler(subscriptions.Config{
		InitTimeout:     cfg.WSInitTimeout,
		KeepAlive:       cfg.WSKeepAlive,
		MaxMessageBytes: cfg.WSMaxMessage,
		MaxOperations:   cfg.WSMaxSubscriptions,
		SendQueue:       cfg.WSQueue,
		CheckOrigin:     originCheck(cors),
		Logger:          logger,
	}, socketExecutor{exec}, hub, authn)
	if err != nil {
		return nil, nil, err
	}
	return h, hub, nil
}

// MismatchError is every place where the declaration does not match the
// database (graphqlexec/check), one "file:line:column: problem" per line.
type MismatchError []check.Finding

func (m MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the declaration does not match the database (%d mismatches):", len(m))
	for _, f := range m {
		b.WriteString("\n  ")
		b.WriteString(f.String())
	}
	return b.String()
}

func closeAll(pool *pgxpool.Pool, verifier *auth.JWTVerifier) {
	if verifier != nil {
		verifier.Close()
	}
	pool.Close()
}

// Listen binds the configured address and returns the bound address (the
// chosen port when Port is 0).
func (a *App) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", a.cfg.Addr())
	if err != nil {
		return nil, &StartupError{"listen", err}
	}
	overflow, _ := connlimit.ParseOverflow(a.cfg.MaxConnectionsOverflow) // Validate checked it
	var tlsCfg *tls.Config
	if a.certs != nil {
		tlsCfg = a.certs.tlsConfig(a.cfg.HTTP2)
	}
	cl, err := connlimit.NewListenerOptions(ln, connlimit.Options{
		Limit: a.cfg.MaxConnections, Overflow: overflow, Reject: rejectOverflow(tlsCfg),
	})
	if err != nil {
		ln.Close()
		return nil, &StartupError{"listen", err}
	}
	// TLS sits above connlimit, so the limit and the count are of TCP
	// connections, handshakes included. The handshake runs on the
	// connection's goroutine at its first read, under the idle timeout of
	// the first request (h1): a client that stalls it is closed then.
	a.serving = cl
	if tlsCfg != nil {
		a.serving = tls.NewListener(cl, tlsCfg)
	}
	if err := a.obs.listen(a.cfg.MetricsListen); err != nil {
		ln.Close()
		return nil, &StartupError{"listen", err}
	}
	a.listener.Store(cl)
	return ln.Addr(), nil
}

// ActiveConnections is the number of client connections open now,
// WebSocket connections included (a hijacked connection counts until it is
// closed); 0 before Listen.
func (a *App) ActiveConnections() int64 {
	if ln := a.listener.Load(); ln != nil {
		return ln.Active()
	}
	return 0
}

// Serve serves until Shutdown; it returns nil after a clean shutdown.
func (a *App) Serve() error {
	ln := a.listener.Load()
	if ln == nil {
		return errors.New("httpcore: Serve before Listen")
	}
	a.startHub()
	a.obs.serve(a.logger)
	err := a.server.Serve(a.serving)
	if errors.Is(err, h1.ErrServerClosed) {
		// Wait for Shutdown to finish draining so that the caller exits
		// only after the pool is closed.
		<-a.shutdownDone
		return nil
	}
	return err
}

// Shutdown stops accepting, drains in-flight requests (bounded by ctx),
// closes idle keep-alive connections, sends every WebSocket a close frame
// 1001 once its queries and mutations are done, stops the LISTEN
// connection, and closes the PostgreSQL pool last.
// It is idempotent: later calls return the first call's result.
func (a *App) Shutdown(ctx context.Context) error {
	a.shutdownOnce.Do(func() {
		var h2err error
		h2done := make(chan struct{})
		go func() {
			defer close(h2done)
			if a.h2 != nil {
				h2err = a.h2.Shutdown(ctx) // GOAWAY, then drain the HTTP/2 connections
			}
		}()
		// WebSockets are hijacked connections the HTTP server no longer
		// tracks: they get their close frame (1001) and finish the
		// queries and mutations they run, alongside the HTTP drain.
		wsErr := make(chan error, 1)
		go func() {
			if a.ws != nil {
				wsErr <- a.ws.Shutdown(ctx)
				return
			}
			wsErr <- nil
		}()
		a.shutdownErr = a.server.Shutdown(ctx)
		a.obs.shutdown(ctx)
		<-h2done
		if err := <-wsErr; a.shutdownErr == nil {
			a.shutdownErr = err
		}
		a.stopHub()
		if a.shutdownErr == nil {
			a.shutdownErr = h2err
		}
		if a.verifier != nil {
			a.verifier.Close() // waits for a JWKS fetch in flight
		}
		if a.declarationDone != nil {
			a.declarationDone()
		}
		a.pool.Close()
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		a.obs.flushTraces(fctx, a.logger)
		cancel()
		close(a.shutdownDone)
	})
	<-a.shutdownDone
	return a.shutdownErr
}

// startHub runs the LISTEN hub until Shutdown (once; Serve may be called
// after Shutdown began, then it does nothing).
func (a *App) startHub() {
	a.hubOnce.Do(func() {
		if a.hub == nil {
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		a.hubCancel, a.hubDone = cancel, make(chan struct{})
		go func() {
			defer close(a.hubDone)
			if err := a.hub.Run(ctx); err != nil {
				a.logger.Error("subscriptions: hub stopped", "err", err)
			}
		}()
	})
}

func (a *App) stopHub() {
	a.hubOnce.Do(func() {}) // a hub never started stays so
	if a.hubCancel != nil {
		a.hubCancel()
		<-a.hubDone
	}
}

// Subscriptions reports whether GraphQL over WebSocket is served, and
// whether the LISTEN connection is up (false without subscriptions).
func (a *App) Subscriptions() (served, listening bool) {
	return a.ws != nil, a.hub != nil && a.hub.Listening()
}

// servesSockets reports whether GraphQL over WebSocket is served for the
// declaration (--subscriptions).
func (c *Config) servesSockets(s *schema.Schema) bool {
	return c.Subscriptions == SubscriptionsOn || (c.Subscriptions == SubscriptionsAuto && s.Subscription != "")
}

// socketStats is the metrics' view of the WebSocket side.
func (a *App) socketStats() metrics.SocketStats {
	var st metrics.SocketStats
	if a.ws != nil {
		st.Sockets = a.ws.Active()
	}
	if a.hub != nil {
		h := a.hub.Stats()
		st.Subscriptions, st.Listening = h.Subscriptions, h.Listening
		st.Events, st.BadEvents, st.Reads, st.Reconnects = h.Events, h.BadEvents, h.Reads, h.Reconnects
	}
	return st
}
