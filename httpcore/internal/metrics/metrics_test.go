package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, h http.Handler, auth string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	b, _ := io.ReadAll(w.Body)
	return w.Code, string(b)
}

func TestRequestMetrics(t *testing.T) {
	t.Parallel()
	m := New(Sources{ActiveConnections: func() int64 { return 7 }, TotalConnections: func() uint64 { return 9 }})
	m.Begin()
	m.Begin()
	m.End(200, "query", "Users", 3*time.Millisecond)
	m.Begin()
	m.End(200, "query", "", 20*time.Millisecond)
	m.Begin()
	m.End(422, "", "", time.Millisecond)
	m.Begin()
	m.End(999, "mutation", "bad name!", time.Millisecond) // outside the cache: still counted
	m.Error("internal")
	m.Error("database")
	m.Error("made-up") // counted as internal, never a new label
	code, body := scrape(t, m.Handler(""), "")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		`fraiseql_http_requests_total{code="200",operation="query"} 2`,
		`fraiseql_http_requests_total{code="422",operation="none"} 1`,
		`fraiseql_http_requests_total{code="999",operation="mutation"} 1`,
		`fraiseql_http_request_duration_seconds_bucket{operation="query",le="0.005"} 1`,
		`fraiseql_http_request_duration_seconds_count{operation="query"} 2`,
		`fraiseql_http_requests_in_flight 1`,
		`fraiseql_graphql_errors_total{class="internal"} 2`,
		`fraiseql_graphql_errors_total{class="database"} 1`,
		`fraiseql_graphql_errors_total{class="timeout"} 0`,
		`fraiseql_http_connections_active 7`,
		`fraiseql_http_connections_total 9`,
		`go_goroutines `,
		`fraiseql_graphql_operation_duration_seconds_count{name="Users",operation="query"} 1`,
		`fraiseql_graphql_operation_duration_seconds_count{name="anonymous",operation="query"} 1`,
		`fraiseql_graphql_operation_duration_seconds_count{name="other",operation="mutation"} 1`,
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(body, "made-up") {
		t.Error("a free label value reached the registry")
	}
}

func TestMetricsToken(t *testing.T) {
	t.Parallel()
	h := New(Sources{}).Handler("s3cret")
	for _, auth := range []string{"", "Bearer wrong", "Bearer s3cret ", "s3cret"} {
		if code, _ := scrape(t, h, auth); code != http.StatusUnauthorized {
			t.Errorf("%q: status %d", auth, code)
		}
	}
	if code, body := scrape(t, h, "Bearer s3cret"); code != 200 || !strings.Contains(body, "fraiseql_http_requests_in_flight") {
		t.Errorf("with the token: %d %.80q", code, body)
	}
}

// The cost the request path pays: Begin and End of one request.
func BenchmarkBeginEnd(b *testing.B) {
	m := New(Sources{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Begin()
			m.End(200, "query", "Users", 1500*time.Microsecond)
		}
	})
}

// Operation names are labels for the first MaxOperationNames names only.
func TestOperationNamesBounded(t *testing.T) {
	t.Parallel()
	m := New(Sources{})
	for i := 0; i < 3*MaxOperationNames; i++ {
		m.Begin()
		m.End(200, "query", "Op"+strconv.Itoa(i), time.Millisecond)
	}
	_, body := scrape(t, m.Handler(""), "")
	names := strings.Count(body, "fraiseql_graphql_operation_duration_seconds_count{")
	if names != MaxOperationNames+1 {
		t.Errorf("%d name series, want %d and other", names, MaxOperationNames)
	}
	if want := `fraiseql_graphql_operation_duration_seconds_count{name="other",operation="query"} ` + strconv.Itoa(2*MaxOperationNames); !strings.Contains(body, want) {
		t.Errorf("missing %q", want)
	}
}
