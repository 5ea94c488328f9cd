package compat

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/testdb"
)

func TestServerArgs(t *testing.T) {
	t.Parallel()
	all := map[string]bool{}
	for _, f := range []string{"environment", "introspection", "playground", "cors-origins", "apq-mode",
		"auth-jwt-algorithm", "auth-jwt-secret", "auth-audience", "auth-issuer", "auth-required-claims"} {
		all[f] = true
	}
	basic := map[string]bool{"environment": true, "schema": true}
	// A server with --graphiql serves its embedded page by default; the
	// goldens record v1's page, so the playground profiles ask for it.
	withGraphiQL := map[string]bool{"environment": true, "graphiql": true}
	tests := []struct {
		profile   string
		supported map[string]bool
		args      string
		missing   string
	}{
		{profile: "development", supported: basic, args: "--environment=development"},
		{profile: "production", supported: basic, args: "--environment=production"},
		{profile: "development", supported: withGraphiQL, args: "--environment=development --graphiql=v1"},
		{profile: "production", supported: withGraphiQL, args: "--environment=production"},
		{profile: "cors", supported: basic, missing: "server has no --cors-origins flag"},
		{profile: "cors", supported: all, args: "--environment=development --cors-origins=https://app.example.com"},
		{profile: "apq-required", supported: basic, missing: "server has no --apq-mode flag"},
		{profile: "apq-required", supported: all, args: "--environment=development --apq-mode=required"},
		{profile: "auth", supported: basic, missing: "server has no --auth-jwt-algorithm flag"},
		{profile: "auth", supported: all, args: "--environment=development --auth-jwt-algorithm=HS256 --auth-jwt-secret=fraiseql-demo-secret-0123456789abcdef --auth-audience=fraiseql-demo --auth-issuer=https://auth.example.com/ --auth-required-claims=exp,sub"},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			p := loadTestProfile(t, tt.profile)
			args, missing := ServerArgs(p.Config, tt.supported)
			if tt.missing != "" {
				if !strings.Contains(strings.Join(missing, "; "), tt.missing) {
					t.Fatalf("missing %q, want %q", missing, tt.missing)
				}
				return
			}
			if len(missing) > 0 || strings.Join(args, " ") != tt.args {
				t.Fatalf("args %q missing %q", args, missing)
			}
		})
	}
	// A setting no flag expresses makes the profile unreplayable.
	odd := ProfileConfig{EffectiveConfig: map[string]any{"environment": "development", "auto_camel_case": false, "brand_new": 1.0}}
	_, missing := ServerArgs(odd, all)
	if got := strings.Join(missing, "; "); !strings.Contains(got, "auto_camel_case=false") || !strings.Contains(got, "brand_new=1") {
		t.Fatalf("missing %q", got)
	}
	// Production with the playground forced on needs the flag.
	prodPlay := ProfileConfig{EffectiveConfig: map[string]any{"environment": "production", "enable_playground": true}}
	if args, missing := ServerArgs(prodPlay, all); len(missing) > 0 || strings.Join(args, " ") != "--environment=production --playground=true" {
		t.Fatalf("args %q missing %q", args, missing)
	}
}

// fakeServerBin is a script that runs this test binary as the fake
// server: the variable is set for the child alone (no t.Setenv, so the
// tests using it can run in parallel).
func fakeServerBin(t *testing.T) string {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(t.TempDir(), "fake-fraiseql-http")
	quoted := "'" + strings.ReplaceAll(bin, "'", `'\''`) + "'"
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"+fakeServerEnv+"=1 exec "+quoted+` "$@"`+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return script
}

func TestStartServerLifecycle(t *testing.T) {
	t.Parallel()
	bin := fakeServerBin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	flags, err := SupportedFlags(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"environment", "port", "database-url"} {
		if !flags[f] {
			t.Fatalf("flag %s not found in %v", f, flags)
		}
	}
	srv, err := StartServer(ctx, bin, []string{"--port", "0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.Addr, "127.0.0.1:") {
		t.Fatalf("addr %q", srv.Addr)
	}
	if err := WaitReady(ctx, srv.Addr); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if done, _ := srv.Exited(); !done {
		t.Fatal("server still running after Stop")
	}
	if err := srv.Stop(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	if !strings.Contains(srv.Logs(), "listening on http://") {
		t.Fatalf("logs %q", srv.Logs())
	}
}

func TestStartServerReportsEarlyExit(t *testing.T) {
	t.Parallel()
	bin := fakeServerBin(t)
	_, err := StartServer(context.Background(), bin, []string{"--fail"}, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot load schema") {
		t.Fatalf("err = %v", err)
	}
}

func TestProfileDatabaseName(t *testing.T) {
	t.Parallel()
	if got := ProfileDatabaseName("apq-required", 42); got != "fraiseql_compat_apq_required_42" {
		t.Fatal(got)
	}
	if got := ProfileDatabaseName(strings.Repeat("x", 80), 1); len(got) != 63 {
		t.Fatal(len(got))
	}
	u, err := WithDatabase("postgres:///fraiseql_demo?host=/var/run/postgresql", "other")
	if err != nil || u != "postgres:///other?host=%2Fvar%2Frun%2Fpostgresql" && u != "postgres:///other?host=/var/run/postgresql" {
		t.Fatalf("%q %v", u, err)
	}
	if _, err := WithDatabase("host=localhost dbname=x", "y"); err == nil {
		t.Fatal("key=value string accepted")
	}
}

// The replayer's own plumbing against a real PostgreSQL: a fresh database per
// profile with the app SQL loaded, the server started on it, then dropped.
func TestReplayCreatesAndDropsProfileDatabase(t *testing.T) {
	t.Parallel()
	adminURL := testdb.URL(t)
	bin := fakeServerBin(t)
	want := "HTTP/1.1 200 OK\r\ncontent-length: 22\r\n\r\n{\"marker\":\"loaded é\"}"
	dir := writeFiles(t, map[string]string{
		"cases.json":      `[{"name":"health","request":"health.request","response":"health.response","status":"HTTP/1.1 200 OK","volatile":[]}]`,
		"health.request":  readinessRequest,
		"health.response": want,
	})
	p, err := LoadProfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := ReplayProfile(ctx, p, Options{
		ServerBin:        bin,
		Schema:           "unused.graphql",
		AdminDatabaseURL: adminURL,
		AppSQL:           "CREATE TABLE marker (v text); INSERT INTO marker VALUES ('loaded é');",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c.Identical != 1 {
		t.Fatalf("counts %v: %+v", c, res.Cases)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	name := ProfileDatabaseName(p.Name, os.Getpid())
	if err := conn.QueryRow(ctx, "select count(*) from pg_database where datname = $1", name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("database %s left behind (%d, %v)", name, n, err)
	}
}
