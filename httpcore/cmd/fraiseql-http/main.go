// Command fraiseql-http serves a FraiseQL v1 application natively: the
// same HTTP answers, byte for byte, as FraiseQL v1.9.7's FastAPI server.
//
//	fraiseql-http serve --schema app.graphql --database-url postgres://…
//	fraiseql-http check --schema app.graphql --database-url postgres://…
//	fraiseql-http version
//	fraiseql-http help
//
// Every serve flag also reads a FRAISEQL_* environment variable (flags win);
// `fraiseql-http serve -h` lists them.
//
// It owns only the command line: flags and exit codes, signals (SIGTERM and
// SIGINT drain, SIGHUP reloads TLS), the process logger, and the check and
// version commands. What it must never do: serve anything httpcore does not
// (the server is httpcore.App) or decide a setting's default (Config's).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/fraiseql/fraiseql-http/httpcore"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `fraiseql-http: a native HTTP server for FraiseQL v1 applications

Usage:
  fraiseql-http serve [flags]   serve the declared app (see: fraiseql-http serve -h)
  fraiseql-http check [flags]   compare the declaration with the database's catalog
                                (exit 0 matches, 1 mismatches, 2 usage or declaration error,
                                3 cannot connect; see: fraiseql-http check -h)
  fraiseql-http health [URL]    exit 0 when GET URL answers 200 within 3 s (default
                                http://127.0.0.1:$FRAISEQL_PORT/health): a container
                                HEALTHCHECK for images without curl
  fraiseql-http version         print the version
  fraiseql-http help            print this help
`

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], getenv, stderr)
	case "check":
		return checkCommand(args[1:], getenv, stdout, stderr)
	case "health":
		return health(args[1:], getenv, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "fraiseql-http", version())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "fraiseql-http: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// vcsRevision is the commit the binary was built from, set by the
// Makefile (-ldflags "-X main.vcsRevision=…"); empty falls back to what
// the go command stamped (vcs.revision, when built with -buildvcs).
var vcsRevision string

// version is "<module version> (revision <commit>[, modified]; <go version>)".
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev, modified := vcsRevision, false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if rev == "" {
				rev = s.Value
			}
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		rev = "unknown (built without VCS information: use make build)"
	} else if modified && !strings.HasSuffix(rev, "-modified") {
		rev += ", modified"
	}
	return v + " (revision " + rev + "; " + bi.GoVersion + ")"
}

func serve(args []string, getenv func(string) string, stderr io.Writer) int {
	cfg := httpcore.DefaultConfig()
	if err := httpcore.ParseFlags(&cfg, args, getenv, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printEnvHelp(stderr)
			return 0
		}
		fmt.Fprintf(stderr, "fraiseql-http: %v\n", err)
		return 2
	}
	logger, err := httpcore.NewLogger(cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	app, err := httpcore.Open(ctx, cfg, logger)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http: cannot start: %v\n", err)
		return 1
	}
	addr, err := app.Listen()
	if err != nil {
		app.Shutdown(context.Background())
		fmt.Fprintf(stderr, "fraiseql-http: cannot start: %v\n", err)
		return 1
	}
	if cfg.TLSCert != "" {
		// SIGHUP reads the certificate and key again (after a renewal);
		// a pair that fails to load leaves the current one in use. It is
		// caught before the listening line is printed, so a supervisor
		// that waits for that line may signal at once.
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		stopHup := make(chan struct{})
		defer func() { signal.Stop(hup); close(stopHup) }()
		go func() {
			for {
				select {
				case <-stopHup:
					return
				case <-hup:
				}
				if err := app.ReloadTLS(); err != nil {
					logger.Error("tls: certificate not reloaded; the current one stays in use", "err", err)
				} else {
					logger.Info("tls: certificate reloaded", "cert", cfg.TLSCert)
				}
			}
		}()
	}

	// The compat replayer and scripts parse this exact phrase.
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stderr, "fraiseql-http: listening on %s://%s (environment %s)\n", scheme, addr, cfg.Environment)
	if cfg.EffectivePlayground() {
		fmt.Fprintf(stderr, "fraiseql-http: GraphiQL at %s://%s/graphql\n", scheme, addr)
	}
	switch {
	case !cfg.Metrics:
	case app.MetricsAddr() != nil:
		fmt.Fprintf(stderr, "fraiseql-http: metrics at http://%s%s\n", app.MetricsAddr(), cfg.MetricsPath)
	default:
		fmt.Fprintf(stderr, "fraiseql-http: metrics at %s://%s%s\n", scheme, addr, cfg.MetricsPath)
	}
	if cfg.OTelEndpoint != "" {
		fmt.Fprintf(stderr, "fraiseql-http: traces to %s\n", cfg.OTelEndpoint)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve() }()

	select {
	case err := <-served:
		app.Shutdown(context.Background())
		if err != nil {
			fmt.Fprintf(stderr, "fraiseql-http: serve: %v\n", err)
			return 1
		}
		return 0
	case <-ctx.Done():
	}
	stop() // a second signal now kills the process the default way
	fmt.Fprintf(stderr, "fraiseql-http: shutting down (draining up to %s)\n", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	code := 0
	if err := app.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "fraiseql-http: shutdown: %v (connections closed forcibly)\n", err)
		code = 1
	}
	if err := <-served; err != nil {
		fmt.Fprintf(stderr, "fraiseql-http: serve: %v\n", err)
		code = 1
	}
	fmt.Fprintln(stderr, "fraiseql-http: stopped")
	return code
}

func printEnvHelp(w io.Writer) {
	fmt.Fprint(w, "\nEnvironment variables (flags override them; docs/configuration.md explains each):\n")
	line := " "
	for _, name := range httpcore.EnvVars() {
		if len(line)+len(name)+2 > 80 {
			fmt.Fprintln(w, line)
			line = " "
		}
		line += " " + name
	}
	fmt.Fprintln(w, line)
}

// health is the container health check: GET the URL (default /health on
// 127.0.0.1 and FRAISEQL_PORT, else 8000), exit 0 on 200, 1 otherwise.
func health(args []string, getenv func(string) string, stderr io.Writer) int {
	url := ""
	switch len(args) {
	case 0:
		port := getenv("FRAISEQL_PORT")
		if port == "" {
			port = "8000"
		}
		url = "http://127.0.0.1:" + port + "/health"
	case 1:
		url = args[0]
	default:
		fmt.Fprintf(stderr, "fraiseql-http health: one URL at most\n")
		return 2
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "fraiseql-http health: %v\n", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "fraiseql-http health: %s answered %s\n", url, resp.Status)
		return 1
	}
	return 0
}
