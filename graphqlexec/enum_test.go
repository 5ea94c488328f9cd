package graphqlexec

import (
	"context"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

var shirtSetup = []string{
	`CREATE TABLE tb_shirt (id int PRIMARY KEY, size text, sizes text[])`,
	`CREATE VIEW v_shirt AS SELECT id, jsonb_build_object('id', id, 'size', size, 'sizes', to_jsonb(sizes)) AS data, size FROM tb_shirt`,
	`INSERT INTO tb_shirt VALUES (1, 'small', '{small,large}'), (2, 'large', '{large}'), (3, 'XL', '{}')`,
	`CREATE FUNCTION make_shirt(input jsonb) RETURNS mutation_response LANGUAGE sql AS $$
	   SELECT ROW(CASE WHEN input->>'size' IN ('small', 'large') THEN 'created' ELSE 'validation:bad_size' END,
	              input::text, NULL, 'Shirt', NULL, NULL, NULL, NULL)::mutation_response $$`,
}

const shirtDecl = `enum Size {
  SMALL @stored(value: "small")
  LARGE @stored(value: "large")
}
type MakeShirtSuccess @success { shirt: Shirt }
type MakeShirtError @error {}
union MakeShirtResult = MakeShirtSuccess | MakeShirtError
input ShirtInput { size: Size sizes: [Size] }
type Shirt @view(name: "v_shirt") {
  id: Int
  size: Size
  sizes: [Size]
}
type Query {
  shirts: [Shirt] @read
  shirt(size: Size): Shirt @read
}
type Mutation {
  makeShirt(input: ShirtInput!): MakeShirtResult @function(name: "make_shirt")
}
`

// TestEnumStoredValues: an enum value's name is what clients see, its
// @stored value what the database holds: reads serve a stored value as its
// name (a value the enum does not hold is a field error), arguments and
// mutation inputs are sent as the stored value, where filters on an enum
// field compare the stored value (v1's StringFilter); under --quirks
// v1.9.7 reads copy the stored value (quirk 3), inputs are still mapped.
func TestEnumStoredValues(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t, shirtSetup...)
	s, err := schema.Load("app.graphql", []byte(shirtDecl))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if f, err := check.Run(ctx, s, conn); err != nil || len(f) > 0 {
		t.Fatalf("check: %v %v", f, err)
	}
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := New(s, conn, Config{Environment: Production, Quirks: QuirksV197})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		e                 *Engine
		query, vars, want string
	}{
		{e, `{ shirts(where: {id: {lte: 2}}, orderBy: [{id: ASC}]) { id size sizes } }`, ``,
			`{"data":{"shirts":[{"__typename":"Shirt","id":1,"size":"SMALL","sizes":["SMALL","LARGE"]},{"__typename":"Shirt","id":2,"size":"LARGE","sizes":["LARGE"]}]}}`},
		{e, `{ shirts(where: {id: {eq: 3}}) { size } }`, ``,
			`{"data":{"shirts":[{"__typename":"Shirt","size":null}]},"errors":[{"message":"Enum 'Size' cannot represent value: 'XL'","locations":[{"line":1,"column":34}],"path":["shirts",0,"size"]}]}`},
		{e, `{ shirt(size: LARGE) { id } }`, ``, `{"data":{"shirt":{"__typename":"Shirt","id":2}}}`},
		{e, `query($s: Size) { shirt(size: $s) { id } }`, `{"s": "SMALL"}`, `{"data":{"shirt":{"__typename":"Shirt","id":1}}}`},
		{e, `query($s: Size) { shirt(size: $s) { id } }`, `{"s": "small"}`,
			`{"errors":[{"message":"Variable '$s' got invalid value 'small'; Value 'small' does not exist in 'Size' enum. Did you mean 'SMALL'?","locations":[{"line":1,"column":7}]}]}`},
		{e, `{ shirts(where: {size: {eq: "large"}}) { id } }`, ``, `{"data":{"shirts":[{"__typename":"Shirt","id":2}]}}`},
		{e, `mutation { makeShirt(input: {size: SMALL, sizes: [LARGE, SMALL]}) { ... on MakeShirtSuccess { status message } ... on MakeShirtError { status } } }`, ``,
			`{"data":{"makeShirt":{"__typename":"MakeShirtSuccess","message":"{\"size\": \"small\", \"sizes\": [\"large\", \"small\"]}","status":"created"}}}`},
		{e, `mutation($i: ShirtInput!) { makeShirt(input: $i) { ... on MakeShirtSuccess { message } } }`, `{"i": {"size": "LARGE"}}`,
			`{"data":{"makeShirt":{"__typename":"MakeShirtSuccess","message":"{\"size\": \"large\", \"sizes\": null}"}}}`},
		{v1, `{ shirts(where: {id: {eq: 1}}) { size sizes } }`, ``,
			`{"data":{"shirts":[{"__typename":"Shirt","size":"small","sizes":["small","large"]}]}}`},
		{v1, `{ shirt(size: LARGE) { id } }`, ``, `{"data":{"shirt":{"__typename":"Shirt","id":2}}}`},
	} {
		req := &Request{Query: tt.query}
		if tt.vars != "" {
			req.Variables = vars(t, tt.vars)
		}
		if got := executeAppend(t, tt.e, ctx, req); string(got.Body) != tt.want {
			t.Errorf("%s %s\ngot  %s\nwant %s", tt.query, tt.vars, got.Body, tt.want)
		}
	}
}

func TestEnumStoredLoadErrors(t *testing.T) {
	t.Parallel()
	_, err := schema.Load("app.graphql", []byte(`enum Size { SMALL @stored(value: "s") LARGE @stored(value: "s") TINY @stored }
type Query { a: [T] @read }
type T @view(name: "v") { size: Size }
`))
	want := `app.graphql:1:39: enum value "Size.LARGE": stored value "s" is already Size.SMALL's
app.graphql:1:71: enum value "Size.TINY": @stored needs the argument "value"`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}
