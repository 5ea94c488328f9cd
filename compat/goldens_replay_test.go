package compat

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// requireOrSkip fails in CI (where everything must be present) and skips
// with the reason elsewhere.
func requireOrSkip(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason)
	}
	t.Skip(reason)
}

// TestReplayGoldens is the compatibility verdict: the development and
// production profiles replayed against the real fraiseql-http binary on a
// fresh copy of the demo database. Any failed case fails the test; pending
// cases (pending.txt) are printed, not failed.
func TestReplayGoldens(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the goldens against the real server; not in -short")
	}
	adminURL := os.Getenv("FRAISEQL_TEST_DATABASE_URL")
	if adminURL == "" {
		requireOrSkip(t, "FRAISEQL_TEST_DATABASE_URL is not set (scripts/devdb.sh prints one)")
	}
	bin, err := serverBinary()
	if errors.Is(err, errServerNotWritten) {
		requireOrSkip(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := LoadGoldens(goldensDir)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := LoadRegistry("divergences")
	if err != nil {
		t.Fatal(err)
	}
	pend, err := LoadPending("pending.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The demo app as examples/blog declares it: the recorded schema.sql
	// plus the filter columns app.graphql's @column fields name.
	appSQL := mustRead(t, filepath.Join("..", "examples", "blog", "schema.sql"))
	schema, err := filepath.Abs(filepath.Join("..", "examples", "blog", "app.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Profile{}
	for _, p := range profiles {
		byName[p.Name] = p
	}
	for _, name := range []string{"development", "production"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			res, err := ReplayProfile(ctx, byName[name], Options{
				ServerBin:        bin,
				Schema:           schema,
				AdminDatabaseURL: adminURL,
				AppSQL:           string(appSQL),
				Registry:         reg,
				Pending:          pend,
			})
			if err != nil {
				t.Fatal(err)
			}
			var report bytes.Buffer
			res.WriteReport(&report, testing.Verbose())
			t.Log("\n" + report.String())
			if n := res.Counts().Failed; n > 0 {
				t.Errorf("%d failed cases (see the report above)", n)
			}
		})
	}
}
