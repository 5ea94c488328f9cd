package httpcore

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/testdb"
)

// testDatabaseURL is the tests' demo database (testdb: fails in CI without
// one, skips elsewhere); tests that write use a scratch database.
func testDatabaseURL(t testing.TB) string { return testdb.URL(t) }

// TestAppServesDemoDatabase starts the whole App on the read-only demo
// database and replays read goldens through it, then shuts down twice.
func TestAppServesDemoDatabase(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql"
	cfg.DatabaseURL = testDatabaseURL(t)
	cfg.Port = 0
	app, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := app.ActiveConnections(); n != 0 {
		t.Fatalf("ActiveConnections before Listen = %d", n)
	}
	addr, err := app.Listen()
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve() }()

	// An open keep-alive connection is counted until it closes.
	held, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	held.SetDeadline(time.Now().Add(10 * time.Second))
	held.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	readResponseConn(t, held)
	if n := app.ActiveConnections(); n != 1 {
		t.Errorf("ActiveConnections with one connection open = %d", n)
	}
	held.Close()
	for deadline := time.Now().Add(5 * time.Second); app.ActiveConnections() != 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := app.ActiveConnections(); n != 0 {
		t.Errorf("ActiveConnections after close = %d", n)
	}

	for _, name := range []string{"http-get-query", "query-users-all-fields", "http-404", "http-health"} {
		req, want := readGolden(t, "development", name)
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write(req)
		got := readResponseConn(t, c)
		c.Close()
		if !bytes.Equal(normalizeDate(got), normalizeDate(want)) {
			t.Errorf("%s:\n got: %q\nwant: %q", name, got, want)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := app.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// A port already in use fails Listen with an error naming the address (the
// operator sees which one), as a StartupError of stage "listen".
func TestListenAddressInUseNamesTheAddress(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql"
	cfg.DatabaseURL = testDatabaseURL(t)
	cfg.Host = "127.0.0.1"
	cfg.Port = taken.Addr().(*net.TCPAddr).Port
	app, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown(context.Background())
	_, err = app.Listen()
	var se *StartupError
	if !errors.As(err, &se) || se.Stage != "listen" || !strings.Contains(err.Error(), taken.Addr().String()) || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("Listen on a taken port: %v", err)
	}
}
