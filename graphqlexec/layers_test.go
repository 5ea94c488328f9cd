package graphqlexec

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers keeps docs/architecture.md's rooms honest: no package of this
// module imports the root package (imports only go down), and none imports
// graphql-go: the declaration loader and the request path (parse,
// validate, plan, execute, introspection) read internal/language's tree.
func TestLayers(t *testing.T) {
	t.Parallel()
	const root = "github.com/fraiseql/fraiseql-http/graphqlexec"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		seen++
		for _, imp := range imports {
			if imp == root && pkg != root {
				t.Errorf("%s imports the root package", pkg)
			}
			if graphqlGo(imp) {
				t.Errorf("%s imports %s (the front end is internal/language and internal/rules)", pkg, imp)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list saw %d packages", seen)
	}
	for _, imp := range []string{"github.com/graphql-go/graphql", "github.com/graphql-go/graphql/language/parser", "github.com/graphql-go/graphql/language/ast"} {
		if !graphqlGo(imp) {
			t.Errorf("%s not recognised as graphql-go", imp)
		}
	}
}

func graphqlGo(imp string) bool {
	return imp == "github.com/graphql-go/graphql" || strings.HasPrefix(imp, "github.com/graphql-go/graphql/")
}
