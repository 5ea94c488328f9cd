package graphqlexec

import (
	"fmt"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
)

// TestFraiseQLScalarLiterals covers what the differential corpus
// (internal/rules' TestCorpus) cannot judge against graphql-core:
// literals refused by FraiseQL's UUID, DateTime and JSON scalars. The
// messages are schema.ParseScalarLiteral's (v1's parse_literal texts);
// v1 raises them as GraphQLError without a node, which graphql-core's
// ValuesOfCorrectTypeRule reports as raised: no locations. No golden
// records one of these exchanges.
func TestFraiseQLScalarLiterals(t *testing.T) {
	t.Parallel()
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
		// By default NOT takes an object literal (TestNotLiteral); v1.9.7's
		// JSON refusal is TestNotLiteral's v1 case.
		{`{ users(where: {NOT: {age: {eq: 1}}}) { id } }`, `[]`},
		{`{ users(where: {NOT: {age: {eq: "x"}}}) { id } }`, `["Int cannot represent non-integer value: \"x\"" [[1 33]]]`},
		{`{ users(where: {NOT: {agee: {eq: 1}}}) { id } }`, `["Field 'agee' is not defined by type 'UserWhereInput'. Did you mean 'age'?" [[1 23]]]`},
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

// validationError is one error as the tests print it: the message and
// [line, column] pairs.
type validationError struct {
	Message   string
	Locations [][]int
}

func (c validationError) String() string {
	return fmt.Sprintf("%q %v", c.Message, c.Locations)
}

// validationErrorsForTest is what a development request reports before
// execution: the syntax error, or the validation errors.
func (e *Engine) validationErrorsForTest(query string) []validationError {
	d := e.document(query)
	var errs []*gqlerr.Error
	if d.syntax != nil {
		errs = []*gqlerr.Error{d.syntax}
	} else {
		errs = e.validation(d, false)
	}
	out := []validationError{}
	for _, ge := range errs {
		c := validationError{Message: ge.Message, Locations: [][]int{}}
		for _, l := range ge.Locations {
			c.Locations = append(c.Locations, []int{l.Line, l.Column})
		}
		out = append(out, c)
	}
	return out
}
