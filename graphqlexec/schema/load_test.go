package schema

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const base = `schema @context(name: "tenant_id", default: "t") { query: Query }
type User @view(name: "v_user") { id: UUID firstName: String profile: Profile }
type Profile { bio: String }
`

// baseM is base with a mutation root.
var baseM = strings.Replace(base, "{ query: Query }", "{ query: Query mutation: Mutation }", 1)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string // each error's full text, in order
	}{
		{"read on embedded type", baseM + `type Query {
  profile: Profile @read
}
type Mutation { x(input: XIn!): R @function(name: "f") }
input XIn { a: Int }
type S @success { a: Int }
type E @error {}
union R = S | E
`, []string{`app.graphql:5:3: field "Query.profile": @read on a field returning "Profile", which has no @view`}},
		{"unknown directive and argument", `schema { query: Query }
type User @view(name: "v_user", table: "x") @cached { id: UUID }
type Query { users: [User] @read }
`, []string{
			`app.graphql:2:33: type "User": @view has no argument "table"`,
			`app.graphql:2:46: type "User": unknown directive @cached (the directives are @view, @success, @error, @read, @function, @subscribe, @context, @jsonb, @column, @stored, @deprecated)`,
		}},
		{"unknown type, bad identifier, undeclared context", `schema { query: Query }
type User @view(name: "v user") { id: Uuid }
type Query { users: [User] @read(scope: {tenant_id: "tenant"}) }
`, []string{
			`app.graphql:2:12: type "User": @view(name: "v user"): not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`,
			`app.graphql:2:35: field "User.id": unknown type "Uuid"`,
		}},
		{"a view name qualified more than once, or with a bad part", `schema { query: Query }
type User @view(name: "a.b.c") { id: UUID }
type Post @view(name: "app.v post") { id: UUID }
type Query { users: [User] @read posts: [Post] @read }
`, []string{
			`app.graphql:2:12: type "User": @view(name: "a.b.c"): not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`,
			`app.graphql:3:12: type "Post": @view(name: "app.v post"): not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`,
		}},
		{"undeclared context", `schema { query: Query }
type User @view(name: "v_user") { id: UUID }
type Query { users: [User] @read(scope: {tenant_id: "tenant"}) }
`, []string{`app.graphql:3:42: field "Query.users": @read scope uses context "tenant", which is not declared (declare it with @context on the schema)`}},
		{"session variable not a custom setting", `schema @context(name: "a", sessionVariable: "search_path") @context(name: "b", sessionVariable: "App.Tenant") @context(name: "c", sessionVariable: "app.x'y") { query: Query }
type User @view(name: "v_user") { id: UUID }
type Query { users: [User] @read }
`, []string{
			`app.graphql:1:9: schema: context "a": sessionVariable "search_path" must be a custom setting name like "app.tenant_id" (two parts of [a-z_][a-z0-9_]*)`,
			`app.graphql:1:61: schema: context "b": sessionVariable "App.Tenant" must be a custom setting name like "app.tenant_id" (two parts of [a-z_][a-z0-9_]*)`,
			`app.graphql:1:112: schema: context "c": sessionVariable "app.x'y" must be a custom setting name like "app.tenant_id" (two parts of [a-z_][a-z0-9_]*)`,
		}},
		{"read off the query root", base + `type Query { users: [User] @read }
type Other { u: User @read }
`, []string{`app.graphql:5:14: field "Other.u": @read belongs on fields of the query root "Query"`}},
		{"function without union", baseM + `type Query { users: [User] @read }
type Mutation { x(input: XIn!): User @function(name: "f", context: ["nope"]) }
input XIn { a: Int }
`, []string{
			`app.graphql:5:17: field "Mutation.x": @function needs a return type that is a union of one @success and one @error type; "User" is not a union`,
			`app.graphql:5:69: field "Mutation.x": @function context "nope" is not declared (declare it with @context on the schema)`,
		}},
		{"union of two success types", baseM + `type Query { users: [User] @read }
type Mutation { x(input: XIn!): R @function(name: "f") }
input XIn { a: Int }
type S @success { a: Int }
type T @success { a: Int }
union R = S | T
`, []string{`app.graphql:5:17: field "Mutation.x": @function needs a return type that is a union of one @success and one @error type; union "R" is not`}},
		{"duplicates", base + `type Query { users: [User] @read users: [User] @read }
type Profile { bio: String }
`, []string{
			`app.graphql:4:34: field "Query.users": declared twice`,
			`app.graphql:5:6: type "Profile" is declared twice (first at line 3)`,
		}},
		{"query field without read", base + `type Query { users: [User] }
`, []string{`app.graphql:4:14: field "Query.users": a query field needs @read (every root query field reads a view)`}},
		{"syntax error", `type Query {`, []string{`app.graphql:1:13: syntax error: Expected Name, found <EOF>.`}},
		// Fields are optional in SDL (graphql-core parses "type A @error");
		// the declaration is judged on what it says.
		{"no braces", "type A @error\ntype Query { a: Int }", []string{`app.graphql:2:14: field "Query.a": a query field needs @read (every root query field reads a view)`}},
		{"built-in redeclared", base + `type Query { users: [User] @read }
type Error { a: Int }
`, []string{`app.graphql:5:6: type "Error": Error is a built-in type and cannot be declared`}},
		{"unknown scalar", `scalar Money
schema { query: Query }
type Query { a: Int @read }
`, []string{
			`app.graphql:1:8: scalar "Money": unknown scalar; the scalars are Boolean, Date, DateTime, Decimal, Float, ID, Int, JSON, String, Time, UUID`,
		}},
		{"jsonb key not an identifier", base + `type Query { users: [User] @read }
type X @view(name: "v") { a: Int @jsonb(key: "a-b") }
`, []string{`app.graphql:5:35: field "X.a": @jsonb(key: "a-b"): not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)`}},
		{"generated arg declared", base + `type Query { users(limit: Int): [User] @read }
`, []string{`app.graphql:4:20: argument "Query.users(limit:)": limit is generated for list reads and cannot be declared`}},
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

func TestLoadDemoBindings(t *testing.T) {
	t.Parallel()
	s := loadDemo(t)
	q := s.Type("Query")
	users, user := q.Field("users"), q.Field("user")
	if b := users.Read; b == nil || b.View != "v_user" || b.DataColumn != "data" || b.Single || !b.HasWhere ||
		len(b.Scopes) != 1 || b.Scopes[0] != (Scope{Column: "tenant_id", Context: "tenant_id"}) {
		t.Fatalf("users binding = %+v", users.Read)
	}
	if b := user.Read; !b.Single || b.HasWhere || len(user.Args) != 1 || user.Args[0].Column != "id" {
		t.Fatalf("user binding = %+v args %+v", b, user.Args)
	}
	var names []string
	for _, a := range users.Args {
		names = append(names, a.Name+":"+a.Type.String())
	}
	if got := strings.Join(names, " "); got != "where:UserWhereInput orderBy:[UserOrderByInput] limit:Int offset:Int" {
		t.Fatalf("users args = %s", got)
	}
	fn := s.Type("Mutation").Field("createUser").Function
	if fn.Schema != "public" || fn.Name != "create_user" || fn.Success != "CreateUserSuccess" || fn.Error != "CreateUserError" ||
		fn.InputArg != "input" || len(fn.ContextArgs) != 1 {
		t.Fatalf("createUser binding = %+v", fn)
	}
	w := s.Type("PostWhereInput")
	if w.Generated != GeneratedWhere || w.GeneratedFor != "Post" || w.InputField("viewCount").JSONKey != "view_count" ||
		w.InputField("comments").Type.Named != "ArrayFilter" {
		t.Fatalf("PostWhereInput = %+v", w)
	}
	if o := s.Type("PostOrderByInput"); o.GeneratedFor != "Post" || o.InputField("author").Type.Named != "UserOrderByInput" {
		t.Fatalf("PostOrderByInput = %+v", o)
	}
	c := s.Context("tenant_id")
	if c == nil || c.Claim != "tenant_id" || c.PgType != "uuid" || *c.Default != "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" {
		t.Fatalf("context = %+v", c)
	}
	if f := s.Type("UpdatePostError").Field("code"); f == nil || !f.Auto {
		t.Fatalf("UpdatePostError.code = %+v", f)
	}
}

func TestCasing(t *testing.T) {
	t.Parallel()
	// Expected values computed with FraiseQL v1's functions in Python.
	snake := map[string]string{"firstName": "first_name", "id": "id", "HTTPTimeout": "http_timeout", "dns1Id": "dns1_id",
		"userID": "user_id", "_private": "_private", "__typename": "__typename", "ABC": "abc", "aB": "a_b", "a1B2": "a1_b2",
		"getHTTPResponseCode": "get_http_response_code", "AbcDEFGhi": "abc_def_ghi", "phone1": "phone1"}
	for in, want := range snake {
		if got := SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
	camel := map[string]string{"user_name": "userName", "": "", "_private": "_private", "_user_name": "_userName",
		"user_name_": "userName", "user__name": "userName", "address_line_1": "addressLine1", "dns_1": "dns1",
		"__typename": "__typename", "user_123_id": "user123Id", "already": "already"}
	for in, want := range camel {
		if got := CamelCase(in); got != want {
			t.Errorf("CamelCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzLoad: the loader reads files users write by hand; it must never
// panic, and a schema it accepts has its query root.
func FuzzLoad(f *testing.F) {
	demo, err := os.ReadFile("../../examples/blog/app.graphql")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add([]byte(base + "type Query { users: [User] @read }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Load("fuzz.graphql", src)
		if err != nil {
			return
		}
		// A loaded schema has its query root.
		if q := s.Type(s.Query); q == nil || q.Kind != KindObject {
			t.Fatalf("loaded without a query root: %q", s.Query)
		}
	})
}

func TestContextSessionVariable(t *testing.T) {
	t.Parallel()
	s, err := Load("app.graphql", []byte(`schema @context(name: "tenant_id", claim: "tid", type: "uuid", sessionVariable: "app.tenant_id") @context(name: "user_id", claim: "sub") { query: Query }
type User @view(name: "v_user") { id: UUID }
type Query { users: [User] @read(scope: {tenant_id: "tenant_id"}) }
`))
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Context("tenant_id"); c == nil || c.SessionVariable != "app.tenant_id" || c.Claim != "tid" {
		t.Fatalf("tenant_id = %+v", c)
	}
	if c := s.Context("user_id"); c == nil || c.SessionVariable != "" {
		t.Fatalf("user_id = %+v", c)
	}
}

func loadDemo(t testing.TB) *Schema {
	t.Helper()
	s, err := LoadFile("../../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
