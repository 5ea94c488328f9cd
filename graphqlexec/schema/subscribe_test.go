package schema

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const subBase = `schema @context(name: "tenant_id", default: "t") { query: Query }
type Post @view(name: "v_post") { id: UUID title: String @column(name: "title") author: Author }
type Author { name: String }
type Query { posts: [Post] @read }
`

func TestSubscribeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"list return type", subBase + `type Subscription { postsUpdated: [Post] @subscribe }
`, []string{`app.graphql:5:21: field "Subscription.postsUpdated": a subscription returns one object per event, not a list ([Post])`}},
		{"no view", subBase + `type Subscription { authorUpdated: Author @subscribe }
`, []string{`app.graphql:5:21: field "Subscription.authorUpdated": @subscribe on a field returning "Author", which has no @view: give the type @view(name:) or name the view with @subscribe(view:)`}},
		{"bad view name", subBase + `type Subscription { postUpdated: Post @subscribe(view: "v post") }
`, []string{`app.graphql:5:40: field "Subscription.postUpdated": @subscribe(view: "v post"): not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`}},
		{"argument that is not a column", subBase + `type Subscription { postUpdated(id: UUID, body: String): Post @subscribe }
`, []string{`app.graphql:5:43: argument "Subscription.postUpdated(body:)": not a column: "Post" has no field "body" with @column(name:), and "body" is not the id column "id"; name the view column with @column(name:) on the argument`}},
		{"where declared, list and input arguments", subBase + `input I { a: Int }
type Subscription { postUpdated(where: String, ids: [UUID], i: I): Post @subscribe }
`, []string{
			`app.graphql:6:33: argument "Subscription.postUpdated(where:)": where is generated for subscription fields and cannot be declared`,
			`app.graphql:6:48: argument "Subscription.postUpdated(ids:)": a subscription argument compares one view column with one value, not a list`,
			`app.graphql:6:61: argument "Subscription.postUpdated(i:)": a subscription argument compares one view column with one value, not an input object`,
		}},
		{"operations", subBase + `type Subscription { postUpdated: Post @subscribe(operations: ["DELETE", "UPSERT", "UPDATE", "UPDATE"]) }
`, []string{
			`app.graphql:5:63: field "Subscription.postUpdated": @subscribe operations: DELETE cannot be followed: the row is gone and cannot be read back under the subscriber's context`,
			`app.graphql:5:73: field "Subscription.postUpdated": @subscribe operations: unknown operation "UPSERT" (the operations are "INSERT" and "UPDATE")`,
			`app.graphql:5:93: field "Subscription.postUpdated": @subscribe operations: "UPDATE" is listed twice`,
		}},
		{"undeclared context, bad entity", subBase + `type Subscription { postUpdated: Post @subscribe(entity: "a-b", scope: {tenant_id: "tenant"}) }
`, []string{`app.graphql:5:40: field "Subscription.postUpdated": @subscribe(entity: "a-b"): the entity is the name given to fraiseql_notify_install, a GraphQL type name of at most 63 characters`}},
		{"scope context undeclared", subBase + `type Subscription { postUpdated: Post @subscribe(scope: {tenant_id: "tenant"}) }
`, []string{`app.graphql:5:58: field "Subscription.postUpdated": @subscribe scope uses context "tenant", which is not declared (declare it with @context on the schema)`}},
		{"field without @subscribe, @subscribe elsewhere, @read on a subscription", subBase + `type Subscription { a: Post b: Post @read }
type Other { c: Post @subscribe }
`, []string{
			`app.graphql:5:21: field "Subscription.a": a subscription field needs @subscribe (every subscription follows the change events of a view's rows)`,
			`app.graphql:5:29: field "Subscription.b": @read belongs on fields of the query root "Query"`,
			`app.graphql:6:14: field "Other.c": @subscribe belongs on fields of the subscription root (a type named Subscription)`,
		}},
		{"root shared with the query", `schema @context(name: "tenant_id", default: "t") { query: Query subscription: Query }
type Post @view(name: "v_post") { id: UUID }
type Query { posts: [Post] @read }
`, []string{`app.graphql:1:1: schema: the subscription root must be a type of its own`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("app.graphql", []byte(tc.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("err = %v, want an ErrorList", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestSubscribeBinding(t *testing.T) {
	t.Parallel()
	s, err := Load("app.graphql", []byte(subBase+`type Subscription {
  postUpdated(id: UUID, title: String): Post @subscribe(scope: {tenant_id: "tenant_id"}, operations: ["UPDATE"])
  postById(postId: UUID @column(name: "id")): Post @subscribe(entity: "Article", idColumn: "id", view: "app.v_post_live")
}
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Subscription != "Subscription" {
		t.Fatalf("Subscription root = %q", s.Subscription)
	}
	f := s.Type("Subscription").Field("postUpdated")
	if f.Subscribe.Entity != "Post" || f.Subscribe.IDColumn != "id" || !slices.Equal(f.Subscribe.Operations, []string{"UPDATE"}) {
		t.Fatalf("binding = %+v", f.Subscribe)
	}
	if r := f.Read; r == nil || r.View != "v_post" || !r.Single || !r.HasWhere || r.HasOrderBy || len(r.Scopes) != 1 || r.Scopes[0] != (Scope{"tenant_id", "tenant_id"}) {
		t.Fatalf("read = %+v", f.Read)
	}
	var cols, names []string
	for _, a := range f.Args {
		names = append(names, a.Name+":"+a.Type.String())
		cols = append(cols, a.Column)
	}
	if !slices.Equal(names, []string{"id:UUID", "title:String", "where:PostWhereInput"}) || !slices.Equal(cols, []string{"id", "title", ""}) {
		t.Fatalf("args = %v columns = %v", names, cols)
	}
	g := s.Type("Subscription").Field("postById")
	if g.Subscribe.Entity != "Article" || g.Read.View != "app.v_post_live" || !slices.Equal(g.Subscribe.Operations, []string{"INSERT", "UPDATE"}) || g.Args[0].Column != "id" {
		t.Fatalf("postById = %+v %+v", g.Subscribe, g.Read)
	}
	// The subscription root is in the type list (introspection) and named
	// as the root (the validator's).
	if s.Type("Subscription") == nil || s.Subscription != "Subscription" {
		t.Fatal("the subscription root is missing from the type list or not the root")
	}
}

// A declaration in several files: types used across files, errors located
// in the file they are in, a syntax error blamed on its own file.
func TestLoadSources(t *testing.T) {
	t.Parallel()
	app := Source{Name: "app.graphql", Body: []byte(subBase)}
	subs := Source{Name: "subs.graphql", Body: []byte("# subscriptions\ntype Subscription {\n  postUpdated(id: UUID): Post @subscribe\n}\n")}
	s, err := LoadSources(app, subs)
	if err != nil {
		t.Fatal(err)
	}
	if s.File != "app.graphql,subs.graphql" || s.Type("Subscription").Field("postUpdated").Subscribe == nil {
		t.Fatalf("File = %q", s.File)
	}
	bad := Source{Name: "subs.graphql", Body: []byte("\ntype Subscription {\n  postUpdated(nope: Int): Post @subscribe\n}\n")}
	_, err = LoadSources(app, bad)
	if err == nil || !strings.HasPrefix(err.Error(), `subs.graphql:3:15: argument "Subscription.postUpdated(nope:)": not a column`) {
		t.Fatalf("err = %v", err)
	}
	unclosed := Source{Name: "app.graphql", Body: []byte(subBase + "type X {\n")}
	_, err = LoadSources(unclosed, subs)
	if err == nil || !strings.HasPrefix(err.Error(), "app.graphql:") || strings.Contains(err.Error(), "subs.graphql") {
		t.Fatalf("err = %v", err)
	}
	if _, err := LoadFiles("testdata/does-not-exist.graphql"); err == nil {
		t.Fatal("a missing file loaded")
	}
}
