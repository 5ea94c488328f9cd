package httpcore

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const modulePrefix = "github.com/fraiseql/fraiseql-http/"

// moduleRule is one row of DESIGN.md's module table: the product modules
// and third-party path prefixes a module may depend on (transitively; the
// standard library is always allowed).
type moduleRule struct {
	dir        string
	siblings   []string // product modules allowed besides itself
	thirdParty []string // allowed third-party path prefixes; nil means any
	forbidden  []string // packages never allowed, even transitively
}

var architecture = []moduleRule{
	{dir: "pyjson", siblings: nil, thirdParty: []string{}},
	{dir: "connlimit", siblings: nil, thirdParty: []string{}},
	{dir: "graphqlexec", siblings: []string{"pyjson"},
		thirdParty: []string{"github.com/jackc/", "golang.org/x/text", "golang.org/x/sync"},
		// The GraphQL front end is its own (internal/language, internal/rules).
		forbidden: []string{"net/http", "github.com/gorilla/websocket", "github.com/graphql-go/graphql"}},
	{dir: "auth", siblings: nil, forbidden: []string{"github.com/graphql-go/graphql", "net/http/httptest"}},
	{dir: "subscriptions", siblings: []string{"pyjson", "graphqlexec", "auth"}},
	{dir: "httpcore", siblings: []string{"pyjson", "connlimit", "graphqlexec", "auth", "subscriptions"}},
	{dir: "pybridge", siblings: []string{"httpcore", "pyjson", "connlimit", "graphqlexec", "auth", "subscriptions"}},
}

// TestArchitecture runs `go list -deps` on every product module and fails
// when an import crosses DESIGN.md's table: a module reaching a sibling
// above it, compat or perf (black boxes, never imported), a forbidden
// package, or a third-party module outside its allow-list.
func TestArchitecture(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("go command not found: %v", err)
	}
	for _, rule := range architecture {
		t.Run(rule.dir, func(t *testing.T) {
			cmd := exec.Command("go", "list", "-deps", "./...")
			cmd.Dir = filepath.Join("..", rule.dir)
			out, err := cmd.Output()
			if err != nil {
				msg := err.Error()
				if ee, ok := err.(*exec.ExitError); ok {
					msg = string(ee.Stderr)
				}
				t.Fatalf("go list -deps in %s: %s", rule.dir, msg)
			}
			for _, pkg := range strings.Fields(string(out)) {
				if why := rule.violation(pkg); why != "" {
					t.Errorf("%s depends on %s: %s", rule.dir, pkg, why)
				}
			}
		})
	}
}

func (r moduleRule) violation(pkg string) string {
	for _, f := range r.forbidden {
		if pkg == f || strings.HasPrefix(pkg, f+"/") {
			return "forbidden for this module"
		}
	}
	if rest, ok := strings.CutPrefix(pkg, modulePrefix); ok {
		mod, _, _ := strings.Cut(rest, "/")
		switch {
		case mod == r.dir:
			return ""
		case mod == "compat" || mod == "perf" || mod == "docs":
			return "compat, perf and docs are never imported by product modules"
		}
		for _, s := range r.siblings {
			if s == mod {
				return ""
			}
		}
		return "sibling module not allowed by DESIGN.md"
	}
	first, _, _ := strings.Cut(pkg, "/")
	if !strings.Contains(first, ".") {
		return "" // standard library
	}
	if r.thirdParty == nil {
		return ""
	}
	for _, p := range r.thirdParty {
		if strings.HasPrefix(pkg, p) {
			return ""
		}
	}
	return "third-party package outside the module's allow-list"
}

// TestArchitectureRuleCatchesViolations keeps the rule honest: each listed
// dependency must be reported.
func TestArchitectureRuleCatchesViolations(t *testing.T) {
	t.Parallel()
	rules := map[string]moduleRule{}
	for _, r := range architecture {
		rules[r.dir] = r
	}
	for _, tt := range []struct{ dir, pkg string }{
		{"graphqlexec", "net/http"},
		{"graphqlexec", "github.com/gorilla/websocket"},
		{"graphqlexec", "github.com/graphql-go/graphql/language/parser"},
		{"graphqlexec", modulePrefix + "httpcore"},
		{"connlimit", "github.com/go-chi/chi/v5"},
		{"connlimit", modulePrefix + "pyjson"},
		{"pyjson", modulePrefix + "connlimit"},
		{"pyjson", "github.com/jackc/pgx/v5"},
		{"httpcore", modulePrefix + "compat"},
		{"httpcore", modulePrefix + "pybridge"},
		{"subscriptions", modulePrefix + "httpcore"},
		{"auth", "github.com/graphql-go/graphql/language/ast"},
	} {
		if rules[tt.dir].violation(tt.pkg) == "" {
			t.Errorf("%s importing %s was not reported", tt.dir, tt.pkg)
		}
	}
	if v := rules["httpcore"].violation(modulePrefix + "graphqlexec/schema"); v != "" {
		t.Errorf("httpcore importing graphqlexec/schema reported: %s", v)
	}
}

// layerRule is one layer of httpcore itself (docs/architecture.md, layer 5,
// bottom-up): the packages of this repository it may depend on, besides
// the standard library. Nothing above a layer is in its list, so no import
// goes up.
type layerRule struct {
	pkg       string   // relative to httpcore
	allowed   []string // product packages (module path prefixes) allowed
	forbidden []string // third-party packages never allowed
}

var httpcoreLayers = []layerRule{
	// The connection loop: no GraphQL, no FastAPI, no router.
	{pkg: "./internal/h1", allowed: []string{"connlimit"}, forbidden: []string{"github.com/go-chi/", "github.com/gorilla/websocket"}},
	// FastAPI/Starlette behaviour: never the application (routes, config).
	{pkg: "./internal/fastapi", allowed: []string{"connlimit", "pyjson", "graphqlexec", "auth", "httpcore/internal/h1"}, forbidden: []string{"github.com/go-chi/"}},
	// The embedded GraphiQL page: a plain http.Handler over embedded files,
	// no product package and no third-party Go code.
	{pkg: "./internal/graphiql", allowed: nil, forbidden: []string{"github.com/", "golang.org/x/"}},
	// Transport steps beside fastapi: they see responses and connections,
	// never GraphQL, FastAPI's behaviour or the application.
	{pkg: "./internal/compress", allowed: []string{"connlimit", "httpcore/internal/h1"}, forbidden: []string{"github.com/go-chi/", "golang.org/x/net/"}},
	{pkg: "./internal/h2", allowed: []string{"connlimit", "httpcore/internal/h1"}, forbidden: []string{"github.com/go-chi/", "github.com/klauspost/"}},
	// What the operator is told (request ids, access log, logger): it sees
	// requests and responses, never GraphQL, FastAPI's behaviour or the
	// application.
	{pkg: "./internal/obs", allowed: []string{"connlimit", "httpcore/internal/h1"}, forbidden: []string{"github.com/go-chi/"}},
	// Prometheus metrics: counters and the exposition, never a request's
	// content, GraphQL or the application.
	{pkg: "./internal/metrics", allowed: nil, forbidden: []string{"github.com/go-chi/", "github.com/graphql-go/"}},
	// OpenTelemetry traces: the request span and the pgx tracer; it reads
	// the request's record, never GraphQL or the application.
	// GraphQL over HTTP: the media type and status of a response; standard
	// library only.
	{pkg: "./internal/gqlhttp", allowed: nil, forbidden: []string{"github.com/", "golang.org/x/"}},
	{pkg: "./internal/tracing", allowed: []string{"connlimit", "httpcore/internal/h1", "httpcore/internal/obs"}, forbidden: []string{"github.com/go-chi/", "github.com/graphql-go/"}},
}

func (r layerRule) violation(pkg string) string {
	for _, f := range r.forbidden {
		if strings.HasPrefix(pkg, f) {
			return "forbidden in this layer"
		}
	}
	rest, ok := strings.CutPrefix(pkg, modulePrefix)
	if !ok {
		return ""
	}
	for _, a := range r.allowed {
		if rest == a || strings.HasPrefix(rest, a+"/") {
			return ""
		}
	}
	return "a package this layer may not use (no import goes up)"
}

// TestHTTPCoreLayers runs `go list -deps` on each layer of httpcore.
func TestHTTPCoreLayers(t *testing.T) {
	t.Parallel()
	for _, rule := range httpcoreLayers {
		t.Run(rule.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", rule.pkg).Output()
			if err != nil {
				msg := err.Error()
				if ee, ok := err.(*exec.ExitError); ok {
					msg = string(ee.Stderr)
				}
				t.Fatalf("go list -deps %s: %s", rule.pkg, msg)
			}
			for _, pkg := range strings.Fields(string(out)) {
				if pkg == modulePrefix+"httpcore/"+strings.TrimPrefix(rule.pkg, "./") {
					continue
				}
				if why := rule.violation(pkg); why != "" {
					t.Errorf("%s depends on %s: %s", rule.pkg, pkg, why)
				}
			}
		})
	}
}

func TestHTTPCoreLayerRuleCatchesViolations(t *testing.T) {
	t.Parallel()
	h1, fastapi := httpcoreLayers[0], httpcoreLayers[1]
	for _, tt := range []struct {
		rule layerRule
		pkg  string
	}{
		{h1, modulePrefix + "graphqlexec"},
		{h1, modulePrefix + "httpcore/internal/fastapi"},
		{h1, modulePrefix + "httpcore"},
		{h1, "github.com/go-chi/chi/v5"},
		{fastapi, modulePrefix + "httpcore"},
		{fastapi, "github.com/go-chi/chi/v5"},
	} {
		if tt.rule.violation(tt.pkg) == "" {
			t.Errorf("%s importing %s was not reported", tt.rule.pkg, tt.pkg)
		}
	}
	if v := fastapi.violation(modulePrefix + "httpcore/internal/h1"); v != "" {
		t.Errorf("fastapi importing h1 reported: %s", v)
	}
}
