package graphqlexec

import (
	"context"
	"strings"
	"testing"
)

// TestFragmentCycles: graphql-go's OverlappingFieldsCanBeMerged recurses
// without end on a fragment cycle, a fatal stack overflow; the engine must
// answer with graphql-core's cycle error instead, in every environment
// that runs the full rule set.
func TestFragmentCycles(t *testing.T) {
	t.Parallel()
	docs := []struct{ doc, want string }{
		{`{ users { ...F } } fragment F on User { ...G } fragment G on User { ...F }`, `Cannot spread fragment 'F' within itself via 'G'.`},
		{`{ users { ...F } } fragment F on User { ...F }`, `Cannot spread fragment 'F' within itself.`},
		{`{ users { ...F } } fragment F on User { id profile { ... on Profile { bio } } ...G } fragment G on User { email ...F }`, `Cannot spread fragment 'F' within itself via 'G'.`},
	}
	for _, tc := range docs {
		for _, cfg := range []Config{{}, {Environment: Production, IntrospectionPolicy: IntrospectionAuthenticated}} {
			e, err := New(loadBlog(t), &fakeDB{}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			body := string(e.Execute(context.Background(), &Request{Query: tc.doc, Claims: map[string]any{"sub": "x"}}).Body)
			if !strings.Contains(body, tc.want) {
				t.Errorf("%s (%s): %s", tc.doc, cfg.Environment, body)
			}
		}
	}
}
