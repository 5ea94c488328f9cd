package testdb

import (
	"context"
	"testing"

	"go.uber.org/goleak"
)

func TestWithDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres:///fraiseql_test?host=/var/run/postgresql": "postgres:///x_1?host=/var/run/postgresql",
		"postgres://u:p@127.0.0.1:5432/demo":                 "postgres://u:p@127.0.0.1:5432/x_1",
		"postgresql://h/":                                    "postgresql://h/x_1",
	} {
		if got, err := withDatabase(in, "x_1"); err != nil || got != want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := withDatabase("host=/tmp dbname=x", "y"); err == nil {
		t.Error("a key=value string was accepted")
	}
}

func TestValidPrefix(t *testing.T) {
	for p, want := range map[string]bool{"fraiseql_test": true, "a1": true, "": false, "Bad": false, "a-b": false, "a;drop": false} {
		if validPrefix(p) != want {
			t.Errorf("validPrefix(%q) != %v", p, want)
		}
	}
}

// TestScratch makes a scratch database, loads two scripts, sees their
// rows, and finds the database gone once the subtest has ended.
func TestScratch(t *testing.T) {
	var name string
	t.Run("use", func(t *testing.T) {
		d := Scratch(t, "testdb_test", "CREATE TABLE t (v text); INSERT INTO t VALUES ('é');", "INSERT INTO t VALUES ('b')")
		name = d.Name
		var n int
		var collation string
		conn := d.Connect(t)
		if err := conn.QueryRow(context.Background(), "SELECT count(*), (SELECT datcollate FROM pg_database WHERE datname = current_database()) FROM t").Scan(&n, &collation); err != nil {
			t.Fatal(err)
		}
		if n != 2 || collation != "C.UTF-8" {
			t.Fatalf("rows %d, collation %q", n, collation)
		}
	})
	var exists bool
	if err := Connect(t).QueryRow(context.Background(), "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if name == "" || exists {
		t.Fatalf("scratch database %q still exists after its test", name)
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
