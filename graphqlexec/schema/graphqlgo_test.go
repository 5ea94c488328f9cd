package schema

import (
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/parser"
)

// TestGraphQLValidation checks that the graphql-go schema accepts what v1
// accepts and flags what v1 flags, for the shapes the goldens exercise.
func TestGraphQLValidation(t *testing.T) {
	s := loadDemo(t)
	gs := s.GraphQL()
	if gs != s.GraphQL() {
		t.Fatal("GraphQL() is not cached")
	}
	tests := []struct {
		name  string
		query string
		valid bool
	}{
		{"list read with generated args", `{ users(where: {role: {in: ["admin"]}, age: {lt: 30}}, orderBy: [{role: ASC}, {score: DESC}], limit: 3, offset: 1) { id firstName profile { bio } } }`, true},
		{"single read", `{ user(id: "11111111-1111-4111-8111-111111111105") { displayName } }`, true},
		{"uuid literal not a uuid", `{ user(id: "nope") { displayName } }`, false},
		{"uuid literal an int", `{ user(id: 5) { displayName } }`, false},
		{"JSON NOT as object literal", `{ users(where: {NOT: {isActive: {eq: true}}}) { id } }`, false},
		{"JSON NOT as string literal", `{ users(where: {NOT: "{\"isActive\": {\"eq\": true}}"}) { id } }`, true},
		{"nested where on embedded list", `{ posts(where: {comments: {lenGt: 1}, author: {displayName: {eq: "x"}}}) { title } }`, true},
		{"unknown field", `{ users { nope } }`, false},
		{"mutation with union result", `mutation { createUser(input: {email: "a@b.c", firstName: "A"}) { __typename ... on CreateUserSuccess { user { id } updatedFields } ... on CreateUserError { code errors { identifier details } } } }`, true},
		{"mutation missing input", `mutation { createUser { __typename } }`, false},
		{"variables", `query Q($w: UserWhereInput, $id: UUID!) { users(where: $w) { id } user(id: $id) { id } }`, true},
		{"introspection", `{ __schema { types { name } } __type(name: "User") { name } }`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parser.Parse(parser.ParseParams{Source: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			res := graphql.ValidateDocument(gs, doc, nil)
			if res.IsValid != tc.valid {
				t.Fatalf("valid = %v, want %v (errors %v)", res.IsValid, tc.valid, res.Errors)
			}
		})
	}
}
