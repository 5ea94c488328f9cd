package graphqlexec

import (
	"fmt"
	"testing"
)

// TestFraiseQLScalarLiterals covers what the differential test leaves out:
// literals refused by FraiseQL's UUID, DateTime and JSON scalars. The
// messages are schema.ParseScalarLiteral's (v1's parse_literal texts);
// v1 raises them as GraphQLError without a node, which graphql-core's
// ValuesOfCorrectTypeRule reports as raised: no locations. No golden
// records one of these exchanges.
func TestFraiseQLScalarLiterals(t *testing.T) {
	e, err := New(loadBlog(t), &fakeDB{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ doc, want string }{
		{`{ user(id: 5) { id } }`, `["UUID cannot represent non-string literal: '5'" []]`},
		{`{ user(id: "not-a-uuid") { id } }`, `["Invalid UUID string provided: 'not-a-uuid'" []]`},
		{`{ user(id: ["11111111-1111-4111-8111-111111111101"]) { id } }`, `["UUID cannot represent non-string literal: None" []]`},
		{`{ user(id: {a: 1}) { id } }`, `["UUID cannot represent non-string literal: None" []]`},
		{`{ user(id: null) { id } }`, `[]`},
		{`{ user(id: "11111111-1111-4111-8111-111111111101") { id } }`, `[]`},
		{`{ users(where: {createdAt: {eq: 5}}) { id } }`, `["DateTime cannot represent non-string literal: '5'" []]`},
		{`{ users(where: {NOT: {age: {eq: 1}}}) { id } }`, `["Use a String literal containing JSON, not GraphQL object notation" []]`},
		{`{ users(where: {NOT: 5}) { id } }`, `[]`},
		{`mutation { updatePost(input: {id: 5}) { __typename } }`, `["UUID cannot represent non-string literal: '5'" []]`},
		{`mutation { updatePost(input: {id: null}) { __typename } }`, `["Expected value of type 'UUID!', found null." [[1 35]]]`},
		{`query Q($id: UUID = 5) { user(id: $id) { id } }`, `["UUID cannot represent non-string literal: '5'" []]`},
	}
	for _, tc := range tests {
		if got := fmt.Sprint(e.validationErrorsForTest(tc.doc)); got != tc.want {
			t.Errorf("%s\ngot  %s\nwant %s", tc.doc, got, tc.want)
		}
	}
}
