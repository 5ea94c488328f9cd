package graphqlexec

import (
	"context"
	"fmt"
	"testing"
)

// TestNotLiteral: by default NOT takes an object literal (read and
// validated as the where input it sits in, variables inside allowed), and
// answers what the same filter given through a variable answers, which is
// the complement of the filter's rows; under --quirks v1.9.7 the literal
// is refused with v1's JSON message.
func TestNotLiteral(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	s := loadBlog(t)
	ctx := context.Background()
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	run := func(e *Engine, query, variables string) string {
		req := &Request{Query: query}
		if variables != "" {
			req.Variables = vars(t, variables)
		}
		return string(executeAppend(t, e, ctx, req).Body)
	}
	for _, tt := range []struct{ literal, variable, sql string }{
		{`{NOT: {role: {eq: "admin"}}}`, `{"NOT": {"role": {"eq": "admin"}}}`, `role <> 'admin'`},
		{`{age: {gte: 30}, NOT: {OR: [{role: {eq: "admin"}}, {isActive: {eq: false}}]}}`,
			`{"age": {"gte": 30}, "NOT": {"OR": [{"role": {"eq": "admin"}}, {"isActive": {"eq": false}}]}}`,
			`age >= 30 AND NOT (role = 'admin' OR NOT is_active)`},
		{`{NOT: {NOT: {tags: {contains: ["go"]}}}}`, `{"NOT": {"NOT": {"tags": {"contains": ["go"]}}}}`, `tags @> '{go}'`},
	} {
		q := `{ users(where: %s, orderBy: [{email: ASC}]) { email } }`
		lit := run(e, fmt.Sprintf(q, tt.literal), "")
		byVar := run(e, `query($w: UserWhereInput) { users(where: $w, orderBy: [{email: ASC}]) { email } }`, `{"w": `+tt.variable+`}`)
		if lit != byVar {
			t.Errorf("%s: literal and variable differ\nliteral  %s\nvariable %s", tt.literal, lit, byVar)
		}
		var want string
		if err := conn.QueryRow(ctx, `SELECT '{"data":{"users":[' || coalesce(string_agg('{"__typename":"User","email":' || to_jsonb(email)::text || '}', ',' ORDER BY email), '') || ']}}'
			FROM tb_user WHERE tenant_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' AND `+tt.sql).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if lit != want {
			t.Errorf("%s\ngot  %s\nwant %s (SQL: %s)", tt.literal, lit, want, tt.sql)
		}
	}
	// A variable inside the literal; a wrong value inside is a validation
	// error at its place, before any SQL.
	if got, want := run(e, `query($r: String) { users(where: {NOT: {role: {neq: $r}}}, orderBy: [{email: ASC}]) { email } }`, `{"r": "admin"}`),
		run(e, `{ users(where: {role: {eq: "admin"}}, orderBy: [{email: ASC}]) { email } }`, ""); got != want {
		t.Errorf("variable inside NOT:\ngot  %s\nwant %s", got, want)
	}
	if got, want := run(e, `{ users(where: {NOT: {age: {gt: "30"}}}) { email } }`, ""),
		`{"errors":[{"message":"Int cannot represent non-integer value: \"30\"","locations":[{"line":1,"column":33}]}]}`; got != want {
		t.Errorf("wrong value inside NOT:\ngot  %s\nwant %s", got, want)
	}
	// The string form of v1 keeps working.
	if got, want := run(e, `{ users(where: {NOT: "{\"role\": {\"eq\": \"admin\"}}"}, orderBy: [{email: ASC}]) { email } }`, ""),
		run(e, fmt.Sprintf(`{ users(where: %s, orderBy: [{email: ASC}]) { email } }`, `{NOT: {role: {eq: "admin"}}}`), ""); got != want {
		t.Errorf("JSON string form:\ngot  %s\nwant %s", got, want)
	}
	// (Production under v1.9.7 skips validation, quirk 8: the refusal
	// comes from execution there, as in v1; development validates.)
	v1, err := New(s, conn, Config{Environment: Development, Quirks: QuirksV197})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := run(v1, `{ users(where: {NOT: {role: {eq: "admin"}}}) { email } }`, ""),
		`{"errors":[{"message":"Use a String literal containing JSON, not GraphQL object notation"}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`; timeMS.ReplaceAllString(got, `"time_ms":T`) != want {
		t.Errorf("v1.9.7:\ngot  %s\nwant %s", got, want)
	}
}
