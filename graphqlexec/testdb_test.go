package graphqlexec

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// freshDB creates a database of its own from examples/blog/schema.sql (a
// test that changes rows must never touch the shared demo database), runs
// setup statements in it as the connecting role, and returns a connection
// to it and its connection config. The database is dropped at cleanup.
func freshDB(t testing.TB, setup ...string) (*pgx.Conn, *pgx.ConnConfig) {
	t.Helper()
	admin := testDB(t)
	ctx := context.Background()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "fraiseql_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"); err != nil {
		t.Fatal(err)
	}
	cfg := admin.Config().Copy()
	cfg.Database = name
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	sql, err := os.ReadFile("../examples/blog/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	// The simple protocol runs the whole multi-statement script.
	if _, err := conn.Exec(ctx, string(sql), pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("load schema.sql: %v", err)
	}
	for _, s := range setup {
		if _, err := conn.Exec(ctx, s, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("setup %q: %v", s, err)
		}
	}
	return conn, cfg
}
