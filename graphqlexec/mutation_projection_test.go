package graphqlexec

import (
	"context"
	"testing"
)

// TestMutationProjection: by default a mutation's result holds what the
// client selected (quirks 12a-12c fixed), on a database of the test's own:
// aliases at every level, the entity and conflictUser written as reads
// write their type, errors projected, only __typename when only it is
// selected, a stored value that does not fit its type a field error with
// its path (the rest of the result kept). v1.9.7's objects under quirks.
func TestMutationProjection(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t,
		// A post whose stored document breaks its type: view_count is text.
		`CREATE OR REPLACE FUNCTION delete_post(input_tenant_id uuid, input jsonb) RETURNS mutation_response
		 LANGUAGE sql AS $$ SELECT ROW('deleted', 'Post deleted', input->>'id', 'Post',
		   (SELECT data || '{"view_count": "many"}' FROM v_post WHERE id = (input->>'id')::uuid), NULL, NULL, NULL)::mutation_response $$`)
	s := loadBlog(t)
	ctx := context.Background()
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := New(s, conn, Config{Environment: Production, Quirks: QuirksV197})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		e           *Engine
		query, want string
	}{
		{e, `mutation { createUser(input: {email: "ana@example.com", firstName: "Ana"}) { __typename } }`,
			`{"data":{"createUser":{"__typename":"CreateUserError"}}}`},
		{e, `mutation { made: createUser(input: {email: "ana@example.com", firstName: "Ana"}) { kind: __typename } }`,
			`{"data":{"made":{"__typename":"CreateUserError","kind":"CreateUserError"}}}`},
		{v1, `mutation { made: createUser(input: {email: "ana@example.com", firstName: "Ana"}) { ... on CreateUserError { code } } }`,
			`{"data":{"createUser":{"__typename":"CreateUserError","code":409}}}`},
		{e, `mutation { createUser(input: {email: "ana@example.com", firstName: "Ana"}) { ... on CreateUserError { st: status who: conflictUser { mail: email profile { bio } } errors { identifier } } } }`,
			`{"data":{"createUser":{"__typename":"CreateUserError","errors":[{"identifier":"duplicate_email"}],"st":"conflict:duplicate_email","who":{"__typename":"User","mail":"ana@example.com","profile":{"__typename":"Profile","bio":"Builds APIs."}}}}}`},
		{e, `mutation { createUser(input: {email: "new@example.com", firstName: "New", tags: ["x"]}) { ...S } } fragment S on CreateUserSuccess { user { e: email tags t: tags } }`,
			`{"data":{"createUser":{"__typename":"CreateUserSuccess","user":{"__typename":"User","e":"new@example.com","t":["x"],"tags":["x"]}}}}`},
		{e, `mutation { updatePost(input: {id: "22222222-2222-4222-8222-222222222201", title: "T2"}) { ... on UpdatePostSuccess { updatedFields post { title author { displayName } comments { content } } } } }`,
			`{"data":{"updatePost":{"__typename":"UpdatePostSuccess","post":{"__typename":"Post","author":{"__typename":"User","displayName":"Ana Silva"},"comments":[{"__typename":"Comment","content":"I disagree with the \"views\" part. (#2)"},{"__typename":"Comment","content":"Merci, très utile 👍 (#1)"}],"title":"T2"},"updatedFields":["title"]}}}`},
		{e, `mutation { deletePost(input: {id: "22222222-2222-4222-8222-222222222202"}) { ... on DeletePostSuccess { status post { title viewCount } } } }`,
			`{"data":{"deletePost":{"__typename":"DeletePostSuccess","post":{"__typename":"Post","title":"Views all the way down","viewCount":null},"status":"deleted"}},"errors":[{"message":"Int cannot represent non-integer value: 'many'","locations":[{"line":1,"column":125}],"path":["deletePost","post","viewCount"]}]}`},
		{v1, `mutation { deletePost(input: {id: "22222222-2222-4222-8222-222222222203"}) { ... on DeletePostSuccess { status post { title viewCount } } } }`,
			`{"data":{"deletePost":{"__typename":"DeletePostSuccess","post":{"title":"Draft: CQRS notes","viewCount":"many"},"status":"deleted"}}}`},
	} {
		got := executeAppend(t, tt.e, ctx, &Request{Query: tt.query})
		if string(got.Body) != tt.want {
			t.Errorf("%s\ngot  %s\nwant %s", tt.query, got.Body, tt.want)
		}
	}
}
