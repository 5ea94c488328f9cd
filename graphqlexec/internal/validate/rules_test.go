package validate

import (
	"testing"

	"github.com/graphql-go/graphql/language/ast"
)

// TestHasFragmentCycle: the overlap rule is left out exactly for documents
// with a cycle (graphql-go's would overflow the stack); the engine's
// answers to these documents are in the root package's TestFragmentCycles.
func TestHasFragmentCycle(t *testing.T) {
	for _, doc := range []string{
		`{ users { ...F } } fragment F on User { ...G } fragment G on User { ...F }`,
		`{ users { ...F } } fragment F on User { ...F }`,
		`{ users { ...F } } fragment F on User { id profile { ... on Profile { bio } } ...G } fragment G on User { email ...F }`,
	} {
		if !hasFragmentCycle(mustParse(t, doc)) {
			t.Errorf("no cycle found in %s", doc)
		}
	}
	if hasFragmentCycle(mustParse(t, `{ users { ...F ...G } } fragment F on User { ...G } fragment G on User { id }`)) {
		t.Error("a shared fragment is not a cycle")
	}
}

func mustParse(t *testing.T, doc string) *ast.Document {
	t.Helper()
	d, err := parseDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
