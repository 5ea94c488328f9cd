package httpcore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

const readyDecl = `type Item @view(name: "v_item") { id: UUID }
type Query { items: [Item] @read }
`

// TestReadyDeclaration: /ready answers 503 while the declaration does not
// match the database, says so in "schema" (a count, never the names), logs
// the places once per change, re-checks after 30 s (a fixed database shows
// as ready), and under --quirks v1.9.7 keeps v1's "ok".
func TestReadyDeclaration(t *testing.T) {
	t.Parallel()
	pool := testDatabase(t)
	ctx := context.Background()
	s, err := schema.Load("app.graphql", []byte(readyDecl))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	clock := time.Unix(1795637449, 0)
	d := newDeclarationCheck(s, pool, logger, true)
	d.now = func() time.Time { return clock }
	if _, err := d.run(ctx); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Unix(1795637449, 500000000) }
	h := newHandler(handlerOptions{Executor: &fakeExecutor{}, DB: fakePinger{}, Now: now, Declaration: d, Logger: logger})
	w := serve(h, "GET", "/ready", "", "")
	want := `{"status":"not_ready","checks":{"database":"ok","schema":"failed: the declaration does not match the database (1 mismatches; see the log or run fraiseql-http check)"},"timestamp":1795637449.5}`
	if w.Code != 503 || w.Body.String() != want {
		t.Fatalf("mismatch: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), `at="app.graphql:1:6: type \"Item\": view \"v_item\" does not exist`) {
		t.Errorf("the log does not name the place:\n%s", logs.String())
	}

	// The view appears; within 30 s the last result stands, after it the
	// database is checked again.
	if _, err := pool.Exec(ctx, `CREATE VIEW v_item AS SELECT gen_random_uuid() AS id, '{}'::jsonb AS data`); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(29 * time.Second)
	if w := serve(h, "GET", "/ready", "", ""); w.Code != 503 {
		t.Fatalf("within 30 s: %d %s", w.Code, w.Body)
	}
	clock = clock.Add(2 * time.Second)
	w = serve(h, "GET", "/ready", "", "")
	if want := `{"status":"ready","checks":{"database":"ok","schema":"ok"},"timestamp":1795637449.5}`; w.Code != 200 || w.Body.String() != want {
		t.Fatalf("after the fix: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "matches the database again") {
		t.Errorf("the fix is not logged:\n%s", logs.String())
	}

	// A database that is down is reported as such; the schema check is
	// not run again then, its last result stands.
	clock = clock.Add(time.Minute)
	down := newHandler(handlerOptions{Executor: &fakeExecutor{}, DB: fakePinger{err: errors.New("down")}, Now: now, Declaration: d})
	if w := serve(down, "GET", "/ready", "", ""); w.Code != 503 || !strings.Contains(w.Body.String(), `"database":"failed: database unavailable","schema":"ok"`) {
		t.Fatalf("database down: %d %s", w.Code, w.Body)
	}

	// --quirks v1.9.7: v1's /ready, whatever the declaration.
	if _, err := pool.Exec(ctx, `DROP VIEW v_item`); err != nil {
		t.Fatal(err)
	}
	v1 := newDeclarationCheck(s, pool, logger, false)
	if _, err := v1.run(ctx); err != nil {
		t.Fatal(err)
	}
	hv1 := newHandler(handlerOptions{Executor: &fakeExecutor{}, DB: fakePinger{}, Now: now, Declaration: v1, Quirks: graphqlexec.QuirksV197})
	if w := serve(hv1, "GET", "/ready", "", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"schema":"ok"`) {
		t.Fatalf("v1.9.7: %d %s", w.Code, w.Body)
	}
}

// TestOpenSchemaCheck: --schema-check refuse does not start on a
// mismatch and names every place; warn starts; the demo declaration on the
// demo database starts in every mode.
func TestOpenSchemaCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := dir + "/app.graphql"
	if err := writeFile(path, readyDecl); err != nil {
		t.Fatal(err)
	}
	url := testDatabaseURL(t)
	for _, tt := range []struct {
		schema, mode string
		wantErr      string
	}{
		{path, SchemaCheckRefuse, "schema check: the declaration does not match the database (1 mismatches):\n  " + path + `:1:6: type "Item": view "v_item" does not exist`},
		{path, SchemaCheckWarn, ""},
		{path, SchemaCheckOff, ""},
		{"../examples/blog/app.graphql", SchemaCheckRefuse, ""},
	} {
		cfg := DefaultConfig()
		cfg.SchemaPath, cfg.DatabaseURL, cfg.Port, cfg.SchemaCheck = tt.schema, url, 0, tt.mode
		app, err := Open(context.Background(), cfg, nil)
		if tt.wantErr != "" {
			var se *StartupError
			if !errors.As(err, &se) || se.Stage != "schema check" || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("%s %s: got %v, want %q", tt.schema, tt.mode, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s: %v", tt.schema, tt.mode, err)
			continue
		}
		app.Shutdown(context.Background())
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// TestDeclarationCheckInBackground: in warn mode the start-up check runs
// after Open returns; /ready waits for its answer instead of saying "not
// checked yet", and stop waits for it (no goroutine outlives Shutdown).
func TestDeclarationCheckInBackground(t *testing.T) {
	t.Parallel()
	pool := testDatabase(t)
	s, err := schema.Load("app.graphql", []byte(readyDecl))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	d := newDeclarationCheck(s, pool, logger, true)
	stop := d.start(logger)
	got := d.status(context.Background(), true)
	if !strings.HasPrefix(got, "failed: the declaration does not match the database (1 mismatches") {
		t.Fatalf("status during the start-up check: %q", got)
	}
	stop()
	stop2 := newDeclarationCheck(s, pool, logger, true).start(logger)
	stop2() // cancelled at once: returns once the check has
}
