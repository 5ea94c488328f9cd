package graphqlexec

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// blockingDB answers nothing until the statement's context ends, then
// fails as pgx does (its timeout error wraps the context's error).
type blockingDB struct {
	fakeDB
	deadline time.Time
}

func (b *blockingDB) Query(ctx context.Context, _ string, _ ...any) (pgx.Rows, error) {
	b.deadline, _ = ctx.Deadline()
	<-ctx.Done()
	return nil, fmt.Errorf("timeout: %w", ctx.Err())
}

func TestExecutionTimeout(t *testing.T) {
	t.Parallel()
	const timeout = 50 * time.Millisecond
	want := `{"data":{"users":null},"errors":[{"message":"canceling statement due to statement timeout","locations":[{"line":1,"column":3}],"path":["users"]}],"extensions":{"execution":{"mode":"unified_rust","time_ms":T}}}`
	type key struct{}
	for _, ctx := range []context.Context{context.Background(), context.WithValue(context.Background(), key{}, 1)} {
		db := &blockingDB{}
		e, err := New(loadBlog(t), db, Config{ExecutionTimeout: timeout})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got := timeMS.ReplaceAllString(string(e.Execute(ctx, &Request{Query: `{ users { id } }`}).Body), `"time_ms":T`)
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
		// The deadline is never later than start + timeout, and a shared
		// one is at most one grain (timeout/64) earlier.
		if db.deadline.IsZero() || db.deadline.After(time.Now().Add(timeout)) || db.deadline.Before(start.Add(timeout-timeout/64-time.Millisecond)) {
			t.Errorf("deadline %v for a request started at %v", db.deadline, start)
		}
	}
}

// sleepDB runs a statement that outlives any deadline in place of the
// engine's, so that the cancellation goes through pgx and PostgreSQL.
type sleepDB struct{ *pgx.Conn }

func (s sleepDB) Query(ctx context.Context, _ string, _ ...any) (pgx.Rows, error) {
	return s.Conn.Query(ctx, "SELECT pg_sleep(30)::text")
}

func TestExecutionTimeoutPostgres(t *testing.T) {
	t.Parallel()
	conn := testDB(t)
	e, err := New(loadBlog(t), sleepDB{conn}, Config{ExecutionTimeout: 200 * time.Millisecond, Environment: Production})
	if err != nil {
		t.Fatal(err)
	}
	got := string(e.Execute(context.Background(), &Request{Query: `{ users { id } }`}).Body)
	if want := `{"data":{"users":null},"errors":[{"message":"canceling statement due to statement timeout","locations":[{"line":1,"column":3}],"path":["users"]}]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
