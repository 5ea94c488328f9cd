// Package pgpool is a small bounded pool of pgx connections that satisfies
// graphqlexec.DB.
//
// It exists because pgx's own pgxpool needs github.com/jackc/puddle/v2,
// which the httpcore module does not require yet; once it does, Open in
// httpcore switches to pgxpool and this package goes away. It keeps pgx's
// default statement cache per connection, so repeated queries are prepared
// once per connection.
//
// It must never hand one connection to two callers at once, and never return
// a connection to the pool that is closed or inside a transaction.
package pgpool

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrClosed is returned by every call after Close.
var ErrClosed = errors.New("pgpool: pool closed")

// Pool holds at most Max connections; idle ones are reused.
type Pool struct {
	cfg   *pgx.ConnConfig
	slots chan struct{} // one element per open or opening connection
	idle  chan *pgx.Conn

	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

// New parses the URL and returns a pool of at most max connections (max <=
// 0 means 10). No connection is opened until the first use.
func New(databaseURL string, max int) (*Pool, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, err
	}
	if max <= 0 {
		max = 10
	}
	return &Pool{
		cfg:   cfg,
		slots: make(chan struct{}, max),
		idle:  make(chan *pgx.Conn, max),
		done:  make(chan struct{}),
	}, nil
}

func (p *Pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	for {
		select {
		case <-p.done:
			return nil, ErrClosed
		default:
		}
		select {
		case c := <-p.idle:
			if c.IsClosed() {
				<-p.slots
				continue
			}
			return c, nil
		default:
		}
		select {
		case c := <-p.idle:
			if c.IsClosed() {
				<-p.slots
				continue
			}
			return c, nil
		case p.slots <- struct{}{}:
			c, err := pgx.ConnectConfig(ctx, p.cfg.Copy())
			if err != nil {
				<-p.slots
				return nil, err
			}
			return c, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-p.done:
			return nil, ErrClosed
		}
	}
}

func (p *Pool) release(c *pgx.Conn) {
	p.mu.Lock()
	if !p.closed && !c.IsClosed() && c.PgConn().TxStatus() == 'I' {
		// Under the lock so that Close cannot drain idle in between.
		p.idle <- c // cannot block: idle has room for every slot
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	c.Close(context.Background())
	<-p.slots
}

// Query runs sql and returns rows that hold a connection until closed or
// fully read.
func (p *Pool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		p.release(c)
		return nil, err
	}
	return &poolRows{Rows: rows, release: func() { p.release(c) }}, nil
}

// QueryRow runs sql; the connection returns to the pool after Scan.
func (p *Pool) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := p.Query(ctx, sql, args...)
	return &poolRow{rows: rows, err: err}
}

// Exec runs sql without returning rows.
func (p *Pool) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c, err := p.acquire(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	defer p.release(c)
	return c.Exec(ctx, sql, args...)
}

// Ping checks that a connection can be had and answers.
func (p *Pool) Ping(ctx context.Context) error {
	c, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	defer p.release(c)
	return c.Ping(ctx)
}

// Close closes idle connections now and busy ones as they are released.
// It is idempotent.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.done)
	p.mu.Unlock()
	for {
		select {
		case c := <-p.idle:
			c.Close(context.Background())
			<-p.slots
		default:
			return
		}
	}
}

// poolRows releases its connection exactly once, when the rows end.
type poolRows struct {
	pgx.Rows
	release func()
	once    sync.Once
}

func (r *poolRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *poolRows) Close() {
	r.Rows.Close()
	r.once.Do(r.release)
}

type poolRow struct {
	rows pgx.Rows
	err  error
}

func (r *poolRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
