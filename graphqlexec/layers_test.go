package graphqlexec

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers keeps docs/architecture.md's rooms honest: no package of this
// module imports the root package (imports only go down), and graphql-go is
// imported only by the declaration loader (schema) and internal/literal,
// which prints the loader's default values and hands the loader's scalar
// checks a literal in graphql-go's form; the request path (parse,
// validate, plan, execute, introspection) reads internal/language's tree.
func TestLayers(t *testing.T) {
	const root = "github.com/fraiseql/fraiseql-http/graphqlexec"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	loader := map[string]bool{root + "/schema": true, root + "/internal/literal": true}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		seen++
		for _, imp := range imports {
			if imp == root && pkg != root {
				t.Errorf("%s imports the root package", pkg)
			}
			if graphqlGo(imp) && !loader[pkg] {
				t.Errorf("%s imports %s (only schema and internal/literal may)", pkg, imp)
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
