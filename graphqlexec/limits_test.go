package graphqlexec

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// introspectionQuery is the goldens' introspection-full document (GraphiQL's
// query of graphql-js 16): the yardstick the defaults are chosen against.
func introspectionQuery(t testing.TB) string {
	t.Helper()
	req := requestFromBody(t, splitHTTP(t, goldenRoot+"/development/introspection-full.request"))
	return req.Query
}

func executeBody(t testing.TB, cfg Config, q string) string {
	t.Helper()
	e, err := New(loadBlog(t), &fakeDB{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return timeMS.ReplaceAllString(string(e.Execute(context.Background(), &Request{Query: q}).Body), `"time_ms":T`)
}

// limitError is the body of a document rejected by a limit (development).
func limitError(msg string, loc ...gqlerr.Location) string {
	l := ""
	if len(loc) == 1 {
		l = fmt.Sprintf(`,"locations":[{"line":%d,"column":%d}]`, loc[0].Line, loc[0].Column)
	}
	return `{"errors":[{"message":"` + msg + `"` + l + `}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`
}

func nested(field string, n int, leaf string) string {
	return strings.Repeat(field+" { ", n) + leaf + strings.Repeat(" }", n)
}

// position is graphql-core's location of byte offset off (language's).
func position(q string, off int) gqlerr.Location {
	line, col := language.Position(q, off)
	return gqlerr.Location{Line: line, Column: col}
}

// at is the location of byte offset off in an ASCII document, counted
// here independently of gqlerr.
func at(q string, off int) gqlerr.Location {
	line := 1 + strings.Count(q[:off], "\n")
	return gqlerr.Location{Line: line, Column: off - strings.LastIndex(q[:off], "\n")}
}

// TestLimits puts each limit just at a document's measure (it passes) and
// one below (it fails with the limit's message at the right place).
func TestLimits(t *testing.T) {
	t.Parallel()
	intro := introspectionQuery(t)
	// 21 nested fields: __schema types fields type ofType×16 name.
	deep := "{ __schema { types { fields { type { " + nested("ofType", 16, "name") + " } } } } }"
	frags := "query { ...A ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { __typename a: __typename }"
	// The selection set and 64 lists: 65 levels.
	nesting := "{ users(limit: " + strings.Repeat("[", 64) + "1" + strings.Repeat("]", 64) + ") { id } }"
	tests := []struct {
		name      string
		q         string
		pass, bad Config
		want      string
	}{
		{name: "bytes", q: intro,
			pass: Config{MaxQueryBytes: len(intro)}, bad: Config{MaxQueryBytes: len(intro) - 1},
			want: limitError(fmt.Sprintf("Document exceeds the maximum size of %d bytes.", len(intro)-1))},
		// The introspection query has 150 tokens; the 150th is its last "}",
		// first on its line, which graphql-core locates at the end of the
		// line before (language.Position).
		{name: "tokens", q: intro,
			pass: Config{MaxQueryTokens: 150}, bad: Config{MaxQueryTokens: 149},
			want: limitError("Syntax Error: Document contains more than 149 tokens. Parsing aborted.", position(intro, strings.LastIndex(intro, "}")))},
		// 13 fields deep: __schema types fields args type ofType×7 kind, the
		// innermost kind of TypeRef.
		{name: "depth of introspection", q: intro,
			pass: Config{MaxQueryDepth: 13}, bad: Config{MaxQueryDepth: 12},
			want: limitError("Query is nested deeper than the maximum depth of 12.", at(intro, strings.Index(intro, "ofType { kind name }")+len("ofType { ")))},
		{name: "depth at the default", q: deep,
			pass: Config{MaxQueryDepth: 21}, bad: Config{},
			want: limitError("Query is nested deeper than the maximum depth of 20.", at(deep, strings.Index(deep, "name")))},
		// 181 fields once FullType, InputValue and TypeRef are spread.
		{name: "fields of introspection", q: intro,
			pass: Config{MaxQueryFields: 181}, bad: Config{MaxQueryFields: 180},
			want: limitError("Query selects more than the maximum of 180 fields (fragment spreads counted with their fields).", gqlerr.Location{Line: 1, Column: 1})},
		// A spreads B twice, B selects 2 fields, the operation spreads A 3
		// times: 12 fields, while A itself has 4.
		{name: "fields through fragments", q: frags,
			pass: Config{MaxQueryFields: 12}, bad: Config{MaxQueryFields: 11},
			want: limitError("Query selects more than the maximum of 11 fields (fragment spreads counted with their fields).", gqlerr.Location{Line: 1, Column: 1})},
		// MaxQueryDepth 20 allows 64 levels of selection sets, lists and
		// objects: after "{" the 64th "[" is the 65th; depth 21 allows
		// 2×21+24 = 66.
		{name: "nesting", q: nesting,
			pass: Config{MaxQueryDepth: 21}, bad: Config{},
			want: limitError("Syntax Error: Document nesting exceeds 64 levels.", at(nesting, strings.Index(nesting, "[")+63))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := executeBody(t, tc.pass, tc.q); strings.Contains(got, "maximum") || strings.Contains(got, "Parsing aborted") {
				t.Errorf("at the limit: %.300s", got)
			}
			if got := executeBody(t, tc.bad, tc.q); got != tc.want {
				t.Errorf("over the limit:\ngot  %.300s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestLimitsConfig(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	for _, cfg := range []Config{{MaxQueryBytes: -1}, {MaxQueryTokens: -1}, {MaxQueryDepth: -1}, {MaxQueryFields: -1}, {ExecutionTimeout: -1}} {
		if _, err := New(s, &fakeDB{}, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	e, err := New(s, &fakeDB{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := document.NewLimits(0, 0, 0, 0) // the defaults (validate's TestNewLimits)
	if e.lim != want || e.cfg.ExecutionTimeout != DefaultExecutionTimeout {
		t.Errorf("defaults %+v %v", e.lim, e.cfg.ExecutionTimeout)
	}
}

// TestLimitsCached: a rejection is cached like a syntax error, and the
// size limit is checked before the cache, so an oversized text is never
// stored.
func TestLimitsCached(t *testing.T) {
	t.Parallel()
	e, err := New(loadBlog(t), &fakeDB{}, Config{MaxQueryDepth: 2, MaxQueryBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	deep := "{ users { profile { bio } } }"
	e.Execute(context.Background(), &Request{Query: deep})
	if d := e.cache.get(deep); d == nil || d.syntax == nil || d.Document != nil {
		t.Fatalf("rejected document not cached as rejected: %+v", d)
	}
	long := "{ " + strings.Repeat("__typename ", 10) + "}"
	e.Execute(context.Background(), &Request{Query: long})
	if e.cache.get(long) != nil {
		t.Fatal("oversized document cached")
	}
}

// deepAttack is the lead's 3,000-level document (about 60 KB; 117 s of
// CPU before the limits): invalid, as Profile has no users field.
func deepAttack() string {
	return "{ " + strings.Repeat("users { profile { ", 3000) + "bio" + strings.Repeat(" } }", 3000) + " }"
}

// wideAttack is the lead's 20,000 aliases of one field (about 300 KB;
// 3 s of CPU in the overlap check before the limits).
func wideAttack() string {
	return "{ " + strings.Repeat("a: __typename ", 20_000) + "}"
}

// TestAttackShapes: the documents that pinned a core under graphql-go are
// refused by the parser's limits as it reads them. The allocation counts
// show that no tree was kept and no validation ran.
func TestAttackShapes(t *testing.T) {
	e, err := New(loadBlog(t), &fakeDB{}, Config{MaxQueryBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		q         string
		want      string
		maxAllocs float64
	}{
		// The 64th "{" after the document's own: "users { profile { " is 18
		// bytes, so it opens at 2 + 31×18 + 16.
		{"deep", deepAttack(), limitError("Syntax Error: Document nesting exceeds 64 levels.", gqlerr.Location{Line: 1, Column: 2 + 31*18 + 16 + 1}), 250},
		// Token 10,001 is the "a" of the 3,334th alias (3 tokens each after
		// the "{"), at 2 + 3,333×14.
		{"wide", wideAttack(), limitError("Syntax Error: Document contains more than 10000 tokens. Parsing aborted.", gqlerr.Location{Line: 1, Column: 2 + 3333*14 + 1}), 40_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := &Request{Query: tc.q}
			if got := timeMS.ReplaceAllString(string(e.Execute(context.Background(), req).Body), `"time_ms":T`); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			// A fresh engine per run: the cache would answer otherwise.
			allocs := testing.AllocsPerRun(3, func() {
				e, _ := New(loadBlog(t), &fakeDB{}, Config{MaxQueryBytes: 1 << 20})
				e.Execute(context.Background(), req)
			}) - testing.AllocsPerRun(3, func() { New(loadBlog(t), &fakeDB{}, Config{}) })
			if allocs > tc.maxAllocs {
				t.Errorf("%.0f allocations, want at most %.0f", allocs, tc.maxAllocs)
			}
		})
	}
	// At the default size limit both are refused before any lexing.
	for _, q := range []string{deepAttack(), wideAttack()} {
		if got := executeBody(t, Config{}, q); got != limitError("Document exceeds the maximum size of 65536 bytes.") {
			t.Errorf("got %s", got)
		}
	}
}

// worstShapes are documents within the default limits (for n up to 1,600)
// that cost super-linear time before the limits and the fixes.
var worstShapes = []struct {
	name string
	doc  func(n int) string
}{
	{"unused variables", func(n int) string {
		var b strings.Builder
		b.WriteString("query(")
		for i := range n {
			fmt.Fprintf(&b, "$v%d: Int ", i)
		}
		return b.String() + ") { __typename }"
	}},
	{"unknown fields", func(n int) string { return "{ " + strings.Repeat("nope ", n/2) + "}" }},
	{"fields named null", func(n int) string { return "{ " + strings.Repeat("null ", n/2) + "}" }},
	{"null values", func(n int) string {
		return "{ users(where: {AND: [" + strings.Repeat("null ", 4*n) + "]}) { id } }"
	}},
	{"bad enum values", func(n int) string {
		return "{ users(orderBy: [" + strings.Repeat("{role: X} ", n) + "]) { id } }"
	}},
	{"deep list values", func(n int) string {
		return "{ users(limit: " + strings.Repeat("[", 40) + strings.Repeat("1 ", n) + strings.Repeat("]", 40) + ") { id } }"
	}},
	{"one alias", func(n int) string { return "{ " + strings.Repeat("a: __typename ", n/2) + "}" }},
}

// BenchmarkWorstCases measures the front end (cache miss: scan, parse,
// limits, validation) on the worst shapes at n=1,600 and on the lead's two
// attack documents (refused at the default size limit, and at 1 MiB).
//
//	go test -run X -bench BenchmarkWorstCases -benchmem .
func BenchmarkWorstCases(b *testing.B) {
	s := loadBlog(b)
	run := func(b *testing.B, q string, cfg Config) {
		cfg.DocumentCacheSize = 1
		e, err := New(s, &fakeDB{}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		// Two texts in turn: each request misses the one-entry cache.
		reqs := []*Request{{Query: q}, {Query: q + " "}}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			e.Execute(context.Background(), reqs[i%2])
		}
	}
	for _, sh := range worstShapes {
		b.Run(strings.ReplaceAll(sh.name, " ", "_"), func(b *testing.B) { run(b, sh.doc(1600), Config{}) })
	}
	b.Run("deep_attack", func(b *testing.B) { run(b, deepAttack(), Config{MaxQueryBytes: 1 << 20}) })
	b.Run("wide_attack", func(b *testing.B) { run(b, wideAttack(), Config{MaxQueryBytes: 1 << 20}) })
}

// TestWorstCasesLinear doubles documents that stay within the default
// limits: their allocations must not more than about double. (Before the
// fixes their CPU time was quadratic while their allocations were not, in
// graphql-go's and our location scans; those fixes are checked directly by
// TestParseWithoutSource and gqlerr's TestLocator, and their times are
// measured by BenchmarkWorstCases, as a test may not assert on time.)
func TestWorstCasesLinear(t *testing.T) {
	shapes := worstShapes
	s := loadBlog(t)
	cost := func(t *testing.T, q string) float64 {
		base := testing.AllocsPerRun(2, func() { New(s, &fakeDB{}, Config{}) })
		return testing.AllocsPerRun(2, func() {
			e, _ := New(s, &fakeDB{}, Config{})
			got := e.Execute(context.Background(), &Request{Query: q})
			if strings.Contains(string(got.Body), "maximum") || strings.Contains(string(got.Body), "Parsing aborted") {
				t.Fatalf("limit reached: %.200s", got.Body)
			}
		}) - base
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			small, large := cost(t, sh.doc(800)), cost(t, sh.doc(1600))
			if large > 2.3*small {
				t.Errorf("%.0f allocations for n=800, %.0f for n=1600: super-linear", small, large)
			}
		})
	}
}

// TestTooManyErrors: graphql-core stops at 100 errors and says so.
func TestTooManyErrors(t *testing.T) {
	t.Parallel()
	q := "{ " + strings.Repeat("nope ", 150) + "}"
	for _, cfg := range []Config{{}, {Environment: Production}} {
		if cfg.Environment == Production {
			q = "{ " + strings.Repeat("__schema { queryType { name } } ", 150) + "}"
		}
		e, err := New(loadBlog(t), &fakeDB{}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := string(e.Execute(context.Background(), &Request{Query: q}).Body)
		if n := strings.Count(got, `"message"`); n != 101 {
			t.Errorf("%s: %d errors", cfg.Environment, n)
		}
		if !strings.Contains(got, `{"message":"Too many validation errors, error limit reached. Validation aborted."}]`) {
			t.Errorf("%s: no abort error at the end: …%s", cfg.Environment, got[max(0, len(got)-300):])
		}
	}
}

// FuzzLimits: every document gets a body (validate's FuzzLimits checks
// that an accepted document is within the limits).
func FuzzLimits(f *testing.F) {
	for _, s := range []string{
		"{ users { profile { bio } } }",
		"query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
		"query { ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { a: __typename }",
		"{ users(where: {AND: [{OR: [{id: {eq: null}}]}]}) { id } }",
		"{ a(x: [[[[[[[[1]]]]]]]]) }",
		"{ # comment {{{{\n a(s: \"{{{{[[[[\") }",
		"{ ...on Query { ...on Query { __typename } } }",
		"fragment F on Query { ...F }",
	} {
		f.Add(s)
	}
	s := loadBlog(f)
	e, err := New(s, &fakeDB{}, Config{MaxQueryTokens: 40, MaxQueryDepth: 3, MaxQueryFields: 6})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := e.Execute(context.Background(), &Request{Query: q})
		if got.InternalError || len(got.Body) == 0 {
			t.Fatalf("no body for %q", q)
		}
	})
}
