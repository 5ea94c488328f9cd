package graphqlexec

import (
	"context"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/pyjson"
)

// TestColumnReads: a read whose selection is held entirely by @column
// fields of its own view builds its document from those columns (so
// PostgreSQL never computes the view's data expression), and answers
// exactly what the whole document answers; any other selection reads the
// document.
func TestColumnReads(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	rec := &recordingDB{DB: conn}
	cols, err := New(loadBlog(t), rec, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := New(loadBlog(t), conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	whole.ex.SetWholeDocuments(true)
	ctx := context.Background()
	for _, tc := range []struct {
		query string
		vars  string // JSON object, or ""
		// the column read's SELECT list, or "" when the document is read
		sel string
	}{
		{`{ users(limit: 20, orderBy: [{id: ASC}]) { id email firstName } }`, "",
			`jsonb_build_object('id', "id", 'email', "email", 'first_name', "first_name")`},
		{`{ users { __typename id displayName age score isActive role } }`, "",
			`jsonb_build_object('id', "id", 'display_name', "display_name", 'age', "age", 'score', "score", 'is_active', "is_active", 'role', "role")`},
		{`{ a: users(limit: 3) { x: id y: id email } b: users(offset: 10) { age } }`, "",
			`jsonb_build_object('id', "id", 'email', "email")`},
		{`query U($id: UUID!) { user(id: $id) { id email displayName age } }`, `{"id": "11111111-1111-4111-8111-111111111104"}`,
			`jsonb_build_object('id', "id", 'email', "email", 'display_name', "display_name", 'age', "age")`},
		{`{ user(id: "00000000-0000-4000-8000-000000000000") { id } }`, "", `jsonb_build_object('id', "id")`},
		{`{ users(where: {role: {eq: "author"}}, orderBy: [{score: DESC}], limit: 10) { id displayName score } }`, "",
			`jsonb_build_object('id', "id", 'display_name', "display_name", 'score', "score")`},
		{`{ posts { ... on Post { id } ...F } } fragment F on Post { title rating viewCount published }`, "",
			`jsonb_build_object('id', "id", 'title', "title", 'rating', "rating", 'view_count', "view_count", 'published', "published")`},
		{`query($x: Boolean!) { posts { id title body @include(if: $x) } }`, `{"x": false}`,
			`jsonb_build_object('id', "id", 'title', "title")`},
		// a nested object whose column holds its document (v_post.author)
		{`{ posts(limit: 10, orderBy: [{id: ASC}]) { id title author { id displayName } } }`, "",
			`jsonb_build_object('id', "id", 'title', "title", 'author', "author")`},
		{`{ posts(limit: 5) { author { __typename displayName a: id } ... on Post { i: id author { id } } } }`, "",
			`jsonb_build_object('author', "author", 'id', "id")`},
		{`{ posts(where: {author: {displayName: {eq: "Chloé M."}}}, orderBy: [{title: DESC}]) { title author { displayName } } }`, "",
			`jsonb_build_object('title', "title", 'author', "author")`},
		// the document: a field without a column, a nested object without one, a list, a DateTime, typename only
		{`query($x: Boolean!) { posts { id title body @include(if: $x) } }`, `{"x": true}`, ""},
		{`{ users { id lastName } }`, "", ""},
		{`{ users(limit: 5) { id profile { bio } } }`, "", ""},
		{`{ posts(limit: 5) { id author { id } comments { id } } }`, "", ""},
		{`{ users { id tags } }`, "", ""},
		{`{ users { id createdAt } }`, "", ""},
		{`{ users { __typename } }`, "", ""},
		{`{ comments(limit: 3) { id } }`, "", ""},
	} {
		rec.sql = nil
		req := &Request{Query: tc.query}
		if tc.vars != "" {
			v, err := pyjson.Decode([]byte(tc.vars))
			if err != nil {
				t.Fatal(err)
			}
			req.Variables = &v
		}
		got := executeAppend(t, cols, ctx, req)
		want := executeAppend(t, whole, ctx, req)
		if string(got.Body) != string(want.Body) {
			t.Errorf("%s\ncolumns  %s\ndocument %s", tc.query, got.Body, want.Body)
		}
		if strings.Contains(string(got.Body), `"errors"`) || len(rec.sql) == 0 {
			t.Errorf("%s: %s %q", tc.query, got.Body, rec.sql)
			continue
		}
		for _, sql := range rec.sql {
			if tc.sel == "" {
				if !strings.HasPrefix(sql, `SELECT "data"::text FROM`) {
					t.Errorf("%s: read columns instead of the document: %s", tc.query, sql)
				}
			} else if !strings.HasPrefix(sql, "SELECT "+tc.sel+"::text FROM") && !strings.Contains(tc.query, "b: users") {
				t.Errorf("%s:\ngot  %s\nwant SELECT %s::text FROM …", tc.query, sql, tc.sel)
			}
		}
	}
}
