package httpcore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

// Metrics scraped during a flood: while clients send requests as fast as
// they can (well-formed queries, malformed bodies and 404s on keep-alive
// connections), every scrape answers 200 with the exposition, and once
// the flood is over the counters hold every request it sent.
func TestAppMetricsScrapedDuringAFlood(t *testing.T) {
	t.Parallel()
	_, addr := startApp(t, func(c *Config) { c.PoolSize = 4 })
	const clients, each = 6, 60
	bodies := []string{usersQuery, `{"query":`, `{"query":"{ users(limit: 1) { id } }"}`}
	done := make(chan error, clients)
	for i := 0; i < clients; i++ {
		go func(i int) {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			for j := 0; j < each; j++ {
				var resp *http.Response
				var err error
				if j%10 == 9 {
					resp, err = client.Get("http://" + addr + "/nope")
				} else {
					resp, err = client.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(bodies[(i+j)%len(bodies)]))
				}
				if err != nil {
					done <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			done <- nil
		}(i)
	}
	scrapes := 0
	for finished := 0; finished < clients; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished++
		default:
			code, body := get(t, "http://"+addr+"/metrics", "")
			if code != 200 || !strings.Contains(body, "fraiseql_http_requests_in_flight ") {
				t.Fatalf("scrape during the flood: %d %.200s", code, body)
			}
			scrapes++
		}
	}
	code, body := get(t, "http://"+addr+"/metrics", "")
	total := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "fraiseql_http_requests_total{") {
			var n int
			fmt.Sscan(line[strings.LastIndexByte(line, ' ')+1:], &n)
			total += n
		}
	}
	if code != 200 || total < clients*each || scrapes == 0 {
		t.Errorf("after the flood: %d, %d requests counted (sent %d), %d scrapes during it", code, total, clients*each, scrapes)
	}
}
