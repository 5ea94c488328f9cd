package httpcore

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Config.SchemaCheck values: what a declaration that does not match the
// database (graphqlexec/check) does at start.
const (
	// SchemaCheckWarn logs every mismatch at start and serves; /ready
	// answers 503 while the declaration does not match (the default).
	SchemaCheckWarn = "warn"
	// SchemaCheckRefuse refuses to start on a mismatch.
	SchemaCheckRefuse = "refuse"
	// SchemaCheckOff skips the check, at start and in /ready.
	SchemaCheckOff = "off"
)

// declarationRecheck is how long /ready trusts the last check: a catalog
// change (a migration, a dropped view) shows within it, and a busy probe
// costs the database at most one check per period.
const declarationRecheck = 30 * time.Second

// declarationCheck is /ready's "schema" check: the last result of
// comparing the declaration with the catalog, run again when it is older
// than declarationRecheck.
type declarationCheck struct {
	s      *schema.Schema
	db     check.Querier
	logger *slog.Logger
	now    func() time.Time
	ttl    time.Duration
	// gate: /ready reports a mismatch (not under --quirks v1.9.7, whose
	// /ready says "ok" as v1's does); only the log's words depend on it.
	gate bool

	mu       sync.Mutex
	first    chan struct{} // closed when the start-up check (start) is over; nil without one
	running  bool          // a check is in flight; others answer with the last result
	at       time.Time     // when the last result was taken
	mismatch int           // findings of the last result
}

func newDeclarationCheck(s *schema.Schema, db check.Querier, logger *slog.Logger, gate bool) *declarationCheck {
	return &declarationCheck{s: s, db: db, logger: logger, now: time.Now, ttl: declarationRecheck, gate: gate}
}

// run checks now, records the result and logs every finding when the state
// changes (so a server that keeps not matching does not log the list every
// 30 seconds). A catalog that cannot be read leaves the last result as it
// was: /ready's database check reports the outage.
func (d *declarationCheck) run(ctx context.Context) ([]check.Finding, error) {
	findings, err := check.Run(ctx, d.s, d.db)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running = false
	if err != nil {
		return nil, err
	}
	first := d.at.IsZero()
	changed := first || (d.mismatch == 0) != (len(findings) == 0)
	d.at, d.mismatch = d.now(), len(findings)
	if changed {
		for _, f := range findings {
			d.logger.WarnContext(ctx, "schema check: the declaration does not match the database", "at", f.String())
		}
		if len(findings) > 0 && d.gate {
			d.logger.WarnContext(ctx, "schema check: /ready answers 503 until the declaration matches the database", "mismatches", len(findings))
		} else if len(findings) > 0 {
			d.logger.WarnContext(ctx, "schema check: requests that use these parts will fail (under --quirks v1.9.7 /ready does not report it)", "mismatches", len(findings))
		} else if !first {
			d.logger.InfoContext(ctx, "schema check: the declaration matches the database again")
		}
	}
	return findings, nil
}

// matched records a match found by a check made elsewhere (Open's
// --schema-check refuse), so the catalog is not read twice at start.
func (d *declarationCheck) matched() {
	d.mu.Lock()
	d.at, d.mismatch = d.now(), 0
	d.mu.Unlock()
}

// start runs the first check in the background, so the server listens
// without waiting for the catalog; /ready waits for it. stop cancels it if
// it still runs and waits until it has returned.
func (d *declarationCheck) start(logger *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan struct{})
	d.mu.Lock()
	d.running, d.first = true, first
	d.mu.Unlock()
	go func() {
		defer close(first)
		if _, err := d.run(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("schema check: the catalog could not be read; /ready checks again", "err", err)
		}
	}()
	return func() { cancel(); <-first }
}

// status is /ready's "schema" value: "ok", or "failed: …" with the number
// of mismatches (their places are in the log and in `fraiseql-http check`,
// never told to an unauthenticated probe).
// With refresh false (the database is down) the last result is shown.
func (d *declarationCheck) status(ctx context.Context, refresh bool) string {
	d.mu.Lock()
	first, pending := d.first, d.at.IsZero() && d.running
	d.mu.Unlock()
	if pending && first != nil {
		select { // the start-up check: its answer, not "not checked yet"
		case <-first:
		case <-ctx.Done():
		}
	}
	d.mu.Lock()
	stale := refresh && !d.running && d.now().Sub(d.at) >= d.ttl
	if stale {
		d.running = true
	}
	d.mu.Unlock()
	if stale {
		if _, err := d.run(ctx); err != nil {
			d.logger.WarnContext(ctx, "schema check: the catalog could not be read; the last result stands", "err", err)
		}
	}
	d.mu.Lock()
	n, known := d.mismatch, !d.at.IsZero()
	d.mu.Unlock()
	switch {
	case n > 0:
		return fmt.Sprintf("failed: the declaration does not match the database (%d mismatches; see the log or run fraiseql-http check)", n)
	case !known:
		return "failed: not checked yet"
	}
	return "ok"
}
