package bridge

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fraiseql/fraiseql-http/testdb"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func requireDB(t *testing.T) string {
	t.Helper()
	return testdb.URL(t)
}

func options(t *testing.T, flags map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"flags": flags, "enable_compression": false, "enable_http2": false})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStartServeShutdown(t *testing.T) {
	url := requireDB(t)
	s, err := Start(t.Context(), options(t, map[string]any{
		"schema": "../../examples/blog/app.graphql", "database-url": url, "host": "127.0.0.1", "port": 0,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !s.Running() || strings.HasSuffix(s.Addr(), ":0") {
		t.Fatalf("running %v addr %s", s.Running(), s.Addr())
	}
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); s.ActiveConnections() != 1 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := s.ActiveConnections(); n != 1 {
		t.Errorf("ActiveConnections with one client = %d", n)
	}
	c.Close()
	resp, err := http.Post("http://"+s.Addr()+"/graphql", "application/json", strings.NewReader(`{"query":"{ users(limit: 1) { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"data":{"users":[{"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	http.DefaultClient.CloseIdleConnections()
	if err := s.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.Wait(); err != nil {
		t.Fatalf("wait after shutdown: %v", err)
	}
	if s.Running() {
		t.Fatal("still running after shutdown")
	}
	if err := s.Shutdown(time.Second); err != nil {
		t.Fatalf("second shutdown: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	url := requireDB(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name      string
		flags     map[string]any
		stage     string
		want      string
		forbidden string
	}{
		{"busy port", map[string]any{"schema": "../../examples/blog/app.graphql", "database-url": url, "host": "127.0.0.1",
			"port": busy.Addr().(*net.TCPAddr).Port}, "listen", busy.Addr().String(), ""},
		{"bad dsn", map[string]any{"schema": "../../examples/blog/app.graphql",
			"database-url": "postgres://bob:hunter22@127.0.0.1:1/x?connect_timeout=2"}, "database", "127.0.0.1", "hunter22"},
		{"missing schema", map[string]any{"schema": "no/such/file.graphql", "database-url": url}, "schema", "no/such/file.graphql", ""},
		{"invalid setting", map[string]any{"schema": "x", "database-url": url, "pool-size": 0}, "config", "pool size", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Start(t.Context(), options(t, tt.flags))
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("error %v (%T)", err, err)
			}
			if be.Stage != tt.stage || !strings.Contains(be.Message, tt.want) {
				t.Fatalf("got %s: %s; want stage %s mentioning %q", be.Stage, be.Message, tt.stage, tt.want)
			}
			if tt.forbidden != "" && strings.Contains(be.Message, tt.forbidden) {
				t.Fatalf("message leaks %q: %s", tt.forbidden, be.Message)
			}
		})
	}
}

func TestLogsGoToTheGivenDescriptor(t *testing.T) {
	url := requireDB(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	doc, _ := json.Marshal(map[string]any{
		"flags":  map[string]any{"schema": "../../examples/blog/app.graphql", "database-url": url, "host": "127.0.0.1", "port": 0},
		"log_fd": int(w.Fd()), "enable_compression": true,
	})
	s, err := Start(t.Context(), doc)
	w.Close() // the bridge holds its own duplicate
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r) // EOF once the bridge closed its duplicate
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var rec struct{ Level, Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON log line: %q", line)
		}
		msgs = append(msgs, rec.Level+" "+rec.Msg)
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"INFO fraiseql-http: listening", "INFO fraiseql-http: stopped"} {
		if !strings.Contains(joined, want) {
			t.Errorf("log lacks %q:\n%s", want, joined)
		}
	}
}

func TestWorkersSetGOMAXPROCS(t *testing.T) {
	url := requireDB(t)
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	want := prev + 1
	doc, _ := json.Marshal(map[string]any{
		"flags":   map[string]any{"schema": "../../examples/blog/app.graphql", "database-url": url, "host": "127.0.0.1", "port": 0},
		"workers": want,
	})
	s, err := Start(t.Context(), doc)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(5 * time.Second)
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Fatalf("GOMAXPROCS = %d after workers=%d", got, want)
	}
}
