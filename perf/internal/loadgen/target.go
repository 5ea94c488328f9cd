package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Kind says how a target is driven.
type Kind int

const (
	// KindHTTP targets speak HTTP/1.1 (fraiseql-http, the FastAPI baseline,
	// the thin reference, or any user's app).
	KindHTTP Kind = iota
	// KindPG targets are a PostgreSQL database driven with raw pgx: the floor.
	KindPG
)

// Target is one system under test.
type Target struct {
	Name string
	URL  string
	Kind Kind
	// Addr is host:port for HTTP targets.
	Addr string
	// Host is the Host header value for HTTP targets.
	Host string
	// Dialect selects the workloads' requests in that dialect ("": the main
	// requests); see workload.Workload.ForDialect.
	Dialect string
}

// ParseTarget reads "name=URL". http:// URLs are HTTP targets; postgres:// or
// postgresql:// URLs are pgx floor targets. Unless allowRemote is set, only
// loopback hosts (and Unix sockets for PostgreSQL) are accepted: the tool must
// never load a machine it was not meant to.
func ParseTarget(spec string, allowRemote bool) (Target, error) {
	name, raw, ok := strings.Cut(spec, "=")
	if !ok || name == "" || raw == "" {
		return Target{}, fmt.Errorf("target %q: want name=URL", spec)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Target{}, fmt.Errorf("target %s: %w", name, err)
	}
	t := Target{Name: name, URL: raw}
	switch u.Scheme {
	case "http":
		t.Kind = KindHTTP
		host := u.Hostname()
		port := u.Port()
		if port == "" {
			port = "80"
		}
		if u.Path != "" && u.Path != "/" {
			return Target{}, fmt.Errorf("target %s: give the server root (paths come from the workload), not %q", name, u.Path)
		}
		if err := checkLoopback(host, allowRemote); err != nil {
			return Target{}, fmt.Errorf("target %s: %w", name, err)
		}
		t.Addr = net.JoinHostPort(host, port)
		t.Host = u.Host
	case "postgres", "postgresql":
		t.Kind = KindPG
		cfg, err := pgx.ParseConfig(raw)
		if err != nil {
			return Target{}, fmt.Errorf("target %s: %w", name, err)
		}
		if !strings.HasPrefix(cfg.Host, "/") {
			if err := checkLoopback(cfg.Host, allowRemote); err != nil {
				return Target{}, fmt.Errorf("target %s: %w", name, err)
			}
		}
	default:
		return Target{}, fmt.Errorf("target %s: scheme %q not supported (http, postgres)", name, u.Scheme)
	}
	return t, nil
}

func checkLoopback(host string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("host %q is not a loopback address (pass --allow-remote to load another machine)", host)
	}
	return nil
}

// executor performs one request of a workload on one connection.
type executor interface {
	// do runs request variant v and reports whether it succeeded; bytes is the
	// size of the answer, reason explains a failure.
	do(ctx context.Context, v int) (ok bool, bytes int, reason string)
	close()
}

type httpExecutor struct {
	conn *httpConn
	reqs [][]byte
	p    *preparedWorkload
}

func (e *httpExecutor) do(_ context.Context, v int) (bool, int, string) {
	status, body, err := e.conn.do(e.reqs[v])
	if err != nil {
		return false, 0, "transport: " + err.Error()
	}
	if reason := e.p.check(status, body); reason != "" {
		return false, len(body), reason
	}
	return true, len(body), ""
}

func (e *httpExecutor) close() { e.conn.close() }

type pgExecutor struct {
	conn *pgx.Conn
	p    *preparedWorkload
}

func (e *pgExecutor) do(ctx context.Context, v int) (bool, int, string) {
	args := e.p.sqlArgs[v]
	rows, err := e.conn.Query(ctx, e.p.w.SQL, args...)
	if err != nil {
		return false, 0, "sql: " + err.Error()
	}
	n := 0
	for rows.Next() {
		for _, raw := range rows.RawValues() {
			n += len(raw)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, n, "sql: " + err.Error()
	}
	return true, n, ""
}

func (e *pgExecutor) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	e.conn.Close(ctx)
}

// pgPoolExecutor runs the floor through a pool shared by a slice's workers.
type pgPoolExecutor struct {
	pool *pgxpool.Pool
	p    *preparedWorkload
}

func (e *pgPoolExecutor) do(ctx context.Context, v int) (bool, int, string) {
	rows, err := e.pool.Query(ctx, e.p.w.SQL, e.p.sqlArgs[v]...)
	if err != nil {
		return false, 0, "sql: " + err.Error()
	}
	n := 0
	for rows.Next() {
		for _, raw := range rows.RawValues() {
			n += len(raw)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, n, "sql: " + err.Error()
	}
	return true, n, ""
}

func (e *pgPoolExecutor) close() {}

func (c *Config) pgPool(ctx context.Context, t Target, conns int) (*pgxpool.Pool, error) {
	limit := c.PGMaxConns
	if limit <= 0 {
		limit = 20
	}
	if conns < limit {
		limit = conns
	}
	cfg, err := pgxpool.ParseConfig(t.URL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(limit)
	cfg.MinConns = int32(limit)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}
