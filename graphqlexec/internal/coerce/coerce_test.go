package coerce

import (
	"strconv"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// TestVariables: messages and locations as graphql-core 3.2.8's
// get_variable_values gives them (recorded with python3), and UUIDs in
// Python's str(uuid.UUID(…)) form.
func TestVariables(t *testing.T) {
	t.Parallel()
	s, err := schema.LoadFile("../../../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	l, err := document.NewLimits(0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	body := `query($n: Int!, $id: UUID) { users(limit: $n) { id } user(id: $id) { id } }`
	d, gerr := document.Parse(body, &l)
	if gerr != nil {
		t.Fatal(gerr)
	}
	op := d.AST.Definitions[0].(*language.OperationDefinition)
	c := New(s)
	for _, tc := range []struct{ vars, want string }{
		{`{}`, `Variable '$n' of required type 'Int!' was not provided. 1:7`},
		{`{"n": null}`, `Variable '$n' of non-null type 'Int!' must not be null. 1:7`},
		{`{"n": "x"}`, `Variable '$n' got invalid value 'x'; Int cannot represent non-integer value: 'x' 1:7`},
	} {
		v, err := pyjson.Decode([]byte(tc.vars))
		if err != nil {
			t.Fatal(err)
		}
		_, errs := c.Variables(op, d.Body, &v)
		if len(errs) != 1 {
			t.Fatalf("%s: %d errors", tc.vars, len(errs))
		}
		got := errs[0].Message
		for _, l := range errs[0].Locations {
			got += " " + strconv.Itoa(l.Line) + ":" + strconv.Itoa(l.Column)
		}
		if got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.vars, got, tc.want)
		}
	}
	v, err := pyjson.Decode([]byte(`{"n": 2, "id": "{AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA}"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, errs := c.Variables(op, d.Body, &v)
	if len(errs) != 0 {
		t.Fatal(errs[0].Message)
	}
	if id := out["id"]; id.Str != "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" {
		t.Errorf("id coerced to %+v", id)
	}
	if n := out["n"]; n.Kind != pyjson.Int || n.Num != "2" {
		t.Errorf("n coerced to %+v", n)
	}
}
