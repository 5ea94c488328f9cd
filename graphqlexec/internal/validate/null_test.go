package validate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/printer"
	"github.com/graphql-go/graphql/language/visitor"
)

func TestParseDocumentNulls(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string // printed document, or the syntax error
		nulls     int    // null literals in the result
	}{
		{"argument", `{ user(id: null) { id } }`, `{ user(id: null) { id } }`, 1},
		{"nested and listed", `{ users(where: {age: {eq: null, in: [1, null]}}) { id } }`, `{ users(where: {age: {eq: null, in: [1, null]}}) { id } }`, 2},
		{"default value", `query ($n: Int = null) { users(limit: $n) { id } }`, `query ($n: Int = null) { users(limit: $n) { id } }`, 1},
		{"field named null", `{ null }`, `{ null }`, 0},
		{"field, alias, argument named null", `{ null: users(null: null) { null } }`, `{ null: users(null: null) { null } }`, 1},
		{"variable named null", `query ($null: Int) { users(limit: $null) { id } }`, `query ($null: Int) { users(limit: $null) { id } }`, 0},
		{"fragment named null", `{ users { ...null } } fragment null on User { id }`, `{ users { ...null } } fragment null on User { id }`, 0},
		{"operation named null", `query null { users(limit: null) { id } }`, `query null { users(limit: null) { id } }`, 1},
		{"in strings and comments", "# null\n{ users(where: {firstName: {eq: \"null\"}}, limit: null) { id } }", `{ users(where: {firstName: {eq: "null"}}, limit: null) { id } }`, 1},
		{"in a block string", `{ users(where: {firstName: {eq: """null"""}}) { id } }`, `{ users(where: {firstName: {eq: "null"}}) { id } }`, 0},
		{"longer names", `{ users(where: {role: {eq: nulls}}, limit: nul) { id } }`, `{ users(where: {role: {eq: nulls}}, limit: nul) { id } }`, 0},
		{"the placeholder's spelling is a name like any other", `{ users(limit: n_ll) { n_ll } }`, `{ users(limit: n_ll) { n_ll } }`, 0},
		{"placeholder spelling and null side by side", `{ users(limit: n_ll, offset: null) { id } }`, `{ users(limit: n_ll, offset: null) { id } }`, 1},
		{"two nulls where one value goes", `{ users(limit: null null) { id } }`, `Syntax Error: Expected ':', found ')'. 1:25`, 0},
		{"null where a name goes after a value", `{ users(limit: 1 null) { id } }`, `Syntax Error: Expected ':', found ')'. 1:22`, 0},
		{"null at the top", `null`, `Syntax Error: Unexpected Name 'null'. 1:1`, 0},
		{"null in a selection set is a field", `{ users { id null } }`, `{ users { id null } }`, 0},
		{"non-ASCII before", `{ users(where: {firstName: {eq: "日本"}}, limit: null) { id } }`, `{ users(where: {firstName: {eq: "日本"}}, limit: null) { id } }`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parseDocument([]byte(tc.doc))
			if err != nil {
				ge := syntaxError(err, []byte(tc.doc))
				got := fmt.Sprintf("%s %d:%d", ge.Message, ge.Locations[0].Line, ge.Locations[0].Column)
				if got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
				return
			}
			if got := oneLine(printer.Print(doc).(string)); got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
			if n := len(nullLiterals(doc)); n != tc.nulls {
				t.Errorf("%d null literals, want %d", n, tc.nulls)
			}
		})
	}
}

// oneLine squeezes graphql-go's printed form ("{\n  user(id: null) {...")
// to the corpus style.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func nullLiterals(doc *ast.Document) []*ast.EnumValue {
	var out []*ast.EnumValue
	visitor.Visit(doc, &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.EnumValue: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			if ev := p.Node.(*ast.EnumValue); isNull(ev) {
				out = append(out, ev)
			}
			return visitor.ActionNoChange, nil
		}},
	}}, nil)
	return out
}

func FuzzParseDocument(f *testing.F) {
	for _, s := range []string{
		`{ user(id: null) { id } }`,
		`{ null: users(null: null) { null } }`,
		`query ($null: Int = null) { users(limit: $null) { id } }`,
		"# null é\n{ users(limit: null) { id } }",
		`{ users(where: {firstName: {eq: """null"""}}, limit: n_ll) { id } }`,
		`{ users(limit: null null) { id } }`,
		`null`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		body := []byte(s)
		doc, err := parseDocument(body)
		if err != nil {
			return
		}
		// Every null literal stands where the client wrote null, and the
		// placeholder never survives as a value the client did not write.
		visitor.Visit(doc, &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.EnumValue: {Kind: func(p visitor.VisitFuncParams) (string, any) {
				ev := p.Node.(*ast.EnumValue)
				if ev.Loc == nil || ev.Loc.Start < 0 || ev.Loc.Start+len(ev.Value) > len(body) {
					return visitor.ActionNoChange, nil // graphql-go's own offsets after non-ASCII comments
				}
				if at := string(body[ev.Loc.Start : ev.Loc.Start+len(ev.Value)]); at != ev.Value && isNull(ev) {
					t.Fatalf("null literal at %d over %q", ev.Loc.Start, at)
				}
				return visitor.ActionNoChange, nil
			}},
		}}, nil)
	})
}

// TestParseWithoutSource: nodes carry no source, so graphql-go's error
// constructor does not scan the document for every error (see parse).
func TestParseWithoutSource(t *testing.T) {
	doc, err := parseDocument([]byte("query($a: Int) { users(where: {id: {eq: null}}) { id ...F } } fragment F on User { role }"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	visitor.Visit(doc, &visitor.VisitorOptions{Enter: func(p visitor.VisitFuncParams) (string, any) {
		if node, ok := p.Node.(ast.Node); ok && node.GetLoc() != nil {
			n++
			if node.GetLoc().Source != nil {
				t.Errorf("%s node has a source", node.GetKind())
			}
		}
		return visitor.ActionNoChange, nil
	}}, nil)
	if n < 20 {
		t.Fatalf("only %d nodes visited", n)
	}
}
