package graphqlexec

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers keeps docs/architecture.md's rooms honest: no package of this
// module imports the root package (imports only go down), and graphql-go's
// parser, lexer, validator and printer are imported only by the front end
// (internal/validate) and the declaration loader (schema); every other
// package reads the parsed tree and nothing more.
func TestLayers(t *testing.T) {
	const root = "github.com/fraiseql/fraiseql-http/graphqlexec"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	frontEnd := map[string]bool{root + "/internal/validate": true, root + "/schema": true}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		seen++
		for _, imp := range imports {
			if imp == root && pkg != root {
				t.Errorf("%s imports the root package", pkg)
			}
			if graphqlGoFrontEnd(imp) && !frontEnd[pkg] {
				t.Errorf("%s imports %s (only internal/validate and schema may)", pkg, imp)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list saw %d packages", seen)
	}
	for _, imp := range []string{"github.com/graphql-go/graphql", "github.com/graphql-go/graphql/language/parser", "github.com/graphql-go/graphql/language/printer"} {
		if !graphqlGoFrontEnd(imp) {
			t.Errorf("%s not recognised as graphql-go's front end", imp)
		}
	}
	if graphqlGoFrontEnd("github.com/graphql-go/graphql/language/ast") {
		t.Error("the AST package is allowed everywhere")
	}
}

func graphqlGoFrontEnd(imp string) bool {
	switch imp {
	case "github.com/graphql-go/graphql",
		"github.com/graphql-go/graphql/gqlerrors",
		"github.com/graphql-go/graphql/language/lexer",
		"github.com/graphql-go/graphql/language/parser",
		"github.com/graphql-go/graphql/language/printer",
		"github.com/graphql-go/graphql/language/source",
		"github.com/graphql-go/graphql/language/visitor":
		return true
	}
	return false
}
