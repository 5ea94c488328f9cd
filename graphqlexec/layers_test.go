package graphqlexec

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestLayers keeps docs/architecture.md's rooms honest: the packages of
// this module are the ones its list names, in its order, and each imports
// only packages before it (never the root package), and none imports
// graphql-go: the declaration loader and the request path (parse,
// validate, plan, execute, introspection) read internal/language's tree.
func TestLayers(t *testing.T) {
	t.Parallel()
	const root = "github.com/fraiseql/fraiseql-http/graphqlexec"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	rank := map[string]int{}
	for i, p := range bottomUp {
		rank[root+"/"+p] = i + 1
	}
	rank[root] = len(bottomUp) + 1
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		seen++
		if rank[pkg] == 0 {
			t.Errorf("%s is not in bottomUp (and docs/architecture.md's list of graphqlexec's packages)", pkg)
		}
		for _, imp := range imports {
			if imp == root && pkg != root {
				t.Errorf("%s imports the root package", pkg)
			}
			if r := rank[imp]; r != 0 && rank[pkg] != 0 && r >= rank[pkg] {
				t.Errorf("%s imports %s, which comes after it in bottomUp: imports only go down", pkg, imp)
			}
			if graphqlGo(imp) {
				t.Errorf("%s imports %s (the front end is internal/language and internal/rules)", pkg, imp)
			}
		}
	}
	if seen != len(rank) {
		t.Errorf("go list saw %d packages, bottomUp names %d", seen, len(rank))
	}
	doc, err := os.ReadFile("../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	// The architecture page lists the packages in the same order.
	at := 0
	for _, p := range bottomUp {
		i := strings.Index(string(doc[at:]), "\n- `"+p+"`")
		if i < 0 {
			t.Errorf("docs/architecture.md does not list `%s` after the packages before it in bottomUp", p)
			continue
		}
		at += i + 1
	}
	for _, imp := range []string{"github.com/graphql-go/graphql", "github.com/graphql-go/graphql/language/parser", "github.com/graphql-go/graphql/language/ast"} {
		if !graphqlGo(imp) {
			t.Errorf("%s not recognised as graphql-go", imp)
		}
	}
}

// bottomUp is graphqlexec's packages in docs/architecture.md's order:
// each may import only the ones before it; the root package comes last.
var bottomUp = []string{
	"internal/language",
	"internal/gqlerr",
	"schema",
	"check",
	"internal/document",
	"internal/rules",
	"internal/coerce",
	"internal/introspect",
	"internal/plan",
	"internal/rowjson",
	"internal/mutation",
	"internal/execute",
	"internal/subscribe",
}

func graphqlGo(imp string) bool {
	return imp == "github.com/graphql-go/graphql" || strings.HasPrefix(imp, "github.com/graphql-go/graphql/")
}
