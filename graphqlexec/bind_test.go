package graphqlexec

import (
	"context"
	"fmt"
	"testing"
)

// TestBoundOperations runs each document with a sequence of variable sets
// on one engine (whose plan may be shared between the requests) and on a
// fresh engine per request (which plans from nothing), and requires the
// same body, SQL and parameters from both. shared says whether the
// operation must be shared once a request had bindable values.
func TestBoundOperations(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "role": "admin", "first_name": "Ana", "email": "ana@example.com"}`)
	const (
		a = `"11111111-1111-4111-8111-111111111101"`
		b = `"22222222-2222-4222-8222-222222222202"`
	)
	tests := []struct {
		name   string
		query  string
		vars   []string
		shared bool
	}{
		{"by id", `query($id: UUID) { user(id: $id) { id firstName } }`,
			[]string{`{"id":` + a + `}`, `{"id":` + b + `}`, `{"id":null}`, `{}`, `{"id":` + a + `}`, `{"id":"11111111111141118111111111111101"}`}, true},
		{"absent first", `query($id: UUID) { user(id: $id) { id } }`,
			[]string{`{}`, `{"id":null}`, `{"id":` + b + `}`, `{"id":` + a + `}`, `{}`}, true},
		{"non-null with default", `query($id: UUID! = ` + a + `) { user(id: $id) { email } }`,
			[]string{`{}`, `{"id":` + b + `}`, `{}`}, true},
		{"two roots", `query($x: UUID, $y: UUID) { p: user(id: $x) { id } q: post(id: $y) { id } }`,
			[]string{`{"x":` + a + `,"y":` + b + `}`, `{"x":` + b + `,"y":null}`, `{"x":` + b + `,"y":` + a + `}`}, true},
		{"named operation among two", `query A($id: UUID) { user(id: $id) { id } } query B { users { id } }`,
			[]string{`{"id":` + a + `}`, `{"id":` + b + `}`}, true},
		{"where object", `query($w: UserWhereInput) { users(where: $w) { id } }`,
			[]string{`{"w":{"email":{"eq":"x"}}}`, `{"w":{"email":{"in":["x","y"]}}}`, `{"w":null}`}, false},
		{"variable inside a where", `query($e: String) { users(where: {email: {eq: $e}}) { id } }`,
			[]string{`{"e":"x"}`, `{"e":null}`, `{"e":"y"}`}, false},
		{"limit", `query($n: Int) { users(limit: $n) { id } }`,
			[]string{`{"n":1}`, `{"n":5}`, `{}`}, false},
		{"skip", `query($s: Boolean!, $id: UUID) { user(id: $id) { id @skip(if: $s) firstName } }`,
			[]string{`{"s":true,"id":` + a + `}`, `{"s":false,"id":` + a + `}`}, false},
		{"fragment", `query($id: UUID) { ...F } fragment F on Query { user(id: $id) { id } }`,
			[]string{`{"id":` + a + `}`, `{"id":` + b + `}`}, false},
		{"invalid value", `query($id: UUID) { user(id: $id) { id } }`,
			[]string{`{"id":"nope"}`, `{"id":` + a + `}`, `{"id":"nope"}`}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			warmDB := &fakeDB{rows: [][]byte{row}}
			warm, err := New(s, warmDB, Config{Environment: Production})
			if err != nil {
				t.Fatal(err)
			}
			var op *string
			if tc.name == "named operation among two" {
				op = str("A")
			}
			for i, vs := range tc.vars {
				freshDB := &fakeDB{rows: [][]byte{row}}
				fresh, err := New(s, freshDB, Config{Environment: Production})
				if err != nil {
					t.Fatal(err)
				}
				warmDB.sql, warmDB.args = nil, nil
				req := &Request{Query: tc.query, OperationName: op, Variables: vars(t, vs)}
				got := executeAppend(t, warm, context.Background(), req)
				want := fresh.Execute(context.Background(), req)
				if string(got.Body) != string(want.Body) || got.InternalError != want.InternalError {
					t.Errorf("request %d %s: body\n got %s\nwant %s", i, vs, got.Body, want.Body)
				}
				if g, w := fmt.Sprint(warmDB.sql, warmDB.args), fmt.Sprint(freshDB.sql, freshDB.args); g != w {
					t.Errorf("request %d %s: statements\n got %s\nwant %s", i, vs, g, w)
				}
			}
			d := warm.cache.get(tc.query)
			if isShared := d.plans.Shared(); isShared != tc.shared {
				t.Errorf("shared %v, want %v", isShared, tc.shared)
			}
		})
	}
}
