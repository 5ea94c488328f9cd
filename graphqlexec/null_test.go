package graphqlexec

import (
	"bytes"
	"context"
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

// TestNullExecution: the planner sees a real null.
func TestNullExecution(t *testing.T) {
	s := loadBlog(t)
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101"}`)
	tests := []struct {
		name, query string
		wantSQL     string
	}{
		{"null operator is ignored", `{ users(where: {lastName: {isnull: true}, age: {eq: null}}) { id } }`,
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'last_name' IS NULL AND "tenant_id" = $1`},
		{"null filter field is ignored", `{ users(where: {age: null}) { id } }`,
			`SELECT "data"::text FROM "v_user" WHERE "tenant_id" = $1`},
		{"null where, limit and offset", `{ users(where: null, limit: null, offset: null) { id } }`,
			`SELECT "data"::text FROM "v_user" WHERE "tenant_id" = $1`},
		{"null column argument", `{ user(id: null) { id } }`,
			`SELECT "data"::text FROM "v_user" WHERE "id" IS NULL AND "tenant_id" = $1 LIMIT 1`},
		{"same as a null variable", `query ($w: UserWhereInput = {age: {eq: null}, lastName: {isnull: true}}) { users(where: $w) { id } }`,
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'last_name' IS NULL AND "tenant_id" = $1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, env := range []Environment{Development, Production} {
				db := &fakeDB{rows: [][]byte{row}}
				e, err := New(s, db, Config{Environment: env})
				if err != nil {
					t.Fatal(err)
				}
				got := e.Execute(context.Background(), &Request{Query: tc.query})
				if bytes.Contains(got.Body, []byte(`"errors"`)) {
					t.Fatalf("%s: %s", env, got.Body)
				}
				if len(db.sql) != 1 || db.sql[0] != tc.wantSQL {
					t.Errorf("%s: sql %q, want %q", env, db.sql, tc.wantSQL)
				}
			}
		})
	}
}

// TestNullNonNull: a null where the type is non-null is graphql-core's
// validation error in development and an argument error in production.
func TestNullNonNull(t *testing.T) {
	s := loadBlog(t)
	q := `mutation { createUser(input: {email: null, firstName: "A"}) { __typename } }`
	e, err := New(s, &fakeDB{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	got := timeMS.ReplaceAllString(string(e.Execute(context.Background(), &Request{Query: q}).Body), `"time_ms":T`)
	want := `{"errors":[{"message":"Expected value of type 'String!', found null.","locations":[{"line":1,"column":38}]}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
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
