package schema

import (
	"errors"
	"strings"
	"testing"
)

// TestFieldColumn: @column(name:) on a scalar field of a @view type is
// kept on the field and reachable from the generated where and orderBy
// inputs; elsewhere it is a load error.
func TestFieldColumn(t *testing.T) {
	t.Parallel()
	s, err := Load("app.graphql", []byte(`schema { query: Query }
type User @view(name: "v_user") { id: UUID @column(name: "id") age: Int @column(name: "user_age") tags: [String] profile: Profile @column(name: "profile") }
type Profile { bio: String }
type Query { users: [User] @read }
`))
	if err != nil {
		t.Fatal(err)
	}
	age := s.Type("User").Field("age")
	if age.Column != "user_age" {
		t.Fatalf("User.age column = %q", age.Column)
	}
	for _, in := range []string{"UserWhereInput", "UserOrderByInput"} {
		f := s.Type(in).InputField("age")
		if f == nil || f.Source != age {
			t.Fatalf("%s.age does not point at User.age: %+v", in, f)
		}
	}
	if c := s.Type("User").Field("profile").Column; c != "profile" {
		t.Fatalf("User.profile column = %q (an object's column holds its embedded document)", c)
	}
	if f := s.Type("ProfileWhereInput").InputField("bio"); f == nil || f.Source != s.Type("Profile").Field("bio") {
		t.Fatalf("ProfileWhereInput.bio has no source")
	}

	bad := []struct{ src, want string }{
		{`type Emb { bio: String @column(name: "bio") } type Y @view(name: "v_y") { e: Emb }`, `field "Emb.bio": @column belongs on fields of types with @view`},
		{`type X @view(name: "v_x") { tags: [String] @column(name: "tags") }`, `field "X.tags": @column is for scalar, enum and object fields; a list`},
		{`type X @view(name: "v_x") { ps: [Profile] @column(name: "ps") }`, `field "X.ps": @column is for scalar, enum and object fields; a list`},
		{`type X @view(name: "v_x") { a: Int @column(name: "a b") }`, `not a plain identifier`},
	}
	for _, tc := range bad {
		_, err := Load("app.graphql", []byte(`schema { query: Query }
type Profile { bio: String }
type Query { xs: [User] @read }
type User @view(name: "v_user") { id: UUID }
`+tc.src+"\n"))
		var list ErrorList
		if !errors.As(err, &list) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.src, err, tc.want)
		}
	}
}
