package httpcore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/testdb"
)

const (
	respAPQNotFound = "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 99\r\ncontent-type: application/json\r\n\r\n{\"errors\":[{\"message\":\"PersistedQueryNotFound\",\"extensions\":{\"code\":\"PERSISTED_QUERY_NOT_FOUND\"}}]}"
	respAPQRequired = "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 251\r\ncontent-type: application/json\r\n\r\n{\"errors\":[{\"message\":\"Persisted queries required. Arbitrary queries are not allowed.\",\"extensions\":{\"code\":\"ARBITRARY_QUERY_NOT_ALLOWED\",\"details\":\"Configure your client to use Automatic Persisted Queries (APQ) or register queries at build time.\"}}]}"
	respAPQMismatch = "HTTP/1.1 400 Bad Request\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 96\r\ncontent-type: application/json\r\n\r\n{\"errors\":[{\"message\":\"provided sha does not match query\",\"extensions\":{\"code\":\"BAD_REQUEST\"}}]}"
	resp500         = "HTTP/1.1 500 Internal Server Error\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 21\r\ncontent-type: text/plain; charset=utf-8\r\n\r\nInternal Server Error"
)

func apqBody(query, hash string) string {
	pq := fmt.Sprintf(`"extensions":{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hash)
	if query == "" {
		return "{" + pq + "}"
	}
	return fmt.Sprintf(`{"query":%q,%s}`, query, pq)
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestAPQ replays one sequence per APQ mode and --quirks mode: state
// carries over between steps, as between the goldens' exchanges. want ""
// means the executor answered. By default a registration's hash must be the
// SHA-256 of its text; v1.9.7 stores any text under any hash (quirk 14).
func TestAPQ(t *testing.T) {
	t.Parallel()
	q1 := "{ users { id } }"
	type step struct {
		name string
		raw  []byte
		want string
		// executed: the query text the executor must have been given.
		executed string
	}
	tests := []struct {
		quirks graphqlexec.Quirks
		mode   fastapi.APQMode
		steps  []step
	}{
		{graphqlexec.QuirksNone, fastapi.APQOptional, []step{
			{"miss", rawRequest("POST", "/graphql", nil, apqBody("", sha(q1))), respAPQNotFound, ""},
			{"register", rawRequest("POST", "/graphql", nil, apqBody(q1, sha(q1))), respFake, q1},
			{"hit runs the stored text", rawRequest("POST", "/graphql", nil, apqBody("", sha(q1))), respFake, q1},
			{"wrong hash is refused", rawRequest("POST", "/graphql", nil, apqBody("{ b }", "0000")), respAPQMismatch, ""},
			{"and was not stored", rawRequest("POST", "/graphql", nil, apqBody("", "0000")), respAPQNotFound, ""},
			{"another text under a registered hash is refused", rawRequest("POST", "/graphql", nil, apqBody("{ b }", sha(q1))), respAPQMismatch, ""},
			{"the registered text still answers", rawRequest("POST", "/graphql", nil, apqBody("", sha(q1))), respFake, q1},
			{"upper-case hex is not the hash", rawRequest("POST", "/graphql", nil, apqBody(q1, strings.ToUpper(sha(q1)))), respAPQMismatch, ""},
			{"whitespace hash", rawRequest("POST", "/graphql", nil, apqBody("{ a }", " \t\u3000")), respAPQNotFound, ""},
			{"whitespace query registration: 500", rawRequest("POST", "/graphql", nil, apqBody(" \n ", sha(" \n "))), resp500, ""},
		}},
		{graphqlexec.QuirksNone, fastapi.APQRequired, []step{
			{"plain query refused", rawRequest("POST", "/graphql", nil, `{"query":"{ a }"}`), respAPQRequired, ""},
			{"registration under a wrong hash runs nothing", rawRequest("POST", "/graphql", nil, apqBody("{ anything }", "9")), respAPQMismatch, ""},
			{"nor answers hits", rawRequest("POST", "/graphql", nil, apqBody("", "9")), respAPQNotFound, ""},
			{"verified registration runs", rawRequest("POST", "/graphql", nil, apqBody("{ anything }", sha("{ anything }"))), respFake, "{ anything }"},
			{"hit", rawRequest("POST", "/graphql", nil, apqBody("", sha("{ anything }"))), respFake, "{ anything }"},
		}},
		{graphqlexec.QuirksV197, fastapi.APQOptional, []step{
			{"plain query runs", rawRequest("POST", "/graphql", nil, `{"query":"{ a }"}`), respFake, "{ a }"},
			{"miss", rawRequest("POST", "/graphql", nil, apqBody("", sha(q1))), respAPQNotFound, ""},
			{"register", rawRequest("POST", "/graphql", nil, apqBody(q1, sha(q1))), respFake, q1},
			{"hit runs the stored text", rawRequest("POST", "/graphql", nil, apqBody("", sha(q1))), respFake, q1},
			{"hit with an empty query string", rawRequest("POST", "/graphql", nil, `{"query":"",`+apqBody("", sha(q1))[1:]), respFake, q1},
			{"wrong hash is stored anyway", rawRequest("POST", "/graphql", nil, apqBody("{ b }", "0000")), respFake, "{ b }"},
			{"and answers hits", rawRequest("POST", "/graphql", nil, apqBody("", "0000")), respFake, "{ b }"},
			{"re-registration replaces (memory store)", rawRequest("POST", "/graphql", nil, apqBody("{ c }", "0000")), respFake, "{ c }"},
			{"hit after re-registration", rawRequest("POST", "/graphql", nil, apqBody("", "0000")), respFake, "{ c }"},
			{"whitespace hash", rawRequest("POST", "/graphql", nil, apqBody("{ a }", " \t\u3000")), respAPQNotFound, ""},
			{"whitespace query registration: 500", rawRequest("POST", "/graphql", nil, apqBody(" \n ", "1111")), resp500, ""},
			{"lone surrogate registration: 500", rawRequest("POST", "/graphql", nil, `{"query":"{ a }\ud800","extensions":{"persistedQuery":{"version":1,"sha256Hash":"2222"}}}`), resp500, ""},
			{"version 1.0 hit", rawRequest("POST", "/graphql", nil, `{"extensions":{"persistedQuery":{"version":1.0,"sha256Hash":"`+sha(q1)+`"}}}`), respFake, q1},
			{"GET runs without APQ", rawRequest("GET", "/graphql?query=%7B%20a%20%7D", nil, ""), respFake, "{ a }"},
		}},
		{graphqlexec.QuirksV197, fastapi.APQRequired, []step{
			{"plain query refused", rawRequest("POST", "/graphql", nil, `{"query":"{ a }"}`), respAPQRequired, ""},
			{"empty extensions refused", rawRequest("POST", "/graphql", nil, `{"query":"{ a }","extensions":{}}`), respAPQRequired, ""},
			{"GET refused", rawRequest("GET", "/graphql?query=%7B%20a%20%7D", nil, ""), respAPQRequired, ""},
			{"GraphiQL still served", rawRequest("GET", "/graphql", nil, ""), "", ""},
			{"registration runs any text", rawRequest("POST", "/graphql", nil, apqBody("{ anything }", "9")), respFake, "{ anything }"},
			{"hit", rawRequest("POST", "/graphql", nil, apqBody("", "9")), respFake, "{ anything }"},
			{"miss", rawRequest("POST", "/graphql", nil, apqBody("", "8")), respAPQNotFound, ""},
		}},
		{graphqlexec.QuirksV197, fastapi.APQDisabled, []step{
			{"registration runs its text", rawRequest("POST", "/graphql", nil, apqBody(q1, sha(q1))), respFake, q1},
			{"hash only is a missing query", rawRequest("POST", "/graphql", nil, apqBody("", sha(q1))), respFake, ""},
			{"whitespace query is not stored, so no 500", rawRequest("POST", "/graphql", nil, apqBody(" ", "1")), respFake, " "},
			{"422s still apply", rawRequest("POST", "/graphql", nil, `{"extensions":{"persistedQuery":"abc"}}`), "HTTP/1.1 422", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.quirks)+"/"+string(tt.mode), func(t *testing.T) {
			exec := &fakeExecutor{}
			h := newHandler(handlerOptions{Environment: graphqlexec.Development, Playground: true, Executor: exec, DB: fakePinger{}, APQMode: tt.mode, Quirks: tt.quirks})
			ts := startServer(t, h, nil)
			for _, st := range tt.steps {
				before := len(exec.seen)
				got := string(normalizeDate(ts.exchange(st.raw, false)))
				switch {
				case st.want == "":
				case strings.HasPrefix(st.want, "HTTP/1.1 422"):
					if !strings.HasPrefix(got, st.want) {
						t.Errorf("%s: got %q", st.name, got)
					}
				case got != st.want:
					t.Errorf("%s: got\n%q\nwant\n%q", st.name, got, st.want)
				}
				ran := len(exec.seen) > before
				switch {
				case st.want == respFake && !ran:
					t.Errorf("%s: executor not called", st.name)
				case st.want == respFake && exec.seen[len(exec.seen)-1].Query != st.executed:
					t.Errorf("%s: executed %q, want %q", st.name, exec.seen[len(exec.seen)-1].Query, st.executed)
				case st.want != respFake && ran:
					t.Errorf("%s: executor called for a refused request", st.name)
				}
			}
		})
	}
}

// testDatabase creates a scratch database (the demo database is never
// written) and returns a pool on it; it is dropped at cleanup.
func testDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	d := testdb.Scratch(t, "fraiseql_apq_test")
	pool, err := pgxpool.New(context.Background(), d.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestPostgresAPQStoreSharedByTwoInstances: two handlers, each with its own
// store on one database, stand for two server instances behind a load
// balancer. A query registered through one is a hit on the other.
func TestPostgresAPQStoreSharedByTwoInstances(t *testing.T) {
	t.Parallel()
	pool := testDatabase(t)
	ctx := context.Background()
	newInstance := func() (*testServer, *fakeExecutor, *fastapi.PostgresAPQStore) {
		store, err := fastapi.NewPostgresAPQStore(ctx, pool, fastapi.NewMemoryAPQStore(10, 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		exec := &fakeExecutor{}
		h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: exec, APQMode: fastapi.APQRequired, APQStore: store})
		return startServer(t, h, nil), exec, store
	}
	a, execA, _ := newInstance()
	b, execB, storeB := newInstance() // the table exists already: IF NOT EXISTS

	q := "{ users { id email } }"
	if got := string(normalizeDate(b.exchange(rawRequest("POST", "/graphql", nil, apqBody("", sha(q))), false))); got != respAPQNotFound {
		t.Fatalf("b before registration: %q", got)
	}
	if got := string(normalizeDate(a.exchange(rawRequest("POST", "/graphql", nil, apqBody(q, sha(q))), false))); got != respFake {
		t.Fatalf("a registration: %q", got)
	}
	if got := string(normalizeDate(b.exchange(rawRequest("POST", "/graphql", nil, apqBody("", sha(q))), false))); got != respFake {
		t.Fatalf("b hit after a's registration: %q", got)
	}
	if len(execA.seen) != 1 || len(execB.seen) != 1 || execB.seen[0].Query != q {
		t.Fatalf("executions: a %d, b %d (%+v)", len(execA.seen), len(execB.seen), execB.seen)
	}

	// The first registration of a hash wins everywhere: b re-registering
	// the hash with other text executes its text but does not change the
	// table, and its local cache does not keep the losing text.
	b.exchange(rawRequest("POST", "/graphql", nil, apqBody("{ other }", sha(q))), false)
	if got, _, _ := storeB.Get(ctx, sha(q)); got != q {
		t.Errorf("b's store answers %q after a conflicting registration, want the table's %q", got, q)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM fraiseql_apq").Scan(&n); err != nil || n != 1 {
		t.Errorf("fraiseql_apq rows = %d (%v), want 1", n, err)
	}
}

// failingAPQStore stands for a database outage.
type failingAPQStore struct{}

func (failingAPQStore) Get(context.Context, string) (string, bool, error) {
	return "", false, fmt.Errorf("connection refused")
}
func (failingAPQStore) Put(context.Context, string, string) error {
	return fmt.Errorf("connection refused")
}

// TestAPQStoreFailure: a registration still executes its text; a hit
// becomes a miss (the client then registers again); nothing leaks.
func TestAPQStoreFailure(t *testing.T) {
	t.Parallel()
	exec := &fakeExecutor{}
	h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: exec, APQStore: failingAPQStore{}})
	ts := startServer(t, h, nil)
	if got := string(normalizeDate(ts.exchange(rawRequest("POST", "/graphql", nil, apqBody("{ a }", sha("{ a }"))), false))); got != respFake {
		t.Errorf("registration: %q", got)
	}
	if got := string(normalizeDate(ts.exchange(rawRequest("POST", "/graphql", nil, apqBody("", sha("{ a }"))), false))); got != respAPQNotFound {
		t.Errorf("hit: %q", got)
	}
}
