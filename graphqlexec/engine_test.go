package graphqlexec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"go.uber.org/goleak"

	"github.com/fraiseql/fraiseql-http/pyjson"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeDB answers every query with fixed rows and records what it was asked.
type fakeDB struct {
	rows  [][]byte
	sql   []string
	args  [][]any
	err   error
	noLog bool
	// batches counts SendBatch calls (statements with session variables).
	batches int
}

func (f *fakeDB) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	if !f.noLog {
		f.sql = append(f.sql, sql)
		f.args = append(f.args, args)
	}
	if f.err != nil {
		return nil, f.err
	}
	return &fakeRows{rows: f.rows, i: -1}, nil
}

// SendBatch records every queued statement; the last one answers with the
// fake rows, the others (set_config) with nothing.
func (f *fakeDB) SendBatch(_ context.Context, b *pgx.Batch) pgx.BatchResults {
	if !f.noLog {
		for _, q := range b.QueuedQueries {
			f.sql = append(f.sql, q.SQL)
			f.args = append(f.args, q.Arguments)
		}
		f.batches++
	}
	return &fakeBatch{f: f, left: len(b.QueuedQueries)}
}

type fakeBatch struct {
	f    *fakeDB
	left int
}

func (b *fakeBatch) Exec() (pgconn.CommandTag, error) { b.left--; return pgconn.CommandTag{}, nil }
func (b *fakeBatch) Query() (pgx.Rows, error) {
	b.left--
	if b.f.err != nil {
		return nil, b.f.err
	}
	return &fakeRows{rows: b.f.rows, i: -1}, nil
}
func (b *fakeBatch) QueryRow() pgx.Row { b.left--; return nil }
func (b *fakeBatch) Close() error      { return nil }
func (b *fakeBatch) Tx() pgx.Tx        { return nil }

type fakeRows struct {
	rows [][]byte
	i    int
	one  [1][]byte
}

func (r *fakeRows) Close()                                       {}
func (r *fakeRows) Err() error                                   { return nil }
func (r *fakeRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (r *fakeRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (r *fakeRows) Next() bool                                   { r.i++; return r.i < len(r.rows) }
func (r *fakeRows) Scan(...any) error                            { return errors.New("not supported") }
func (r *fakeRows) Values() ([]any, error)                       { return nil, errors.New("not supported") }
func (r *fakeRows) RawValues() [][]byte                          { r.one[0] = r.rows[r.i]; return r.one[:] }
func (r *fakeRows) Conn() *pgx.Conn                              { return nil }
func (r *fakeRows) TypeMap() *pgtype.Map                         { return nil }

func str(s string) *string { return &s }

func vars(t testing.TB, s string) *pyjson.Value {
	v, err := pyjson.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

func TestExecuteUnit(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "role": "admin", "first_name": "Ana"}`)
	tests := []struct {
		name     string
		env      Environment
		quirks   Quirks
		req      Request
		claims   map[string]any
		want     string
		wantSQL  string
		wantArgs string
	}{
		{name: "query null", req: Request{QueryMissing: true},
			want: `{"errors":[{"message":"'TypeError' object has no attribute 'message'","extensions":{"code":"EXECUTION_ERROR","mode":"unified_rust"}}]}`},
		{name: "root alias lost on single root", env: Production, quirks: QuirksV197, req: Request{Query: `{ people: users { firstName } }`},
			want: `{"data":{"users":[{"__typename":"User","firstName":"Ana"}]}}`},
		{name: "root alias kept on single root", env: Production, req: Request{Query: `{ people: users { firstName } }`},
			want: `{"data":{"people":[{"__typename":"User","firstName":"Ana"}]}}`},
		{name: "claims select the tenant", env: Production, req: Request{Query: `{ users { id } }`, Claims: map[string]any{"tenant_id": "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"}},
			want:    `{"data":{"users":[{"__typename":"User","id":"11111111-1111-4111-8111-111111111101"}]}}`,
			wantSQL: `SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "tenant_id" = $1`, wantArgs: `[bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb]`},
		{name: "injection in a variable stays a parameter", env: Production,
			req:     Request{Query: `query($w: UserWhereInput) { users(where: $w) { id } }`, Variables: vars(t, `{"w":{"email":{"eq":"x' OR 1=1 --"}}}`)},
			want:    `{"data":{"users":[{"__typename":"User","id":"11111111-1111-4111-8111-111111111101"}]}}`,
			wantSQL: `SELECT jsonb_build_object('id', "id")::text FROM "v_user" WHERE "email" = $1 AND "tenant_id" = $2`, wantArgs: `[x' OR 1=1 -- aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa]`},
		{name: "injection in a NOT key is an error", env: Production,
			req:  Request{Query: `query($w: UserWhereInput) { users(where: $w) { id } }`, Variables: vars(t, `{"w":{"NOT":{"x') OR 1=1 --":{"eq":"1"}}}}`)},
			want: `{"data":{"users":null},"errors":[{"message":"Unknown filter field 'x') OR 1=1 --' on UserWhereInput.","locations":[{"line":1,"column":29}],"path":["users"]}]}`},
		{name: "unknown orderBy enum is a validation error", req: Request{Query: `{ users(orderBy: [{role: SIDEWAYS}]) { id } }`},
			want: `{"errors":[{"message":"Value 'SIDEWAYS' does not exist in 'OrderDirection' enum.","locations":[{"line":1,"column":26}]}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`},
		{name: "variable nested path error", req: Request{Query: `query($w: UserWhereInput) { users(where: $w) { id } }`, Variables: vars(t, `{"w":{"age":{"gt":"x"}}}`)},
			want: `{"errors":[{"message":"Variable '$w' got invalid value {'age': {'gt': 'x'}} at 'w.age.gt'; Int cannot represent non-integer value: 'x'","locations":[{"line":1,"column":7}]}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`},
		{name: "skip and include", env: Production, req: Request{Query: `query($s: Boolean!) { users { id @skip(if: $s) role @include(if: true) } }`, Variables: vars(t, `{"s":true}`)},
			want: `{"data":{"users":[{"__typename":"User","role":"admin"}]}}`},
		{name: "operation name missing", req: Request{Query: `query A { users { id } } query B { users { id } }`, OperationName: str("C")},
			want: `{"errors":[{"message":"Unknown operation named 'C'."}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := &fakeDB{rows: [][]byte{row}}
			e, err := New(s, db, Config{Environment: tc.env, Quirks: tc.quirks})
			if err != nil {
				t.Fatal(err)
			}
			got := executeAppend(t, e, context.Background(), &tc.req)
			body := timeMS.ReplaceAllString(string(got.Body), `"time_ms":T`)
			if body != tc.want {
				t.Errorf("got  %s\nwant %s", body, tc.want)
			}
			if tc.wantSQL != "" {
				if len(db.sql) != 1 || db.sql[0] != tc.wantSQL || fmt.Sprint(db.args[0]) != tc.wantArgs {
					t.Errorf("sql %q args %v, want %q %s", db.sql, db.args, tc.wantSQL, tc.wantArgs)
				}
			}
		})
	}
}

func TestDocumentCacheReuse(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	db := &fakeDB{}
	e, err := New(s, db, Config{Environment: Production, DocumentCacheSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	q := &Request{Query: `{ users(limit: 2) { id } }`}
	e.Execute(context.Background(), q)
	d1 := e.cache.get(q.Query)
	e.Execute(context.Background(), q)
	if d2 := e.cache.get(q.Query); d1 == nil || d1 != d2 || d1.plans.Len() != 1 {
		t.Fatalf("document not reused: %p %p", d1, d2)
	}
	for i := range 100 {
		e.Execute(context.Background(), &Request{Query: fmt.Sprintf("{ users(limit: %d) { id } }", i)})
	}
	if n := e.cache.len(); n > 16 {
		t.Fatalf("cache holds %d documents, bound is 16", n)
	}
}

func BenchmarkExecuteCached(b *testing.B) {
	s := loadBlog(b)
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "age": 34, "role": "admin", "tags": ["founder", "graphql"], "email": "ana@example.com", "score": 87.5, "profile": {"bio": "Builds APIs.", "website": "https://ana.example.com"}, "is_active": true, "last_name": "Silva", "created_at": "2025-01-02T09:00:00Z", "first_name": "Ana", "display_name": "Ana Silva"}`)
	rows := make([][]byte, 20)
	for i := range rows {
		rows[i] = row
	}
	e, err := New(s, &fakeDB{rows: rows, noLog: true}, Config{Environment: Production})
	if err != nil {
		b.Fatal(err)
	}
	req := &Request{Query: `{ users(limit: 20) { id firstName email } }`}
	ctx := context.Background()
	if got := e.Execute(ctx, req); !strings.HasPrefix(string(got.Body), `{"data":{"users":[{"__typename":"User","email"`) {
		b.Fatalf("unexpected body %s", got.Body)
	}
	// As the HTTP layer runs it: the body appended to a reused buffer.
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = e.ExecuteAppend(ctx, buf[:0], req)
	}
}

// BenchmarkExecuteCachedVariables is user-by-id with the id in a variable:
// the same document each time, a value only bound as a parameter.
func BenchmarkExecuteCachedVariables(b *testing.B) {
	s := loadBlog(b)
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "age": 34, "role": "admin", "tags": ["founder", "graphql"], "email": "ana@example.com", "score": 87.5, "profile": {"bio": "Builds APIs.", "website": "https://ana.example.com"}, "is_active": true, "last_name": "Silva", "created_at": "2025-01-02T09:00:00Z", "first_name": "Ana", "display_name": "Ana Silva"}`)
	e, err := New(s, &fakeDB{rows: [][]byte{row}, noLog: true}, Config{Environment: Production})
	if err != nil {
		b.Fatal(err)
	}
	v, err := pyjson.Decode([]byte(`{"id":"11111111-1111-4111-8111-111111111101"}`))
	if err != nil {
		b.Fatal(err)
	}
	req := &Request{Query: `query($id: UUID) { user(id: $id) { id firstName email } }`, Variables: &v}
	ctx := context.Background()
	if got := e.Execute(ctx, req); !strings.HasPrefix(string(got.Body), `{"data":{"user":{"__typename":"User","email"`) {
		b.Fatalf("unexpected body %s", got.Body)
	}
	// As the HTTP layer runs it: the body appended to a reused buffer.
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = e.ExecuteAppend(ctx, buf[:0], req)
	}
}

// executeAppend runs req through ExecuteAppend behind a prefix, in a
// buffer too small for the body (so it must grow), and checks the framing
// the HTTP layer relies on: the prefix kept, the body appended after it,
// nothing appended on an internal error.
func executeAppend(t testing.TB, e *Engine, ctx context.Context, req *Request) Response {
	t.Helper()
	const prefix = "HTTP-PREFIX"
	dst := append(make([]byte, 0, len(prefix)+3), prefix...)
	buf, resp := e.ExecuteAppend(ctx, dst, req)
	if string(buf[:len(prefix)]) != prefix {
		t.Fatalf("prefix overwritten: %q", buf[:len(prefix)])
	}
	if resp.InternalError {
		if len(buf) != len(prefix) || resp.Body != nil {
			t.Fatalf("internal error appended %q", buf[len(prefix):])
		}
		return resp
	}
	if string(buf[len(prefix):]) != string(resp.Body) {
		t.Fatalf("returned buffer %q does not end with the body %q", buf[len(prefix):], resp.Body)
	}
	return resp
}

// TestInvalidArgumentLiteral: in production under v1.9.7 quirks (no validation) an argument
// literal the type refuses is a field error that quotes the literal as
// graphql-core's print_ast does (recorded with graphql-core 3.2.8): GraphQL
// escapes for control characters, a block string kept a block string.
func TestInvalidArgumentLiteral(t *testing.T) {
	t.Parallel()
	e, err := New(loadBlog(t), &fakeDB{}, Config{Environment: Production, Quirks: QuirksV197})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, printed string }{
		{`{ users(limit: "a\u0001b") { id } }`, `\"a\\u0001b\"`},
		{`{ users(limit: """blk""") { id } }`, `\"\"\"blk\"\"\"`},
		{`{ users(limit: {a: [1, RED]}) { id } }`, `{a: [1, RED]}`},
	} {
		got := string(e.Execute(context.Background(), &Request{Query: tc.query}).Body)
		want := `{"data":{"users":null},"errors":[{"message":"Argument 'limit' has invalid value ` + tc.printed + `.","locations":[{"line":1,"column":3}],"path":["users"]}]}`
		if got != want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.query, got, want)
		}
	}
}

func TestQuirksSetting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Quirks
		ok   bool
	}{{"", QuirksNone, true}, {"none", QuirksNone, true}, {"v1.9.7", QuirksV197, true}, {"v1.9", "", false}, {"V1.9.7", "", false}} {
		got, err := ParseQuirks(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseQuirks(%q) = %q, %v", c.in, got, err)
		}
	}
	if !QuirksV197.V1() || QuirksNone.V1() {
		t.Error("V1() does not tell the modes apart")
	}
}

// TestLocationAtLineStart: an error at a node that starts a line is located
// as graphql-core's get_location does, at the end of the line before
// (recorded with graphql-core 3.2.8: "query Q(\n$n: Int!) …" reports the
// variable at 1:9, a field after "{\n" at 1:2).
func TestLocationAtLineStart(t *testing.T) {
	t.Parallel()
	e, err := New(loadBlog(t), &fakeDB{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"query Q(\n$n: Int!) { users(limit: $n) { id } }": `{"errors":[{"message":"Variable '$n' of required type 'Int!' was not provided.","locations":[{"line":1,"column":9}]}]`,
		"{\nnope }": `{"errors":[{"message":"Cannot query field 'nope' on type 'Query'.","locations":[{"line":1,"column":2}]}]`,
	} {
		got := string(e.Execute(context.Background(), &Request{Query: q}).Body)
		if !strings.HasPrefix(got, want) {
			t.Errorf("%q:\ngot  %s\nwant %s…", q, got, want)
		}
	}
}
