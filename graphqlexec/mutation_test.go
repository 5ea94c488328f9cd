package graphqlexec

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/execute"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

var updateRow = []byte(`{"status": "updated", "message": "Post updated", "entity_id": "p1", "entity_type": "Post", "entity": {"id": "p1", "title": "T"}, "updated_fields": ["title"], "cascade": null, "metadata": null}`)

// TestMutationUnit covers the mutation paths no recording shows, against a
// fake database: what is sent, and what comes back for failures.
func TestMutationUnit(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	tests := []struct {
		name     string
		env      Environment
		req      Request
		rows     [][]byte
		dbErr    error
		want     string
		wantSQL  string // every statement, joined with " | "
		wantArgs string
	}{
		{name: "success, session variables batched before the call", env: Production,
			req:      Request{Query: `mutation { updatePost(input: {id: "22222222-2222-4222-8222-222222222201", title: "T"}) { ... on UpdatePostSuccess { post { title } } } }`, SessionVars: []SessionVar{{Name: "app.tenant_id", Value: "t1"}, {Name: "app.user_id", Value: "u1"}}},
			rows:     [][]byte{updateRow},
			want:     `{"data":{"updatePost":{"__typename":"UpdatePostSuccess","post":{"title":"T"}}}}`,
			wantSQL:  `SELECT set_config($1, $2, true), set_config($3, $4, true) | SELECT row_to_json(public.update_post($1, $2::jsonb))`,
			wantArgs: `[app.tenant_id t1 app.user_id u1] [aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222201", "body": null, "title": "T", "rating": null, "published": null}]`},
		{name: "input text: floats as numeric prints them, escapes as jsonb's", env: Production,
			req:      Request{Query: `mutation($r: Float) { updatePost(input: {id: "22222222-2222-4222-8222-222222222201", title: "a\"b\\c\u0001é\n", rating: $r}) { __typename } }`, Variables: vars(t, `{"r": 1e-5}`)},
			rows:     [][]byte{updateRow},
			want:     `{"data":{"updatePost":{"__typename":"UpdatePostSuccess","id":"p1","message":"Post updated","post":{"__typename":"Post","id":"p1","title":"T"},"status":"updated","updatedFields":["title"]}}}`,
			wantSQL:  `SELECT row_to_json(public.update_post($1, $2::jsonb))`,
			wantArgs: `[aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222201", "body": null, "title": "a\"b\\c\u0001é\n", "rating": 0.00001, "published": null}]`},
		{name: "a raising function shows PostgreSQL's message, not pgx's", env: Production,
			req:     Request{Query: `mutation { deletePost(input: {id: "22222222-2222-4222-8222-222222222201"}) { __typename } }`},
			dbErr:   &pgconn.PgError{Severity: "ERROR", Code: "P0001", Message: "post is locked"},
			want:    `{"data":{"deletePost":null},"errors":[{"message":"post is locked","locations":[{"line":1,"column":12}],"path":["deletePost"]}]}`,
			wantSQL: `SELECT row_to_json(public.delete_post($1, $2::jsonb))`, wantArgs: `[aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222201"}]`},
		{name: "a driver failure leaks nothing", env: Development,
			req:     Request{Query: `mutation { deletePost(input: {id: "22222222-2222-4222-8222-222222222201"}) { __typename } }`},
			dbErr:   fmt.Errorf("failed to connect to `host=/tmp user=secret`: dial error"),
			want:    `{"data":{"deletePost":null},"errors":[{"message":"Internal server error","locations":[{"line":1,"column":12}],"path":["deletePost"]}]` + `,"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`,
			wantSQL: `SELECT row_to_json(public.delete_post($1, $2::jsonb))`, wantArgs: `[aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222201"}]`},
		{name: "production: missing input is graphql-core's execution error, nothing runs", env: Production,
			req:  Request{Query: `mutation { createUser { __typename } }`},
			want: `{"data":{"createUser":null},"errors":[{"message":"Argument 'input' of required type 'CreateUserInput!' was not provided.","locations":[{"line":1,"column":12}],"path":["createUser"]}]}`},
		{name: "production: input of the wrong shape, nothing runs", env: Production,
			req:  Request{Query: `mutation { createUser(input: {email: 5}) { __typename } }`},
			want: `{"data":{"createUser":null},"errors":[{"message":"Argument 'input' has invalid value {email: 5}.","locations":[{"line":1,"column":12}],"path":["createUser"]}]}`},
		{name: "a function returning NULL is v1's failed:no_result", env: Production,
			req:     Request{Query: `mutation { deletePost(input: {id: "22222222-2222-4222-8222-222222222201"}) { ... on DeletePostError { code status message } } }`},
			rows:    [][]byte{nil},
			want:    `{"data":{"deletePost":{"__typename":"DeletePostError","code":500,"message":"No result returned from mutation","status":"failed:no_result"}}}`,
			wantSQL: `SELECT row_to_json(public.delete_post($1, $2::jsonb))`, wantArgs: `[aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222201"}]`},
		{name: "several root fields run in order, answered under their keys", env: Production,
			req:      Request{Query: `mutation { a: deletePost(input: {id: "22222222-2222-4222-8222-222222222201"}) { __typename } __typename b: deletePost(input: {id: "22222222-2222-4222-8222-222222222202"}) { ... on DeletePostSuccess { status } } }`},
			rows:     [][]byte{updateRow},
			want:     `{"data":{"a":{"__typename":"DeletePostSuccess","id":"p1","message":"Post updated","post":{"__typename":"Post","id":"p1","title":"T"},"status":"updated","updatedFields":["title"]},"__typename":"Mutation","b":{"__typename":"DeletePostSuccess","status":"updated"}}}`,
			wantSQL:  `SELECT row_to_json(public.delete_post($1, $2::jsonb)) | SELECT row_to_json(public.delete_post($1, $2::jsonb))`,
			wantArgs: `[aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222201"}] [aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa {"id": "22222222-2222-4222-8222-222222222202"}]`},
		{name: "an invalid session variable name runs nothing", env: Production,
			req:  Request{Query: `{ users { id } }`, SessionVars: []SessionVar{{Name: "search_path", Value: "evil"}}},
			want: "INTERNAL"},
		{name: "reads take session variables too", env: Production,
			req:     Request{Query: `{ users { id } }`, SessionVars: []SessionVar{{Name: "app.tenant_id", Value: "t'1"}}},
			rows:    [][]byte{[]byte(`{"id": "u1"}`)},
			want:    `{"data":{"users":[{"__typename":"User","id":"u1"}]}}`,
			wantSQL: `SELECT set_config($1, $2, true) | SELECT "data"::text FROM "v_user" WHERE "tenant_id" = $1`, wantArgs: `[app.tenant_id t'1] [aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &fakeDB{rows: tt.rows, err: tt.dbErr}
			e, err := New(s, db, Config{Environment: tt.env, Quirks: QuirksV197}) // v1.9.7's execution-time checks (production skips validation)
			if err != nil {
				t.Fatal(err)
			}
			got := executeAppend(t, e, context.Background(), &tt.req)
			body := string(timeMS.ReplaceAll(got.Body, []byte(`"time_ms":T`)))
			if got.InternalError {
				body = "INTERNAL"
			}
			if body != tt.want {
				t.Errorf("body\ngot  %s\nwant %s", body, tt.want)
			}
			if sql := strings.Join(db.sql, " | "); sql != tt.wantSQL {
				t.Errorf("sql\ngot  %s\nwant %s", sql, tt.wantSQL)
			}
			var args []string
			for _, a := range db.args {
				args = append(args, fmt.Sprint(a))
			}
			if a := strings.Join(args, " "); a != tt.wantArgs {
				t.Errorf("args\ngot  %s\nwant %s", a, tt.wantArgs)
			}
		})
	}
}

// TestJSONBTextMatchesPostgreSQL checks execute.AppendJSONB against PostgreSQL's
// own jsonb output for the same values: the text v1's parameters were
// logged with.
func TestJSONBTextMatchesPostgreSQL(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	inputs := []string{
		`{"title": "a\"b\\c\u0001\u001fé田😀\n\t/", "id": "x", "rating": 1e-5, "zz": 1.5e16, "z": -2.5e-7, "n": 4.0, "big": 123456789012345678901234567890}`,
		`{"bb": {"b": [1, 2.25, {"y": null, "x": true}], "a": false}, "a": [], "c": {}, "ab": 0.1, "é": 1, "e": 2}`,
		`{"k": -0, "kk": 1e300, "kkk": 0.000123}`,
	}
	for _, in := range inputs {
		v := vars(t, in)
		text := string(execute.AppendJSONB(nil, v))
		var pg string
		if err := conn.QueryRow(context.Background(), "SELECT $1::jsonb::text", text).Scan(&pg); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if pg != text {
			t.Errorf("\nours %s\npg   %s", text, pg)
		}
	}
}

// BenchmarkExecuteMutation is a cached createUser with a recorded
// mutation_response row (the conflict case: error typing, metadata-less
// generated errors, a wrapper entity copied whole).
func BenchmarkExecuteMutation(b *testing.B) {
	s := loadBlog(b)
	row := []byte(`{"status":"conflict:duplicate_email","message":"A user with this email already exists","entity_id":"11111111-1111-4111-8111-111111111101","entity_type":"User","entity":{"conflict_user": {"id": "11111111-1111-4111-8111-111111111101", "age": 34, "role": "admin", "tags": ["founder", "graphql"], "email": "ana@example.com", "score": 87.5, "profile": {"bio": "Builds APIs.", "website": "https://ana.example.com"}, "is_active": true, "last_name": "Silva", "created_at": "2025-01-02T09:00:00Z", "first_name": "Ana", "display_name": "Ana Silva"}},"updated_fields":null,"cascade":null,"metadata":null}`)
	e, err := New(s, &fakeDB{rows: [][]byte{row}, noLog: true}, Config{Environment: Production})
	if err != nil {
		b.Fatal(err)
	}
	req := &Request{Query: `mutation { createUser(input: {email: "ana@example.com", firstName: "Ana"}) { ... on CreateUserSuccess { user { id } } ... on CreateUserError { code status message errors { code identifier message details } conflictUser { id email } } } }`}
	ctx := context.Background()
	if got := e.Execute(ctx, req); !strings.HasPrefix(string(got.Body), `{"data":{"createUser":{"__typename":"CreateUserError","code":409,"conflictUser":{"age":34`) {
		b.Fatalf("unexpected body %s", got.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Execute(ctx, req)
	}
}

// TestMutationInputDefaults: an omitted input field with a declared default
// is sent with the default's value (strings with escapes, ints, lists), as
// graphql-core coerces it; absent fields without a default are null.
func TestMutationInputDefaults(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	decl := strings.Replace(string(src), "  lastName: String\n  displayName: String\n  age: Int\n  role: String\n  tags: [String]\n",
		"  lastName: String\n  displayName: String = \"Anon\\u00e9\"\n  age: Int = 7\n  role: String = \"a\\\"b\"\n  tags: [String] = [\"x\", \"y\"]\n", 1)
	if decl == string(src) {
		t.Fatal("CreateUserInput not found in the demo declaration")
	}
	s, err := schema.Load("defaults.graphql", []byte(decl))
	if err != nil {
		t.Fatal(err)
	}
	db := &fakeDB{rows: [][]byte{updateRow}}
	e, err := New(s, db, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	e.Execute(context.Background(), &Request{Query: `mutation { createUser(input: {email: "e", firstName: "f"}) { __typename } }`})
	want := `{"age": 7, "role": "a\"b", "tags": ["x", "y"], "email": "e", "last_name": null, "first_name": "f", "display_name": "Anoné"}`
	if len(db.args) != 1 || fmt.Sprint(db.args[0][len(db.args[0])-1]) != want {
		t.Fatalf("input %q\nwant %s", db.args, want)
	}
}

// TestUnknownMutationStatus runs a real function that returns a status
// outside v1's taxonomy ("ok"), and one that returns a NULL status: by
// default both are error results (code 500, identifier unknown_status),
// and nothing reports a success the function never promised; under
// --quirks v1.9.7 both are successes, as v1 answers.
func TestUnknownMutationStatus(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t,
		`CREATE OR REPLACE FUNCTION delete_post(input_tenant_id uuid, input jsonb) RETURNS mutation_response
		 LANGUAGE sql AS $$ SELECT ROW(CASE WHEN input->>'id' LIKE '%01' THEN 'ok' END, 'Done', input->>'id', 'Post',
		   (SELECT data FROM v_post WHERE id = (input->>'id')::uuid), NULL, NULL, NULL)::mutation_response $$`)
	s := loadBlog(t)
	const sel = `{ __typename ... on DeletePostSuccess { status post { id } } ... on DeletePostError { code status message errors { identifier message } } } }`
	tests := []struct {
		name, id string
		quirks   Quirks
		want     string
	}{
		{"unknown status", "22222222-2222-4222-8222-222222222201", QuirksNone,
			`{"data":{"deletePost":{"__typename":"DeletePostError","code":500,"errors":[{"identifier":"unknown_status","message":"The mutation function returned an unknown status \"ok\""}],"message":"Done","status":"ok"}}}`},
		{"NULL status", "22222222-2222-4222-8222-222222222202", QuirksNone,
			`{"data":{"deletePost":{"__typename":"DeletePostError","code":500,"errors":[{"identifier":"unknown_status","message":"The mutation function returned a NULL status"}],"message":"Done","status":null}}}`},
		{"v1: unknown status is a success", "22222222-2222-4222-8222-222222222201", QuirksV197,
			`{"data":{"deletePost":{"__typename":"DeletePostSuccess","post":{"id":"22222222-2222-4222-8222-222222222201"},"status":"ok"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(s, conn, Config{Environment: Production, Quirks: tt.quirks})
			if err != nil {
				t.Fatal(err)
			}
			got := executeAppend(t, e, context.Background(), &Request{Query: `mutation { deletePost(input: {id: "` + tt.id + `"}) ` + sel})
			if string(got.Body) != tt.want {
				t.Errorf("body\ngot  %s\nwant %s", got.Body, tt.want)
			}
		})
	}
}
