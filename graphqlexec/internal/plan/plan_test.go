package plan

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func loadBlog(t testing.TB) *schema.Schema {
	t.Helper()
	s, err := schema.LoadFile("../../../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jv(t testing.TB, s string) *pyjson.Value {
	t.Helper()
	if s == "" {
		return nil
	}
	v, err := pyjson.Decode([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return &v
}

func i64(n int64) *int64 { return &n }

type readCase struct {
	name          string
	field         string
	where, order  string
	limit, offset *int64
	id            string
	typed         bool // the default form; false plans as --quirks v1.9.7
}

func buildCase(t testing.TB, s *schema.Schema, c readCase) (*Statement, error) {
	f := s.Type(s.Query).Field(c.field)
	r := &Read{Binding: f.Read, Where: jv(t, c.where), OrderBy: jv(t, c.order), Limit: c.limit, Offset: c.offset, V1: !c.typed}
	for _, a := range f.Args {
		switch a.Name {
		case "where":
			r.WhereType = s.Type(a.Type.NamedType())
		case "orderBy":
			r.OrderByType = s.Type(a.Type.NamedType())
		case "id":
			r.Equalities = append(r.Equalities, Equality{Column: a.Column, Value: pyjson.Value{Kind: pyjson.String, Str: c.id}})
		}
	}
	return Build(s, r)
}

func render(st *Statement) string {
	var ps []string
	for i, p := range st.Params {
		switch {
		case p.Context != "":
			ps = append(ps, fmt.Sprintf("$%d = <context %s>", i+1, p.Context))
		case p.Null:
			ps = append(ps, fmt.Sprintf("$%d = NULL", i+1))
		default:
			ps = append(ps, fmt.Sprintf("$%d = '%s'", i+1, strings.ReplaceAll(p.Text, "'", "''")))
		}
	}
	return st.SQL + "\n" + strings.Join(ps, ", ")
}

// TestGoldenShapes checks the statements PostgreSQL logged for FraiseQL
// v1.9.7 in the compat goldens (cases.json "sql").
func TestGoldenShapes(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	tests := []struct {
		c    readCase
		want string
	}{
		{readCase{field: "users"}, `SELECT "data"::text FROM "v_user" WHERE "tenant_id" = $1
$1 = <context tenant_id>`},
		{readCase{field: "user", id: "11111111-1111-4111-8111-111111111105"}, `SELECT "data"::text FROM "v_user" WHERE "id" = $1 AND "tenant_id" = $2 LIMIT 1
$1 = '11111111-1111-4111-8111-111111111105', $2 = <context tenant_id>`},
		{readCase{field: "users", where: `{"role":{"in":["admin","editor"]}}`, order: `[{"role":"ASC"},{"score":"DESC"}]`},
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'role' IN ($1, $2) AND "tenant_id" = $3 ORDER BY data -> 'role' ASC, data -> 'score' DESC
$1 = 'admin', $2 = 'editor', $3 = <context tenant_id>`},
		{readCase{field: "posts", order: `[{"createdAt":"ASC"}]`, limit: i64(3), offset: i64(5)},
			`SELECT "data"::text FROM "v_post" WHERE "tenant_id" = $1 ORDER BY data -> 'created_at' ASC LIMIT 3 OFFSET 5
$1 = <context tenant_id>`},
		{readCase{field: "posts", where: `{"author":{"displayName":{"eq":"Ana Silva"}}}`, limit: i64(2)},
			`SELECT "data"::text FROM "v_post" WHERE "data" -> 'author' ->> 'display_name' = $1 AND "tenant_id" = $2 LIMIT 2
$1 = 'Ana Silva', $2 = <context tenant_id>`},
		{readCase{field: "users", where: `{"OR":[{"age":{"lt":20}},{"NOT":{"isActive":{"eq":true}}}]}`},
			`SELECT "data"::text FROM "v_user" WHERE (("data" ->> 'age' < $1) OR (NOT ("data" ->> 'is_active' = $2))) AND "tenant_id" = $3
$1 = '20', $2 = 'true', $3 = <context tenant_id>`},
		{readCase{field: "users", where: `{"AND":[{"age":{"gte":30}},{"NOT":{"role":{"eq":"admin"}}}]}`},
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'age' >= $1 AND (NOT ("data" ->> 'role' = $2)) AND "tenant_id" = $3
$1 = '30', $2 = 'admin', $3 = <context tenant_id>`},
		{readCase{field: "users", where: `{"displayName":{"icontains":"zoë"}}`},
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'display_name' ILIKE $1 AND "tenant_id" = $2
$1 = '%zoë%', $2 = <context tenant_id>`},
		{readCase{field: "users", where: `{"tags":{"contains":["go"]}}`},
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'tags' LIKE $1 AND "tenant_id" = $2
$1 = '%[''go'']%', $2 = <context tenant_id>`},
		{readCase{field: "posts", where: `{"rating":{"lt":2.5}}`, order: `[{"rating":"DESC"}]`},
			`SELECT "data"::text FROM "v_post" WHERE "data" ->> 'rating' < $1 AND "tenant_id" = $2 ORDER BY data -> 'rating' DESC
$1 = '2.5', $2 = <context tenant_id>`},
		{readCase{field: "users", where: `{"role":{"neq":"author"}}`},
			`SELECT "data"::text FROM "v_user" WHERE "data" ->> 'role' != $1 AND "tenant_id" = $2
$1 = 'author', $2 = <context tenant_id>`},
		{readCase{field: "users", limit: i64(1), offset: i64(1)},
			`SELECT "data"::text FROM "v_user" WHERE "tenant_id" = $1 LIMIT 1 OFFSET 1
$1 = <context tenant_id>`},
	}
	for _, tc := range tests {
		st, err := buildCase(t, s, tc.c)
		if err != nil {
			t.Fatalf("%+v: %v", tc.c, err)
		}
		if got := render(st); got != tc.want {
			t.Errorf("%+v:\ngot  %s\nwant %s", tc.c, got, tc.want)
		}
	}
}

// TestPlanGolden covers the operator and grouping rules beyond the
// recorded cases; run with -update to rewrite testdata/plans.golden.
func TestPlanGolden(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	cases := []readCase{
		{name: "every string operator", field: "users", where: `{"email":{"eq":"a","neq":"b","contains":"c","icontains":"d","startswith":"e","istartswith":"f","endswith":"g","iendswith":"h","like":"i%","ilike":"j_"}}`},
		{name: "numbers and booleans as python str", field: "users", where: `{"age":{"gt":5,"lte":-0},"score":{"gte":88.0,"lt":1e16},"isActive":{"neq":false}}`},
		{name: "isnull both ways", field: "users", where: `{"lastName":{"isnull":true},"age":{"isnull":false}}`},
		{name: "in nin with null item", field: "users", where: `{"role":{"in":["a",null],"nin":[]}}`},
		{name: "bare value means eq", field: "users", where: `{"NOT":{"role":"admin"}}`},
		{name: "nested or inside and", field: "users", where: `{"AND":[{"OR":[{"role":{"eq":"a"}},{"role":{"eq":"b"}}]},{"age":{"gt":1}}]}`},
		{name: "or of and groups", field: "users", where: `{"OR":[{"role":{"eq":"a"},"age":{"gt":1}},{"AND":[{"email":{"eq":"x"}},{"email":{"neq":"y"}}]}]}`},
		{name: "deep nested object", field: "posts", where: `{"author":{"profile":{"bio":{"icontains":"sql"}}}}`},
		{name: "nested order by", field: "posts", order: `[{"author":{"displayName":"DESC"}},{"title":"ASC"}]`},
		{name: "null members skipped", field: "users", where: `{"role":null,"email":{"eq":null,"neq":"x"}}`},
		{name: "snake key accepted in json filter", field: "users", where: `{"NOT":{"first_name":{"eq":"Ana"}}}`},
		{name: "python repr of lists in like", field: "users", where: `{"NOT":{"tags":{"contains":["it's", "a\"b", 1, 2.5, true, null, {"k": "v"}]}}}`},
		{name: "injection text stays in parameters", field: "users", where: `{"email":{"eq":"'; DROP TABLE tb_user; --"}}`},
	}
	var out strings.Builder
	for _, c := range cases {
		st, err := buildCase(t, s, c)
		fmt.Fprintf(&out, "== %s\n", c.name)
		if err != nil {
			fmt.Fprintf(&out, "error: %v\n\n", err)
			continue
		}
		fmt.Fprintf(&out, "%s\n\n", render(st))
	}
	path := filepath.Join("testdata", "plans.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("plans differ from %s (run with -update and review the diff):\n%s", path, out.String())
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	deep := `{"role":{"eq":"x"}}`
	for range MaxFilterDepth + 2 {
		deep = `{"AND":[` + deep + `]}`
	}
	many := `{"OR":[` + strings.Repeat(`{"role":{"eq":"x"}},`, MaxFilterConditions) + `{"role":{"eq":"x"}}]}`
	tests := []struct {
		name  string
		c     readCase
		wants string
	}{
		{"unknown field", readCase{field: "users", where: `{"nope":{"eq":1}}`}, "Unknown filter field 'nope'"},
		{"quote in key", readCase{field: "users", where: `{"NOT":{"a'b":{"eq":1}}}`}, "Unknown filter field"},
		{"unknown operator", readCase{field: "users", where: `{"NOT":{"role":{"regex":"x"}}}`}, "Unknown operator 'regex'"},
		{"unsupported operator", readCase{field: "users", where: `{"role":{"matches":"x"}}`}, "Invalid operator 'matches'"},
		{"unknown order field", readCase{field: "users", order: `[{"x\"; DROP":"ASC"}]`}, "Unknown orderBy field"},
		{"bad direction", readCase{field: "users", order: `[{"role":"ASC; DROP TABLE x"}]`}, "must be ASC or DESC"},
		{"too deep", readCase{field: "users", where: deep}, "nested deeper"},
		{"too many", readCase{field: "users", where: many}, "more than 1000 conditions"},
		{"empty or item", readCase{field: "users", where: `{"OR":[{}]}`}, "cannot be empty"},
	}
	for _, tc := range tests {
		_, err := buildCase(t, s, tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.wants) || !errors.Is(err, ErrInvalidFilter) {
			t.Errorf("%s: got %v, want error containing %q", tc.name, err, tc.wants)
		}
	}
}

// sqlWords is the vocabulary the planner writes itself: an input string
// found in it proves nothing.
const sqlWords = "SELECT data text FROM WHERE AND OR NOT LIKE ILIKE IN IS NULL NULLS FIRST LAST ORDER BY ASC DESC LIMIT OFFSET " +
	"tenant_id v_user numeric boolean uuid timestamptz integer jsonb jsonb_typeof jsonb_array_elements jsonb_array_length " +
	"array CASE WHEN THEN END EXISTS SELECT ANY"

// FuzzPlanWhere feeds arbitrary JSON filter objects to the planner: it must
// never panic, and no string from the input may appear in the SQL text
// unless the schema model itself holds it (keys are checked, values bound).
func FuzzPlanWhere(f *testing.F) {
	for _, seed := range []string{
		`{"role":{"eq":"admin"}}`, `{"OR":[{"age":{"lt":20}},{"NOT":{"isActive":{"eq":true}}}]}`,
		`{"author":{"displayName":{"eq":"x"}}}`, `{"NOT":{"zzz')--":{"eq":"1"}}}`, `{"tags":{"contains":["go"]}}`,
	} {
		f.Add([]byte(seed), []byte(`[{"age":"DESC"}]`))
	}
	s := loadBlog(f)
	known := map[string]bool{}
	for _, t := range s.Types {
		known[t.Name] = true
		for _, fl := range t.InputFields {
			known[fl.Name], known[fl.JSONKey] = true, true
		}
		for _, fl := range t.Fields {
			known[fl.Name], known[fl.JSONKey] = true, true
		}
	}
	f.Fuzz(func(t *testing.T, where, order []byte) {
		w, err := pyjson.Decode(where)
		if err != nil || w.Kind != pyjson.Object {
			return
		}
		var o *pyjson.Value
		if ov, err := pyjson.Decode(order); err == nil {
			o = &ov
		}
		fl := s.Type(s.Query).Field("users")
		st, err := Build(s, &Read{Binding: fl.Read, Where: &w, WhereType: s.Type("UserWhereInput"), OrderBy: o, OrderByType: s.Type("UserOrderByInput"),
			V1: len(where)%2 == 0})
		if err != nil {
			return
		}
		var check func(v *pyjson.Value)
		check = func(v *pyjson.Value) {
			switch v.Kind {
			case pyjson.String:
				if len(v.Str) > 2 && !known[v.Str] && !strings.Contains(sqlWords, v.Str) && strings.Contains(st.SQL, v.Str) {
					t.Fatalf("input string %q reached the SQL text: %s", v.Str, st.SQL)
				}
			case pyjson.Array:
				for i := range v.Items {
					check(&v.Items[i])
				}
			case pyjson.Object:
				for i := range v.Members {
					k := v.Members[i].Key
					if len(k) > 2 && !known[k] && strings.Contains(st.SQL, k) && !strings.Contains(sqlWords, k) {
						t.Fatalf("input key %q reached the SQL text: %s", k, st.SQL)
					}
					check(&v.Members[i].Value)
				}
			}
		}
		check(&w)
		if o != nil {
			check(o)
		}
	})
}
