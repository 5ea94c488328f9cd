package fastapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgresAPQStore keeps persisted queries in the table fraiseql_apq, so
// that every server instance on the same database answers hits for queries
// registered on any of them (v1's apq_storage_backend "postgresql" plays the
// same role). Reads go by primary key; a bounded local cache in front saves
// the round trip for repeated hits. Writes are INSERT ... ON CONFLICT DO
// NOTHING, so the first registration of a hash wins everywhere and the
// local caches never disagree with the table.
type PostgresAPQStore struct {
	db    PostgresAPQDB
	local *MemoryAPQStore
}

// PostgresAPQDB is what the store needs; *pgxpool.Pool satisfies it.
type PostgresAPQDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const (
	apqCreateTable = `CREATE TABLE IF NOT EXISTS fraiseql_apq (hash text primary key, query text not null, created_at timestamptz default now())`
	apqSelect      = `SELECT query FROM fraiseql_apq WHERE hash = $1`
	apqInsert      = `INSERT INTO fraiseql_apq (hash, query) VALUES ($1, $2) ON CONFLICT DO NOTHING`
)

// NewPostgresAPQStore creates the table if it is missing and returns the
// store; local bounds the local read cache (nil: the defaults).
func NewPostgresAPQStore(ctx context.Context, db PostgresAPQDB, local *MemoryAPQStore) (*PostgresAPQStore, error) {
	if _, err := db.Exec(ctx, apqCreateTable); err != nil {
		return nil, fmt.Errorf("apq: creating table fraiseql_apq: %w", err)
	}
	if local == nil {
		local = NewMemoryAPQStore(0, 0)
	}
	return &PostgresAPQStore{db: db, local: local}, nil
}

// Get implements APQStore.
func (s *PostgresAPQStore) Get(ctx context.Context, hash string) (string, bool, error) {
	if q, ok := s.local.get(hash); ok {
		return q, true, nil
	}
	var q string
	err := s.db.QueryRow(ctx, apqSelect, hash).Scan(&q)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("apq: reading fraiseql_apq: %w", err)
	}
	s.local.put(hash, q)
	return q, true, nil
}

// Put implements APQStore. A hash already in the table keeps its first
// text; the local cache then forgets the hash so that the next hit reads
// the table's text rather than this request's.
func (s *PostgresAPQStore) Put(ctx context.Context, hash, query string) error {
	if q, ok := s.local.get(hash); ok && q == query {
		return nil // already registered with this text: no round trip
	}
	tag, err := s.db.Exec(ctx, apqInsert, hash, query)
	if err != nil {
		return fmt.Errorf("apq: writing fraiseql_apq: %w", err)
	}
	if tag.RowsAffected() == 1 {
		s.local.put(hash, query)
	} else {
		s.local.forget(hash)
	}
	return nil
}
