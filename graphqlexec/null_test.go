package graphqlexec

import (
	"bytes"
	"context"
	"testing"
)

// TestNullExecution: the planner sees a real null.
func TestNullExecution(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101"}`)
	tests := []struct {
		name, query string
		wantSQL     string
	}{
		{"null operator is ignored", `{ users(where: {lastName: {isnull: true}, age: {eq: null}}) { id } }`,
			`SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "data" ->> 'last_name' IS NULL AND "tenant_id" = $1`},
		{"null filter field is ignored", `{ users(where: {age: null}) { id } }`,
			`SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "tenant_id" = $1`},
		{"null where, limit and offset", `{ users(where: null, limit: null, offset: null) { id } }`,
			`SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "tenant_id" = $1`},
		{"null column argument", `{ user(id: null) { id } }`,
			`SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "id" IS NULL AND "tenant_id" = $1 LIMIT 1`},
		{"same as a null variable", `query ($w: UserWhereInput = {age: {eq: null}, lastName: {isnull: true}}) { users(where: $w) { id } }`,
			`SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "data" ->> 'last_name' IS NULL AND "tenant_id" = $1`},
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
	t.Parallel()
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
