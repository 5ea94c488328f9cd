package graphqlexec

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// The typed filters are checked differentially: each where (or orderBy)
// runs through the engine over the JSON documents of v_item, and the same
// question is asked in plain SQL over the typed columns of tb_item; both
// must name the same rows. Item reads the documents only; ItemC reads the
// same view with @column on its scalar fields (the indexable form).

const filterApp = `schema { query: Query }
type Item @view(name: "v_item") {
  id: UUID
  n: Int
  f: Float
  b: Boolean
  s: String
  ts: DateTime
  nums: [Int]
  words: [String]
  parts: [Part]
  part: Part
  kind: Kind
  tss: [DateTime]
  days: [Date]
  hours: [Time]
}
enum Kind { SMALL LARGE }
type ItemC @view(name: "v_item") {
  id: UUID @column(name: "id")
  n: Int @column(name: "n")
  f: Float @column(name: "f")
  b: Boolean @column(name: "b")
  s: String @column(name: "s")
  ts: DateTime @column(name: "ts")
  words: [String]
  kind: Kind @column(name: "kind")
}
type Part { k: String w: Int }
type Query {
  items: [Item] @read
  itemsC: [ItemC] @read
}
`

// filterRows: 60 rows with NULLs in every column, strings that look like
// numbers, dates and LIKE patterns, timestamps stored with offsets.
var filterRows = []string{`
CREATE TABLE tb_item (
  id uuid PRIMARY KEY, n integer, f double precision, b boolean, s text,
  ts timestamptz, ts_text text, nums integer[], words text[], parts jsonb, pw integer, kind text,
  tss timestamptz[], days date[], hours time[])`, `
INSERT INTO tb_item
SELECT md5(i::text)::uuid,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37) % 200 - 50 END,
  CASE WHEN i % 9 = 0 THEN NULL ELSE ((i * 13) % 100) / 4.0 - 3 END,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i % 2 = 0 END,
  CASE WHEN i % 11 = 0 THEN NULL
       ELSE (ARRAY['apple', 'Banana', 'cherry', '50%', 'a_b', 'x\y', '9', '10', '2025-01-01', 'ünï'])[i % 10 + 1] || (i % 4) END,
  t, CASE i % 3 WHEN 0 THEN to_char(t AT TIME ZONE 'UTC' + interval '2 hours', 'YYYY-MM-DD"T"HH24:MI:SS') || '+02:00'
                WHEN 1 THEN to_char(t AT TIME ZONE 'UTC' - interval '5 hours 30 minutes', 'YYYY-MM-DD"T"HH24:MI:SS') || '-05:30'
                ELSE to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || 'Z' END,
  CASE WHEN i % 8 = 0 THEN NULL WHEN i % 6 = 0 THEN '{}' ELSE ARRAY[i % 4, (i % 3) * 10, i] END,
  CASE WHEN i % 13 = 0 THEN NULL WHEN i % 4 = 0 THEN '{}'
       WHEN i % 4 = 1 THEN ARRAY['go', 'rust'] WHEN i % 4 = 2 AND i % 3 = 0 THEN ARRAY['rust', 'sql']
       WHEN i % 4 = 2 THEN ARRAY['go', 'go'] ELSE ARRAY['sql', 'go', 'x'] END,
  CASE WHEN i % 10 = 0 THEN '[]'::jsonb
       ELSE jsonb_build_array(jsonb_build_object('k', 'a' || i % 3, 'w', i % 5), jsonb_build_object('k', 'b', 'w', i % 2)) END,
  CASE WHEN i % 6 = 0 THEN NULL ELSE i % 5 END,
  CASE WHEN i % 17 = 0 THEN NULL WHEN i % 3 = 0 THEN 'large' ELSE 'small' END,
  CASE WHEN i % 9 = 0 THEN NULL WHEN i % 7 = 0 THEN '{}'
       ELSE ARRAY[timestamptz '2025-01-01 00:00Z' + (i % 3) * interval '1 hour', timestamptz '2025-01-01 00:00Z' + (i % 4) * interval '1 hour'] END,
  CASE WHEN i % 10 = 0 THEN NULL ELSE ARRAY[date '2025-01-01' + i % 3, date '2025-01-01' + i % 5] END,
  CASE WHEN i % 11 = 0 THEN NULL ELSE ARRAY[time '14:30' + (i % 2) * interval '1 minute', time '09:00'] END
FROM generate_series(1, 60) AS i,
     LATERAL (SELECT CASE WHEN i = 60 THEN NULL ELSE timestamptz '2024-12-31 22:00:00Z' + (i - 30) * interval '37 minutes' END) AS x(t)`, `
UPDATE tb_item SET ts_text = NULL WHERE ts IS NULL`, `
CREATE VIEW v_item AS
SELECT id, n, f, b, s, ts, kind,
  jsonb_build_object('id', id, 'n', n, 'f', f, 'b', b, 's', s, 'ts', ts_text,
    'nums', to_jsonb(nums), 'words', to_jsonb(words), 'parts', parts,
    'kind', kind,
    -- instants written with three offsets, times with and without seconds
    'tss', (SELECT CASE WHEN tss IS NOT NULL THEN coalesce(jsonb_agg(CASE o % 3
        WHEN 0 THEN to_char(e AT TIME ZONE 'UTC' + interval '2 hours', 'YYYY-MM-DD"T"HH24:MI:SS') || '+02:00'
        WHEN 1 THEN to_char(e AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || 'Z'
        ELSE to_char(e AT TIME ZONE 'UTC' - interval '5 hours 30 minutes', 'YYYY-MM-DD"T"HH24:MI:SS') || '-05:30' END ORDER BY o), '[]') END
      FROM unnest(tss) WITH ORDINALITY AS u(e, o)),
    'days', to_jsonb(days),
    'hours', (SELECT jsonb_agg(CASE WHEN o % 2 = 0 THEN to_char(h, 'HH24:MI') ELSE h::text END ORDER BY o)
      FROM unnest(hours) WITH ORDINALITY AS u(h, o)),
    'part', CASE WHEN pw IS NULL THEN NULL ELSE jsonb_build_object('k', 'p', 'w', pw) END) AS data
FROM tb_item`,
}

type filterCase struct {
	where string // JSON, passed as the $w variable
	ref   string // the same question over tb_item's columns
}

var filterCases = []filterCase{
	// Int
	{`{"n":{"eq":24}}`, `n = 24`},
	{`{"n":{"neq":24}}`, `n <> 24`},
	{`{"n":{"gt":30}}`, `n > 30`},
	{`{"n":{"gte":-7}}`, `n >= -7`},
	{`{"n":{"lt":5}}`, `n < 5`},
	{`{"n":{"lte":100}}`, `n <= 100`},
	{`{"n":{"in":[24,-13,9,1000]}}`, `n IN (24, -13, 9, 1000)`},
	{`{"n":{"nin":[24,-13]}}`, `n NOT IN (24, -13)`},
	{`{"n":{"isnull":true}}`, `n IS NULL`},
	{`{"n":{"isnull":false}}`, `n IS NOT NULL`},
	{`{"n":{"gt":2147483647}}`, `false`},
	{`{"n":{"gte":-2147483648}}`, `n IS NOT NULL`},
	// Float
	{`{"f":{"gt":2.5}}`, `f > 2.5`},
	{`{"f":{"lte":0}}`, `f <= 0`},
	{`{"f":{"eq":4.25}}`, `f = 4.25`},
	{`{"f":{"neq":-3}}`, `f <> -3`},
	{`{"f":{"in":[-3, 4.25, 1e300]}}`, `f IN (-3, 4.25, 1e300)`},
	{`{"f":{"lt":1e-300}}`, `f < 1e-300`},
	{`{"f":{"gte":2.5}}`, `f >= 2.5`},
	{`{"f":{"nin":[-3, 4.25]}}`, `f NOT IN (-3, 4.25)`},
	{`{"f":{"isnull":true}}`, `f IS NULL`},
	// Boolean
	{`{"b":{"eq":true}}`, `b`},
	{`{"b":{"neq":true}}`, `NOT b`},
	{`{"b":{"isnull":true}}`, `b IS NULL`},
	// String, with LIKE wildcards taken literally where the operator is not a pattern
	{`{"s":{"eq":"apple2"}}`, `s = 'apple2'`},
	{`{"s":{"neq":"apple2"}}`, `s <> 'apple2'`},
	{`{"s":{"contains":"50%"}}`, `strpos(s, '50%') > 0`},
	{`{"s":{"contains":"_"}}`, `strpos(s, '_') > 0`},
	{`{"s":{"contains":"\\"}}`, `strpos(s, '\') > 0`},
	{`{"s":{"icontains":"AN"}}`, `strpos(lower(s), 'an') > 0`},
	{`{"s":{"startswith":"a_"}}`, `left(s, 2) = 'a_'`},
	{`{"s":{"istartswith":"BAN"}}`, `lower(left(s, 3)) = 'ban'`},
	{`{"s":{"endswith":"1"}}`, `right(s, 1) = '1'`},
	{`{"s":{"iendswith":"Ï1"}}`, `lower(right(s, 2)) = 'ï1'`},
	{`{"s":{"like":"a%2"}}`, `s LIKE 'a%2'`},
	{`{"s":{"ilike":"%A_B%"}}`, `s ILIKE '%a_b%'`},
	{`{"s":{"matches":"^[a-c].*[0-2]$"}}`, `s ~ '^[a-c].*[0-2]$'`},
	{`{"s":{"imatches":"^b"}}`, `s ~* '^b'`},
	{`{"s":{"notMatches":"^[a-c]"}}`, `s !~ '^[a-c]'`},
	{`{"s":{"in":["apple2","90","101"]}}`, `s IN ('apple2', '90', '101')`},
	{`{"s":{"nin":["apple2"]}}`, `s <> 'apple2'`},
	{`{"s":{"notin":["apple2", "Banana1"]}}`, `s NOT IN ('apple2', 'Banana1')`},
	{`{"s":{"gt":"9"}}`, `` /* StringFilter has no gt: a validation error, checked below */},
	{`{"s":{"isnull":true}}`, `s IS NULL`},
	// UUID
	{`{"id":{"eq":"C4CA4238-A0B9-2382-0DCC-509A6F75849B"}}`, `id = 'c4ca4238-a0b9-2382-0dcc-509a6f75849b'`},
	{`{"id":{"in":["c4ca4238a0b923820dcc509a6f75849b","{eccbc87e-4b5c-e2fe-2830-8fd9f2a7baf3}"]}}`, `id IN ('c4ca4238-a0b9-2382-0dcc-509a6f75849b', 'eccbc87e-4b5c-e2fe-2830-8fd9f2a7baf3')`},
	{`{"id":{"neq":"c4ca4238-a0b9-2382-0dcc-509a6f75849b"}}`, `id <> 'c4ca4238-a0b9-2382-0dcc-509a6f75849b'`},
	{`{"id":{"nin":["C4CA4238-A0B9-2382-0DCC-509A6F75849B","eccbc87e4b5ce2fe28308fd9f2a7baf3"]}}`, `id NOT IN ('c4ca4238-a0b9-2382-0dcc-509a6f75849b', 'eccbc87e-4b5c-e2fe-2830-8fd9f2a7baf3')`},
	{`{"id":{"isnull":false}}`, `id IS NOT NULL`},
	// DateTime: instants, whatever the offset they are written with
	{`{"ts":{"eq":"2025-01-01T00:00:00+02:00"}}`, `ts = '2024-12-31T22:00:00Z'`},
	{`{"ts":{"eq":"2024-12-31T22:00:00Z"}}`, `ts = '2025-01-01T00:00:00+02:00'`},
	{`{"ts":{"gt":"2025-01-01T05:00:00-05:00"}}`, `ts > '2025-01-01T10:00:00Z'`},
	{`{"ts":{"lte":"2024-12-31T20:00:00+00:00"}}`, `ts <= '2024-12-31T20:00:00Z'`},
	{`{"ts":{"in":["2024-12-31T22:37:00Z","2025-01-01T00:00:00+02:00"]}}`, `ts IN ('2024-12-31T22:37:00Z', '2024-12-31T22:00:00Z')`},
	{`{"ts":{"isnull":true}}`, `ts IS NULL`},
	{`{"ts":{"neq":"2025-01-01T00:00:00+02:00"}}`, `ts <> '2024-12-31T22:00:00Z'`},
	{`{"ts":{"gte":"2025-01-01T05:00:00-05:00"}}`, `ts >= '2025-01-01T10:00:00Z'`},
	{`{"ts":{"lt":"2024-12-31T20:00:00+00:00"}}`, `ts < '2024-12-31T20:00:00Z'`},
	{`{"ts":{"nin":["2024-12-31T22:37:00Z","2025-01-01T00:14:00+02:00"]}}`, `ts NOT IN ('2024-12-31T22:37:00Z', '2024-12-31T22:14:00Z')`},
	// [String]
	{`{"words":{"contains":["go"]}}`, `words @> '{go}'`},
	{`{"words":{"contains":["go","sql"]}}`, `words @> '{go,sql}'`},
	{`{"words":{"containedBy":["go","rust"]}}`, `words <@ '{go,rust}'`},
	{`{"words":{"strictlyContains":["go"]}}`, `words @> '{go}' AND NOT (words <@ '{go}')`},
	{`{"words":{"overlaps":["sql","x"]}}`, `words && '{sql,x}'`},
	{`{"words":{"eq":["go","rust"]}}`, `words = '{go,rust}'`},
	{`{"words":{"neq":["go","rust"]}}`, `words <> '{go,rust}'`},
	{`{"words":{"lenEq":0}}`, `cardinality(words) = 0`},
	{`{"words":{"lenNeq":2}}`, `cardinality(words) <> 2`},
	{`{"words":{"lenGt":1}}`, `cardinality(words) > 1`},
	{`{"words":{"lenGte":2}}`, `cardinality(words) >= 2`},
	{`{"words":{"lenLt":2}}`, `cardinality(words) < 2`},
	{`{"words":{"lenLte":0}}`, `cardinality(words) <= 0`},
	{`{"words":{"anyEq":"rust"}}`, `'rust' = ANY(words)`},
	{`{"words":{"inArray":"sql"}}`, `'sql' = ANY(words)`},
	{`{"words":{"allEq":"go"}}`, `words IS NOT NULL AND NOT ('go' <> ANY(words))`},
	{`{"words":{"arrayContains":["rust"]}}`, `words @> '{rust}'`},
	{`{"words":{"arrayLengthEq":2}}`, `cardinality(words) = 2`},
	{`{"words":{"isnull":true}}`, `words IS NULL`},
	// v1's array… aliases, each against the same SQL as its short form
	{`{"words":{"arrayEq":["go","rust"]}}`, `words = '{go,rust}'`},
	{`{"words":{"arrayNeq":["go","rust"]}}`, `words <> '{go,rust}'`},
	{`{"words":{"arrayContainedBy":["go","rust"]}}`, `words <@ '{go,rust}'`},
	{`{"words":{"arrayOverlaps":["sql","x"]}}`, `words && '{sql,x}'`},
	{`{"words":{"arrayLengthGt":1}}`, `cardinality(words) > 1`},
	{`{"words":{"arrayLengthGte":2}}`, `cardinality(words) >= 2`},
	{`{"words":{"arrayLengthLt":2}}`, `cardinality(words) < 2`},
	{`{"words":{"arrayAnyEq":"rust"}}`, `'rust' = ANY(words)`},
	{`{"words":{"arrayAllEq":"go"}}`, `words IS NOT NULL AND NOT ('go' <> ANY(words))`},
	// [Int]: elements are given as strings and compared as numbers
	{`{"nums":{"contains":["10"]}}`, `nums @> '{10}'`},
	{`{"nums":{"overlaps":["0","20"]}}`, `nums && '{0,20}'`},
	{`{"nums":{"anyEq":"3"}}`, `3 = ANY(nums)`},
	{`{"nums":{"lenLte":0}}`, `cardinality(nums) <= 0`},
	// [Part]: elements are JSON objects; a partial object matches
	{`{"parts":{"contains":["{\"k\": \"a1\"}"]}}`, `EXISTS (SELECT 1 FROM jsonb_array_elements(parts) e WHERE e->>'k' = 'a1')`},
	{`{"parts":{"anyEq":"{\"k\": \"b\", \"w\": 1}"}}`, `EXISTS (SELECT 1 FROM jsonb_array_elements(parts) e WHERE e->>'k' = 'b' AND (e->>'w')::int = 1)`},
	{`{"parts":{"allEq":"{\"w\": 0}"}}`, `NOT EXISTS (SELECT 1 FROM jsonb_array_elements(parts) e WHERE (e->>'w')::int <> 0)`},
	{`{"parts":{"lenEq":0}}`, `jsonb_array_length(parts) = 0`},
	// [DateTime], [Date], [Time]: elements compared as instants, days and
	// times of day, whatever offset or precision they are written with
	{`{"tss":{"contains":["2025-01-01T02:00:00+02:00"]}}`, `tss @> '{2025-01-01T00:00:00Z}'`},
	{`{"tss":{"contains":["2025-01-01T01:00:00Z","2024-12-31T21:30:00-05:30"]}}`, `tss @> '{2025-01-01T01:00:00Z,2025-01-01T03:00:00Z}'`},
	{`{"tss":{"containedBy":["2025-01-01T00:00:00Z","2025-01-01T03:00:00+02:00","2025-01-01T02:00:00Z"]}}`, `tss <@ '{2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,2025-01-01T02:00:00Z}'`},
	{`{"tss":{"strictlyContains":["2025-01-01T00:00:00Z"]}}`, `tss @> '{2025-01-01T00:00:00Z}' AND NOT (tss <@ '{2025-01-01T00:00:00Z}')`},
	{`{"tss":{"overlaps":["2024-12-31T21:00:00-03:00","2030-01-01T00:00:00Z"]}}`, `tss && '{2025-01-01T00:00:00Z}'`},
	{`{"tss":{"eq":["2025-01-01T01:00:00+01:00","2025-01-01T03:00:00Z"]}}`, `tss = '{2025-01-01T00:00:00Z,2025-01-01T03:00:00Z}'`},
	{`{"tss":{"neq":["2025-01-01T01:00:00+01:00","2025-01-01T03:00:00Z"]}}`, `tss <> '{2025-01-01T00:00:00Z,2025-01-01T03:00:00Z}'`},
	{`{"tss":{"anyEq":"2025-01-01T05:30:00+05:30"}}`, `'2025-01-01T00:00:00Z' = ANY(tss)`},
	{`{"tss":{"allEq":"2025-01-01T00:00:00Z"}}`, `tss IS NOT NULL AND NOT ('2025-01-01T00:00:00Z' <> ANY(tss))`},
	{`{"tss":{"lenEq":2}}`, `cardinality(tss) = 2`},
	{`{"days":{"contains":["2025-01-03"]}}`, `days @> '{2025-01-03}'`},
	{`{"days":{"overlaps":["2025-01-05","2025-01-02"]}}`, `days && '{2025-01-05,2025-01-02}'`},
	{`{"hours":{"anyEq":"14:30:00"}}`, `'14:30' = ANY(hours)`},
	{`{"hours":{"contains":["14:31","09:00:00"]}}`, `hours @> '{14:31,09:00}'`},
	{`{"hours":{"eq":["14:30","09:00"]}}`, `hours = '{14:30,09:00}'`},
	// enum: v1's StringFilter over the stored value
	{`{"kind":{"eq":"large"}}`, `kind = 'large'`},
	{`{"kind":{"in":["small","x"]}}`, `kind IN ('small', 'x')`},
	{`{"kind":{"isnull":true}}`, `kind IS NULL`},
	// nested object
	{`{"part":{"w":{"gt":2}}}`, `pw > 2`},
	{`{"part":{"w":{"isnull":true}}}`, `pw IS NULL`},
	// and / or / not
	{`{"OR":[{"n":{"gt":100}},{"NOT":{"b":{"eq":true}}}]}`, `n > 100 OR NOT b`},
	{`{"AND":[{"n":{"gt":0}},{"f":{"lt":10}}],"s":{"startswith":"a"}}`, `n > 0 AND f < 10 AND left(s, 1) = 'a'`},
	{`{"NOT":{"n":{"gt":0}}}`, `NOT (n > 0)`},
	{`{"NOT":{"OR":[{"n":{"gt":0}},{"b":{"eq":false}}]}}`, `NOT (n > 0 OR NOT b)`},
	{`{"NOT":{"n":5}}`, `NOT (n = 5)`},
}

// itemC maps a filter case onto ItemC when every field it names has a
// column there.
func itemCApplies(where string) bool {
	for _, k := range []string{`"nums"`, `"parts"`, `"part"`, `"tss"`, `"days"`, `"hours"`} {
		if strings.Contains(where, k) {
			return false
		}
	}
	return true
}

func filterEngine(t *testing.T) (*Engine, *pgx.Conn) {
	t.Helper()
	conn, _ := freshDB(t, filterRows...)
	s, err := schema.Load("filters.graphql", []byte(filterApp))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(s, conn, Config{Environment: Development})
	if err != nil {
		t.Fatal(err)
	}
	return e, conn
}

func runIDs(t *testing.T, e *Engine, field, args, vars string) ([]string, string) {
	t.Helper()
	typ := map[string]string{"items": "Item", "itemsC": "ItemC"}[field]
	decl := "$w: " + typ + "WhereInput"
	if strings.Contains(args, "$o") {
		decl = "$o: [" + typ + "OrderByInput]"
	}
	q := fmt.Sprintf(`query(%s) { %s(%s) { id } }`, decl, field, args)
	v, err := pyjson.Decode([]byte(vars))
	if err != nil {
		t.Fatal(err)
	}
	resp := executeAppend(t, e, context.Background(), &Request{Query: q, Variables: &v})
	var body struct {
		Data   map[string][]struct{ ID string } `json:"data"`
		Errors []struct{ Message string }       `json:"errors"`
	}
	if resp.InternalError {
		t.Fatalf("internal error for %s", vars)
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatalf("%s: %v", resp.Body, err)
	}
	if len(body.Errors) > 0 {
		return nil, body.Errors[0].Message
	}
	var ids []string
	for _, r := range body.Data[field] {
		ids = append(ids, r.ID)
	}
	return ids, ""
}

func refIDs(t *testing.T, conn *pgx.Conn, pred, order string) []string {
	t.Helper()
	sql := "SELECT id::text FROM tb_item WHERE " + pred
	if order != "" {
		sql += " ORDER BY " + order
	}
	rows, err := conn.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return ids
}

func TestFiltersDifferential(t *testing.T) {
	t.Parallel()
	e, conn := filterEngine(t)
	for _, c := range filterCases {
		t.Run(c.where, func(t *testing.T) {
			fields := []string{"items"}
			if itemCApplies(c.where) {
				fields = append(fields, "itemsC")
			}
			for _, field := range fields {
				got, msg := runIDs(t, e, field, "where: $w", `{"w":`+c.where+`}`)
				if c.ref == "" {
					if msg == "" {
						t.Fatalf("%s: no error, want a validation error", field)
					}
					continue
				}
				if msg != "" {
					t.Fatalf("%s: error %s", field, msg)
				}
				want := refIDs(t, conn, "coalesce(("+c.ref+"), false)", "")
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: %d rows %v\nplain SQL (%s): %d rows %v", field, len(got), got, c.ref, len(want), want)
				}
				if len(want) == 0 && c.ref != "false" {
					t.Errorf("%s: the reference selects no row: the case proves nothing", field)
				}
			}
		})
	}
}

// TestFilterCasesCoverEveryOperator: every operator of every filter type
// the differential test's declaration generates has a case there (a new
// operator without one fails here).
func TestFilterCasesCoverEveryOperator(t *testing.T) {
	s, err := schema.Load("filters.graphql", []byte(filterApp))
	if err != nil {
		t.Fatal(err)
	}
	where := s.Type("ItemWhereInput")
	covered := map[string]bool{}
	for _, c := range filterCases {
		v, err := pyjson.Decode([]byte(c.where))
		if err != nil {
			t.Fatalf("%s: %v", c.where, err)
		}
		for _, m := range v.Members {
			f := where.InputField(m.Key)
			if f == nil || m.Value.Kind != pyjson.Object {
				continue
			}
			for _, op := range m.Value.Members {
				covered[f.Type.NamedType()+"."+op.Key] = true
			}
		}
	}
	n := 0
	for _, f := range where.InputFields {
		ft := s.Type(f.Type.NamedType())
		if !strings.HasSuffix(ft.Name, "Filter") {
			continue // AND, OR, NOT and nested objects: covered by the tree cases
		}
		for _, op := range ft.InputFields {
			n++
			if !covered[ft.Name+"."+op.Name] {
				t.Errorf("%s.%s has no differential case", ft.Name, op.Name)
				covered[ft.Name+"."+op.Name] = true // once
			}
		}
	}
	if n < 60 {
		t.Fatalf("only %d operators found: the walk is broken", n)
	}
}

// TestOrderByDifferential: orderBy sorts by the declared type (instants
// for DateTime, numbers for Int and Float), nulls as the smallest value.
func TestOrderByDifferential(t *testing.T) {
	t.Parallel()
	e, conn := filterEngine(t)
	cases := []struct{ order, ref string }{
		{`[{"n":"DESC"},{"id":"ASC"}]`, `n DESC NULLS LAST, id`},
		{`[{"f":"ASC"},{"id":"DESC"}]`, `f ASC NULLS FIRST, id DESC`},
		{`[{"ts":"ASC"}]`, `ts ASC NULLS FIRST`},
		{`[{"ts":"DESC"}]`, `ts DESC NULLS LAST`},
		{`[{"b":"DESC"},{"s":"ASC"},{"id":"ASC"}]`, `b DESC NULLS LAST, s COLLATE "C" ASC NULLS FIRST, id`},
	}
	for _, c := range cases {
		for _, field := range []string{"items", "itemsC"} {
			got, msg := runIDs(t, e, field, "orderBy: $o", `{"o":`+c.order+`}`)
			if msg != "" {
				t.Fatalf("%s %s: %s", field, c.order, msg)
			}
			want := refIDs(t, conn, "true", c.ref)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s:\ngot  %v\nwant %v (ORDER BY %s)", field, c.order, got, want, c.ref)
			}
		}
	}
}

// TestFilterBadInput: wrong value types, oversized lists and patterns,
// values out of range, a regex PostgreSQL refuses, and deep trees each get
// a GraphQL error that names the argument, never a 500 or SQL text.
func TestFilterBadInput(t *testing.T) {
	t.Parallel()
	e, _ := filterEngine(t)
	big := make([]string, 10001)
	for i := range big {
		big[i] = "1"
	}
	deep := `{"n":{"eq":1}}`
	for range 40 {
		deep = `{"NOT":` + deep + `}`
	}
	deepOr := `{"n":{"eq":1}}`
	for range 40 {
		deepOr = `{"OR":[` + deepOr + `]}`
	}
	cases := []struct{ where, want string }{
		{`{"n":{"gt":"30"}}`, "at 'w.n.gt'"},
		{`{"n":{"gt":2147483648}}`, "at 'w.n.gt'"},
		{`{"n":{"gt":1.5}}`, "at 'w.n.gt'"},
		{`{"f":{"gt":"1e3"}}`, "at 'w.f.gt'"},
		{`{"f":{"gt":1e400}}`, "at 'w.f.gt'; Float cannot represent non numeric value: inf"},
		{`{"b":{"eq":"true"}}`, "at 'w.b.eq'"},
		{`{"b":{"eq":1}}`, "at 'w.b.eq'"},
		{`{"id":{"eq":"not-a-uuid"}}`, "at 'w.id.eq'"},
		{`{"id":{"eq":42}}`, "at 'w.id.eq'"},
		{`{"ts":{"gt":"yesterday"}}`, "at 'w.ts.gt'"},
		{`{"ts":{"gt":"2025-13-45T00:00:00Z"}}`, "at 'w.ts.gt'"},
		{`{"ts":{"gt":1735689600}}`, "at 'w.ts.gt'"},
		{`{"s":{"eq":12}}`, "at 'w.s.eq'"},
		{`{"s":{"matches":"("}}`, "Argument 'where' has an invalid regular expression"},
		{`{"s":{"matches":"` + strings.Repeat("a", 1001) + `"}}`, "longer than 1000 bytes"},
		{`{"s":{"in":[1,2]}}`, "at 'w.s.in[0]'"},
		{`{"n":{"in":[` + strings.Join(big, ",") + `]}}`, "longer than 10000"},
		{`{"words":{"contains":"go"}}`, ""}, // a single value is a list of one (GraphQL input coercion)
		{`{"words":{"contains":[1]}}`, "at 'w.words.contains[0]'"},
		{`{"nums":{"contains":["x"]}}`, "Argument 'where' has an invalid value at 'nums.contains[0]'"},
		{`{"nums":{"contains":["99999999999"]}}`, "nums.contains[0]"},
		{`{"parts":{"anyEq":"not json"}}`, "parts.anyEq"},
		{`{"words":{"lenEq":-1}}`, ""},
		{`{"words":{"lenEq":"2"}}`, "at 'w.words.lenEq'"},
		{`{"NOT":{"n":{"gt":"30"}}}`, "Argument 'where' has an invalid value at 'NOT.n.gt'"},
		{`{"NOT":{"b":{"isnull":"yes"}}}`, "NOT.b.isnull"},
		{`{"NOT":{"s":{"gt":"9"}}}`, "Unknown operator 'gt'"},
		{`{"NOT":{"ts":{"eq":"2025-01-01 junk"}}}`, "NOT.ts.eq"},
		{`{"ts":{"eq":"0000-01-01T00:00:00Z"}}`, "at 'ts.eq': DateTime out of range"},
		{`{"ts":{"lt":"9999-12-31T23:59:59-23:59"}}`, "at 'ts.lt': DateTime out of range"},
		{`{"ts":{"in":["2025-01-01T00:00:00+16:00"]}}`, "at 'ts.in[0]': DateTime out of range"},
		{`{"ts":{"gt":"2025-01-01T10+02:00"}}`, ""},
		{`{"ts":{"gt":"9999-12-31T23:59:59.999999999+15:59"}}`, ""},
		{`{"NOT":{"n":{"in":["1"]}}}`, "NOT.n.in[0]"},
		{deep, "nested deeper"},
		{deepOr, "nested deeper"},
	}
	for _, c := range cases {
		name := c.where
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			v, err := pyjson.Decode([]byte(`{"w":` + c.where + `}`))
			if err != nil {
				t.Fatal(err)
			}
			resp := executeAppend(t, e, context.Background(), &Request{Query: `query($w: ItemWhereInput) { items(where: $w) { id } }`, Variables: &v})
			if resp.InternalError {
				t.Fatal("internal error")
			}
			body := string(resp.Body)
			if strings.Contains(body, "SELECT") || strings.Contains(body, "data ->") || strings.Contains(body, "Internal server error") {
				t.Fatalf("SQL or an internal error reached the client: %s", body)
			}
			if c.want == "" {
				if strings.Contains(body, `"errors"`) {
					t.Fatalf("error for a valid filter: %s", body)
				}
				return
			}
			if !strings.Contains(body, `"errors"`) || !strings.Contains(body, c.want) {
				t.Fatalf("got %s, want an error containing %q", body, c.want)
			}
		})
	}
}

// TestFilterBadLiteral: the same mistakes written inline are validation
// errors that name the where argument (graphql-core's words), and the
// NOT member (a JSON scalar, checked by the planner) names its path.
func TestFilterBadLiteral(t *testing.T) {
	t.Parallel()
	e, _ := filterEngine(t)
	cases := []struct{ args, want string }{
		{`where: {n: {gt: "30"}}`, `Int cannot represent non-integer value: \"30\"`},
		{`where: {n: {gt: 2147483648}}`, `Int cannot represent non 32-bit signed integer value: 2147483648`},
		{`where: {ts: {gt: "2025-02-30T00:00:00Z"}}`, `Invalid ISO 8601 DateTime`},
		{`where: {s: {gt: "9"}}`, `Field 'gt' is not defined by type 'StringFilter'`},
		{`where: {b: {contains: "x"}}`, `Field 'contains' is not defined by type 'BooleanFilter'`},
		{`where: {NOT: "{\"n\": {\"gt\": \"30\"}}"}`, `Argument 'where' has an invalid value at 'NOT.n.gt'`},
		{`where: {NOT: "{\"s\": {\"matches\": \"a{1,\"}}"}`, `Argument 'where' has an invalid regular expression`},
		{`where: {NOT: "{\"s\": {\"matches\": \"(?:ap)+\"}}"}`, ``},
		{`orderBy: [{n: SIDEWAYS}]`, `Value 'SIDEWAYS' does not exist in 'OrderDirection' enum`},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			resp := executeAppend(t, e, context.Background(), &Request{Query: `{ items(` + c.args + `) { id } }`})
			if resp.InternalError {
				t.Fatal("internal error")
			}
			body := string(resp.Body)
			if strings.Contains(body, "SELECT") || strings.Contains(body, "Internal server error") {
				t.Fatalf("SQL or an internal error reached the client: %s", body)
			}
			if c.want == "" {
				if strings.Contains(body, `"errors"`) {
					t.Fatalf("error for a valid filter: %s", body)
				}
				return
			}
			if !strings.Contains(body, c.want) {
				t.Fatalf("got %s, want an error containing %q", body, c.want)
			}
		})
	}
}

// TestDemoAgeFilter: the demo app answers users(where: {age: {gt: 30}})
// with exactly the users of the tenant older than 30, by number.
func TestDemoAgeFilter(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	e, err := New(loadBlog(t), conn, Config{Environment: Development})
	if err != nil {
		t.Fatal(err)
	}
	resp := executeAppend(t, e, context.Background(), &Request{Query: `{ users(where: {age: {gt: 30}}) { age } }`})
	var body struct {
		Data struct{ Users []struct{ Age int } } `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil || strings.Contains(string(resp.Body), `"errors"`) {
		t.Fatalf("%s: %v", resp.Body, err)
	}
	var got []int
	for _, u := range body.Data.Users {
		got = append(got, u.Age)
	}
	rows, err := conn.Query(context.Background(),
		`SELECT age FROM tb_user WHERE tenant_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' AND age > 30 ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) < 2 || !slices.Equal(got, want) {
		t.Fatalf("ages %v, want %v", got, want)
	}
}

// TestColumnFilterUsesIndex: with @column, the perf workload's filter and
// order compare view columns, which PostgreSQL pushes into the base
// table's index (sequential scans are disabled so the small demo table
// shows the plan a large one gets).
func TestColumnFilterUsesIndex(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	rec := &recordingDB{DB: conn}
	e, err := New(loadBlog(t), rec, Config{Environment: Development})
	if err != nil {
		t.Fatal(err)
	}
	resp := executeAppend(t, e, context.Background(), &Request{Query: `{ users(where: {role: {eq: "author"}}, orderBy: [{score: DESC}], limit: 10) { id } }`})
	if strings.Contains(string(resp.Body), `"errors"`) || len(rec.sql) != 1 {
		t.Fatalf("%s %q", resp.Body, rec.sql)
	}
	// (the selection, id, is a declared column: the document is built from it, see TestColumnReads)
	const want = `SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "role" = $1 AND "tenant_id" = $2 ORDER BY "score" DESC NULLS LAST LIMIT 10`
	if rec.sql[0] != want {
		t.Fatalf("statement\ngot  %s\nwant %s", rec.sql[0], want)
	}
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, "EXPLAIN "+rec.sql[0], "author", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "tb_user_tenant_role_score_idx") || strings.Contains(text, "Sort") {
		t.Fatalf("the statement does not read the index in order:\n%s", text)
	}
}

// TestDemoCommentsFilter: a list of objects is filtered by a partial JSON
// object (docs/schema.md's example): the posts with a comment by Ana Silva.
func TestDemoCommentsFilter(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	e, err := New(loadBlog(t), conn, Config{Environment: Development})
	if err != nil {
		t.Fatal(err)
	}
	resp := executeAppend(t, e, context.Background(), &Request{
		Query: `{ posts(where: {comments: {anyEq: "{\"author\": {\"display_name\": \"Ana Silva\"}}"}}) { id } }`})
	var body struct {
		Data struct{ Posts []struct{ ID string } } `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil || strings.Contains(string(resp.Body), `"errors"`) {
		t.Fatalf("%s: %v", resp.Body, err)
	}
	var got []string
	for _, p := range body.Data.Posts {
		got = append(got, p.ID)
	}
	rows, err := conn.Query(context.Background(), `SELECT DISTINCT p.id::text FROM tb_post p JOIN tb_comment c ON c.post_id = p.id
		JOIN tb_user u ON u.id = c.author_id
		WHERE p.tenant_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' AND u.display_name = 'Ana Silva'`)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("posts %v, want %v", got, want)
	}
}
