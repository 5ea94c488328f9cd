package httpcore

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// GET /metrics on the main port after a query, an error and a 404: the
// request counters by status and operation, the error classes, the
// connection and pool gauges.
func TestAppMetrics(t *testing.T) {
	t.Parallel()
	_, addr := startApp(t, nil)
	rawExchange(t, addr, "", usersQuery)
	rawExchange(t, addr, "", `{"query":"{ users(where: {email: {matches: \"(\"}}) { id } }"}`)
	get(t, "http://"+addr+"/nope", "")
	// Persisted queries: a registration, a hit, a miss.
	q := "{ users(limit: 1) { id } }"
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])
	ext := `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	rawExchange(t, addr, "", `{"query":"`+q+`",`+ext+`}`)
	rawExchange(t, addr, "", `{`+ext+`}`)
	rawExchange(t, addr, "", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"`+strings.Repeat("0", 64)+`"}}}`)
	code, body := get(t, "http://"+addr+"/metrics", "")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	for _, want := range []string{
		`fraiseql_http_requests_total{code="200",operation="query"} 4`,
		`fraiseql_apq_requests_total{result="hit"} 1`,
		`fraiseql_apq_requests_total{result="miss"} 1`,
		`fraiseql_apq_requests_total{result="registered"} 1`,
		// users, the bad regex, the persisted text (run twice: a hit).
		`fraiseql_graphql_document_cache_lookups_total{result="miss"} 3`,
		`fraiseql_graphql_document_cache_lookups_total{result="hit"} 1`,
		`fraiseql_http_requests_total{code="404",operation="none"} 1`,
		`fraiseql_http_request_duration_seconds_count{operation="query"} 4`,
		`fraiseql_graphql_errors_total{class="database"} 1`,
		`fraiseql_http_requests_in_flight 1`, // the scrape itself
		`fraiseql_db_pool_max_connections 20`,
		`fraiseql_db_pool_connections{state="idle"}`,
		`fraiseql_db_pool_acquires_total`,
		`fraiseql_http_connections_active`,
		`process_open_fds`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// --metrics-listen moves them to a port of their own (the main port
// answers 404 there) and --metrics-token guards them; --metrics=false
// turns them off.
func TestAppMetricsListenTokenOff(t *testing.T) {
	t.Parallel()
	app, addr := startApp(t, func(c *Config) { c.MetricsListen = "127.0.0.1:0"; c.MetricsToken = "tok-1"; c.MetricsPath = "/m" })
	maddr := app.MetricsAddr()
	if maddr == nil {
		t.Fatal("no metrics address")
	}
	if code, _ := get(t, "http://"+addr+"/m", "Bearer tok-1"); code != 404 {
		t.Errorf("main port /m: %d", code)
	}
	if code, _ := get(t, "http://"+maddr.String()+"/m", ""); code != 401 {
		t.Errorf("without token: %d", code)
	}
	if code, body := get(t, "http://"+maddr.String()+"/m", "Bearer tok-1"); code != 200 || !strings.Contains(body, "fraiseql_http_requests_total") {
		t.Errorf("with token: %d %.100s", code, body)
	}
	_, addr = startApp(t, func(c *Config) { c.Metrics = false })
	if code, _ := get(t, "http://"+addr+"/metrics", ""); code != 404 {
		t.Errorf("--metrics=false: %d", code)
	}
}
