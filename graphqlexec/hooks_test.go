package graphqlexec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Hooks.Error hears each error a response reports, with its class, the
// client's text and the cause the client never sees.
func TestErrorHook(t *testing.T) {
	t.Parallel()
	s := loadBlog(t)
	cause := errors.New("dial unix /run/postgresql/.s.PGSQL.5432: connect: no such file or directory")
	pgErr := &pgconn.PgError{Code: "22P02", Message: `invalid input syntax for type integer: "x"`}
	tests := []struct {
		name    string
		db      DB
		row     []byte
		req     Request
		class   ErrorClass
		message string
		cause   error // errors.Is target; nil: the event has no cause
		op      string
		status  string // "500" when the response is an internal error
	}{
		{name: "syntax", req: Request{Query: `{ users { id }`}, class: ErrorRequest, message: "Syntax Error: Expected Name, found <EOF>."},
		{name: "validation", req: Request{Query: `{ users { nope } }`}, class: ErrorRequest, message: "Cannot query field 'nope' on type 'User'. Did you mean 'role'?"},
		{name: "query missing", req: Request{QueryMissing: true}, class: ErrorRequest, message: "'TypeError' object has no attribute 'message'"},
		{name: "connection lost", db: &fakeDB{err: cause}, req: Request{Query: `{ users { id } }`}, class: ErrorInternal, message: "Internal server error", cause: cause, op: "query"},
		{name: "postgresql", db: &fakeDB{err: pgErr}, req: Request{Query: `{ users { id } }`}, class: ErrorDatabase, message: pgErr.Message, cause: pgErr, op: "query"},
		{name: "timeout", db: &blockingDB{}, req: Request{Query: `{ users { id } }`}, class: ErrorTimeout, message: "canceling statement due to statement timeout", cause: context.DeadlineExceeded, op: "query"},
		{name: "stored data", row: []byte(`{"id": "11111111-1111-4111-8111-111111111101", "age": "old"}`), req: Request{Query: `{ users { id age } }`}, class: ErrorData, message: "Int cannot represent non-integer value: 'old'", op: "query"},
		{name: "bad session variable", req: Request{Query: `{ users { id } }`, SessionVars: []SessionVar{{Name: "role", Value: "x"}}}, class: ErrorInternal, message: "Internal Server Error", status: "500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db
			if db == nil {
				row := tc.row
				if row == nil {
					row = []byte(`{"id": "11111111-1111-4111-8111-111111111101"}`)
				}
				db = &fakeDB{rows: [][]byte{row}}
			}
			type key struct{}
			ctx := context.WithValue(context.Background(), key{}, "request-7")
			var events []ErrorEvent
			e, err := New(s, db, Config{ExecutionTimeout: 50 * time.Millisecond, Hooks: Hooks{Error: func(c context.Context, ev ErrorEvent) {
				if c.Value(key{}) != "request-7" {
					t.Error("hook did not get the request's context")
				}
				events = append(events, ev)
			}}})
			if err != nil {
				t.Fatal(err)
			}
			resp := e.Execute(ctx, &tc.req)
			if len(events) != 1 {
				t.Fatalf("got %d events %+v, want 1; body %s", len(events), events, resp.Body)
			}
			ev := events[0]
			if ev.Class != tc.class || ev.Message != tc.message {
				t.Errorf("got %s %q, want %s %q", ev.Class, ev.Message, tc.class, tc.message)
			}
			switch {
			case tc.cause != nil && !errors.Is(ev.Err, tc.cause):
				t.Errorf("cause %v, want %v", ev.Err, tc.cause)
			case tc.class == ErrorRequest && ev.Err != nil:
				t.Errorf("request error has a cause: %v", ev.Err)
			case (tc.class == ErrorData || tc.status == "500") && ev.Err == nil:
				t.Error("no cause")
			}
			if resp.InternalError != (tc.status == "500") {
				t.Errorf("InternalError %v", resp.InternalError)
			}
			if resp.Operation != tc.op {
				t.Errorf("Operation %q, want %q", resp.Operation, tc.op)
			}
		})
	}
}

// Without a hook nothing changes (the engine's other tests), and a
// response without errors calls no hook.
func TestErrorHookQuietOnSuccess(t *testing.T) {
	t.Parallel()
	calls := 0
	e, err := New(loadBlog(t), &fakeDB{rows: [][]byte{[]byte(`{"id": "11111111-1111-4111-8111-111111111101"}`)}},
		Config{Hooks: Hooks{Error: func(context.Context, ErrorEvent) { calls++ }}})
	if err != nil {
		t.Fatal(err)
	}
	resp := e.Execute(context.Background(), &Request{Query: `mutation { __typename }`})
	if calls != 0 || resp.Operation != "mutation" {
		t.Errorf("calls %d, operation %q; body %s", calls, resp.Operation, resp.Body)
	}
}

func TestOperationType(t *testing.T) {
	e, err := New(loadBlog(t), &fakeDB{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := "B"
	for _, tc := range []struct {
		query string
		name  *string
		want  string
	}{
		{`{ users { id } }`, nil, "query"},
		{`mutation { __typename }`, nil, "mutation"},
		{`query A { users { id } } mutation B { __typename }`, &b, "mutation"},
		{`query A { users { id } } mutation B { __typename }`, nil, ""},
		{`{ users { id }`, nil, ""},
	} {
		if got := e.OperationType(tc.query, tc.name); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.query, got, tc.want)
		}
	}
}

// A lost connection (PostgreSQL ended the session, or the pool could not
// connect) is an internal error by default: its text names the database,
// the role or the socket. v1.9.7 shows the text.
func TestLostConnectionIsInternal(t *testing.T) {
	fatal := &pgconn.PgError{Severity: "FATAL", Code: "55000", Message: `database "secret_db" is not currently accepting connections`}
	connect := &pgconn.ConnectError{}
	for _, cause := range []error{fatal, connect} {
		for _, quirks := range []Quirks{QuirksNone, QuirksV197} {
			var events []ErrorEvent
			e, err := New(loadBlog(t), &fakeDB{err: cause}, Config{Quirks: quirks, Hooks: Hooks{Error: func(_ context.Context, ev ErrorEvent) { events = append(events, ev) }}})
			if err != nil {
				t.Fatal(err)
			}
			body := string(e.Execute(context.Background(), &Request{Query: `{ users { id } }`}).Body)
			if len(events) != 1 || !errors.Is(events[0].Err, cause) {
				t.Fatalf("events %+v", events)
			}
			if quirks.V1() {
				if cause == fatal && !strings.Contains(body, "secret_db") {
					t.Errorf("v1.9.7 shows PostgreSQL's text: %s", body)
				}
				continue
			}
			if strings.Contains(body, "secret_db") || !strings.Contains(body, `"message":"Internal server error"`) || events[0].Class != ErrorInternal {
				t.Errorf("%T: %s (%s)", cause, body, events[0].Class)
			}
		}
	}
}

func TestDocumentCacheStats(t *testing.T) {
	e, err := New(loadBlog(t), &fakeDB{rows: [][]byte{[]byte(`{"id": "11111111-1111-4111-8111-111111111101"}`)}}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`{ users { id } }`, `{ users { id } }`, `{ users { id } }`, `{ posts { id } }`} {
		e.Execute(context.Background(), &Request{Query: q})
	}
	if h, m := e.DocumentCacheStats(); h != 2 || m != 2 {
		t.Errorf("hits %d misses %d, want 2 and 2", h, m)
	}
}

// MaxResponseBytes stops a read whose rows take the body past it: the
// field is null with an error, in both modes.
func TestMaxResponseBytes(t *testing.T) {
	row := []byte(`{"id": "11111111-1111-4111-8111-111111111101", "first_name": "Ana"}`)
	rows := make([][]byte, 1000)
	for i := range rows {
		rows[i] = row
	}
	for _, quirks := range []Quirks{QuirksNone, QuirksV197} {
		e, err := New(loadBlog(t), &fakeDB{rows: rows}, Config{Quirks: quirks, Environment: Production, MaxResponseBytes: 4096})
		if err != nil {
			t.Fatal(err)
		}
		resp := e.Execute(context.Background(), &Request{Query: `{ users { id firstName } }`})
		if len(resp.Body) > 4096 || !strings.Contains(string(resp.Body), `"users":null`) || !strings.Contains(string(resp.Body), `The response exceeds the maximum size of 4096 bytes.`) {
			t.Errorf("%s: %d bytes: %.300s", quirks, len(resp.Body), resp.Body)
		}
		// Under the bound, the whole list.
		e, _ = New(loadBlog(t), &fakeDB{rows: rows[:10]}, Config{Quirks: quirks, Environment: Production, MaxResponseBytes: 4096})
		if resp := e.Execute(context.Background(), &Request{Query: `{ users { id firstName } }`}); strings.Contains(string(resp.Body), "errors") {
			t.Errorf("%s: %s", quirks, resp.Body)
		}
	}
	if _, err := New(loadBlog(t), &fakeDB{}, Config{MaxResponseBytes: -1}); err == nil {
		t.Error("negative MaxResponseBytes accepted")
	}
}

// phaseKey carries the phase a context belongs to in TestPhaseHook.
type phaseKey struct{}

// Hooks.Phase sees parse (on a cache miss only), plan and execute, in
// order, each from the request's context (siblings), and the statements
// run under execute's context.
func TestPhaseHook(t *testing.T) {
	var phases []string
	db := &ctxDB{fakeDB: fakeDB{rows: [][]byte{[]byte(`{"id": "11111111-1111-4111-8111-111111111101"}`)}}}
	e, err := New(loadBlog(t), db, Config{Hooks: Hooks{Phase: func(ctx context.Context, name string) (context.Context, func()) {
		if parent, _ := ctx.Value(phaseKey{}).(string); parent != "request" {
			t.Errorf("%s started under %q", name, parent)
		}
		phases = append(phases, name)
		return context.WithValue(ctx, phaseKey{}, name), func() { phases = append(phases, "end "+name) }
	}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), phaseKey{}, "request")
	e.Execute(ctx, &Request{Query: `{ users { id } }`})
	e.Execute(ctx, &Request{Query: `{ users { id } }`})
	want := "graphql.parse,end graphql.parse,graphql.plan,end graphql.plan,graphql.execute,end graphql.execute," +
		"graphql.plan,end graphql.plan,graphql.execute,end graphql.execute"
	if got := strings.Join(phases, ","); got != want {
		t.Errorf("phases\n got %s\nwant %s", got, want)
	}
	if db.under != "graphql.execute" {
		t.Errorf("statements ran under %q", db.under)
	}
}

// ctxDB records the phase the last statement ran under.
type ctxDB struct {
	fakeDB
	under string
}

func (d *ctxDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	d.under, _ = ctx.Value(phaseKey{}).(string)
	return d.fakeDB.Query(ctx, sql, args...)
}

// MaxResponseBytes also bounds what no row read makes: introspection
// (aliases repeating a nested __schema selection multiply the declaration's
// size, within the document limits) and mutation results (aliased calls of
// a function that returns large objects). The field over the bound is null
// with the same error; the mutation root fields after it are not run.
func TestMaxResponseBytesIntrospectionAndMutations(t *testing.T) {
	const sub = `types { name description fields { name description args { name description type { name } } type { name kind fields { name description type { name } } } } }`
	var many strings.Builder
	many.WriteString("{")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&many, " a%d: __schema { %s }", i, sub)
	}
	many.WriteString(" }")
	for _, quirks := range []Quirks{QuirksNone, QuirksV197} {
		unbounded, err := New(loadBlog(t), &fakeDB{}, Config{Quirks: quirks})
		if err != nil {
			t.Fatal(err)
		}
		full := unbounded.Execute(context.Background(), &Request{Query: many.String()})
		if strings.Contains(string(full.Body), "exceeds the maximum size") || len(full.Body) < 100_000 {
			t.Fatalf("%s: unbounded introspection: %d bytes %.300s", quirks, len(full.Body), full.Body)
		}
		limit := len(full.Body) / 3
		e, err := New(loadBlog(t), &fakeDB{}, Config{Quirks: quirks, MaxResponseBytes: limit})
		if err != nil {
			t.Fatal(err)
		}
		resp := e.Execute(context.Background(), &Request{Query: many.String()})
		msg := fmt.Sprintf(`The response exceeds the maximum size of %d bytes.`, limit)
		if len(resp.Body) > limit || !strings.Contains(string(resp.Body), msg) || !strings.Contains(string(resp.Body), `"a7":null`) {
			t.Errorf("%s: %d bytes (limit %d): %.400s", quirks, len(resp.Body), limit, resp.Body)
		}
		// One root alone over the bound.
		one := e.Execute(context.Background(), &Request{Query: `{ __schema { ` + sub + ` } }`})
		if len(full.Body)/8 > limit && !strings.Contains(string(one.Body), msg) {
			t.Errorf("%s: one root: %.300s", quirks, one.Body)
		}
		// Under the bound: the same bytes as without one.
		e, _ = New(loadBlog(t), &fakeDB{}, Config{Quirks: quirks, MaxResponseBytes: len(full.Body) + 100})
		data := func(b []byte) string { d, _, _ := strings.Cut(string(b), `,"extensions"`); return d } // time_ms differs
		if got := e.Execute(context.Background(), &Request{Query: many.String()}); data(got.Body) != data(full.Body) {
			t.Errorf("%s: under the bound the answer changed", quirks)
		}

		// Mutations: each call answers updateRow (~230 bytes).
		const call = `deletePost(input: {id: "22222222-2222-4222-8222-222222222201"}) { ... on DeletePostSuccess { status message post { id title } } }`
		var muts strings.Builder
		muts.WriteString("mutation {")
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&muts, " m%d: %s", i, call)
		}
		muts.WriteString(" }")
		db := &fakeDB{rows: [][]byte{updateRow}}
		e, _ = New(loadBlog(t), db, Config{Quirks: quirks, Environment: Production, MaxResponseBytes: 1000})
		resp = e.Execute(context.Background(), &Request{Query: muts.String()})
		msg = `The response exceeds the maximum size of 1000 bytes.`
		if !strings.Contains(string(resp.Body), msg) || !strings.Contains(string(resp.Body), `"m19":null`) || !strings.Contains(string(resp.Body), `"m0":{`) {
			t.Errorf("%s: mutations: %.600s", quirks, resp.Body)
		}
		if n := len(db.sql); n < 2 || n >= 20 {
			t.Errorf("%s: %d functions called, want the calls to stop at the bound", quirks, n)
		}
		if len(resp.Body) > 4000 {
			t.Errorf("%s: mutations: %d bytes", quirks, len(resp.Body))
		}
		// Under the bound, every call runs and answers.
		db = &fakeDB{rows: [][]byte{updateRow}}
		e, _ = New(loadBlog(t), db, Config{Quirks: quirks, Environment: Production, MaxResponseBytes: 100_000})
		if resp := e.Execute(context.Background(), &Request{Query: muts.String()}); strings.Contains(string(resp.Body), `"errors":[{"message"`) || len(db.sql) != 20 {
			t.Errorf("%s: under the bound: %d calls, %.300s", quirks, len(db.sql), resp.Body)
		}
	}
}
