package httpcore

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

// syncBuffer is a bytes.Buffer for a logger written from the server's
// goroutines and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines returns the JSON log records written so far.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if l == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		out = append(out, rec)
	}
	return out
}

// The x-request-id header over HTTP in each mode: auto echoes a valid
// incoming id as the last header and adds none otherwise (v1's bytes for
// clients that send none), always adds a generated one, off never answers
// with one, and auto is off under --quirks v1.9.7.
func TestAppRequestIDHeader(t *testing.T) {
	t.Parallel()
	type exchange struct {
		incoming string // the X-Request-ID sent, "" none
		want     string // the x-request-id answered: "" none, "gen" a generated one
	}
	tests := []struct {
		mode      string
		quirks    graphqlexec.Quirks
		exchanges []exchange
	}{
		{"auto", graphqlexec.QuirksNone, []exchange{{"", ""}, {"edge-42", "edge-42"}, {"bad id", ""}}},
		{"always", graphqlexec.QuirksNone, []exchange{{"", "gen"}, {"edge-42", "edge-42"}, {"bad\\x01", "gen"}}},
		{"off", graphqlexec.QuirksNone, []exchange{{"", ""}, {"edge-42", ""}}},
		{"auto", graphqlexec.QuirksV197, []exchange{{"", ""}, {"edge-42", ""}}},
		{"always", graphqlexec.QuirksV197, []exchange{{"edge-42", "edge-42"}}},
	}
	for _, tc := range tests {
		t.Run(tc.mode+"/"+string(tc.quirks), func(t *testing.T) {
			_, addr := startApp(t, func(c *Config) { c.RequestIDHeader, c.Quirks = tc.mode, tc.quirks })
			for _, ex := range tc.exchanges {
				extra := ""
				if ex.incoming != "" {
					extra = "X-Request-ID: " + ex.incoming + "\r\n"
				}
				head, body := rawExchange(t, addr, extra, usersQuery)
				if !strings.Contains(string(body), `"users":[`) {
					t.Fatalf("body %s", body)
				}
				_, after, found := strings.Cut(head, "\r\nx-request-id: ")
				switch {
				case ex.want == "" && found:
					t.Errorf("%q: answered an id: %q", ex.incoming, head)
				case ex.want == "gen" && (!found || len(strings.TrimSuffix(after, "\r\n")) != 32):
					t.Errorf("%q: no generated id last: %q", ex.incoming, head)
				case ex.want != "" && ex.want != "gen" && after != ex.want+"\r\n":
					t.Errorf("%q: want %q as the last header: %q", ex.incoming, ex.want, head)
				}
			}
		})
	}
}

// With --access-log, one JSON line per request names the method, path,
// status, bytes, request id and operation; an internal error's line (the
// driver's cause) carries the same request id as the response header.
func TestAppAccessLogAndErrorRequestID(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	logger, err := NewLogger(Config{LogFormat: "json", LogLevel: "info"}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	_, addr := startAppLogger(t, func(c *Config) { c.AccessLog = true; c.RequestIDHeader = "always" }, logger)
	head, _ := rawExchange(t, addr, "X-Request-ID: trace-1\r\n", `{"query":"query Named { users(limit: 2) { id } }","operationName":"Named"}`)
	if !strings.HasSuffix(head, "x-request-id: trace-1\r\n") {
		t.Errorf("head %q", head)
	}
	// A statement PostgreSQL refuses: its error is logged (warn) with the id.
	rawExchange(t, addr, "X-Request-ID: trace-2\r\n", `{"query":"{ users(where: {email: {matches: \"(\"}}) { id } }"}`)
	lines := logs.lines(t)
	var access, gqlErr []map[string]any
	for _, l := range lines {
		switch l["msg"] {
		case "request":
			access = append(access, l)
		case "graphql error":
			gqlErr = append(gqlErr, l)
		}
	}
	if len(access) != 2 {
		t.Fatalf("access lines %v", lines)
	}
	a := access[0]
	for k, v := range map[string]any{"method": "POST", "path": "/graphql", "status": 200.0, "request_id": "trace-1", "operation": "query", "operation_name": "Named", "errors": 0.0} {
		if a[k] != v {
			t.Errorf("access %s = %v, want %v (%v)", k, a[k], v, a)
		}
	}
	if b, _ := a["bytes"].(float64); b < 50 {
		t.Errorf("bytes %v", a["bytes"])
	}
	if access[1]["request_id"] != "trace-2" || access[1]["errors"] != 1.0 {
		t.Errorf("second access line %v", access[1])
	}
	if len(gqlErr) != 1 || gqlErr[0]["request_id"] != "trace-2" || gqlErr[0]["class"] != "database" || gqlErr[0]["level"] != "WARN" {
		t.Errorf("error lines %v", gqlErr)
	}
}
