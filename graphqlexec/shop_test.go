package graphqlexec

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/testdb"
)

// TestShopExample is docs/schema.md's "A complete small app": the shop's
// SQL loaded into an empty database, its declaration checked against it,
// and the requests the page shows answered with the bytes it shows.
func TestShopExample(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sql, err := os.ReadFile("../examples/shop/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn := testdb.Scratch(t, "fraiseql_test_shop", string(sql)).Connect(t)
	// The page shows both files whole: they must stay the files.
	doc, err := os.ReadFile("../docs/schema.md")
	if err != nil {
		t.Fatal(err)
	}
	decl, err := os.ReadFile("../examples/shop/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	for file, body := range map[string][]byte{"schema.sql": sql, "app.graphql": decl} {
		if !bytes.Contains(doc, body) {
			t.Errorf("docs/schema.md does not show examples/shop/%s as it is", file)
		}
	}
	s, err := schema.LoadFile("../examples/shop/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	findings, err := check.Run(ctx, s, conn)
	if err != nil || len(findings) > 0 {
		t.Fatalf("check: %v %v", findings, err)
	}
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ query, want string }{
		{`{ products(where: {price: {gt: 20}}, orderBy: [{price: ASC}]) { name price } }`,
			`{"data":{"products":[{"__typename":"Product","name":"Teapot","price":24.5},{"__typename":"Product","name":"Kettle","price":100.0}]}}`},
		{`{ products(where: {tags: {contains: ["tea"]}, inStock: {eq: true}}) { name tags } }`,
			`{"data":{"products":[{"__typename":"Product","name":"Teapot","tags":["kitchen","tea"]},{"__typename":"Product","name":"Tea sampler","tags":["tea"]}]}}`},
		{`{ product(id: "00000000-0000-4000-8000-000000000002") { name price inStock createdAt } }`,
			`{"data":{"product":{"__typename":"Product","createdAt":"2025-03-02T10:00:00Z","inStock":true,"name":"Mug","price":8.0}}}`},
		{`mutation { createProduct(input: {name: "", price: 3}) { ... on CreateProductSuccess { product { name } } ... on CreateProductError { code status message } } }`,
			`{"data":{"createProduct":{"__typename":"CreateProductError","code":422,"message":"A product needs a name","status":"validation:name_required"}}}`},
		{`mutation { createProduct(input: {name: "Spoon", price: 3.5, tags: ["kitchen"]}) { ... on CreateProductSuccess { status product { name price tags } } ... on CreateProductError { code status message } } }`,
			`{"data":{"createProduct":{"__typename":"CreateProductSuccess","product":{"__typename":"Product","name":"Spoon","price":3.5,"tags":["kitchen"]},"status":"created"}}}`},
		{`{ products(where: {name: {eq: "Spoon"}}) { price } }`,
			`{"data":{"products":[{"__typename":"Product","price":3.5}]}}`},
	} {
		got := executeAppend(t, e, ctx, &Request{Query: tt.query})
		if string(got.Body) != tt.want {
			t.Errorf("%s\ngot  %s\nwant %s", tt.query, got.Body, tt.want)
		}
	}
}
