package httpcore

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/connlimit"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/compress"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/graphiql"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h2"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
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

	shutdownOnce sync.Once
	shutdownErr  error
	shutdownDone chan struct{}
}

// StartupError is a failure of Open or Listen that the operator must fix
// (bad declaration, unreachable database, port in use).
type StartupError struct {
	Stage string // "config", "schema", "tls", "database", "engine", "graphiql", "auth", "apq", "http2", "listen"
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
	sch, err := schema.LoadFile(cfg.SchemaPath)
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
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, &StartupError{"database", fmt.Errorf("invalid database url: %w", err)}
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &StartupError{"database", err}
	}
	exec, err := newExecutor(sch, pool, cfg, errorLogger(logger))
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
		APQMode:             fastapi.APQMode(cfg.APQMode),
		CORS:                cfg.corsOptions(),
		Logger:              logger,
	}
	if cfg.EffectiveGraphiQL() == GraphiQLEmbedded {
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
	srv := h1.NewServer(obs.Handler(newHandler(opts), obs.Options{
		Mode: cfg.requestIDMode(), IDs: ids, Logger: logger, AccessLog: cfg.AccessLog,
	}))
	srv.ServerHeader = cfg.ServerHeader
	srv.MaxBodyBytes = cfg.MaxBodyBytes
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
	return &App{
		cfg: cfg, logger: logger, pool: pool, server: srv, verifier: verifier,
		h2: h2srv, certs: certs,
		shutdownDone: make(chan struct{}),
	}, nil
}

// errorLogger logs each error a request meets once, at its class's level,
// with the cause the client never sees.
func errorLogger(logger *slog.Logger) func(context.Context, graphqlexec.ErrorEvent) {
	return func(ctx context.Context, e graphqlexec.ErrorEvent) {
		if rec := obs.FromContext(ctx); rec != nil {
			rec.Errors.Add(1)
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
	cl := connlimit.NewListener(ln, a.cfg.MaxConnections)
	// TLS sits above connlimit, so the limit and the count are of TCP
	// connections, handshakes included. The handshake runs on the
	// connection's goroutine at its first read, under the idle timeout of
	// the first request (h1): a client that stalls it is closed then.
	a.serving = cl
	if a.certs != nil {
		a.serving = tls.NewListener(cl, a.certs.tlsConfig(a.cfg.HTTP2))
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
// closes idle keep-alive connections, and closes the PostgreSQL pool last.
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
		a.shutdownErr = a.server.Shutdown(ctx)
		<-h2done
		if a.shutdownErr == nil {
			a.shutdownErr = h2err
		}
		if a.verifier != nil {
			a.verifier.Close() // waits for a JWKS fetch in flight
		}
		a.pool.Close()
		close(a.shutdownDone)
	})
	<-a.shutdownDone
	return a.shutdownErr
}
