package graphqlexec

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
	"github.com/fraiseql/fraiseql-http/testdb"
)

// The goldens live in the compat module, copied byte-exact from shared/compat-goldens.
const goldenRoot = "../compat/testdata/goldens/fraiseql-1.9.7"

// testDB connects to the tests' demo database (testdb: fails in CI
// without one, skips elsewhere); tests only read through it.
func testDB(t testing.TB) *pgx.Conn { return testdb.Connect(t) }

func loadBlog(t testing.TB) *schema.Schema {
	t.Helper()
	s, err := schema.LoadFile("../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type goldenCase struct {
	Name     string `json:"name"`
	Request  string `json:"request"`
	Response string `json:"response"`
	SQL      []struct {
		Statement  string `json:"statement"`
		Parameters string `json:"parameters"`
	} `json:"sql"`
}

// recordingDB passes statements through and keeps their text and
// arguments, so tests can compare them with what PostgreSQL logged for v1.
type recordingDB struct {
	DB
	sql  []string
	args [][]any
}

func (r *recordingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.sql, r.args = append(r.sql, sql), append(r.args, args)
	return r.DB.Query(ctx, sql, args...)
}

func (r *recordingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	for _, q := range b.QueuedQueries {
		r.sql, r.args = append(r.sql, q.SQL), append(r.args, q.Arguments)
	}
	return r.DB.SendBatch(ctx, b)
}

// loggedParam matches one "$n = 'text'" of PostgreSQL's parameter log.
var loggedParam = regexp.MustCompile(`\$(\d+) = '((?:[^']|'')*)'`)

// checkSQL compares the statements a case ran with the ones PostgreSQL
// logged while v1 answered it: same text, same parameter text.
func checkSQL(t *testing.T, c goldenCase, rec *recordingDB) {
	t.Helper()
	if len(rec.sql) != len(c.SQL) {
		t.Fatalf("ran %d statements %q, v1 ran %d", len(rec.sql), rec.sql, len(c.SQL))
	}
	for i, want := range c.SQL {
		if rec.sql[i] != want.Statement {
			t.Errorf("statement %d\ngot  %s\nwant %s", i, rec.sql[i], want.Statement)
		}
		var got []string
		for _, a := range rec.args[i] {
			got = append(got, fmt.Sprint(a))
		}
		var logged []string
		for _, m := range loggedParam.FindAllStringSubmatch(want.Parameters, -1) {
			logged = append(logged, strings.ReplaceAll(m[2], "''", "'"))
		}
		if !slices.Equal(got, logged) {
			t.Errorf("parameters of statement %d\ngot  %q\nwant %q", i, got, logged)
		}
	}
}

// requestFromBody decodes a golden request body the way the HTTP layer
// hands it to the engine.
func requestFromBody(t testing.TB, body []byte) *Request {
	t.Helper()
	v, err := pyjson.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{}
	if q := v.Get("query"); q == nil || q.Kind == pyjson.Null {
		req.QueryMissing = true
	} else {
		req.Query = q.Str
	}
	if op := v.Get("operationName"); op != nil && op.Kind == pyjson.String {
		s := op.Str
		req.OperationName = &s
	}
	if vars := v.Get("variables"); vars != nil && vars.Kind == pyjson.Object {
		req.Variables = vars
	}
	return req
}

func splitHTTP(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("%s: no header end", path)
	}
	return body
}

var timeMS = regexp.MustCompile(`"time_ms":[0-9.e+-]+`)

// TestGoldens runs every query, error and introspection exchange of the
// development and production goldens through Execute against the demo
// database and compares the body bytes (development time_ms normalized).
// Under --quirks v1.9.7 every body is v1's; by default every body is v1's
// except the cases of goldenDivergences, which must answer their bytes.
// The mutation exchanges change rows: TestGoldenMutations runs them.
func TestGoldens(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	s := loadBlog(t)
	profiles := map[string]Config{
		"development": {Environment: Development, Quirks: QuirksV197},
		"production":  {Environment: Production, Quirks: QuirksV197},
	}
	for _, quirks := range []Quirks{QuirksV197, QuirksNone} {
		total, passed := 0, 0
		diverged := map[string]bool{}
		for profile, cfg := range profiles {
			cfg.Quirks = quirks
			e, err := New(s, conn, cfg)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(goldenRoot, profile, "cases.json"))
			if err != nil {
				t.Fatal(err)
			}
			var cases []goldenCase
			if err := json.Unmarshal(raw, &cases); err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				if strings.HasPrefix(c.Name, "http-") || strings.HasPrefix(c.Name, "mutation-") {
					continue
				}
				total++
				t.Run(string(quirks)+"/"+profile+"/"+c.Name, func(t *testing.T) {
					req := requestFromBody(t, splitHTTP(t, filepath.Join(goldenRoot, profile, c.Request)))
					want := splitHTTP(t, filepath.Join(goldenRoot, profile, c.Response))
					if d, ok := goldenDivergences[profile+"/"+c.Name]; ok && !quirks.V1() {
						want = []byte(d.body)
						diverged[profile+"/"+c.Name] = true
					}
					got := executeAppend(t, e, context.Background(), req)
					if got.InternalError {
						t.Fatalf("internal error, want %s", want)
					}
					g, w := got.Body, want
					if profile == "development" {
						g = timeMS.ReplaceAll(g, []byte(`"time_ms":T`))
						w = timeMS.ReplaceAll(w, []byte(`"time_ms":T`))
					}
					if !bytes.Equal(g, w) {
						t.Errorf("body differs\ngot  %s\nwant %s", got.Body, want)
						return
					}
					passed++
				})
			}
		}
		t.Logf("--quirks %s: golden cases passing: %d of %d", quirks, passed, total)
		if !quirks.V1() && len(diverged) != len(goldenDivergences) {
			t.Errorf("goldenDivergences names cases that were not run: %d of %d ran", len(diverged), len(goldenDivergences))
		}
	}
}

// goldenDivergences are the golden cases whose default-mode (--quirks
// none) body differs from v1.9.7's, with the body we answer and why.
var goldenDivergences = map[string]struct{ body, reason string }{
	"production/query-where-gt-int-textual": {
		`{"data":{"users":[{"__typename":"User","age":34,"firstName":"Ana"},{"__typename":"User","age":28,"firstName":"Bruno"},{"__typename":"User","age":41,"firstName":"Chloé"},{"__typename":"User","age":25,"firstName":"Eve"},{"__typename":"User","age":37,"firstName":"Farah"},{"__typename":"User","age":52,"firstName":"Gorō"},{"__typename":"User","age":19,"firstName":"Hana"},{"__typename":"User","age":45,"firstName":"Ivan"},{"__typename":"User","age":30,"firstName":"Julia"}]}}`,
		"age is an Int: gt 5 compares numbers; v1 compared the text '5' and matched only '52'"},
	"production/query-where-array-contains": {
		`{"data":{"users":[{"__typename":"User","firstName":"Chloé","tags":["rust","go","python"]},{"__typename":"User","firstName":"Julia","tags":["graphql","go"]}]}}`,
		"tags is a [String]: contains [\"go\"] is jsonb containment; v1's LIKE on the Python repr of the list matched nothing"},
	"production/query-multi-root-aliases": {
		`{"data":{"a":[{"__typename":"User","id":"11111111-1111-4111-8111-111111111101"}],"b":[{"__typename":"User","fn":"Bruno"}]}}`,
		"v1 drops aliased fields of a multi-root query (b's fn: firstName); each root keeps its whole selection"},
	"development/query-multi-root": {
		`{"data":{"posts":[{"__typename":"Post","author":{"__typename":"User","displayName":"Ana Silva"},"title":"Getting started with FraiseQL"}],"users":[{"__typename":"User","firstName":"Ana","id":"11111111-1111-4111-8111-111111111101"},{"__typename":"User","firstName":"Bruno","id":"11111111-1111-4111-8111-111111111102"}]}}`,
		"v1 keeps only __typename of nested objects in a multi-root query; the author's selected displayName is answered"},
	"development/query-multi-root-single-object": {
		`{"data":{"user":{"__typename":"User","displayName":"Bruno C.","id":"11111111-1111-4111-8111-111111111102"},"users":[{"__typename":"User","firstName":"Ana","id":"11111111-1111-4111-8111-111111111101"}]}}`,
		"v1 fails a single-object root of a multi-root query with 'dict' object has no attribute 'bytes' and json.dumps spacing; the object is answered"},
	"production/prod-unknown-field-dropped": {
		`{"errors":[{"message":"Cannot query field 'nope' on type 'User'. Did you mean 'role'?","locations":[{"line":1,"column":24}]}]}`,
		"production validates like development; v1 ran only the introspection rule and ignored the unknown field"},
	"production/prod-unknown-root-field": {
		`{"errors":[{"message":"Cannot query field 'nope' on type 'Query'.","locations":[{"line":1,"column":3}]}]}`,
		"production validates like development; v1 ignored the unknown root field and answered {\"data\":{}}"},
}

// TestGoldenMutations replays every recorded mutation exchange, per
// profile in cases.json order, against a database of its own loaded from
// schema.sql (the mutations build on each other: the noop after the
// update, the conflict on an existing email). Requests of the auth profile
// carry the claims of their bearer token, as the HTTP layer would pass them.
func TestGoldenMutations(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	profiles := []struct {
		name string
		cfg  Config
	}{
		{"production", Config{Environment: Production, Quirks: QuirksV197}},
		{"auth", Config{Environment: Development, Quirks: QuirksV197}},
		{"cors", Config{Environment: Development, Quirks: QuirksV197}},
	}
	for _, prof := range profiles {
		t.Run(prof.name, func(t *testing.T) {
			conn, _ := freshDB(t)
			rec := &recordingDB{DB: conn}
			e, err := New(s, rec, prof.cfg)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(goldenRoot, prof.name, "cases.json"))
			if err != nil {
				t.Fatal(err)
			}
			var cases []goldenCase
			if err := json.Unmarshal(raw, &cases); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range cases {
				if !strings.Contains(c.Name, "mutation-") {
					continue
				}
				n++
				t.Run(c.Name, func(t *testing.T) {
					reqRaw, err := os.ReadFile(filepath.Join(goldenRoot, prof.name, c.Request))
					if err != nil {
						t.Fatal(err)
					}
					req := requestFromBody(t, splitHTTP(t, filepath.Join(goldenRoot, prof.name, c.Request)))
					req.Claims = bearerClaims(t, reqRaw)
					want := splitHTTP(t, filepath.Join(goldenRoot, prof.name, c.Response))
					rec.sql, rec.args = nil, nil
					got := executeAppend(t, e, context.Background(), req)
					if got.InternalError {
						t.Fatalf("internal error, want %s", want)
					}
					if !bytes.Equal(got.Body, want) {
						t.Errorf("body differs\ngot  %s\nwant %s", got.Body, want)
					}
					checkSQL(t, c, rec)
				})
			}
			if n == 0 {
				t.Fatal("no mutation cases found")
			}
		})
	}
}

// bearerClaims returns the payload of a request's bearer token, unverified
// (the goldens' tokens are known good), or nil without one.
func bearerClaims(t testing.TB, request []byte) map[string]any {
	t.Helper()
	head, _, _ := bytes.Cut(request, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		name, value, ok := strings.Cut(line, ": ")
		if !ok || !strings.EqualFold(name, "authorization") {
			continue
		}
		_, token, _ := strings.Cut(value, " ")
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("not a JWT: %q", token)
		}
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		var claims map[string]any
		if err := json.Unmarshal(payload, &claims); err != nil {
			t.Fatal(err)
		}
		return claims
	}
	return nil
}
