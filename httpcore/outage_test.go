package httpcore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/testdb"
)

// During a database outage every failed request is logged with its cause
// and request id, and by default the answer carries that id (the audit saw
// ~2,050 "Internal server error" answers and no log line), and no PostgreSQL or driver text (the database's name,
// its socket) reaches the client.
func TestAppOutageIsLogged(t *testing.T) {
	t.Parallel()
	d := testdb.Scratch(t, "fraiseql_ops_outage", testdb.File(t, filepath.Join("..", "examples", "blog", "schema.sql")))
	var logs syncBuffer
	logger, err := NewLogger(Config{LogFormat: "json", LogLevel: "info"}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	_, addr := startAppLogger(t, func(c *Config) {
		c.DatabaseURL = d.URL // the default --request-id-header (auto) sends the id with each internal error
		c.Environment = "production"
	}, logger)
	if _, body := rawExchange(t, addr, "", usersQuery); !strings.Contains(string(body), `"users":[`) {
		t.Fatalf("before the outage: %s", body)
	}
	admin := testdb.Connect(t)
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+d.Name+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", d.Name); err != nil {
		t.Fatal(err)
	}
	// pg_terminate_backend only signals: wait until the sessions are gone.
	for deadline := time.Now().Add(10 * time.Second); ; {
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", d.Name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still open", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	const n = 5
	ids := map[string]bool{}
	for i := 0; i < n; i++ {
		head, body := rawExchange(t, addr, "", usersQuery)
		_, id, _ := strings.Cut(head, "x-request-id: ")
		ids[strings.TrimSpace(id)] = true
		if strings.Contains(string(body), d.Name) || strings.Contains(string(body), "postgresql") || strings.Contains(string(body), "conn") {
			t.Errorf("database internals in the answer: %s", body)
		}
		if !strings.Contains(string(body), `"message":"Internal server error"`) {
			t.Errorf("answer during the outage: %s", body)
		}
	}
	logged := 0
	for _, l := range logs.lines(t) {
		if l["msg"] != "graphql error" {
			continue
		}
		id, _ := l["request_id"].(string)
		if ids[id] && l["class"] == "internal" && l["level"] == "ERROR" && l["err"] != "" {
			logged++
			delete(ids, id)
		}
	}
	if logged != n {
		t.Errorf("%d of %d failed requests logged with their cause and id:\n%v", logged, n, logs.lines(t))
	}
}
