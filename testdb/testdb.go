package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the tests' database URL.
const EnvURL = "FRAISEQL_TEST_DATABASE_URL"

// URL returns the tests' database URL. Without one the test fails when
// CI=true and is skipped with the reason elsewhere.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		const reason = EnvURL + " is not set (make test sets it; scripts/devdb.sh prints one)"
		if os.Getenv("CI") == "true" {
			t.Fatal(reason + ": CI must provide a database")
		}
		t.Skip(reason)
	}
	return u
}

// Connect opens a connection to URL(t), closed at cleanup. Tests read
// through it; they never change the database it names.
func Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	return connect(t, URL(t))
}

var createMu sync.Mutex

// Database is a scratch database of one test.
type Database struct {
	// Name is the database's name, Prefix_<random hex>.
	Name string
	// URL is the tests' URL with this database.
	URL string
	// Config is URL parsed; Copy it before changing it.
	Config *pgx.ConnConfig
}

// Connect opens a connection to the scratch database, closed at cleanup.
func (d *Database) Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	return connect(t, d.URL)
}

// Scratch creates a database of the test's own on the server of URL(t),
// named prefix (lower-case letters, digits and _) and a random suffix,
// runs each script in it with the simple protocol (so a file of several
// statements runs as written), and drops it at cleanup. A script that
// fails fails the test.
func Scratch(t testing.TB, prefix string, scripts ...string) *Database {
	t.Helper()
	if !validPrefix(prefix) {
		t.Fatalf("testdb: database prefix %q: lower-case letters, digits and _ only", prefix)
	}
	base := URL(t)
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	name := prefix + "_" + hex.EncodeToString(rnd[:])
	dbURL, err := withDatabase(base, name)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvURL, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testdb: %s unreachable: %v", EnvURL, err)
	}
	defer admin.Close(context.Background())
	// One CREATE DATABASE at a time per process: parallel tests then never
	// meet PostgreSQL's lock on the template.
	createMu.Lock()
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
	createMu.Unlock()
	if err != nil {
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	d := &Database{Name: name, URL: dbURL, Config: cfg}
	if len(scripts) > 0 {
		conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		for _, s := range scripts {
			if _, err := conn.Exec(ctx, s, pgx.QueryExecModeSimpleProtocol); err != nil {
				t.Fatalf("testdb: loading %s: %v (script starts %.80q)", name, err, s)
			}
		}
	}
	return d
}

// File returns a script file's text (a test's SQL, e.g.
// ../examples/blog/schema.sql), failing the test when it cannot be read.
func File(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func connect(t testing.TB, u string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("testdb: connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func validPrefix(p string) bool {
	if p == "" || len(p) > 40 {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// withDatabase returns the postgres:// URL u naming database db instead
// (query parameters such as host= for a Unix socket are kept).
func withDatabase(u, db string) (string, error) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return "", errorString("not a postgres:// URL")
	}
	p.Path = "/" + db
	p.RawPath = ""
	return p.String(), nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
