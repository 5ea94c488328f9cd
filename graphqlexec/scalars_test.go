package graphqlexec

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/check"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// An event table whose document holds a date, a time of day and an exact
// decimal, also exposed as typed columns of the view.
var eventSetup = []string{
	`CREATE TABLE tb_event (id int PRIMARY KEY, day date, starts time, price numeric(12, 2), bad jsonb, at timestamptz DEFAULT '2025-01-01 10:00:00.25+00')`,
	`CREATE VIEW v_event AS SELECT id, jsonb_build_object('id', id, 'at', at, 'day', day, 'starts', starts, 'price', price, 'prices', jsonb_build_array(price, price * 2),
	   'price_text', price::text, 'day_col', day, 'bad', bad) || coalesce(bad, '{}') AS data, day, starts, price FROM tb_event`,
	`INSERT INTO tb_event VALUES
	  (1, '2025-01-01', '09:15:00',   12.50, NULL),
	  (2, '2025-01-31', '14:30:00',  100.00, NULL),
	  (3, '2025-02-01', '23:59:59',    7.10, NULL),
	  (4, '2024-12-31', '00:00:00', 1234567890.99, NULL),
	  (5, NULL,         NULL,          NULL, NULL)`,
}

const eventDecl = `scalar Date
scalar Time
scalar Decimal
type Event @view(name: "v_event") {
  id: Int
  at: DateTime
  day: Date
  starts: Time
  price: Decimal
  priceText: Decimal
  prices: [Decimal]
  dayCol: Date @column(name: "day")
  startsCol: Time @column(name: "starts")
  priceCol: Decimal @column(name: "price")
}
type Query { events: [Event] @read }
`

func eventEngine(t *testing.T, setup ...string) (*Engine, *pgx.Conn) {
	t.Helper()
	conn, _ := freshDB(t, append(append([]string{}, eventSetup...), setup...)...)
	s, err := schema.Load("app.graphql", []byte(eventDecl))
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
	return e, conn
}

// TestDateTimeDecimalFilters: every comparison operator of DateFilter,
// TimeFilter and DecimalFilter, on the document and on the column, against
// the same condition written in plain SQL over the same rows.
func TestDateTimeDecimalFilters(t *testing.T) {
	t.Parallel()
	e, conn := eventEngine(t)
	ctx := context.Background()
	ids := func(where string) string {
		rows, err := conn.Query(ctx, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM tb_event WHERE "+where)
		if err != nil {
			t.Fatal(err)
		}
		var out string
		if _, err := pgx.ForEachRow(rows, []any{&out}, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	type op struct{ gql, sql string }
	ops := []op{{"eq", "="}, {"neq", "<>"}, {"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}}
	fields := []struct {
		field, col, gqlValue, sqlValue string
	}{
		{"day", "day", `"2025-01-31"`, `'2025-01-31'::date`},
		{"starts", "starts", `"14:30"`, `'14:30'::time`},
		{"price", "price", `"12.5"`, `12.5`},
		{"price", "price", `100`, `100`},
		{"price", "price", `7.10`, `7.1`},
	}
	for _, f := range fields {
		for _, o := range ops {
			want := ids(fmt.Sprintf("%s %s %s", f.col, o.sql, f.sqlValue))
			for _, name := range []string{f.field, f.field + "Col"} {
				q := fmt.Sprintf(`{ events(where: {%s: {%s: %s}}, orderBy: [{id: ASC}]) { id } }`, name, o.gql, f.gqlValue)
				got := executeAppend(t, e, ctx, &Request{Query: q})
				if gotIDs := idList(t, got.Body); gotIDs != want {
					t.Errorf("%s: ids %q, want %q (SQL %s %s %s)\n%s", q, gotIDs, want, f.col, o.sql, f.sqlValue, got.Body)
				}
			}
		}
	}
	for _, tt := range []struct{ where, sql string }{
		{`{day: {in: ["2025-01-01", "2025-02-01"]}}`, `day IN ('2025-01-01', '2025-02-01')`},
		{`{starts: {nin: ["09:15:00", "23:59:59"]}}`, `starts NOT IN ('09:15', '23:59:59')`},
		{`{price: {in: ["12.50", 100, 1234567890.99]}}`, `price IN (12.5, 100, 1234567890.99)`},
		{`{day: {isnull: true}}`, `day IS NULL`},
		{`{price: {lt: "1e9999", gt: "-1e-999"}}`, `price < 1e9999 AND price > -1e-999`},
		{`{prices: {contains: ["25.00"]}}`, `price = 12.5 OR price * 2 = 25`},
		{`{prices: {overlaps: ["14.2", "1e2"]}}`, `price IN (14.2, 100) OR price * 2 IN (14.2, 100)`},
		{`{priceText: {gte: 100}}`, `price >= 100`},
	} {
		q := `{ events(where: ` + tt.where + `, orderBy: [{id: ASC}]) { id } }`
		got := executeAppend(t, e, ctx, &Request{Query: q})
		if g, w := idList(t, got.Body), ids(tt.sql); g != w {
			t.Errorf("%s: ids %q, want %q\n%s", q, g, w, got.Body)
		}
	}
	// Variables: a decimal as a string with trailing zeros, a date.
	req := &Request{Query: `query($w: EventWhereInput) { events(where: $w, orderBy: [{id: ASC}]) { id } }`,
		Variables: vars(t, `{"w": {"price": {"gte": "100.000"}, "day": {"lt": "2025-12-31"}}}`)}
	if got := executeAppend(t, e, ctx, req); string(got.Body) != `{"data":{"events":[{"__typename":"Event","id":2},{"__typename":"Event","id":4}]}}` {
		t.Errorf("variables: %s", got.Body)
	}
	// Ordering: dates, times and decimals in their own order.
	for _, tt := range []struct{ order, sql string }{
		{`[{day: DESC}]`, `day DESC NULLS LAST, id`},
		{`[{starts: ASC}]`, `starts ASC NULLS FIRST, id`},
		{`[{price: DESC}]`, `price DESC NULLS LAST, id`},
	} {
		q := `{ events(orderBy: ` + tt.order + `) { id } }`
		got := executeAppend(t, e, ctx, &Request{Query: q})
		rows, err := conn.Query(ctx, "SELECT coalesce(string_agg(id::text, ',' ORDER BY "+tt.sql+"), '') FROM tb_event")
		if err != nil {
			t.Fatal(err)
		}
		var want string
		pgx.ForEachRow(rows, []any{&want}, func() error { return nil })
		if g := idList(t, got.Body); g != want {
			t.Errorf("%s: ids %q, want %q", q, g, want)
		}
	}
}

// idList reads the ids of {"data":{"events":[{"id":…},…]}} in order.
func idList(t *testing.T, body []byte) string {
	t.Helper()
	s := string(body)
	var ids []string
	for {
		i := strings.Index(s, `"id":`)
		if i < 0 {
			break
		}
		s = s[i+5:]
		j := strings.IndexAny(s, ",}")
		ids = append(ids, s[:j])
	}
	if !strings.HasPrefix(string(body), `{"data":{"events":[`) && string(body) != `{"data":{"events":[]}}` {
		t.Errorf("not a list of events: %s", body)
	}
	return strings.Join(ids, ",")
}

// TestDateTimeDecimalValues: what each scalar accepts and refuses (literal
// and variable; literal refusals carry no location, as v1's scalars raise
// them), and how stored values are served: dates and times as
// stored, decimals with their stored digits (a numeric string becomes the
// number), values that are not of the type as field errors.
func TestDateTimeDecimalValues(t *testing.T) {
	t.Parallel()
	e, _ := eventEngine(t, `INSERT INTO tb_event VALUES
	  (6, NULL, NULL, NULL, '{"day": "2025-02-30", "starts": "25:00", "price": "12,5", "at": "2025-01-01T10:00:00+02:00"}'),
	  (7, NULL, NULL, NULL, '{"day": 20250101, "starts": "7:05", "price": true, "at": "yesterday"}'),
	  (8, NULL, NULL, NULL, '{"at": 1735725600}')`)
	ctx := context.Background()
	for _, tt := range []struct{ query, vars, want string }{
		{`{ events(where: {id: {lte: 4}}, orderBy: [{id: ASC}]) { id day starts price priceText } }`, ``,
			`{"data":{"events":[{"__typename":"Event","day":"2025-01-01","id":1,"price":12.50,"priceText":12.50,"starts":"09:15:00"},{"__typename":"Event","day":"2025-01-31","id":2,"price":100.00,"priceText":100.00,"starts":"14:30:00"},{"__typename":"Event","day":"2025-02-01","id":3,"price":7.10,"priceText":7.10,"starts":"23:59:59"},{"__typename":"Event","day":"2024-12-31","id":4,"price":1234567890.99,"priceText":1234567890.99,"starts":"00:00:00"}]}}`},
		{`{ events(where: {id: {eq: 6}}) { day starts price } }`, ``,
			`{"data":{"events":[{"__typename":"Event","day":null,"price":null,"starts":null}]},"errors":[{"message":"Date cannot represent invalid ISO date string: '2025-02-30'","locations":[{"line":1,"column":34}],"path":["events",0,"day"]},{"message":"Invalid time: 25:00. Must be HH:MM or HH:MM:SS format (e.g., '14:30', '09:15:30', '23:59')","locations":[{"line":1,"column":38}],"path":["events",0,"starts"]},{"message":"Decimal cannot represent non numeric value: '12,5'","locations":[{"line":1,"column":45}],"path":["events",0,"price"]}]}`},
		{`{ events(where: {id: {eq: 7}}) { day starts price } }`, ``,
			`{"data":{"events":[{"__typename":"Event","day":null,"price":null,"starts":null}]},"errors":[{"message":"Date cannot represent non-date value: 20250101","locations":[{"line":1,"column":34}],"path":["events",0,"day"]},{"message":"Invalid time: 7:05. Must be HH:MM or HH:MM:SS format (e.g., '14:30', '09:15:30', '23:59')","locations":[{"line":1,"column":38}],"path":["events",0,"starts"]},{"message":"Decimal cannot represent non numeric value: True","locations":[{"line":1,"column":45}],"path":["events",0,"price"]}]}`},
		{`{ events(where: {day: {gt: "2025-13-01"}}) { id } }`, ``,
			`{"errors":[{"message":"Invalid ISO 8601 Date: '2025-13-01'"}]}`},
		{`{ events(where: {id: {in: [1, 6, 7, 8]}}, orderBy: [{id: ASC}]) { id at } }`, ``,
			`{"data":{"events":[{"__typename":"Event","at":"2025-01-01T10:00:00.250000Z","id":1},{"__typename":"Event","at":"2025-01-01T08:00:00Z","id":6},{"__typename":"Event","at":null,"id":7},{"__typename":"Event","at":null,"id":8}]},"errors":[{"message":"DateTime cannot represent invalid ISO datetime string: 'yesterday'","locations":[{"line":1,"column":70}],"path":["events",2,"at"]},{"message":"DateTime cannot represent non-datetime value: 1735725600","locations":[{"line":1,"column":70}],"path":["events",3,"at"]}]}`},
		{`{ events(where: {day: {gt: "0000-01-01"}}) { id } }`, ``,
			`{"errors":[{"message":"Invalid ISO 8601 Date: '0000-01-01'"}]}`},
		{`{ events(where: {day: {gt: 20250101}}) { id } }`, ``,
			`{"errors":[{"message":"Date cannot represent non-string literal: '20250101'"}]}`},
		{`{ events(where: {starts: {gt: "9:00"}}) { id } }`, ``,
			`{"errors":[{"message":"Invalid time: 9:00. Must be HH:MM or HH:MM:SS format (e.g., '14:30', '09:15:30', '23:59')"}]}`},
		{`{ events(where: {price: {gt: "1,5"}}) { id } }`, ``,
			`{"errors":[{"message":"Decimal cannot represent non numeric value: \"1,5\""}]}`},
		{`query($w: EventWhereInput) { events(where: $w) { id } }`, `{"w": {"price": {"eq": "NaN"}}}`,
			`{"errors":[{"message":"Variable '$w' got invalid value {'price': {'eq': 'NaN'}} at 'w.price.eq'; Decimal cannot represent non numeric value: 'NaN'","locations":[{"line":1,"column":7}]}]}`},
		{`query($w: EventWhereInput) { events(where: $w) { id } }`, `{"w": {"starts": {"eq": 930}}}`,
			`{"errors":[{"message":"Variable '$w' got invalid value {'starts': {'eq': 930}} at 'w.starts.eq'; Time must be a string, got int","locations":[{"line":1,"column":7}]}]}`},
	} {
		req := &Request{Query: tt.query}
		if tt.vars != "" {
			req.Variables = vars(t, tt.vars)
		}
		got := executeAppend(t, e, ctx, req)
		if string(got.Body) != tt.want {
			t.Errorf("%s %s\ngot  %s\nwant %s", tt.query, tt.vars, got.Body, tt.want)
		}
	}
}
