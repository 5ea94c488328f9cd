package compat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Outcome is the verdict on one replayed case.
type Outcome int

const (
	// Identical: the response equals the golden after normalization.
	Identical Outcome = iota + 1
	// DivergedAsRegistered: the response equals the registered divergence.
	DivergedAsRegistered
	// Pending: a case on the pending list that still differs, or every case
	// of a profile the server cannot be configured for yet.
	Pending
	// Failed: anything else, including a pending or registered case that now
	// equals the golden (its entry must be removed).
	Failed
)

func (o Outcome) String() string {
	switch o {
	case Identical:
		return "identical"
	case DivergedAsRegistered:
		return "diverged-as-registered"
	case Pending:
		return "pending"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// CaseResult is the verdict on one case.
type CaseResult struct {
	Profile string
	Case    string
	Outcome Outcome
	// Reason says why the case is pending, diverged, or failed.
	Reason string
	// Diff is the readable difference against the bytes the case was judged
	// by (golden or registered); empty when equal.
	Diff string
}

// ProfileResult is the verdict on one profile.
type ProfileResult struct {
	Profile string
	Cases   []CaseResult
	// ServerLogs is the tail of the server's output, kept when a case failed.
	ServerLogs string
}

// Counts tallies outcomes.
type Counts struct {
	Identical, Diverged, Pending, Failed int
}

// Add returns the sum of two tallies.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.Identical + o.Identical, c.Diverged + o.Diverged, c.Pending + o.Pending, c.Failed + o.Failed}
}

// String is the summary line format.
func (c Counts) String() string {
	return fmt.Sprintf("%d identical, %d diverged-as-registered, %d pending, %d failed", c.Identical, c.Diverged, c.Pending, c.Failed)
}

// Counts tallies the profile's outcomes.
func (r *ProfileResult) Counts() Counts {
	var c Counts
	for _, cr := range r.Cases {
		switch cr.Outcome {
		case Identical:
			c.Identical++
		case DivergedAsRegistered:
			c.Diverged++
		case Pending:
			c.Pending++
		default:
			c.Failed++
		}
	}
	return c
}

// Options configure a replay.
type Options struct {
	// URL of an already running server ("http://host:port"). When set, no
	// database is created and no server is started.
	URL string
	// ServerBin is the fraiseql-http binary to start per profile.
	ServerBin string
	// Schema is the app declaration passed as --schema.
	Schema string
	// AdminDatabaseURL names the PostgreSQL server (and an existing database
	// to connect to) on which per-profile databases are created.
	AdminDatabaseURL string
	// AppSQL is the SQL script that creates and seeds the app's database.
	AppSQL string
	// Registry and Pending may be nil (empty).
	Registry *Registry
	Pending  *PendingList
	// ServerOutput, when not nil, receives the server's log lines.
	ServerOutput io.Writer
	// Quirks is the server's --quirks mode: "" or "none" (correct answers;
	// registered divergences are judged by their registered bytes) or
	// "v1.9.7" (every case must equal its golden: the registry is not
	// consulted, so a registered divergence that v1.9.7 mode fails to undo
	// fails). See QuirksV197.
	Quirks string
	// Record, when not nil, is called with the bytes the server sent for
	// every case that has a registry entry (in the "none" mode only), before
	// judging: how registered divergences are recorded.
	Record func(d *Divergence, c *Case, golden, actual []byte)
}

// The two --quirks modes of fraiseql-http the replay knows.
const (
	QuirksNone = "none"
	QuirksV197 = "v1.9.7"
)

// registryFor is the registry that judges a replay in mode quirks: none
// in v1.9.7 mode, where every case must be identical to its golden.
func registryFor(quirks string, reg *Registry) *Registry {
	if quirks == QuirksV197 {
		return nil
	}
	return reg
}

// ReplayProfile replays every case of p in cases.json order and judges each
// response. A returned error means the replay could not run at all (database
// or server setup); case-level problems are failed cases.
func ReplayProfile(ctx context.Context, p *Profile, opts Options) (*ProfileResult, error) {
	res := &ProfileResult{Profile: p.Name}
	addr := ""
	if opts.URL != "" {
		a, err := hostPort(opts.URL)
		if err != nil {
			return nil, err
		}
		addr = a
	} else {
		supported, err := SupportedFlags(ctx, opts.ServerBin)
		if err != nil {
			return nil, err
		}
		args, missing := ServerArgs(p.Config, supported)
		if opts.Quirks != "" {
			if supported["quirks"] {
				args = append(args, "--quirks="+opts.Quirks)
			} else {
				missing = append(missing, "server has no --quirks flag")
			}
		}
		if len(missing) > 0 {
			// Running the cases against a wrongly configured server would only
			// produce noise; say precisely what is missing instead.
			reason := "server cannot be configured for this profile: " + strings.Join(missing, "; ")
			for _, c := range p.Cases {
				r := reason
				if pr, ok := opts.Pending.Reason(p.Name, c.Name); ok {
					r = pr + " (" + reason + ")"
				}
				res.Cases = append(res.Cases, CaseResult{Profile: p.Name, Case: c.Name, Outcome: Pending, Reason: r})
			}
			return res, nil
		}
		db, err := CreateDatabase(ctx, opts.AdminDatabaseURL, ProfileDatabaseName(p.Name, os.Getpid()), opts.AppSQL)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", p.Name, err)
		}
		defer func() { _ = db.Drop(context.Background()) }()
		args = append([]string{"--schema", opts.Schema, "--database-url", db.URL, "--host", "127.0.0.1", "--port", "0"}, args...)
		srv, err := StartServer(ctx, opts.ServerBin, args, opts.ServerOutput)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", p.Name, err)
		}
		defer func() { _ = srv.Stop(context.Background()) }()
		if err := WaitReady(ctx, srv.Addr); err != nil {
			return nil, fmt.Errorf("profile %s: %w; server output:\n%s", p.Name, err, srv.Logs())
		}
		addr = srv.Addr
		defer func() {
			if res.Counts().Failed > 0 {
				res.ServerLogs = srv.Logs()
			}
		}()
	}
	for i := range p.Cases {
		c := &p.Cases[i]
		req, err := p.ReadRequest(c)
		if err != nil {
			return nil, err
		}
		golden, err := p.ReadResponse(c)
		if err != nil {
			return nil, err
		}
		actual, xerr := Exchange(ctx, addr, req)
		reg := registryFor(opts.Quirks, opts.Registry)
		if d := reg.Lookup(p.Name, c.Name); d != nil && opts.Record != nil && xerr == nil {
			opts.Record(d, c, golden, actual)
		}
		res.Cases = append(res.Cases, Judge(p.Name, c, golden, actual, xerr, reg, opts.Pending))
	}
	return res, nil
}

// Judge decides the outcome of one case from the golden bytes, the bytes the
// server sent (and the error reading them, if any), the registry and the
// pending list. Volatile parts are normalized on both sides.
func Judge(profile string, c *Case, golden, actual []byte, xerr error, reg *Registry, pend *PendingList) CaseResult {
	r := CaseResult{Profile: profile, Case: c.Name}
	an := Normalize(actual, c.Parts)
	gn := Normalize(golden, c.Parts)
	matchesGolden := xerr == nil && bytes.Equal(gn, an)
	pendingReason, pending := pend.Reason(profile, c.Name)
	div := reg.Lookup(profile, c.Name)

	expected, judgedBy := gn, "golden"
	if div != nil {
		expected, judgedBy = Normalize(div.Response, c.Parts), "registered divergence"
	}
	same := xerr == nil && bytes.Equal(expected, an)
	if !same {
		r.Diff = Diff(expected, an)
	}
	withErr := func(s string) string {
		if xerr != nil {
			s += " (" + xerr.Error() + ")"
		}
		return s
	}
	switch {
	case pending && matchesGolden:
		r.Outcome, r.Reason = Failed, "now identical: remove from pending ("+pendingReason+")"
	case pending:
		r.Outcome, r.Reason = Pending, withErr(pendingReason)
	case div != nil && same:
		r.Outcome, r.Reason = DivergedAsRegistered, div.Reason
	case div != nil && matchesGolden:
		r.Outcome, r.Reason = Failed, "now identical to the golden: remove the registered divergence ("+div.ResponseFile+")"
	case same:
		r.Outcome = Identical
	case errors.Is(xerr, ErrExtraBytes) && bytes.Equal(expected, an):
		r.Outcome, r.Reason = Failed, xerr.Error()
	default:
		r.Outcome, r.Reason = Failed, withErr("differs from the "+judgedBy)
	}
	return r
}

// WriteReport prints the result: failed cases with their diffs, pending and
// diverged cases with their reasons (identical ones only when verbose), then
// the summary line.
func (r *ProfileResult) WriteReport(w io.Writer, verbose bool) {
	for _, c := range r.Cases {
		id := ID(c.Profile, c.Case)
		switch c.Outcome {
		case Failed:
			fmt.Fprintf(w, "FAIL    %s: %s\n", id, c.Reason)
			if c.Diff != "" {
				fmt.Fprint(w, indent(c.Diff, "        "))
			}
		case Pending:
			fmt.Fprintf(w, "PENDING %s: %s\n", id, c.Reason)
			if verbose && c.Diff != "" {
				fmt.Fprint(w, indent(c.Diff, "        "))
			}
		case DivergedAsRegistered:
			fmt.Fprintf(w, "DIVERGE %s: %s\n", id, reasonSummary(c.Reason))
		case Identical:
			if verbose {
				fmt.Fprintf(w, "ok      %s\n", id)
			}
		}
	}
	if r.ServerLogs != "" {
		fmt.Fprintf(w, "server output (tail) for %s:\n%s", r.Profile, indent(r.ServerLogs, "        "))
	}
	fmt.Fprintf(w, "%s: %s\n", r.Profile, r.Counts())
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		b.WriteString(prefix)
		b.WriteString(l)
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}

// reasonSummary is a registered reason in one line: "quirk N: " and the
// reason's first line after its "quirk: N" line, without a heading mark.
func reasonSummary(reason string) string {
	first, rest, _ := strings.Cut(reason, "\n")
	if n, ok := strings.CutPrefix(first, "quirk: "); ok {
		for _, l := range strings.Split(rest, "\n") {
			if l = strings.TrimSpace(strings.TrimLeft(l, "# ")); l != "" {
				return "quirk " + strings.TrimSpace(n) + ": " + l
			}
		}
	}
	return first
}

// hostPort extracts "host:port" from an http:// URL.
func hostPort(u string) (string, error) {
	rest, ok := strings.CutPrefix(u, "http://")
	if !ok {
		return "", fmt.Errorf("server URL %q: only http:// is supported", u)
	}
	host, _, _ := strings.Cut(rest, "/")
	if !strings.Contains(host, ":") {
		host += ":80"
	}
	return host, nil
}
