package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Exit codes of `fraiseql-http check` (docs/schema.md, "Checking the
// declaration against the database").
const (
	checkOK         = 0 // the declaration matches the database
	checkMismatch   = 1 // mismatches were found (listed on stdout)
	checkUsage      = 2 // bad flags, or a declaration that does not load
	checkConnection = 3 // the database could not be reached or its catalog read
)

// checkEnvVars is the environment variable of each `check` flag
// (docs/configuration.md's check table; TestCheckFlagsEnvDocs).
var checkEnvVars = map[string]string{
	"schema":       "FRAISEQL_SCHEMA",
	"database-url": "FRAISEQL_DATABASE_URL",
	"timeout":      "FRAISEQL_CHECK_TIMEOUT",
	"sample":       "FRAISEQL_CHECK_SAMPLE",
}

// checkCommand compares the declaration with the database's catalog and
// prints each mismatch as "file:line:column: problem" on stdout.
func checkCommand(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schemaPath := fs.String("schema", "", "declaration file, or files separated by commas (env FRAISEQL_SCHEMA)")
	databaseURL := fs.String("database-url", "", "PostgreSQL URL, connecting as the server's role (env FRAISEQL_DATABASE_URL)")
	timeout := fs.Duration("timeout", 30*time.Second, "bound on connecting and reading the catalog (env FRAISEQL_CHECK_TIMEOUT)")
	sample := fs.Int("sample", 20, "documents read from each @view to compare their keys and value types with the declared fields, 0: catalog only (env FRAISEQL_CHECK_SAMPLE)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: fraiseql-http check --schema app.graphql --database-url postgres://…

Looks up every view, data column, @column, @read scope column, @function (its
arguments and return type) and @context type of the declaration in the
database's catalog, as the server's role would see them, then reads a few
documents of each view (--sample) to compare their keys and value types with
the declared fields, and prints each mismatch as file:line:column: problem.

Exit status: 0 the declaration matches, 1 mismatches found, 2 usage error or a
declaration that does not load, 3 the database cannot be reached.

Flags:
`)
		fs.PrintDefaults()
	}
	// The environment first, through the flags' setters (as serve does),
	// so that a bad value fails the way the flag would, naming the variable.
	var envErr []error
	fs.VisitAll(func(f *flag.Flag) {
		name := checkEnvVars[f.Name]
		if v := getenv(name); name != "" && v != "" {
			if err := f.Value.Set(v); err != nil {
				envErr = append(envErr, fmt.Errorf("%s=%q: %v", name, v, err))
			}
		}
	})
	if err := errors.Join(envErr...); err != nil {
		fmt.Fprintf(stderr, "fraiseql-http check: %v\n", err)
		return checkUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return checkOK
		}
		return checkUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fraiseql-http check: unexpected arguments: %v\n", fs.Args())
		return checkUsage
	}
	if *timeout <= 0 || *sample < 0 {
		fmt.Fprintln(stderr, "fraiseql-http check: --timeout must be positive and --sample at least 0")
		return checkUsage
	}
	if *schemaPath == "" || *databaseURL == "" {
		fmt.Fprintln(stderr, "fraiseql-http check: --schema and --database-url are required (or FRAISEQL_SCHEMA and FRAISEQL_DATABASE_URL)")
		return checkUsage
	}
	s, err := schema.LoadFiles(strings.Split(*schemaPath, ",")...)
	if err != nil {
		fmt.Fprintf(stderr, "%v\nfraiseql-http check: the declaration does not load\n", err)
		return checkUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	cfg, err := pgx.ParseConfig(*databaseURL)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http check: invalid database url: %v\n", err)
		return checkUsage
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http check: cannot connect: %v\n", err)
		return checkConnection
	}
	defer conn.Close(context.Background())
	findings, err := check.Run(ctx, s, conn)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http check: %v\n", err)
		return checkConnection
	}
	documents, skipped, err := check.Sample(ctx, s, conn, *sample)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http check: %v\n", err)
		return checkConnection
	}
	for _, why := range skipped {
		fmt.Fprintf(stderr, "fraiseql-http check: not sampled: %s\n", why)
	}
	findings = append(findings, documents...)
	check.SortFindings(findings)
	for _, f := range findings {
		fmt.Fprintln(stdout, f.String())
	}
	if len(findings) > 0 {
		fmt.Fprintf(stderr, "fraiseql-http check: %d mismatches between %s and the database\n", len(findings), *schemaPath)
		return checkMismatch
	}
	fmt.Fprintf(stderr, "fraiseql-http check: %s matches the database\n", *schemaPath)
	return checkOK
}
