package loadgen

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/perf/internal/workload"
)

func TestCanonicalData(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		equal      bool
	}{
		{"key order and typename", `{"data":{"u":{"id":1,"__typename":"User","e":"x"}}}`, `{"data":{"u":{"e":"x","id":1}}}`, true},
		{"row order", `{"data":{"users":[{"id":1},{"id":2}]}}`, `{"data":{"users":[{"id":2},{"id":1}]}}`, true},
		{"number spelling", `{"data":{"s":1.50}}`, `{"data":{"s":1.5}}`, true},
		{"different row", `{"data":{"users":[{"id":1},{"id":2}]}}`, `{"data":{"users":[{"id":1},{"id":3}]}}`, false},
		{"missing field", `{"data":{"u":{"id":1,"e":"x"}}}`, `{"data":{"u":{"id":1}}}`, false},
		{"null vs absent", `{"data":{"u":{"id":1,"e":null}}}`, `{"data":{"u":{"id":1}}}`, false},
		{"one row more", `{"data":{"users":[{"id":1}]}}`, `{"data":{"users":[{"id":1},{"id":1}]}}`, false},
		{"root name", `{"data":{"users":[]}}`, `{"data":{"tbUsersList":[]}}`, false},
		{"string vs number", `{"data":{"id":"1"}}`, `{"data":{"id":1}}`, false},
	} {
		a, err := CanonicalData([]byte(tc.a))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, err := CanonicalData([]byte(tc.b))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := string(a) == string(b); got != tc.equal {
			t.Errorf("%s: equal = %v (%s vs %s)", tc.name, got, a, b)
		}
	}
	for _, bad := range []string{`{"errors":[{"message":"x"}]}`, `{"data":null}`, `not json`} {
		if _, err := CanonicalData([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// Two servers asked the same data in their own dialects: the one that
// answers differently is skipped, not measured; the floor and a target
// outside the check are measured as before.
func TestRunSameDataAndDialects(t *testing.T) {
	mk := func(answer map[string]string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			for q, a := range answer {
				if strings.Contains(string(body), q) {
					io.WriteString(w, a)
					return
				}
			}
			io.WriteString(w, `{"errors":[{"message":"unknown query"}]}`)
		}))
	}
	ours := mk(map[string]string{"users(": `{"data":{"users":[{"id":1},{"id":2}]}}`, "user(": `{"data":{"user":{"id":1}}}`})
	defer ours.Close()
	peerSame := mk(map[string]string{"tbUsersList": `{"data":{"users":[{"id":2,"__typename":"U"},{"id":1}]}}`, "tbUser(": `{"data":{"user":{"id":1}}}`})
	defer peerSame.Close()
	peerDiff := mk(map[string]string{"tbUsersList": `{"data":{"users":[{"id":1},{"id":3}]}}`, "tbUser(": `{"data":{"user":{"id":1}}}`})
	defer peerDiff.Close()
	target := func(name, url, dialect string) Target {
		tg, err := ParseTarget(name+"="+url, false)
		if err != nil {
			t.Fatal(err)
		}
		tg.Dialect = dialect
		return tg
	}
	ws, err := workload.Parse([]byte(`{"workloads":[
		{"name":"list","method":"POST","path":"/graphql","body":{"query":"{ users(limit: 2) { id } }"},
		 "dialects":{"pg":{"body":{"query":"{ users: tbUsersList(first: 2) { id } }"}}}},
		{"name":"one","method":"POST","path":"/graphql","body":{"query":"{ user(id: 1) { id } }"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Targets:   []Target{target("ours", ours.URL, ""), target("same", peerSame.URL, "pg"), target("diff", peerDiff.URL, "pg")},
		Workloads: ws, Connections: []int{1}, Duration: 60 * time.Millisecond, Rounds: 1,
		SameData: []string{"ours", "same", "diff"},
		PIDs:     map[string]int{"ours": os.Getpid()}, // the test's own process serves "ours"
	}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Result{}
	for _, r := range res {
		got[r.Workload+"/"+r.Target] = r
	}
	if r := got["list/ours"]; r.Skipped || r.Requests == 0 || !r.serverCPUOK || r.pgCPUOK {
		t.Errorf("list/ours (server CPU read from /proc, no PostgreSQL database named): %+v", r)
	}
	if r := got["list/same"]; r.Skipped || r.Requests == 0 {
		t.Errorf("list/same (same data, other order and __typename) must be measured: %+v", r)
	}
	if r := got["list/diff"]; !r.Skipped || !strings.Contains(r.SkipReason, "different data from ours") || r.Requests != 0 {
		t.Errorf("list/diff must be refused: %+v", r)
	}
	for _, n := range []string{"one/same", "one/diff"} {
		if r := got[n]; !r.Skipped || !strings.Contains(r.SkipReason, "no pg query") {
			t.Errorf("%s: a workload without the target's dialect must be skipped: %+v", n, r)
		}
	}
	if r := got["one/ours"]; r.Skipped || r.Requests == 0 {
		t.Errorf("one/ours: %+v", r)
	}
}
