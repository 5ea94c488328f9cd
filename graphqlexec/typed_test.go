package graphqlexec

import (
	"context"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Rows of testdata/typed.graphql's Gadget that break their declared types
// in every way a stored document can.
const (
	gadgetOK      = "00000000-0000-4000-8000-000000000001"
	gadgetMissing = "00000000-0000-4000-8000-000000000002"
	gadgetNull    = "00000000-0000-4000-8000-000000000003"
	gadgetHuge    = "00000000-0000-4000-8000-000000000004"
	gadgetEnum    = "00000000-0000-4000-8000-000000000005"
	gadgetNested  = "00000000-0000-4000-8000-000000000006"
	gadgetItems   = "00000000-0000-4000-8000-000000000007"
)

var gadgetSetup = []string{
	`CREATE SCHEMA app`,
	`CREATE TABLE tb_gadget (id uuid PRIMARY KEY, data jsonb NOT NULL)`,
	`CREATE VIEW app.v_gadget AS SELECT id, data FROM tb_gadget`,
	`INSERT INTO tb_gadget VALUES
	('` + gadgetOK + `', '{"id": "` + gadgetOK + `", "name": "ok", "nickname": "k", "count": 5, "weight": 1.50, "color": "RED", "colors": ["RED", "GREEN"], "tags": ["a"], "spec": {"maker": "m", "size": 2}, "extra": {"big": 123456789012345678901234567890, "pi": 3.14159265358979323846264338327950288, "n": null}}'),
	('` + gadgetMissing + `', '{"id": "` + gadgetMissing + `", "name": "missing", "tags": []}'),
	('` + gadgetNull + `', '{"id": "` + gadgetNull + `", "name": null, "nickname": "n", "tags": []}'),
	('` + gadgetHuge + `', '{"id": "` + gadgetHuge + `", "name": "huge", "count": 3000000000, "weight": 1e400, "tags": [], "extra": 18446744073709551617}'),
	('` + gadgetEnum + `', '{"id": "` + gadgetEnum + `", "name": "enum", "color": "red", "colors": ["GREEN", "blue"], "tags": []}'),
	('` + gadgetNested + `', '{"id": "` + gadgetNested + `", "name": "nested", "tags": ["x", null], "spec": {"size": 2147483648}}'),
	('` + gadgetItems + `', '{"id": "` + gadgetItems + `", "name": "items", "tags": ["y"], "colors": ["RED", null, "GREEN"], "count": 7.0}')`,
}

func gadgetEngines(t *testing.T) (typed, v1 *Engine) {
	t.Helper()
	conn, _ := freshDB(t, gadgetSetup...)
	s, err := schema.LoadFile("testdata/typed.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if typed, err = New(s, conn, Config{Environment: Production}); err != nil {
		t.Fatal(err)
	}
	if v1, err = New(s, conn, Config{Environment: Production, Quirks: QuirksV197}); err != nil {
		t.Fatal(err)
	}
	return typed, v1
}

// TestTypedResults: stored documents completed with their declared types
// as graphql-core executes them, against rows of a database of the test's
// own; under --quirks v1.9.7 the same rows come out as v1 wrote them.
func TestTypedResults(t *testing.T) {
	t.Parallel()
	typed, v1 := gadgetEngines(t)
	const all = `{ id name nickname count weight color colors tags spec { maker size } extra }`
	one := func(id string) string { return `{ gadget(id: "` + id + `") ` + all + ` }` }
	strictOne := func(id string) string { return `{ strictGadget(id: "` + id + `") ` + all + ` }` }
	cases := []struct {
		name, query, want, wantV1 string
	}{
		{"a row that matches its types; numbers keep their exact value",
			one(gadgetOK),
			`{"data":{"gadget":{"__typename":"Gadget","color":"RED","colors":["RED","GREEN"],"count":5,"extra":{"big":123456789012345678901234567890,"n":null,"pi":3.14159265358979323846264338327950288},"id":"` + gadgetOK + `","name":"ok","nickname":"k","spec":{"__typename":"Spec","maker":"m","size":2},"tags":["a"],"weight":1.5}}}`,
			`{"data":{"gadget":{"__typename":"Gadget","color":"RED","colors":["RED","GREEN"],"count":5,"extra":{"big":1.2345678901234568e+29,"n":null,"pi":3.141592653589793},"id":"` + gadgetOK + `","name":"ok","nickname":"k","spec":{"__typename":"Spec","maker":"m","size":2},"tags":["a"],"weight":1.5}}}`},
		{"missing keys are null",
			one(gadgetMissing),
			`{"data":{"gadget":{"__typename":"Gadget","color":null,"colors":null,"count":null,"extra":null,"id":"` + gadgetMissing + `","name":"missing","nickname":null,"spec":null,"tags":[],"weight":null}}}`,
			`{"data":{"gadget":{"__typename":"Gadget","id":"` + gadgetMissing + `","name":"missing","tags":[]}}}`},
		{"a null String! nulls the nullable root",
			one(gadgetNull),
			`{"data":{"gadget":null},"errors":[{"message":"Cannot return null for non-nullable field Gadget.name.","locations":[{"line":1,"column":59}],"path":["gadget","name"]}]}`,
			`{"data":{"gadget":{"__typename":"Gadget","id":"` + gadgetNull + `","name":null,"nickname":"n","tags":[]}}}`},
		{"a null String! under a non-null root nulls the data",
			strictOne(gadgetNull),
			`{"data":null,"errors":[{"message":"Cannot return null for non-nullable field Gadget.name.","locations":[{"line":1,"column":65}],"path":["strictGadget","name"]}]}`,
			`{"data":{"strictGadget":{"__typename":"Gadget","id":"` + gadgetNull + `","name":null,"nickname":"n","tags":[]}}}`},
		{"a miss of a non-null root nulls the data",
			strictOne("00000000-0000-4000-8000-0000000000ff"),
			`{"data":null,"errors":[{"message":"Cannot return null for non-nullable field Query.strictGadget.","locations":[{"line":1,"column":3}],"path":["strictGadget"]}]}`,
			`{"data":{"strictGadget":null}}`},
		{"Int beyond 32 bits is a field error; 1e400 and 2^64+1 are kept",
			one(gadgetHuge),
			`{"data":{"gadget":{"__typename":"Gadget","color":null,"colors":null,"count":null,"extra":18446744073709551617,"id":"` + gadgetHuge + `","name":"huge","nickname":null,"spec":null,"tags":[],"weight":1` + strings.Repeat("0", 400) + `}},"errors":[{"message":"Int cannot represent non 32-bit signed integer value: 3000000000","locations":[{"line":1,"column":73}],"path":["gadget","count"]}]}`,
			`{"data":{"gadget":{"__typename":"Gadget","count":3000000000,"extra":1.8446744073709552e+19,"id":"` + gadgetHuge + `","name":"huge","tags":[],"weight":null}}}`},
		{"enum values by their names; a stored value that is no name is an error",
			one(gadgetEnum),
			`{"data":{"gadget":{"__typename":"Gadget","color":null,"colors":null,"count":null,"extra":null,"id":"` + gadgetEnum + `","name":"enum","nickname":null,"spec":null,"tags":[],"weight":null}},"errors":[{"message":"Enum 'Color' cannot represent value: 'red'","locations":[{"line":1,"column":86}],"path":["gadget","color"]},{"message":"Enum 'Color' cannot represent value: 'blue'","locations":[{"line":1,"column":92}],"path":["gadget","colors",1]}]}`,
			`{"data":{"gadget":{"__typename":"Gadget","color":"red","colors":["GREEN","blue"],"id":"` + gadgetEnum + `","name":"enum","tags":[]}}}`},
		{"nested: a null in [String!]! and a missing String! of an embedded object",
			one(gadgetNested),
			`{"data":{"gadget":null},"errors":[{"message":"Cannot return null for non-nullable field Gadget.tags.","locations":[{"line":1,"column":99}],"path":["gadget","tags",1]}]}`,
			`{"data":{"gadget":{"__typename":"Gadget","id":"` + gadgetNested + `","name":"nested","spec":{"__typename":"Spec","size":2147483648},"tags":["x",null]}}}`},
		{"errors in selection order: the embedded object's before the failing tags",
			`{ gadget(id: "` + gadgetNested + `") { spec { maker size } tags } }`,
			`{"data":{"gadget":null},"errors":[{"message":"Cannot return null for non-nullable field Spec.maker.","locations":[{"line":1,"column":63}],"path":["gadget","spec","maker"]},{"message":"Cannot return null for non-nullable field Gadget.tags.","locations":[{"line":1,"column":76}],"path":["gadget","tags",1]}]}`,
			`{"data":{"gadget":{"__typename":"Gadget","spec":{"__typename":"Spec","size":2147483648},"tags":["x",null]}}}`},
		{"a null in [Color!] nulls the list; an integral float is an Int",
			`{ gadget(id: "` + gadgetItems + `") { colors count } }`,
			`{"data":{"gadget":{"__typename":"Gadget","colors":null,"count":7}},"errors":[{"message":"Cannot return null for non-nullable field Gadget.colors.","locations":[{"line":1,"column":56}],"path":["gadget","colors",1]}]}`,
			`{"data":{"gadget":{"__typename":"Gadget","colors":["RED",null,"GREEN"],"count":7.0}}}`},
		{"a list of nullable items: the failing row is null, its error has the row's index",
			`{ gadgets { id name } }`,
			`{"data":{"gadgets":[{"__typename":"Gadget","id":"` + gadgetOK + `","name":"ok"},{"__typename":"Gadget","id":"` + gadgetMissing + `","name":"missing"},null,{"__typename":"Gadget","id":"` + gadgetHuge + `","name":"huge"},{"__typename":"Gadget","id":"` + gadgetEnum + `","name":"enum"},{"__typename":"Gadget","id":"` + gadgetNested + `","name":"nested"},{"__typename":"Gadget","id":"` + gadgetItems + `","name":"items"}]},"errors":[{"message":"Cannot return null for non-nullable field Gadget.name.","locations":[{"line":1,"column":16}],"path":["gadgets",2,"name"]}]}`,
			`{"data":{"gadgets":[{"__typename":"Gadget","id":"` + gadgetOK + `","name":"ok"},{"__typename":"Gadget","id":"` + gadgetMissing + `","name":"missing"},{"__typename":"Gadget","id":"` + gadgetNull + `","name":null},{"__typename":"Gadget","id":"` + gadgetHuge + `","name":"huge"},{"__typename":"Gadget","id":"` + gadgetEnum + `","name":"enum"},{"__typename":"Gadget","id":"` + gadgetNested + `","name":"nested"},{"__typename":"Gadget","id":"` + gadgetItems + `","name":"items"}]}}`},
		{"a non-null root that nulls the data: the roots after it in selection order report nothing",
			`{ a: strictGadget(id: "00000000-0000-4000-8000-0000000000ff") { name } z: gadget(id: "` + gadgetEnum + `") { color } }`,
			`{"data":null,"errors":[{"message":"Cannot return null for non-nullable field Query.strictGadget.","locations":[{"line":1,"column":3}],"path":["a"]}]}`,
			`{"data": {"a": null, "z": null}, "errors": [{"message": "'dict' object has no attribute 'bytes'", "path": ["a"], "locations": [{"line": 1, "column": 3}]}, {"message": "'dict' object has no attribute 'bytes'", "path": ["z"], "locations": [{"line": 1, "column": 72}]}]}`},
		{"a list of non-null items: one failing row nulls the list, next to another root",
			`{ strictGadgets { name } ok: gadget(id: "` + gadgetOK + `") { name } }`,
			`{"data":{"ok":{"__typename":"Gadget","name":"ok"},"strictGadgets":null},"errors":[{"message":"Cannot return null for non-nullable field Gadget.name.","locations":[{"line":1,"column":19}],"path":["strictGadgets",2,"name"]}]}`,
			`{"data": {"ok": null, "strictGadgets": [{"__typename": "Gadget", "name": "ok"}, {"__typename": "Gadget", "name": "missing"}, {"__typename": "Gadget", "name": null}, {"__typename": "Gadget", "name": "huge"}, {"__typename": "Gadget", "name": "enum"}, {"__typename": "Gadget", "name": "nested"}, {"__typename": "Gadget", "name": "items"}]}, "errors": [{"message": "'dict' object has no attribute 'bytes'", "path": ["ok"], "locations": [{"line": 1, "column": 26}]}]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range []struct {
				e    *Engine
				want string
			}{{typed, c.want}, {v1, c.wantV1}} {
				got := executeAppend(t, m.e, context.Background(), &Request{Query: c.query})
				if string(got.Body) != m.want {
					t.Errorf("quirks %s:\ngot  %s\nwant %s", m.e.cfg.Quirks, got.Body, m.want)
				}
			}
		})
	}
}
