package graphqlexec

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/testdb"
)

// freshDB creates a database of its own from examples/blog/schema.sql (a
// test that changes rows must never touch the shared demo database), runs
// setup statements in it as the connecting role, and returns a connection
// to it and its connection config. The database is dropped at cleanup.
func freshDB(t testing.TB, setup ...string) (*pgx.Conn, *pgx.ConnConfig) {
	t.Helper()
	d := testdb.Scratch(t, "fraiseql_test", append([]string{testdb.File(t, "../examples/blog/schema.sql")}, setup...)...)
	return d.Connect(t), d.Config.Copy()
}
