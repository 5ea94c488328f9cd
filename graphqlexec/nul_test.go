package graphqlexec

import (
	"context"
	"strings"
	"testing"
)

// A string argument holding U+0000 is refused before any SQL by default:
// PostgreSQL cannot store it and its refusal names its encoding (issue 11,
// "database internals reach clients"). Reads (literal and variable),
// filters nested in lists, and mutation inputs; --quirks v1.9.7 still sends
// it, as v1 does, and shows what PostgreSQL answers.
func TestNULRefusedBeforeSQL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, query, vars, arg string
	}{
		{"filter literal", `{ users(where: {email: {eq: "a\u0000b"}}) { id } }`, "", "where"},
		{"filter variable", `query($e: String) { users(where: {email: {eq: $e}}) { id } }`, `{"e": "a\u0000b"}`, "where"},
		{"inside a list", `{ users(where: {OR: [{email: {eq: "x"}}, {email: {in: ["y", "\u0000"]}}]}) { id } }`, "", "where"},
		{"mutation input", `mutation { updatePost(input: {id: "22222222-2222-4222-8222-222222222201", title: "a\u0000b"}) { __typename } }`, "", "input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := func() *Request {
				r := &Request{Query: tc.query}
				if tc.vars != "" {
					r.Variables = vars(t, tc.vars)
				}
				return r
			}
			db := &fakeDB{rows: [][]byte{updateRow}}
			e, err := New(loadBlog(t), db, Config{Environment: Production})
			if err != nil {
				t.Fatal(err)
			}
			resp := e.Execute(context.Background(), req())
			want := "Argument '" + tc.arg + "' has invalid value: a string holds the character U+0000, which PostgreSQL text cannot store."
			if !strings.Contains(string(resp.Body), want) || len(db.sql) != 0 {
				t.Errorf("%s\n%d statements ran", resp.Body, len(db.sql))
			}
			// Without U+0000 the same request runs.
			clean := strings.ReplaceAll(tc.query, `\u0000`, "z")
			db = &fakeDB{rows: [][]byte{updateRow}}
			e, _ = New(loadBlog(t), db, Config{Environment: Production})
			r := req()
			r.Query = clean
			if tc.vars != "" {
				r.Variables = vars(t, strings.ReplaceAll(tc.vars, `\u0000`, "z"))
			}
			if resp := e.Execute(context.Background(), r); strings.Contains(string(resp.Body), "U+0000") || len(db.sql) == 0 {
				t.Errorf("clean request: %s, %d statements", resp.Body, len(db.sql))
			}
			// v1.9.7 sends it.
			db = &fakeDB{rows: [][]byte{updateRow}}
			e, _ = New(loadBlog(t), db, Config{Environment: Production, Quirks: QuirksV197})
			if resp := e.Execute(context.Background(), req()); strings.Contains(string(resp.Body), "U+0000") || len(db.sql) == 0 {
				t.Errorf("v1.9.7: %s, %d statements", resp.Body, len(db.sql))
			}
		})
	}
}
