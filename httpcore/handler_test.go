package httpcore

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/graphiql"
)

// serve runs one request through the handler with httptest (through
// h1.Adapt).
func serve(h http.Handler, method, target, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPostBodyModel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, body string
		status                  int
		want                    string
	}{
		{"empty", "application/json", "", 422,
			`{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`},
		{"null", "application/json", "null", 422,
			`{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}`},
		{"array", "application/json", `[{"query":"{ hello }"}]`, 422,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[{"query":"{ hello }"}]}]}`},
		{"text/plain raw", "text/plain", `{"query":"{ hello }"}`, 422,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{\"query\":\"{ hello }\"}"}]}`},
		{"graphql+json is json", "application/graphql+json; charset=utf-8", `{"query":"{ a }"}`, 200, `{"data":{"fake":true}}`},
		{"missing content type is json", "", `{"query":"{ a }"}`, 200, `{"data":{"fake":true}}`},
		{"application without subtype is raw", "application", `{}`, 422,
			`{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{}"}]}`},
		{"variables list", "application/json", `{"query":"{ a }","variables":[1]}`, 422,
			`{"detail":[{"type":"dict_type","loc":["body","variables"],"msg":"Input should be a valid dictionary","input":[1]}]}`},
		{"variables string", "application/json", `{"variables":"{}"}`, 422,
			`{"detail":[{"type":"dict_type","loc":["body","variables"],"msg":"Input should be a valid dictionary","input":"{}"}]}`},
		{"query int", "application/json", `{"query":123}`, 422,
			`{"detail":[{"type":"string_type","loc":["body","query"],"msg":"Input should be a valid string","input":123}]}`},
		{"two errors in field order", "application/json", `{"extensions":[],"operationName":5}`, 422,
			`{"detail":[{"type":"string_type","loc":["body","operationName"],"msg":"Input should be a valid string","input":5},{"type":"dict_type","loc":["body","extensions"],"msg":"Input should be a valid dictionary","input":[]}]}`},
		{"persistedQuery not object", "application/json", `{"extensions":{"persistedQuery":1}}`, 422,
			`{"detail":[{"type":"value_error","loc":["body","extensions"],"msg":"Value error, persistedQuery must be an object","input":{"persistedQuery":1},"ctx":{"error":{}}}]}`},
		{"version missing", "application/json", `{"extensions":{"persistedQuery":{"sha256Hash":"a"}}}`, 422,
			`{"detail":[{"type":"value_error","loc":["body","extensions"],"msg":"Value error, persistedQuery.version is required","input":{"persistedQuery":{"sha256Hash":"a"}},"ctx":{"error":{}}}]}`},
		{"hash missing", "application/json", `{"extensions":{"persistedQuery":{"version":1}}}`, 422,
			`{"detail":[{"type":"value_error","loc":["body","extensions"],"msg":"Value error, persistedQuery.sha256Hash is required","input":{"persistedQuery":{"version":1}},"ctx":{"error":{}}}]}`},
		{"version 2", "application/json", `{"extensions":{"persistedQuery":{"version":2,"sha256Hash":"a"}}}`, 422,
			`{"detail":[{"type":"value_error","loc":["body","extensions"],"msg":"Value error, Only APQ version 1 is supported","input":{"persistedQuery":{"version":2,"sha256Hash":"a"}},"ctx":{"error":{}}}]}`},
		{"version true passes", "application/json", `{"query":"{ a }","extensions":{"persistedQuery":{"version":true,"sha256Hash":"1c7e1e347f726166b5b1c55afd61f278cc9b45e00c108ec33d540a566379811b"}}}`, 200, `{"data":{"fake":true}}`},
		{"version 1.0 passes", "application/json", `{"query":"{ a }","extensions":{"persistedQuery":{"version":1.0,"sha256Hash":"1c7e1e347f726166b5b1c55afd61f278cc9b45e00c108ec33d540a566379811b"}}}`, 200, `{"data":{"fake":true}}`},
		{"empty hash", "application/json", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":""}}}`, 422,
			`{"detail":[{"type":"value_error","loc":["body","extensions"],"msg":"Value error, persistedQuery.sha256Hash must be a non-empty string","input":{"persistedQuery":{"version":1,"sha256Hash":""}},"ctx":{"error":{}}}]}`},
		{"invalid json", "application/json", `{bad`, 422,
			`{"detail":[{"type":"json_invalid","loc":["body",1],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]}`},
		{"truncated json", "application/json", `{"query":"{ hello }"`, 422,
			`{"detail":[{"type":"json_invalid","loc":["body",20],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ',' delimiter"}}]}`},
		{"json error position counts characters", "application/json", `{"q":"é" x}`, 422,
			`{"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ',' delimiter"}}]}`},
		{"invalid utf-8 is a parse error", "application/json", "{\"query\":\"\xff\"}", 400,
			`{"detail":"There was an error parsing the body"}`},
		{"NaN echoed cannot render", "application/json", `{"query":NaN}`, 500, "Internal Server Error"},
		{"non-ascii echoed raw", "application/json", `{"query":["é\u0001"]}`, 422,
			"{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\",\"query\"],\"msg\":\"Input should be a valid string\",\"input\":[\"é\\u0001\"]}]}"},
		{"raw non-utf-8 text body", "text/plain", "\xff", 500, "Internal Server Error"},
	}
	h := devHandler(&fakeExecutor{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, "POST", "/graphql", tt.contentType, tt.body)
			if w.Code != tt.status || w.Body.String() != tt.want {
				t.Fatalf("got %d %s\nwant %d %s", w.Code, w.Body, tt.status, tt.want)
			}
		})
	}
}

func TestPostPassesRequestToExecutor(t *testing.T) {
	t.Parallel()
	exec := &fakeExecutor{}
	h := devHandler(exec)
	serve(h, "POST", "/graphql", "application/json", `{"query":"q","operationName":"Op","variables":{"a":1}}`)
	serve(h, "POST", "/graphql", "application/json", `{"query":null,"operationName":null,"variables":null}`)
	if len(exec.seen) != 2 {
		t.Fatalf("executor saw %d requests", len(exec.seen))
	}
	first, second := exec.seen[0], exec.seen[1]
	if first.Query != "q" || first.QueryMissing || first.OperationName == nil || *first.OperationName != "Op" || first.Variables == nil || first.Variables.Get("a") == nil {
		t.Errorf("first request: %+v", first)
	}
	if !second.QueryMissing || second.OperationName != nil || second.Variables != nil {
		t.Errorf("second request: %+v", second)
	}
}

func TestInternalErrorIs500(t *testing.T) {
	t.Parallel()
	exec := &fakeExecutor{answers: map[string]graphqlexec.Response{"{ boom }\x00\x00": {InternalError: true}}}
	w := serve(devHandler(exec), "POST", "/graphql", "", `{"query":"{ boom }"}`)
	if w.Code != 500 || w.Body.String() != "Internal Server Error" || w.Header().Get("Content-Type") != fastapi.ContentTypeText {
		t.Fatalf("got %d %q %q", w.Code, w.Header(), w.Body)
	}
	w = serve(devHandler(exec), "POST", "/graphql/rust", "", `{"query":"{ a }"}`)
	if w.Code != 500 || w.Body.String() != "Internal Server Error" {
		t.Fatalf("/graphql/rust: %d %q", w.Code, w.Body)
	}
	w = serve(devHandler(exec), "POST", "/graphql/rust", "", `[]`)
	if w.Code != 422 {
		t.Fatalf("/graphql/rust with a bad body: %d %q", w.Code, w.Body)
	}
}

func TestGetGraphQL(t *testing.T) {
	t.Parallel()
	exec := &fakeExecutor{}
	noPlayground := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: exec})
	tests := []struct {
		name    string
		h       http.Handler
		target  string
		status  int
		body    string
		wantReq *graphqlexec.Request
	}{
		{"playground", devHandler(exec), "/graphql", 200, string(fastapi.GraphiQLPage), nil},
		{"no playground, no query", noPlayground, "/graphql", 400, `{"detail":"Query parameter is required"}`, nil},
		{"production", prodHandler(exec), "/graphql?query=%7B%20a%20%7D", 404, `{"detail":"Not found"}`, nil},
		{"query executes", devHandler(exec), "/graphql?query=%7B+a+%7D&operationName=Op", 200, `{"data":{"fake":true}}`,
			&graphqlexec.Request{Query: "{ a }", OperationName: strPtr("Op")}},
		{"empty query is a query", devHandler(exec), "/graphql?query=", 200, `{"data":{"fake":true}}`, &graphqlexec.Request{Query: ""}},
		{"bad variables", devHandler(exec), "/graphql?query=x&variables=%7Bbad", 400, `{"detail":"Invalid JSON in variables parameter"}`, nil},
		{"bom variables", devHandler(exec), "/graphql?query=x&variables=%EF%BB%BF%7B%7D", 400, `{"detail":"Invalid JSON in variables parameter"}`, nil},
		{"list variables", devHandler(exec), "/graphql?query=x&variables=%5B1%5D", 500, "Internal Server Error", nil},
		{"empty variables ignored", devHandler(exec), "/graphql?query=x&variables=", 200, `{"data":{"fake":true}}`, &graphqlexec.Request{Query: "x"}},
		{"last value wins", devHandler(exec), "/graphql?query=a&query=b", 200, `{"data":{"fake":true}}`, &graphqlexec.Request{Query: "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exec.seen = nil
			w := serve(tt.h, "GET", tt.target, "", "")
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Fatalf("got %d %.80q, want %d %.80q", w.Code, w.Body, tt.status, tt.body)
			}
			if tt.wantReq != nil {
				if len(exec.seen) != 1 || requestKey(&exec.seen[0]) != requestKey(tt.wantReq) {
					t.Fatalf("executor saw %+v, want %+v", exec.seen, tt.wantReq)
				}
			}
		})
	}
}

func strPtr(s string) *string { return &s }

func TestReady(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Unix(1795637449, 813865400) }
	ok := newHandler(handlerOptions{Executor: &fakeExecutor{}, DB: fakePinger{}, Now: now})
	w := serve(ok, "GET", "/ready", "", "")
	if want := `{"status":"ready","checks":{"database":"ok","schema":"ok"},"timestamp":1795637449.8138654}`; w.Code != 200 || w.Body.String() != want {
		t.Fatalf("ready: %d %s", w.Code, w.Body)
	}
	// pgx's text names the user, the database and the socket path: only
	// v1.9.7 shows the driver's text (its first 100 characters).
	pgxText := "failed to connect to `user=app database=secret_db`: /var/run/postgresql/.s.PGSQL.5432 (/var/run/postgresql): dial error: " + strings.Repeat("x", 20)
	down := newHandler(handlerOptions{Executor: &fakeExecutor{}, DB: fakePinger{err: errors.New(pgxText)}, Now: now})
	w = serve(down, "GET", "/ready", "", "")
	want := `{"status":"not_ready","checks":{"database":"failed: database unavailable","schema":"ok"},"timestamp":1795637449.8138654}`
	if w.Code != 503 || w.Body.String() != want {
		t.Fatalf("not ready: %d %s", w.Code, w.Body)
	}
	downV1 := newHandler(handlerOptions{Executor: &fakeExecutor{}, DB: fakePinger{err: errors.New(pgxText)}, Now: now, Quirks: graphqlexec.QuirksV197})
	w = serve(downV1, "GET", "/ready", "", "")
	want = `{"status":"not_ready","checks":{"database":"failed: ` + pgxText[:100] + `","schema":"ok"},"timestamp":1795637449.8138654}`
	if w.Code != 503 || w.Body.String() != want {
		t.Fatalf("not ready (v1.9.7): %d %s", w.Code, w.Body)
	}
}

func TestMetricsBody(t *testing.T) {
	t.Parallel()
	var m execMetrics
	if got := string(m.appendJSON(nil)); !strings.Contains(got, `"execution_counts":{"normal":0},"average_execution_times":{"normal":0}`) {
		t.Fatalf("empty metrics: %s", got)
	}
	m.record(2 * time.Millisecond)
	m.record(3 * time.Millisecond)
	m.record(5 * time.Millisecond)
	if got := string(m.appendJSON(nil)); !strings.HasPrefix(got, `{"execution_counts":{"normal":3},"average_execution_times":{"normal":3.33}`) {
		t.Fatalf("metrics: %s", got)
	}
	for i := 0; i < 200; i++ { // only the last 100 times count
		m.record(time.Millisecond)
	}
	if got := string(m.appendJSON(nil)); !strings.HasPrefix(got, `{"execution_counts":{"normal":203},"average_execution_times":{"normal":1.0}`) {
		t.Fatalf("metrics after 203: %s", got)
	}
	w := serve(prodHandler(&fakeExecutor{}), "GET", "/graphql/metrics", "", "")
	if w.Code != 404 || w.Body.String() != `{"detail":"Not Found"}` {
		t.Fatalf("production metrics: %d %s", w.Code, w.Body)
	}
}

// TestAppendExecutorOverServer runs the pooled-buffer path through the
// server: a long body then a short one on one connection (the buffer is
// reused, nothing of the first may show), then an internal error whose
// executor scribbled in the buffer's spare capacity.
func TestAppendExecutorOverServer(t *testing.T) {
	t.Parallel()
	long := `{"data":{"users":[` + strings.Repeat(`{"id":"x"},`, 400) + `{"id":"y"}]}}`
	exec := &fakeExecutor{answers: map[string]graphqlexec.Response{
		"{ long }\x00\x00":  {Body: []byte(long)},
		"{ short }\x00\x00": {Body: []byte(`{"data":{"a":1}}`)},
		"{ boom }\x00\x00":  {InternalError: true},
	}}
	ts := startServer(t, prodHandler(appendingExecutor{exec}), nil)
	c := ts.dial()
	br := bufio.NewReader(c)
	for _, tc := range []struct{ query, status, ctype, body string }{
		{"{ long }", "200 OK", fastapi.ContentTypeJSON, long},
		{"{ short }", "200 OK", fastapi.ContentTypeJSON, `{"data":{"a":1}}`},
		{"{ boom }", "500 Internal Server Error", fastapi.ContentTypeText, "Internal Server Error"},
		{"{ short }", "200 OK", fastapi.ContentTypeJSON, `{"data":{"a":1}}`},
	} {
		body := `{"query":"` + tc.query + `"}`
		req := "POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: application/json\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
		if _, err := c.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		got := string(readResponse(t, br, false))
		head, gotBody, _ := strings.Cut(got, "\r\n\r\n")
		if !strings.HasPrefix(head, "HTTP/1.1 "+tc.status+"\r\n") || !strings.Contains(head, "\r\ncontent-length: "+itoa(len(tc.body))+"\r\ncontent-type: "+tc.ctype+"\r\n") && !strings.HasSuffix(head, "\r\ncontent-length: "+itoa(len(tc.body))+"\r\ncontent-type: "+tc.ctype) || gotBody != tc.body {
			t.Errorf("%s: got %q", tc.query, got)
		}
	}
}

// TestRouteTable: the 405's allow header and the trailing-slash 307 come
// from the same table as the routes, so a development-only route is
// neither redirected to nor "not allowed" in production.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name           string
		h              http.Handler
		method, target string
		status         int
		header, value  string
	}{
		{"405 names the first route on the path", devHandler(&fakeExecutor{}), "PUT", "/graphql", 405, "Allow", "POST"},
		{"405 on a GET route", devHandler(&fakeExecutor{}), "POST", "/health", 405, "Allow", "GET"},
		{"405 on metrics in development", devHandler(&fakeExecutor{}), "POST", "/graphql/metrics", 405, "Allow", "GET"},
		{"metrics not mounted in production", prodHandler(&fakeExecutor{}), "POST", "/graphql/metrics", 404, "Allow", ""},
		{"307 to a mounted route", devHandler(&fakeExecutor{}), "GET", "/graphql/metrics/?x=1", 307, "Location", "http://example.com/graphql/metrics?x=1"},
		{"no 307 to an unmounted route", prodHandler(&fakeExecutor{}), "GET", "/graphql/metrics/", 404, "Location", ""},
		{"no 307 to an unknown path", devHandler(&fakeExecutor{}), "GET", "/nope/", 404, "Location", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(tt.h, tt.method, tt.target, "", "")
			if w.Code != tt.status || w.Header().Get(tt.header) != tt.value {
				t.Fatalf("got %d %s=%q, want %d %q", w.Code, tt.header, w.Header().Get(tt.header), tt.status, tt.value)
			}
		})
	}
}

// With the embedded GraphiQL, GET /graphql shows our page and its assets
// are mounted under /graphql/graphiql/ only where the page is shown; without
// it (Config.GraphiQL "v1") the page is v1's bytes and nothing is mounted.
func TestEmbeddedGraphiQL(t *testing.T) {
	t.Parallel()
	page, err := graphiql.New(graphiql.Options{Path: "/graphql"})
	if err != nil {
		t.Fatal(err)
	}
	opts := func(env graphqlexec.Environment, playground bool) handlerOptions {
		return handlerOptions{Environment: env, Playground: playground, Executor: &fakeExecutor{}, DB: fakePinger{}, GraphiQL: page}
	}
	dev := newHandler(opts(graphqlexec.Development, true))
	prod := newHandler(opts(graphqlexec.Production, true))
	off := newHandler(opts(graphqlexec.Development, false))
	v1 := devHandler(&fakeExecutor{})
	asset := "/graphql/graphiql/graphiql.min.js"
	for _, tt := range []struct {
		name           string
		h              http.Handler
		method, target string
		status         int
		header, value  string
	}{
		{"our page", dev, "GET", "/graphql", 200, "Cache-Control", "no-store"},
		{"asset", dev, "GET", asset, 200, "Content-Type", "text/javascript; charset=utf-8"},
		{"unknown asset", dev, "GET", "/graphql/graphiql/nope.js", 404, "Content-Type", "text/plain; charset=utf-8"},
		{"405 on an asset", dev, "POST", asset, 405, "Allow", "GET"},
		{"a query still executes", dev, "GET", "/graphql?query=%7Bx%7D", 200, "Content-Type", "application/json"},
		{"production mounts no asset", prod, "GET", asset, 404, "Content-Type", "application/json"},
		{"playground off mounts no asset", off, "GET", asset, 404, "Content-Type", "application/json"},
		{"v1 mounts no asset", v1, "GET", asset, 404, "Content-Type", "application/json"},
		{"v1 page", v1, "GET", "/graphql", 200, "Content-Security-Policy", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(tt.h, tt.method, tt.target, "", "")
			if w.Code != tt.status || w.Header().Get(tt.header) != tt.value {
				t.Fatalf("got %d %s=%q, want %d %q", w.Code, tt.header, w.Header().Get(tt.header), tt.status, tt.value)
			}
		})
	}
	if w := serve(dev, "GET", "/graphql", "", ""); !page.IsPage(w.Body.Bytes()) || !strings.HasPrefix(w.Header().Get("Content-Security-Policy"), "default-src 'none';") {
		t.Errorf("GET /graphql is not the embedded page with its policy")
	}
	if got := serve(v1, "GET", "/graphql", "", "").Body.Bytes(); !bytes.Equal(got, fastapi.GraphiQLPage) {
		t.Errorf("GET /graphql is not v1's page")
	}
}
