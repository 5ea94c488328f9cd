package compat

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"go.uber.org/goleak"
)

// fakeServerEnv makes the test binary act as a minimal fraiseql-http (flag
// listing, listening line, /health), to test process handling without the
// real server.
const fakeServerEnv = "FRAISEQL_COMPAT_FAKE_SERVER"

var tmpDir string

func TestMain(m *testing.M) {
	if os.Getenv(fakeServerEnv) != "" {
		os.Exit(fakeServer(os.Args[1:]))
	}
	var err error
	tmpDir, err = os.MkdirTemp("", "fraiseql-compat-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(tmpDir)
	if code == 0 {
		// pgx's background goroutines belong to pools the tests close; anything
		// still running now is a leak in the replayer.
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

func fakeServer(args []string) int {
	if len(args) == 0 || args[0] != "serve" {
		return 2
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	port := fs.String("port", "8000", "port")
	fs.String("host", "127.0.0.1", "host")
	fs.String("schema", "", "schema")
	dbURL := fs.String("database-url", "", "url")
	fs.String("environment", "development", "environment")
	exitEarly := fs.Bool("fail", false, "exit before listening")
	if err := fs.Parse(args[1:]); err != nil {
		return 0 // -h
	}
	if *exitEarly {
		fmt.Fprintln(os.Stderr, "fatal: cannot load schema")
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+*port)
	if err != nil {
		return 1
	}
	fmt.Fprintf(os.Stderr, "INFO fraiseql-http listening on http://%s\n", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			return 1
		}
		go func() {
			defer conn.Close()
			_, _ = readRequest(conn)
			body := `{"status":"ok"}`
			if *dbURL != "" {
				// Prove the database exists and holds the app SQL.
				body = fmt.Sprintf(`{"marker":%q}`, queryMarker(*dbURL))
			}
			fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s", len(body), body)
		}()
	}
}

func queryMarker(url string) string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return "connect: " + err.Error()
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, "select v from marker").Scan(&v); err != nil {
		return "query: " + err.Error()
	}
	return v
}

// serverBinary builds the real fraiseql-http once. It returns "" and a
// reason when the server's source is not there yet.
var serverBinary = sync.OnceValues(func() (string, error) {
	src := filepath.Join("..", "httpcore", "cmd", "fraiseql-http")
	if _, err := os.Stat(src); err != nil {
		return "", errServerNotWritten
	}
	bin := filepath.Join(tmpDir, "fraiseql-http")
	// Building inside ../httpcore works with the workspace and with
	// GOWORK=off alike: compat itself does not require httpcore.
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/fraiseql-http")
	cmd.Dir = filepath.Join("..", "httpcore")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building fraiseql-http failed: %v\n%s", err, strings.TrimSpace(string(out)))
	}
	return bin, nil
})

var errServerNotWritten = fmt.Errorf("the fraiseql-http server is not built yet: ../httpcore/cmd/fraiseql-http does not exist")
