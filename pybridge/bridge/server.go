package bridge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fraiseql/fraiseql-http/httpcore"
)

// Error is a failure reported to Python: the stage it happened in
// (httpcore's StartupError stages, plus "options", "config", "handle",
// "shutdown", "serve" and "panic"), the Go message, and for a panic the
// goroutine's stack.
type Error struct {
	Stage   string `json:"stage"`
	Message string `json:"message"`
	Stack   string `json:"stack,omitempty"`
}

func (e *Error) Error() string { return e.Stage + ": " + e.Message }

// Server is one running fraiseql-http server inside the process.
type Server struct {
	app     *httpcore.App
	cfg     httpcore.Config
	addr    net.Addr
	logger  *slog.Logger
	logFile *os.File // nil when logs are discarded

	running  atomic.Bool
	served   chan struct{} // closed when Serve has returned
	serveErr error

	stopOnce sync.Once
	stopErr  error
}

// Start opens, binds and starts serving in the background, as the binary
// does: it returns once the port is bound and the server accepts
// connections. ctx bounds the opening (declaration, database ping).
func Start(ctx context.Context, doc []byte) (*Server, error) {
	o, err := ParseOptions(doc)
	if err != nil {
		return nil, &Error{Stage: "options", Message: err.Error()}
	}
	logFile, logger, err := openLog(o)
	if err != nil {
		return nil, &Error{Stage: "options", Message: err.Error()}
	}
	fail := func(stage string, err error, cfg httpcore.Config) (*Server, error) {
		if logFile != nil {
			logFile.Close()
		}
		var se *httpcore.StartupError
		if errors.As(err, &se) {
			stage = se.Stage
		}
		return nil, &Error{Stage: stage, Message: redact(err.Error(), cfg)}
	}
	cfg, notes, err := BuildConfig(o)
	if err != nil {
		return fail("config", err, cfg)
	}
	if o.Workers != nil {
		prev := runtime.GOMAXPROCS(*o.Workers)
		if prev != *o.Workers {
			logger.Info("bridge: GOMAXPROCS set from workers (process-wide)", "workers", *o.Workers, "previous", prev)
		}
	}
	for _, n := range notes {
		logger.Warn("bridge: " + n)
	}
	opening := time.Now()
	app, err := httpcore.Open(ctx, cfg, logger)
	if err != nil {
		return fail("open", err, cfg)
	}
	addr, err := app.Listen()
	if err != nil {
		app.Shutdown(context.Background())
		return fail("listen", err, cfg)
	}
	s := &Server{app: app, cfg: cfg, addr: addr, logger: logger, logFile: logFile, served: make(chan struct{})}
	s.running.Store(true)
	go s.serve()
	scheme := "http://"
	if cfg.TLSCert != "" {
		scheme = "https://"
	}
	logger.Info("fraiseql-http: listening", "address", scheme+addr.String(), "environment", string(cfg.Environment),
		"startup", time.Since(opening).Round(time.Microsecond).String())
	return s, nil
}

func (s *Server) serve() {
	defer close(s.served)
	defer s.running.Store(false)
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("bridge: serve panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			s.serveErr = fmt.Errorf("serve panicked: %v", r)
		}
	}()
	if err := s.app.Serve(); err != nil {
		s.serveErr = err
		s.logger.Error("fraiseql-http: serve failed", "err", err)
		s.app.Shutdown(context.Background())
	}
}

// Wait blocks until the server has stopped serving (after Shutdown, or a
// serve failure) and returns the serve error, nil after a clean shutdown.
func (s *Server) Wait() error {
	<-s.served
	return s.serveErr
}

// Shutdown stops accepting, drains in-flight requests for at most timeout,
// closes the pool, and closes the log file descriptor. It is idempotent:
// later calls return the first result.
func (s *Server) Shutdown(timeout time.Duration) error {
	s.stopOnce.Do(func() {
		s.logger.Info("fraiseql-http: shutting down", "drain", timeout.String())
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := s.app.Shutdown(ctx); err != nil {
			s.stopErr = fmt.Errorf("drain did not finish in %s, remaining connections were closed: %w", timeout, err)
		}
		<-s.served
		s.logger.Info("fraiseql-http: stopped")
		if s.logFile != nil {
			s.logFile.Close()
		}
	})
	return s.stopErr
}

// Running reports whether the server accepts connections.
func (s *Server) Running() bool { return s.running.Load() }

// Addr is the bound address (host:port), with the chosen port when the
// configured port was 0.
func (s *Server) Addr() string { return s.addr.String() }

// ShutdownTimeout is the configured drain bound.
func (s *Server) ShutdownTimeout() time.Duration { return s.cfg.ShutdownTimeout }

// ActiveConnections counts open client connections, WebSocket connections
// included (connlimit's count, through httpcore).
func (s *Server) ActiveConnections() int64 { return s.app.ActiveConnections() }

// Logger is the server's logger (for the cgo layer's panic reports).
func (s *Server) Logger() *slog.Logger { return s.logger }

func openLog(o Options) (*os.File, *slog.Logger, error) {
	level := slog.LevelInfo
	switch o.LogLevel {
	case "", "info":
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, nil, fmt.Errorf("log_level: %q is not debug, info, warn or error", o.LogLevel)
	}
	if o.LogFormat != "" && o.LogFormat != "json" && o.LogFormat != "text" {
		return nil, nil, fmt.Errorf("log_format: %q is not json or text", o.LogFormat)
	}
	if o.LogFD < 0 {
		return nil, slog.New(slog.DiscardHandler), nil
	}
	if o.LogFD == 0 || o.LogFD == 1 {
		return nil, nil, fmt.Errorf("log_fd: %d is stdin or stdout; give a pipe, a file or 2 (stderr)", o.LogFD)
	}
	fd, err := syscall.Dup(o.LogFD)
	if err != nil {
		return nil, nil, fmt.Errorf("log_fd: %d: %v", o.LogFD, err)
	}
	syscall.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), "fraiseql-http-log")
	opts := &slog.HandlerOptions{Level: level}
	var w io.Writer = f
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if o.LogFormat == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return f, slog.New(h), nil
}
