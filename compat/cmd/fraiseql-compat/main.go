// Command fraiseql-compat replays recorded HTTP exchanges against
// fraiseql-http and judges the responses byte for byte, and records such
// exchanges from a running server (for example an existing FraiseQL FastAPI
// app). See compat/README.md.
//
//	fraiseql-compat replay --goldens DIR [--profile P] [--server-bin PATH | --url http://host:port]
//	                       [--database-url URL] [--schema FILE] [--sql FILE]
//	                       [--pending FILE] [--divergences DIR] [--quirks none,v1.9.7]
//	                       [--record-divergences] [-v]
//	fraiseql-compat record --target http://host:port --requests DIR --out DIR [--environment E]
//
// Exit status: 0 when no case failed, 1 when a case failed, 2 on a usage or
// setup error.
//
// What it must never do: write to a database other than the scratch one it
// creates for each profile (the --database-url is only where CREATE
// DATABASE is issued from), or judge a case it could not replay as passed.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/fraiseql/fraiseql-http/compat"
)

const usage = `usage:
  fraiseql-compat replay --goldens DIR [flags]   replay recorded exchanges and judge the answers
  fraiseql-compat record --target URL --requests DIR --out DIR
                                                 record a running server's answers as goldens
run "fraiseql-compat replay -h" or "fraiseql-compat record -h" for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "replay":
		return replay(ctx, args[1:], stdout, stderr)
	case "record":
		return record(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "fraiseql-compat: unknown command %q\n%s", args[0], usage)
	return 2
}

type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

func replay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var profiles stringList
	goldens := fs.String("goldens", "", "goldens folder: a profile folder, or a folder with profile folders below it (required)")
	fs.Var(&profiles, "profile", "replay only these profiles (repeatable, or comma-separated)")
	serverBin := fs.String("server-bin", "", "fraiseql-http binary to start per profile (default: fraiseql-http from PATH)")
	url := fs.String("url", "", "replay against this already running server (http://host:port) instead of starting one")
	dbURL := fs.String("database-url", os.Getenv("FRAISEQL_DATABASE_URL"), "postgres:// URL of the server where per-profile databases are created (its database is only used to connect; default $FRAISEQL_DATABASE_URL)")
	schema := fs.String("schema", "", "app declaration passed to the server as --schema (required when starting a server)")
	sqlFile := fs.String("sql", "", "SQL that creates and seeds the app database (default: demo-app/schema.sql in or next to the goldens folder)")
	pendingFile := fs.String("pending", "", "pending list: cases known not to be implemented yet")
	divDir := fs.String("divergences", "", "divergence registry folder")
	var quirks stringList
	fs.Var(&quirks, "quirks", "the server's --quirks modes to replay in, each in turn (repeatable or comma-separated: none, v1.9.7; default none). In none, registered divergences are judged by their registered bytes; in v1.9.7 every case must equal its golden")
	recordDiv := fs.Bool("record-divergences", false, "write the bytes the server sends (in mode none) into every registered divergence's .response, including entries that have only a .reason.md so far")
	verbose := fs.Bool("v", false, "also list identical cases and show diffs of pending ones")
	serverLog := fs.Bool("server-log", false, "copy the server's output to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "fraiseql-compat replay: %v\n", err)
		return 2
	}
	if *goldens == "" {
		return fail(errors.New("--goldens is required"))
	}
	all, err := compat.LoadGoldens(*goldens)
	if err != nil {
		return fail(err)
	}
	loadReg := compat.LoadRegistry
	if *recordDiv {
		loadReg = compat.LoadRegistryForRecording
	}
	reg, err := loadReg(*divDir)
	if err != nil {
		return fail(err)
	}
	if err := reg.Validate(all); err != nil {
		return fail(err)
	}
	pend, err := compat.LoadPending(*pendingFile)
	if err != nil {
		return fail(err)
	}
	if err := pend.Validate(all, reg); err != nil {
		return fail(err)
	}
	selected, err := selectProfiles(all, profiles)
	if err != nil {
		return fail(err)
	}
	opts := compat.Options{URL: *url, Registry: reg, Pending: pend, Schema: *schema, AdminDatabaseURL: *dbURL}
	if *serverLog {
		opts.ServerOutput = stderr
	}
	if *url != "" {
		fmt.Fprintln(stderr, "fraiseql-compat: warning: replaying against a running server: the database is not reset and the server is not restarted, so state-dependent cases (mutations, metrics counters, APQ registrations) may differ from the goldens")
	} else {
		if opts.ServerBin, err = findServer(*serverBin); err != nil {
			return fail(err)
		}
		if *schema == "" {
			return fail(errors.New("--schema is required when starting a server"))
		}
		if *dbURL == "" {
			return fail(errors.New("--database-url (or FRAISEQL_DATABASE_URL) is required when starting a server"))
		}
		sqlPath := *sqlFile
		if sqlPath == "" {
			if sqlPath, err = findAppSQL(*goldens); err != nil {
				return fail(err)
			}
		}
		b, err := os.ReadFile(sqlPath)
		if err != nil {
			return fail(err)
		}
		opts.AppSQL = string(b)
	}
	if len(quirks) == 0 {
		quirks = stringList{compat.QuirksNone}
	}
	for _, q := range quirks {
		if q != compat.QuirksNone && q != compat.QuirksV197 {
			return fail(fmt.Errorf("--quirks: %q is not none or v1.9.7", q))
		}
	}
	var recordErrs []string
	if *recordDiv {
		opts.Record = func(d *compat.Divergence, c *compat.Case, golden, actual []byte) {
			if bytes.Equal(compat.Normalize(golden, c.Parts), compat.Normalize(actual, c.Parts)) {
				recordErrs = append(recordErrs, d.ResponseFile+": the server's answer equals the golden: nothing to register")
				return
			}
			if err := os.WriteFile(d.ResponseFile, actual, 0o644); err != nil {
				recordErrs = append(recordErrs, err.Error())
				return
			}
			d.Response = actual
			fmt.Fprintf(stdout, "RECORD  %s/%s -> %s\n", d.Profile, d.Case, d.ResponseFile)
		}
	}
	failed := false
	totals := make([]compat.Counts, len(quirks))
	for i, q := range quirks {
		fmt.Fprintf(stdout, "== --quirks %s\n", q)
		opts.Quirks = q
		for _, p := range selected {
			res, err := compat.ReplayProfile(ctx, p, opts)
			if err != nil {
				return fail(err)
			}
			res.WriteReport(stdout, *verbose)
			totals[i] = totals[i].Add(res.Counts())
		}
		failed = failed || totals[i].Failed > 0
	}
	for i, q := range quirks {
		fmt.Fprintf(stdout, "total (--quirks %s): %s\n", q, totals[i])
	}
	for _, e := range recordErrs {
		fmt.Fprintf(stderr, "fraiseql-compat replay: record: %s\n", e)
	}
	if failed || len(recordErrs) > 0 {
		return 1
	}
	return 0
}

func selectProfiles(all []*compat.Profile, names []string) ([]*compat.Profile, error) {
	if len(names) == 0 {
		return all, nil
	}
	var out []*compat.Profile
	for _, n := range names {
		found := false
		for _, p := range all {
			if p.Name == n {
				out = append(out, p)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no profile %q in the goldens", n)
		}
	}
	return out, nil
}

func findServer(bin string) (string, error) {
	if bin != "" {
		return bin, nil
	}
	p, err := exec.LookPath("fraiseql-http")
	if err != nil {
		return "", errors.New("no --server-bin given and no fraiseql-http on PATH (or use --url)")
	}
	return p, nil
}

func findAppSQL(goldens string) (string, error) {
	for _, c := range []string{
		filepath.Join(goldens, "demo-app", "schema.sql"),
		filepath.Join(goldens, "..", "demo-app", "schema.sql"),
		filepath.Join(goldens, "..", "..", "demo-app", "schema.sql"),
	} {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	return "", errors.New("no --sql given and no demo-app/schema.sql next to the goldens")
}

func record(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o compat.RecordOptions
	fs.StringVar(&o.Target, "target", "", "running server to record from, http://host:port (required)")
	fs.StringVar(&o.RequestsDir, "requests", "", "folder of NAME.request files, optionally with cases.json and profile.json (required)")
	fs.StringVar(&o.OutDir, "out", "", "folder to write the profile to (required)")
	fs.StringVar(&o.Environment, "environment", "development", "environment written to a generated profile.json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.Target == "" || o.RequestsDir == "" || o.OutDir == "" {
		fmt.Fprintln(stderr, "fraiseql-compat record: --target, --requests and --out are required")
		return 2
	}
	o.Log = stdout
	if err := compat.Record(ctx, o); err != nil {
		fmt.Fprintf(stderr, "fraiseql-compat record: %v\n", err)
		return 2
	}
	return 0
}
