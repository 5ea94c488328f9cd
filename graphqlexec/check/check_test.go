package check

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/testdb"
)

// testDB connects to the tests' demo database (testdb: fails in CI
// without one, skips elsewhere); tests only read through it.
func testDB(t *testing.T) *pgx.Conn { return testdb.Connect(t) }

// scratchDB creates a database of its own holding setup (the demo
// database is never written), dropped at cleanup.
func scratchDB(t *testing.T, setup string) *pgx.Conn {
	t.Helper()
	return testdb.Scratch(t, "check_test", setup).Connect(t)
}

// The demo declaration, subscriptions included, matches the demo database.
func TestDemoMatches(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	s, err := schema.LoadFiles("../../examples/blog/app.graphql", "../../examples/blog/subscriptions.graphql")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Run(context.Background(), s, conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		t.Errorf("unexpected finding: %s", f)
	}
}

const scratchSQL = `
CREATE TYPE mutation_response AS (status text, message text, entity_id text, entity_type text,
  entity jsonb, updated_fields text[], cascade jsonb, metadata jsonb);
CREATE TYPE short_response AS (status text, message text);
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE SCHEMA app;
CREATE TABLE tb_item (id uuid, tenant_id uuid, price text, qty integer, mood mood, label varchar(20), made timestamptz, tags text[]);
CREATE VIEW v_item AS SELECT id, tenant_id, jsonb_build_object('id', id) AS data, price, qty, mood, label, made, tags FROM tb_item;
CREATE VIEW v_textdata AS SELECT id, jsonb_build_object('id', id)::text AS data FROM tb_item;
CREATE VIEW app.v_hidden AS SELECT id, tenant_id, jsonb_build_object('id', id) AS doc FROM tb_item;
CREATE FUNCTION ok_fn(t uuid, input jsonb) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
CREATE FUNCTION wrong_args(input jsonb) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
CREATE FUNCTION text_input(t uuid, input text) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
CREATE FUNCTION short_ret(t uuid, input jsonb) RETURNS short_response LANGUAGE sql AS $$ SELECT NULL::short_response $$;
CREATE FUNCTION set_ret(t uuid, input jsonb) RETURNS SETOF mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
CREATE FUNCTION int_ret(t uuid, input jsonb) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION simple_ret(t uuid, input jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT input $$;
CREATE FUNCTION defaults(t uuid, input jsonb, dry boolean DEFAULT false) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
CREATE PROCEDURE a_proc(t uuid, input jsonb) LANGUAGE sql AS $$ SELECT 1 $$;
CREATE FUNCTION out_ok(t uuid, input jsonb, OUT status text, OUT message text, OUT entity_id text, OUT entity_type text,
  OUT entity jsonb, OUT updated_fields text[], OUT cascade jsonb, OUT metadata jsonb) LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
CREATE FUNCTION out_short(t uuid, input jsonb, OUT status text, OUT note text) LANGUAGE sql AS $$ SELECT 'a', 'b' $$;
`

const scratchDecl = `schema @context(name: "tenant", claim: "tenant_id", type: "uuid") @context(name: "who", type: "no_such_type") {
  query: Query
  mutation: Mutation
}
enum Mood { HAPPY SAD }
type Item @view(name: "v_item") {
  id: UUID @column(name: "id")
  price: Float @column(name: "price")
  qty: Int @column(name: "qty")
  mood: Mood @column(name: "mood")
  label: String @column(name: "label")
  made: DateTime @column(name: "made")
  gone: String @column(name: "gone") sub: Sub @column(name: "label") doc: Sub @column(name: "data")
}
type Missing @view(name: "v_missing") { id: UUID }
type TextData @view(name: "v_textdata") { id: UUID }
type Hidden @view(name: "app.v_hidden") { id: UUID }
type R @success { item: Item }
type E @error {} type Sub { a: Int }
union Res = R | E
input In { id: UUID }
type Query {
  items: [Item] @read(scope: {tenant_id: "tenant"})
  item(id: UUID, qty: String): Item @read(scope: {nope: "tenant"})
  missing: [Missing] @read
  textData: [TextData] @read
  hidden: [Hidden] @read
  other: [Item] @read(view: "v_textdata")
}
type Mutation {
  ok(input: In!): Res @function(name: "ok_fn", context: ["tenant"])
  absent(input: In!): Res @function(name: "absent_fn", context: ["tenant"])
  wrongArgs(input: In!): Res @function(name: "wrong_args", context: ["tenant"])
  textInput(input: In!): Res @function(name: "text_input", context: ["tenant"])
  shortRet(input: In!): Res @function(name: "short_ret", context: ["tenant"])
  setRet(input: In!): Res @function(name: "set_ret", context: ["tenant"])
  intRet(input: In!): Res @function(name: "int_ret", context: ["tenant"])
  simpleRet(input: In!): Res @function(name: "simple_ret", context: ["tenant"])
  defaults(input: In!): Res @function(name: "defaults", context: ["tenant"])
  proc(input: In!): Res @function(name: "a_proc", context: ["tenant"])
  otherSchema(input: In!): Res @function(name: "ok_fn", schema: "app", context: ["tenant"])
  outOk(input: In!): Res @function(name: "out_ok", context: ["tenant"])
  outShort(input: In!): Res @function(name: "out_short", context: ["tenant"])
}
`

// Every kind of mismatch, each at its declaration's line and column.
func TestMismatches(t *testing.T) {
	t.Parallel()
	conn := scratchDB(t, scratchSQL)
	s, err := schema.Load("app.graphql", []byte(scratchDecl))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Run(context.Background(), s, conn)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`app.graphql:1:68: context "who": type "no_such_type" is not a PostgreSQL type`,
		`app.graphql:8:3: field "Item.price": column "price" of v_item is text, which does not hold Float values (expected real or double precision or numeric or smallint or integer or bigint)`,
		`app.graphql:13:3: field "Item.gone": column "gone" is not a column of view v_item (its columns: data, id, label, made, mood, price, qty, tags, tenant_id)`,
		`app.graphql:13:38: field "Item.sub": column "label" of v_item is character varying, which does not hold Sub values (expected jsonb)`,
		`app.graphql:15:6: type "Missing": view "v_missing" does not exist (looked up through search_path "\"$user\", public"; qualify it as "schema.v_missing" if it lives elsewhere)`,
		`app.graphql:16:6: type "TextData": data column "data" of v_textdata is text, not jsonb`,
		`app.graphql:17:6: type "Hidden": view app.v_hidden has no data column "data" (its columns: doc, id, tenant_id); name the JSONB column with @view(data:)`,
		`app.graphql:24:3: field "Query.item": @read scope column "nope" is not a column of view v_item (its columns: data, id, label, made, mood, price, qty, tags, tenant_id)`,
		`app.graphql:24:18: argument "Query.item(qty:)": column "qty" of v_item is integer, which does not hold String values (expected text or varchar)`,
		`app.graphql:28:3: field "Query.other": @read(view:): data column "data" of v_textdata is text, not jsonb`,
		`app.graphql:32:3: field "Mutation.absent": @function public.absent_fn does not exist; the server calls public.absent_fn(<context tenant>, <input jsonb>)`,
		`app.graphql:33:3: field "Mutation.wrongArgs": @function public.wrong_args cannot be called with 2 arguments: the server calls public.wrong_args(<context tenant>, <input jsonb>), the database has public.wrong_args(jsonb)`,
		`app.graphql:34:3: field "Mutation.textInput": argument 2 of public.text_input(uuid, text) is text; the server passes the input there as jsonb`,
		`app.graphql:35:3: field "Mutation.shortRet": public.short_ret(uuid, jsonb) returns short_response, a composite of 2 columns; mutation_response has 8 (status text, message text, entity_id text, entity_type text, entity jsonb, updated_fields text[], cascade jsonb, metadata jsonb)`,
		`app.graphql:36:3: field "Mutation.setRet": public.set_ret(uuid, jsonb) returns a set (SETOF mutation_response); it must return one mutation_response row`,
		`app.graphql:37:3: field "Mutation.intRet": public.int_ret(uuid, jsonb) returns integer; it must return mutation_response (status, message, entity_id, entity_type, entity, updated_fields, cascade, metadata)`,
		`app.graphql:40:3: field "Mutation.proc": public.a_proc(uuid, jsonb) is a procedure; the server calls a function in SELECT (CREATE FUNCTION … RETURNS mutation_response)`,
		`app.graphql:41:3: field "Mutation.otherSchema": @function app.ok_fn does not exist; the server calls app.ok_fn(<context tenant>, <input jsonb>)`,
		`app.graphql:43:3: field "Mutation.outShort": public.out_short(uuid, jsonb) returns record, a composite of 2 columns; mutation_response has 8 (status text, message text, entity_id text, entity_type text, entity jsonb, updated_fields text[], cascade jsonb, metadata jsonb)`,
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("findings\ngot:\n%s\nwant:\n%s", g, w)
	}
}

// Privileges are checked as the connecting role: a role that may not read
// the view or run the function is told so.
func TestPrivileges(t *testing.T) {
	t.Parallel()
	admin := testDB(t)
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	role := "check_test_reader_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(context.Background(), "CREATE ROLE "+role); err != nil {
		t.Fatal(err)
	}
	// Registered before the database's cleanup, so it runs after the drop
	// that removes the role's grants.
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+role); err != nil {
			t.Errorf("drop role: %v", err)
		}
	})
	conn := scratchDB(t, scratchSQL+`
		REVOKE EXECUTE ON FUNCTION ok_fn(uuid, jsonb) FROM PUBLIC;
		GRANT USAGE ON SCHEMA public TO `+role+`;`)
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+role); err != nil {
		t.Fatal(err)
	}
	s, err := schema.Load("app.graphql", []byte(`schema @context(name: "tenant", type: "uuid") { query: Query mutation: Mutation }
type Item @view(name: "v_item") { id: UUID }
type R @success { item: Item }
type E @error {}
union Res = R | E
input In { id: UUID }
type Query { items: [Item] @read }
type Mutation { ok(input: In!): Res @function(name: "ok_fn", context: ["tenant"]) }
`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Run(ctx, s, tx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`app.graphql:2:6: type "Item": the connecting role may not SELECT from view v_item (GRANT SELECT ON v_item TO <role>)`,
		`app.graphql:8:17: field "Mutation.ok": the connecting role may not EXECUTE public.ok_fn(uuid, jsonb) (GRANT EXECUTE ON FUNCTION public.ok_fn(uuid, jsonb) TO <role>)`,
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("findings\ngot:\n%s\nwant:\n%s", g, w)
	}
}

// A connection that fails is a CatalogError, not a finding.
func TestCatalogError(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	s, err := schema.LoadFile("../../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Run(ctx, s, conn)
	var ce *CatalogError
	if !errors.As(err, &ce) {
		t.Fatalf("Run on a cancelled context: %v, want a *CatalogError", err)
	}
}

// TestSample: what only the documents show, each at the field's place; a
// view that cannot be read or holds nothing is skipped with the reason.
func TestSample(t *testing.T) {
	t.Parallel()
	conn := scratchDB(t, `
		CREATE TABLE tb_thing (id uuid, nme text, age text, score float8, flag boolean, tags text[]);
		INSERT INTO tb_thing VALUES (gen_random_uuid(), 'a', '34', 1.5, true, '{x}'), (gen_random_uuid(), 'b', '35', NULL, false, '{}');
		CREATE VIEW v_thing AS SELECT id, jsonb_build_object('id', id, 'nme', nme, 'age', age, 'score', score, 'flag', flag, 'tags', tags) AS data FROM tb_thing;
		CREATE VIEW v_boom AS SELECT id, jsonb_build_object('n', 1 / (score - score)::int) AS data FROM tb_thing;
		CREATE VIEW v_empty AS SELECT id, '{}'::jsonb AS data FROM tb_thing WHERE false;`)
	s, err := schema.Load("app.graphql", []byte(`type Thing @view(name: "v_thing") {
  id: UUID!
  name: String
  age: Int
  score: Float!
  flag: Boolean
  tags: [String]
}
type Boom @view(name: "v_boom") { n: Int }
type Empty @view(name: "v_empty") { id: UUID }
type Gone @view(name: "v_gone") { id: UUID }
type Query { things: [Thing] @read booms: [Boom] @read empties: [Empty] @read gones: [Gone] @read }
`))
	if err != nil {
		t.Fatal(err)
	}
	got, skipped, err := Sample(context.Background(), s, conn, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`app.graphql:3:3: field "Thing.name": key "name" is in none of the 2 documents sampled from v_thing (their keys: age, flag, id, nme, score, tags); name the stored key with @jsonb(key:) if it differs`,
		`app.graphql:4:3: field "Thing.age": declared Int, but the documents sampled from v_thing hold a JSON string for "age" (e.g. "34")`,
		`app.graphql:5:3: field "Thing.score": declared Float!, but 1 of the 2 documents sampled from v_thing have no value for "score"`,
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("findings\ngot:\n%s\nwant:\n%s", g, w)
	}
	wantSkipped := `type "Boom": the documents of v_boom could not be read: division by zero
type "Empty": v_empty returned no document to sample`
	if g := strings.Join(skipped, "\n"); g != wantSkipped {
		t.Errorf("skipped\ngot:\n%s\nwant:\n%s", g, wantSkipped)
	}
	// The demo's documents match its declaration.
	demo, err := schema.LoadFiles("../../examples/blog/app.graphql", "../../examples/blog/subscriptions.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if got, skipped, err := Sample(context.Background(), demo, testDB(t), 50); err != nil || len(got) > 0 || len(skipped) > 0 {
		t.Errorf("demo: %v %v %v", got, skipped, err)
	}
}

// TestSampleNested: embedded objects, lists of them and embedded objects
// of embedded objects are sampled like documents, each finding at the
// embedded type's field with the path it was seen at; an embedded @view
// type only reports what a read would fail on; the descent stops at
// maxSampleDepth.
func TestSampleNested(t *testing.T) {
	t.Parallel()
	conn := scratchDB(t, `
		CREATE TABLE tb_shop (id int, doc jsonb);
		INSERT INTO tb_shop VALUES
		  (1, '{"id": 1, "owner": {"name": "a", "age": "34", "addr": {"city": "x", "zip": 1}},
		        "items": [{"sku": "a", "qty": 1}, {"sku": null, "qty": "two"}], "maker": {"id": 5},
		        "node": {"n": 1, "next": {"n": "s", "next": {"n": 3, "next": {"n": 4, "next": {"n": "deep"}}}}}}'),
		  (2, '{"id": 2, "owner": {"nme": "b", "age": 35, "addr": {"zip": "z"}}, "items": [], "maker": null, "node": null}');
		CREATE VIEW v_shop AS SELECT id, doc AS data FROM tb_shop;
		CREATE VIEW v_maker AS SELECT 5 AS id, '{"id": 5, "name": "m"}'::jsonb AS data;`)
	s, err := schema.Load("app.graphql", []byte(`type Shop @view(name: "v_shop") {
  id: Int!
  owner: Owner
  items: [Item!]
  maker: Maker
  node: Node
}
type Owner {
  name: String
  email: String
  age: Int
  addr: Addr
}
type Addr {
  city: String!
  zip: Int
}
type Item {
  sku: String!
  qty: Int
}
type Maker @view(name: "v_maker") {
  id: Int!
  name: String
  label: String!
}
type Node {
  n: Int
  next: Node
}
type Query { shops: [Shop] @read makers: [Maker] @read }
`))
	if err != nil {
		t.Fatal(err)
	}
	got, skipped, err := Sample(context.Background(), s, conn, 20)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`app.graphql:10:3: field "Owner.email": key "email" is in none of the 2 objects at "owner" of the documents sampled from v_shop (their keys: addr, age, name, nme); name the stored key with @jsonb(key:) if it differs`,
		`app.graphql:11:3: field "Owner.age": declared Int, but the objects at "owner" of the documents sampled from v_shop hold a JSON string for "age" (e.g. "34")`,
		`app.graphql:15:3: field "Addr.city": declared String!, but 1 of the 2 objects at "owner.addr" of the documents sampled from v_shop have no value for "city"`,
		`app.graphql:16:3: field "Addr.zip": declared Int, but the objects at "owner.addr" of the documents sampled from v_shop hold a JSON string for "zip" (e.g. "z")`,
		`app.graphql:19:3: field "Item.sku": declared String!, but 1 of the 2 objects at "items[]" of the documents sampled from v_shop have no value for "sku"`,
		`app.graphql:20:3: field "Item.qty": declared Int, but the objects at "items[]" of the documents sampled from v_shop hold a JSON string for "qty" (e.g. "two")`,
		`app.graphql:25:3: field "Maker.label": declared String!, but 1 of the 1 objects at "maker" of the documents sampled from v_shop have no value for "label"`,
		`app.graphql:25:3: field "Maker.label": key "label" is in none of the 1 documents sampled from v_maker (their keys: id, name); name the stored key with @jsonb(key:) if it differs`,
		`app.graphql:28:3: field "Node.n": declared Int, but the objects at "node.next" of the documents sampled from v_shop hold a JSON string for "n" (e.g. "s")`,
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("findings\ngot:\n%s\nwant:\n%s", g, w)
	}
	if len(skipped) > 0 {
		t.Errorf("skipped: %v", skipped)
	}
}

// TestContextTypes: a @context value is sent as text and read by
// PostgreSQL as the type of the scope column or function argument it is
// bound to; a declared type those values cannot be read as is a finding at
// the field that binds it. Text contexts (the default) declare nothing;
// equal types, text columns, wider numbers and the two timestamps bind.
func TestContextTypes(t *testing.T) {
	t.Parallel()
	conn := scratchDB(t, `
		CREATE TYPE mutation_response AS (status text, message text, entity_id text, entity_type text,
		  entity jsonb, updated_fields text[], cascade jsonb, metadata jsonb);
		CREATE TABLE tb_item (id uuid, tenant_id uuid, owner integer, code varchar(8), big bigint, at timestamp);
		CREATE VIEW v_item AS SELECT id, tenant_id, owner, code, big, at, jsonb_build_object('id', id) AS data FROM tb_item;
		CREATE FUNCTION by_int(t integer, input jsonb) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
		CREATE FUNCTION by_uuid(t uuid, n bigint, input jsonb) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;
		CREATE FUNCTION by_many(t uuid, input jsonb, VARIADIC rest text[]) RETURNS mutation_response LANGUAGE sql AS $$ SELECT NULL::mutation_response $$;`)
	s, err := schema.Load("app.graphql", []byte(`schema
  @context(name: "tenant", claim: "tid", type: "uuid")
  @context(name: "num", claim: "n", type: "int4")
  @context(name: "any", claim: "x")
  @context(name: "when", claim: "w", type: "timestamptz")
  @context(name: "flag", claim: "f", type: "boolean") {
  query: Query
  mutation: Mutation
}
type Item @view(name: "v_item") { id: UUID }
type R @success { item: Item }
type E @error {}
union Res = R | E
input In { id: UUID }
type Query {
  ok: [Item] @read(scope: {tenant_id: "tenant", owner: "num", code: "tenant", big: "num", id: "any", at: "when"})
  uuidOnInt: [Item] @read(scope: {owner: "tenant"})
  flagOnBig: [Item] @read(scope: {big: "flag"})
}
type Mutation {
  intArg(input: In!): Res @function(name: "by_int", context: ["tenant"])
  okArgs(input: In!): Res @function(name: "by_uuid", context: ["tenant", "num"])
  swapped(input: In!): Res @function(name: "by_uuid", context: ["num", "tenant"])
  variadic(input: In!): Res @function(name: "by_many", context: ["tenant"])
  variadicAll(input: In!): Res @function(name: "by_many", context: ["tenant", "num"])
}
`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Run(context.Background(), s, conn)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`app.graphql:17:3: field "Query.uuidOnInt": @read scope column "owner" of v_item is integer, but context "tenant" bound to it is declared uuid (@context(type:) at app.graphql:2:4); its values cannot be read as integer`,
		`app.graphql:18:3: field "Query.flagOnBig": @read scope column "big" of v_item is bigint, but context "flag" bound to it is declared boolean (@context(type:) at app.graphql:6:4); its values cannot be read as bigint`,
		`app.graphql:21:3: field "Mutation.intArg": argument 1 of public.by_int(integer, jsonb) is integer, but context "tenant" bound to it is declared uuid (@context(type:) at app.graphql:2:4); its values cannot be read as integer`,
		`app.graphql:23:3: field "Mutation.swapped": argument 1 of public.by_uuid(uuid, bigint, jsonb) is uuid, but context "num" bound to it is declared integer (@context(type:) at app.graphql:3:4); its values cannot be read as uuid`,
		`app.graphql:23:3: field "Mutation.swapped": argument 2 of public.by_uuid(uuid, bigint, jsonb) is bigint, but context "tenant" bound to it is declared uuid (@context(type:) at app.graphql:2:4); its values cannot be read as bigint`,
		`app.graphql:24:3: field "Mutation.variadic": @function public.by_many cannot be called with 2 arguments: the server calls public.by_many(<context tenant>, <input jsonb>), the database has public.by_many(uuid, jsonb, text[])`,
		`app.graphql:25:3: field "Mutation.variadicAll": argument 2 of public.by_many(uuid, jsonb, text[]) is jsonb, but context "num" bound to it is declared integer (@context(type:) at app.graphql:3:4); its values cannot be read as jsonb`,
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("findings\ngot:\n%s\nwant:\n%s", g, w)
	}
}
