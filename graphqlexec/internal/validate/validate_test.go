package validate

import (
	"fmt"
	"testing"

	"github.com/graphql-go/graphql/language/parser"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

func TestRewordRules(t *testing.T) {
	e := NewValidator(loadBlog(t))
	for _, r := range rewordRules {
		if got := e.rewordMessage(r.eg); got != r.out {
			t.Errorf("%q:\ngot  %q\nwant %q", r.eg, got, r.out)
		}
	}
}

// TestSyntaxErrors compares with graphql-core 3.2.8's messages (recorded
// with python3 -c 'graphql.parse(q)').
func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ q, want string }{
		{`{ users(limit: 1) { id `, `Syntax Error: Expected Name, found <EOF>. 1:24`},
		{`query {`, `Syntax Error: Expected Name, found <EOF>. 1:8`},
		{`{ a(x: ) }`, `Syntax Error: Unexpected ')'. 1:8`},
		{`{ a }}`, `Syntax Error: Unexpected '}'. 1:6`},
		{`{ ...on }`, `Syntax Error: Expected Name, found '}'. 1:9`},
		{`mutation { }`, `Syntax Error: Expected Name, found '}'. 1:12`},
	}
	for _, tc := range tests {
		_, err := parser.Parse(parser.ParseParams{Source: tc.q})
		if err == nil {
			t.Fatalf("%q parsed", tc.q)
		}
		ge := syntaxError(err, []byte(tc.q))
		got := ge.Message
		if len(ge.Locations) == 1 {
			got += fmt.Sprintf(" %d:%d", ge.Locations[0].Line, ge.Locations[0].Column)
		}
		if got != tc.want {
			t.Errorf("%q: got %q want %q", tc.q, got, tc.want)
		}
	}
}

func loadBlog(t testing.TB) *schema.Schema {
	t.Helper()
	s, err := schema.LoadFile("../../../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
