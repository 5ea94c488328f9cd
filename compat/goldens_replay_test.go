package compat

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/testdb"
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

// TestReplayGoldens is the compatibility verdict: every profile replayed
// against the real fraiseql-http binary on a fresh copy of the demo
// database, in both --quirks modes: with v1.9.7 every case must equal its
// golden, without it every case must equal its golden or its registered
// divergence. Any failed case fails the test; pending cases (pending.txt)
// are printed, not failed. Not parallel: a profile's database is named
// after the profile and the process (ProfileDatabaseName), the same in
// both modes.
func TestReplayGoldens(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the goldens against the real server; not in -short")
	}
	adminURL := testdb.URL(t)
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
	for _, quirks := range []string{QuirksNone, QuirksV197} {
		for _, p := range profiles {
			t.Run("quirks="+quirks+"/"+p.Name, func(t *testing.T) {
				replayAndJudge(t, p, Options{
					ServerBin:        bin,
					Schema:           schema,
					AdminDatabaseURL: adminURL,
					AppSQL:           string(appSQL),
					Registry:         reg,
					Pending:          pend,
					Quirks:           quirks,
				})
			})
		}
	}
}

func replayAndJudge(t *testing.T, p *Profile, opts Options) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := ReplayProfile(ctx, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	res.WriteReport(&report, testing.Verbose())
	t.Log("\n" + report.String())
	c := res.Counts()
	if c.Failed > 0 {
		t.Errorf("%d failed cases (see the report above)", c.Failed)
	}
	if opts.Quirks == QuirksV197 && c.Diverged > 0 {
		t.Errorf("%d cases judged by the registry in v1.9.7 mode", c.Diverged)
	}
}
