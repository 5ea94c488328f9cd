package graphqlexec

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// The "Bad input" promise, operator by operator: every operator of every
// generated filter type (taken from the loaded model, so a new operator is
// covered without editing this file) is sent values at the edges of its
// type (which must work) and values of the wrong type, beyond the type's
// range, strings that look like numbers or dates where those are not
// accepted (which must be refused), three ways: as a variable, inside
// NOT's JSON (checked by the planner, not by GraphQL coercion) and as a
// literal. Never a 500, never SQL text; a refusal through a variable
// names the argument's path ('w.i.gt', 'NOT.i.gt').

const everyOpApp = `schema { query: Query }
enum Kind { SMALL LARGE }
type Part { k: String w: Int }
type Row @view(name: "v_row") {
  id: ID
  i: Int
  f: Float
  b: Boolean
  s: String
  u: UUID
  ts: DateTime
  d: Date
  t: Time
  dec: Decimal
  kind: Kind
  ints: [Int]
  floats: [Float]
  strs: [String]
  uuids: [UUID]
  dts: [DateTime]
  dates: [Date]
  decs: [Decimal]
  bools: [Boolean]
  part: Part
  parts: [Part]
}
type RowC @view(name: "v_row") {
  id: ID @column(name: "id")
  i: Int @column(name: "i")
  f: Float @column(name: "f")
  b: Boolean @column(name: "b")
  s: String @column(name: "s")
  u: UUID @column(name: "u")
  ts: DateTime @column(name: "ts")
  d: Date @column(name: "d")
  t: Time @column(name: "t")
  dec: Decimal @column(name: "dec")
  kind: Kind @column(name: "kind")
}
type Query { rows: [Row] @read rowsC: [RowC] @read }
`

var everyOpSetup = []string{`
CREATE TABLE tb_row (id integer PRIMARY KEY, i integer, f double precision, b boolean, s text, u uuid,
  ts timestamptz, d date, t time, dec numeric, kind text, ints integer[], floats double precision[], strs text[],
  uuids uuid[], dts timestamptz[], dates date[], decs numeric[], bools boolean[])`, `
INSERT INTO tb_row VALUES
  (1, 7, 1.5, true, '10', 'c4ca4238-a0b9-2382-0dcc-509a6f75849b', '2025-01-01T00:00:00Z', '2025-01-01', '14:30', 12.50, 'small',
   '{1,2}', '{1.5}', '{a,b}', '{c4ca4238-a0b9-2382-0dcc-509a6f75849b}', '{2025-01-01T00:00:00Z}', '{2025-01-01}', '{1.5}', '{true}'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`, `
CREATE VIEW v_row AS SELECT id, i, f, b, s, u, ts, d, t, dec, kind,
  to_jsonb(r) || jsonb_build_object('part', jsonb_build_object('k', 'a', 'w', 1),
    'parts', jsonb_build_array(jsonb_build_object('k', 'a', 'w', 1))) AS data
FROM tb_row r`,
}

// edge holds, for a scalar, values a filter must accept and values it
// must refuse, as JSON; strs are the same for the string form an
// ArrayFilter takes its elements in.
type edge struct{ good, bad, goodStrs, badStrs []string }

var edges = map[string]edge{
	"Int": {
		good:     []string{`2147483647`, `-2147483648`, `0`},
		bad:      []string{`2147483648`, `-2147483649`, `1e400`, `1.5`, `"1"`, `"30"`, `true`, `{}`, `[{}]`},
		goodStrs: []string{`"2147483647"`, `"-2147483648"`},
		badStrs:  []string{`"2147483648"`, `"-2147483649"`, `"1.5"`, `"x"`, `""`, `"2025-01-01"`, `"1e400"`},
	},
	"Float": {
		good:     []string{`1.7976931348623157e308`, `-1.7976931348623157e308`, `5e-324`, `0`, `3`},
		bad:      []string{`1e400`, `-1e400`, `"1.5"`, `true`, `{}`},
		goodStrs: []string{`"1.7976931348623157e308"`, `"-0"`, `"3"`},
		badStrs:  []string{`"1e400"`, `"x"`, `""`, `"2025-01-01"`},
	},
	"Boolean": {
		good:     []string{`true`, `false`},
		bad:      []string{`"true"`, `1`, `0`, `{}`, `null1`},
		goodStrs: []string{`"true"`, `"false"`},
		badStrs:  []string{`"yes please"`, `"2"`, `""`},
	},
	"String": {
		good:     []string{`"10"`, `"2025-01-01"`, `"1e400"`, `"-2147483649"`, `""`, `"a_b%\\"`},
		bad:      []string{`1`, `1.5`, `true`, `{}`},
		goodStrs: []string{`"10"`, `"2025-01-01"`, `""`},
	},
	"ID": {
		good: []string{`"x"`, `1`, `"2147483648"`},
		bad:  []string{`true`, `1.5`, `{}`},
	},
	"UUID": {
		good:     []string{`"c4ca4238-a0b9-2382-0dcc-509a6f75849b"`, `"C4CA4238A0B923820DCC509A6F75849B"`},
		bad:      []string{`"x"`, `1`, `"c4ca4238-a0b9-2382-0dcc-509a6f75849"`, `"10"`, `{}`},
		goodStrs: []string{`"c4ca4238-a0b9-2382-0dcc-509a6f75849b"`},
		badStrs:  []string{`"x"`, `"10"`, `""`},
	},
	"DateTime": {
		good:     []string{`"2025-01-01T00:00:00Z"`, `"2025-01-01T02:00:00+02:00"`, `"0001-01-02T00:00:00Z"`, `"9999-12-30T00:00:00Z"`},
		bad:      []string{`"yesterday"`, `1735689600`, `"1735689600"`, `"2025-13-01T00:00:00Z"`, `"2025-02-30T00:00:00Z"`, `"0000-01-01T00:00:00Z"`, `"10000-01-01T00:00:00Z"`, `{}`},
		goodStrs: []string{`"2025-01-01T00:00:00Z"`},
		badStrs:  []string{`"yesterday"`, `"2025-13-01T00:00:00Z"`, `"1735689600"`, `""`},
	},
	"Date": {
		good:     []string{`"2025-01-01"`, `"0001-01-01"`, `"9999-12-31"`},
		bad:      []string{`"2025-02-30"`, `"yesterday"`, `20250101`, `"10000-01-01"`, `"0000-01-01"`, `{}`},
		goodStrs: []string{`"2025-01-01"`},
		badStrs:  []string{`"2025-02-30"`, `"x"`, `""`},
	},
	"Time": {
		good: []string{`"23:59:59"`, `"00:00"`, `"14:30"`},
		bad:  []string{`"25:00"`, `"noon"`, `1430`, `"14:61"`, `{}`},
	},
	"Decimal": {
		good:     []string{`"1.5"`, `1.5`, `12`, `"123456789012345678901234567890.123"`, `"1e9999"`},
		bad:      []string{`"abc"`, `true`, `{}`, `"1,5"`, `""`},
		goodStrs: []string{`"12.50"`, `"1e2"`},
		badStrs:  []string{`"abc"`, `""`, `"1,5"`},
	},
	"Part": {
		goodStrs: []string{`"{\"k\": \"a\"}"`, `"{\"w\": 1}"`},
		badStrs:  []string{`"not json"`, `"{\"k\": "`},
	},
}

// everyOpCase is one operator given one value.
type everyOpCase struct {
	root, field, op, value string
	bad                    bool
}

// everyOpCases walks the model's generated where inputs.
func everyOpCases(t *testing.T, s *schema.Schema) []everyOpCase {
	t.Helper()
	var out []everyOpCase
	var walk func(root string, row, where *schema.Type, prefix string)
	walk = func(root string, row, where *schema.Type, prefix string) {
		for _, wf := range where.InputFields {
			if wf.Name == "OR" || wf.Name == "AND" || wf.Name == "NOT" {
				continue // the tree: TestFilterTreeShapes
			}
			rf := row.Field(wf.Name)
			if nt := s.Type(rf.Type.NamedType()); nt.Kind == schema.KindObject && !rf.Type.IsList() {
				// A nested object's where: its own fields, one level down.
				walk(root, nt, s.Type(wf.Type.NamedType()), prefix+wf.Name+".")
				continue
			}
			elem := rf.Type.NamedType()
			if s.Type(elem).Kind == schema.KindEnum {
				elem = "String" // v1's StringFilter over the stored value
			}
			ft := s.Type(wf.Type.NamedType())
			if len(ft.InputFields) == 0 {
				t.Fatalf("%s.%s: filter type %s has no operators", where.Name, wf.Name, ft.Name)
			}
			for _, op := range ft.InputFields {
				add := func(v string, bad bool) {
					out = append(out, everyOpCase{root, prefix + wf.Name, op.Name, v, bad})
				}
				opType := op.Type.NamedType()
				list := op.Type.IsList()
				e := edges[opType]
				if rf.Type.IsList() && opType == "String" {
					// ArrayFilter: elements as strings, read as the element type.
					e = edges[elem]
					if elem == "String" {
						e.goodStrs, e.badStrs = e.good, e.bad
					}
					for _, v := range e.goodStrs {
						add(wrap(v, list), false)
					}
					for _, v := range e.badStrs {
						add(wrap(v, list), true)
					}
					if list {
						add(`[1]`, true)
						add(`[{}]`, true)
					} else {
						add(`{}`, true)
					}
					continue
				}
				if opType == "String" && elem != "String" && elem != "ID" && !rf.Type.IsList() {
					e = edges["String"]
				}
				switch op.Name {
				case "matches", "imatches", "notMatches":
					// Patterns: valid ones work, those PostgreSQL refuses
					// are the client's error.
					e = edge{good: []string{`"^1"`, `"(?:ap)+"`, `"[[:digit:]]"`, `"10"`}, bad: append([]string{`"("`, `"a{1,"`, `"[[:nope:]]"`,
						`"a_b%\\"`, `"(?P<n>a)"`, `"` + strings.Repeat("a", 1001) + `"`}, edges["String"].bad...)}
				case "like", "ilike":
					e = edge{good: []string{`"1%"`, `"_0"`, `"a\\%"`, `"%"`}, bad: append([]string{`"a\\"`}, edges["String"].bad...)}
				}
				for _, v := range e.good {
					add(wrap(v, list), false)
				}
				for _, v := range e.bad {
					add(wrap(v, list), true)
				}
			}
		}
	}
	for _, root := range []string{"rows", "rowsC"} {
		row := s.Type(map[string]string{"rows": "Row", "rowsC": "RowC"}[root])
		walk(root, row, s.Type(row.Name+"WhereInput"), "")
	}
	return out
}

func wrap(v string, list bool) string {
	if list {
		return "[" + v + "]"
	}
	return v
}

func TestFilterEveryOperatorBadInput(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t, everyOpSetup...)
	s, err := schema.Load("everyop.graphql", []byte(everyOpApp))
	if err != nil {
		t.Fatal(err)
	}
	if f, err := check.Run(context.Background(), s, conn); err != nil || len(f) > 0 {
		t.Fatalf("check: %v %v", f, err)
	}
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := everyOpCases(t, s)
	ops := map[string]bool{}
	for _, c := range cases {
		ops[c.root+"."+c.field+"."+c.op] = true
	}
	t.Logf("%d cases over %d operators", len(cases), len(ops))
	run := func(c everyOpCase, form string) {
		t.Helper()
		typ := map[string]string{"rows": "Row", "rowsC": "RowC"}[c.root]
		inner := `{"` + c.op + `":` + c.value + `}`
		keys := strings.Split(c.field, ".")
		for i := len(keys) - 1; i >= 0; i-- {
			inner = `{"` + keys[i] + `":` + inner + `}`
		}
		var req Request
		wantPath := "'w." + c.field + "." + c.op
		switch form {
		case "variable", "NOT":
			w := inner
			if form == "NOT" {
				w = `{"NOT":` + inner + `}`
				wantPath = "'NOT." + c.field + "." + c.op
			}
			v, err := pyjson.Decode([]byte(`{"w":` + w + `}`))
			if err != nil {
				if c.bad {
					return // not JSON at all (null1): no request to make
				}
				t.Fatalf("%s: %v", w, err)
			}
			req = Request{Query: fmt.Sprintf(`query($w: %sWhereInput) { %s(where: $w) { id } }`, typ, c.root), Variables: &v}
		case "literal":
			lit, ok := jsonToLiteral(c.value)
			if !ok {
				return
			}
			w := "{" + c.op + ": " + lit + "}"
			for i := len(keys) - 1; i >= 0; i-- {
				w = "{" + keys[i] + ": " + w + "}"
			}
			req = Request{Query: fmt.Sprintf(`{ %s(where: %s) { id } }`, c.root, w)}
		}
		resp := executeAppend(t, e, ctx, &req)
		body := string(resp.Body)
		name := fmt.Sprintf("%s %s(where: %s) [%s]", form, c.root, inner, map[bool]string{true: "bad", false: "good"}[c.bad])
		switch {
		case resp.InternalError:
			t.Errorf("%s: internal error (500)", name)
		case containsSQL(body):
			t.Errorf("%s: SQL text reached the client: %s", name, body)
		case !c.bad && strings.Contains(body, `"errors"`):
			t.Errorf("%s: refused a valid value: %s", name, body)
		case c.bad && !strings.Contains(body, `"errors"`):
			t.Errorf("%s: accepted: %s", name, body)
		case c.bad && form != "literal" && !strings.Contains(body, wantPath) && !strings.Contains(body, "Argument 'where'"):
			t.Errorf("%s: the error does not name the argument (%s…): %s", name, wantPath, body)
		}
	}
	for _, c := range cases {
		for _, form := range []string{"variable", "NOT", "literal"} {
			run(c, form)
		}
	}
}

// containsSQL reports SQL text in a response body.
func containsSQL(body string) bool {
	for _, s := range []string{"SELECT", " FROM ", "->>", "jsonb_", "$1", "::", "v_row", "tb_row"} {
		if strings.Contains(body, s) {
			return true
		}
	}
	return false
}

// jsonToLiteral writes a JSON value as a GraphQL literal (false when it is
// not JSON).
func jsonToLiteral(js string) (string, bool) {
	v, err := pyjson.Decode([]byte(js))
	if err != nil {
		return "", false
	}
	var w func(v *pyjson.Value) string
	w = func(v *pyjson.Value) string {
		switch v.Kind {
		case pyjson.Null:
			return "null"
		case pyjson.Bool:
			return fmt.Sprint(v.Bool)
		case pyjson.Int, pyjson.Float:
			return v.Num
		case pyjson.String:
			b, _ := pyjson.AppendCompact(nil, v)
			return string(b)
		case pyjson.Array:
			parts := make([]string, len(v.Items))
			for i := range v.Items {
				parts[i] = w(&v.Items[i])
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		parts := make([]string, len(v.Members))
		for i, m := range v.Members {
			parts[i] = m.Key + ": " + w(&v.Members[i].Value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return w(&v), true
}

// TestFilterTreeShapes: trees and lists at and beyond the limits, as
// variables, inside NOT and as literals: deep and/or/not nesting, wide OR
// lists, huge in lists. Beyond a limit the answer is a GraphQL error that
// names the argument; never a 500 or SQL text.
func TestFilterTreeShapes(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t, everyOpSetup...)
	s, err := schema.Load("everyop.graphql", []byte(everyOpApp))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	nest := func(n int, open, close, leaf string) string {
		return strings.Repeat(open, n) + leaf + strings.Repeat(close, n)
	}
	list := func(n int, item string) string {
		items := make([]string, n)
		for i := range items {
			items[i] = item
		}
		return strings.Join(items, ",")
	}
	const leaf = `{"i":{"eq":7}}`
	cases := []struct {
		name, where string
		ok          bool
	}{
		{"NOT 30 deep", nest(30, `{"NOT":`, `}`, leaf), true},
		{"NOT 33 deep", nest(33, `{"NOT":`, `}`, leaf), false},
		{"OR 31 deep", nest(31, `{"OR":[`, `]}`, leaf), true},
		{"OR 40 deep", nest(40, `{"OR":[`, `]}`, leaf), false},
		{"AND inside NOT 40 deep", `{"NOT":` + nest(40, `{"AND":[`, `]}`, leaf) + `}`, false},
		{"NOT 100000 deep", nest(100000, `{"NOT":`, `}`, leaf), false},
		{"OR of 1000", `{"OR":[` + list(1000, leaf) + `]}`, true},
		{"OR of 1001", `{"OR":[` + list(1001, leaf) + `]}`, false},
		{"OR of 1001 inside NOT", `{"NOT":{"OR":[` + list(1001, leaf) + `]}}`, false},
		{"in of 10000", `{"i":{"in":[` + list(10000, "7") + `]}}`, true},
		{"in of 10001", `{"i":{"in":[` + list(10001, "7") + `]}}`, false},
		{"in of 10001 inside NOT", `{"NOT":{"i":{"in":[` + list(10001, "7") + `]}}}`, false},
		{"array contains 10001", `{"strs":{"contains":[` + list(10001, `"a"`) + `]}}`, false},
		{"in of 10000 strings beyond Int", `{"i":{"in":[` + list(10000, "2147483648") + `]}}`, false},
	}
	// orderBy: a list of terms, each an object of one field or a nested one.
	for _, c := range []struct {
		order string
		ok    bool
	}{
		{`[` + list(1000, `{"i":"ASC"}`) + `]`, true},
		{`[` + list(1001, `{"i":"ASC"}`) + `]`, false},
		{nest(40, `{"part":`, `}`, `"ASC"`), false},
		{`[{"i":"SIDEWAYS"}]`, false},
		{`[{"nope":"ASC"}]`, false},
	} {
		v, err := pyjson.Decode([]byte(`{"o":` + c.order + `}`))
		if err != nil {
			t.Fatal(err)
		}
		resp := executeAppend(t, e, context.Background(), &Request{Query: `query($o: [RowOrderByInput]) { rows(orderBy: $o) { id } }`, Variables: &v})
		body := string(resp.Body)
		if len(body) > 300 {
			body = body[:300]
		}
		switch {
		case resp.InternalError:
			t.Errorf("orderBy %.60s: internal error (500)", c.order)
		case containsSQL(string(resp.Body)):
			t.Errorf("orderBy %.60s: SQL text: %s", c.order, body)
		case c.ok == strings.Contains(body, `"errors"`):
			t.Errorf("orderBy %.60s: %s", c.order, body)
		case !c.ok && !strings.Contains(body, "$o") && !strings.Contains(body, "Argument 'orderBy'"):
			t.Errorf("orderBy %.60s: the error does not name the argument: %s", c.order, body)
		}
	}
	for _, c := range cases {
		for _, form := range []string{"variable", "literal"} {
			var req Request
			if form == "variable" {
				v, err := pyjson.Decode([]byte(`{"w":` + c.where + `}`))
				if err != nil {
					// Deeper than a JSON body may nest: the HTTP layer
					// refuses it before the engine (FastAPI's 422).
					if c.ok {
						t.Fatalf("%s: %v", c.name, err)
					}
					continue
				}
				req = Request{Query: `query($w: RowWhereInput) { rows(where: $w) { id } }`, Variables: &v}
			} else {
				lit, ok := jsonToLiteral(c.where)
				if !ok {
					continue
				}
				req = Request{Query: `{ rows(where: ` + lit + `) { id } }`}
			}
			resp := executeAppend(t, e, context.Background(), &req)
			body := string(resp.Body)
			if len(body) > 300 {
				body = body[:300]
			}
			switch {
			case resp.InternalError:
				t.Errorf("%s %s: internal error (500)", form, c.name)
			case containsSQL(string(resp.Body)):
				t.Errorf("%s %s: SQL text: %s", form, c.name, body)
			case c.ok && strings.Contains(body, `"errors"`) && !(form == "literal" && strings.Contains(body, "Syntax Error: Document")):
				// (a literal this large may meet the document's own
				// nesting and token limits first)
				t.Errorf("%s %s: refused: %s", form, c.name, body)
			case !c.ok && !strings.Contains(body, `"errors"`):
				t.Errorf("%s %s: accepted: %s", form, c.name, body)
			case !c.ok && form == "variable" && !strings.Contains(body, "'w") && !strings.Contains(body, "Argument 'where'") && !strings.Contains(body, "$w"):
				t.Errorf("%s %s: the error does not name the argument: %s", form, c.name, body)
			}
		}
	}
}

// TestLimitOffsetBadInput: limit and offset at and beyond their range, as
// literals and variables: a negative one is the argument's error before
// any SQL (v1.9.7 sent it and showed PostgreSQL's words, kept under the
// switch), beyond 32 bits graphql-core's Int error, the largest Int works.
func TestLimitOffsetBadInput(t *testing.T) {
	t.Parallel()
	conn, _ := freshDB(t, everyOpSetup...)
	s, err := schema.Load("everyop.graphql", []byte(everyOpApp))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(s, conn, Config{Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := New(s, conn, Config{Environment: Production, Quirks: QuirksV197})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		e           *Engine
		query, vars string
		want        string
	}{
		{e, `{ rows(limit: -1) { id } }`, ``, `{"data":{"rows":null},"errors":[{"message":"Argument 'limit' has invalid value -1: it must not be negative.","locations":[{"line":1,"column":3}],"path":["rows"]}]}`},
		{e, `query($o: Int) { rows(offset: $o) { id } }`, `{"o": -2147483648}`, `{"data":{"rows":null},"errors":[{"message":"Argument 'offset' has invalid value -2147483648: it must not be negative.","locations":[{"line":1,"column":18}],"path":["rows"]}]}`},
		{e, `{ rows(limit: 2147483647, offset: 2147483647) { id } }`, ``, `{"data":{"rows":[]}}`},
		{e, `{ rows(limit: 2147483648) { id } }`, ``, `{"errors":[{"message":"Int cannot represent non 32-bit signed integer value: 2147483648","locations":[{"line":1,"column":15}]}]}`},
		{e, `query($l: Int) { rows(limit: $l) { id } }`, `{"l": 1e400}`, `{"errors":[{"message":"Variable '$l' got invalid value inf; Int cannot represent non-integer value: inf","locations":[{"line":1,"column":7}]}]}`},
		{v1, `{ rows(limit: -1) { id } }`, ``, `{"data":{"rows":null},"errors":[{"message":"LIMIT must not be negative","locations":[{"line":1,"column":3}],"path":["rows"]}]}`},
	} {
		req := &Request{Query: c.query}
		if c.vars != "" {
			v, err := pyjson.Decode([]byte(c.vars))
			if err != nil {
				t.Fatal(err)
			}
			req.Variables = &v
		}
		got := executeAppend(t, c.e, ctx, req)
		if string(got.Body) != c.want {
			t.Errorf("%s %s (quirks %s):\ngot  %s\nwant %s", c.query, c.vars, c.e.cfg.Quirks, got.Body, c.want)
		}
	}
}
