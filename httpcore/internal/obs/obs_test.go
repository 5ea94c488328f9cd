package obs

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

func TestValidID(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "0f8fad5b-d9cb-469f-a165-70867728950e", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "Root=1-67891233-abcdef012345678912345678", "abc+/=", "svc@host:42", strings.Repeat("x", MaxIDBytes)} {
		if !ValidID(ok) {
			t.Errorf("ValidID(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "a b", "a\"b", "a\nb", "a\rb", "é", "a;b", "<script>", strings.Repeat("x", MaxIDBytes+1), "a\x00"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func TestParseIDMode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]IDMode{"": IDAuto, "auto": IDAuto, "always": IDAlways, "off": IDOff} {
		if got, err := ParseIDMode(in); err != nil || got != want {
			t.Errorf("ParseIDMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseIDMode("sometimes"); err == nil {
		t.Error("sometimes accepted")
	}
}

func TestIDsUniqueAndWellFormed(t *testing.T) {
	t.Parallel()
	a, err := NewIDs()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewIDs()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		for _, g := range []*IDs{a, b} {
			id := g.Next()
			if len(id) != 32 || !ValidID(id) || seen[id] {
				t.Fatalf("id %q (len %d, seen %v)", id, len(id), seen[id])
			}
			seen[id] = true
		}
	}
}

// serve runs Handler around a handler that answers 201 "hello" and
// records the request's id, returning the response and the id seen.
func serve(t *testing.T, o Options, header string) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var seen string
	h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := FromContext(r.Context())
		seen = rec.ID()
		rec.Operation, rec.OperationName = "query", strings.Repeat("N", 200)
		rec.Errors.Add(2)
		w.(h1.ResponseWriter).Respond(201, "application/json", []byte("hello"))
	}), o)
	req := httptest.NewRequest("POST", "/graphql", nil)
	if header != "" {
		req.Header.Set("X-Request-ID", header)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w, seen
}

func TestHandlerRequestIDModes(t *testing.T) {
	t.Parallel()
	ids, _ := NewIDs()
	tests := []struct {
		mode     IDMode
		incoming string
		echoed   string // "" none; "gen" a generated id
		used     string // "gen" or the incoming id
	}{
		{IDAuto, "", "", "gen"},
		{IDAuto, "req-1", "req-1", "req-1"},
		{IDAuto, "bad id", "", "gen"},
		{IDAlways, "", "gen", "gen"},
		{IDAlways, "req-1", "req-1", "req-1"},
		{IDAlways, "bad\"id", "gen", "gen"},
		{IDOff, "req-1", "", "gen"},
		{IDOff, "", "", "gen"},
	}
	for _, tc := range tests {
		w, seen := serve(t, Options{Mode: tc.mode, IDs: ids, Logger: slog.New(slog.DiscardHandler)}, tc.incoming)
		got := w.Header().Values(HeaderName)
		switch {
		case tc.used == "gen" && (len(seen) != 32 || seen == tc.incoming):
			t.Errorf("%s %q: request id %q, want a generated one", tc.mode, tc.incoming, seen)
		case tc.used != "gen" && seen != tc.used:
			t.Errorf("%s %q: request id %q", tc.mode, tc.incoming, seen)
		}
		switch tc.echoed {
		case "":
			if len(got) != 0 {
				t.Errorf("%s %q: echoed %q", tc.mode, tc.incoming, got)
			}
		case "gen":
			if len(got) != 1 || got[0] != seen {
				t.Errorf("%s %q: echoed %q, want %q", tc.mode, tc.incoming, got, seen)
			}
		default:
			if len(got) != 1 || got[0] != tc.echoed {
				t.Errorf("%s %q: echoed %q", tc.mode, tc.incoming, got)
			}
		}
		if w.Code != 201 || w.Body.String() != "hello" {
			t.Errorf("response changed: %d %q", w.Code, w.Body)
		}
	}
}

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger, err := NewLogger(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := NewIDs()
	var done *Record
	var doneStatus, doneBytes int
	serve(t, Options{Mode: IDAuto, IDs: ids, Logger: logger, AccessLog: true, Done: func(rec *Record, _ *http.Request, status, bytes int, _ time.Duration) {
		done, doneStatus, doneBytes = rec, status, bytes
	}}, "req-9")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %q", err, buf.String())
	}
	want := map[string]any{"level": "INFO", "msg": "request", "method": "POST", "path": "/graphql", "status": 201.0, "bytes": 5.0,
		"request_id": "req-9", "operation": "query", "operation_name": strings.Repeat("N", maxLoggedName), "errors": 2.0}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s = %v, want %v", k, line[k], v)
		}
	}
	if _, ok := line["duration_ms"].(float64); !ok {
		t.Errorf("duration_ms missing: %v", line)
	}
	if done == nil || done.ID() != "req-9" || doneStatus != 201 || doneBytes != 5 {
		t.Errorf("Done got %+v %d %d", done, doneStatus, doneBytes)
	}
	// Off: nothing written.
	buf.Reset()
	serve(t, Options{Mode: IDAuto, IDs: ids, Logger: logger}, "")
	if buf.Len() != 0 {
		t.Errorf("access log off wrote %q", buf.String())
	}
}

func TestNewLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger, err := NewLogger(&buf, "text", "warn")
	if err != nil {
		t.Fatal(err)
	}
	ctx := WithRecord(context.Background(), NewRecord("abc"))
	logger.InfoContext(ctx, "hidden")
	logger.With("k", "v").WarnContext(ctx, "shown")
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "msg=shown k=v request_id=abc") {
		t.Errorf("got %q", got)
	}
	for _, bad := range [][2]string{{"xml", "info"}, {"json", "loud"}} {
		if _, err := NewLogger(&buf, bad[0], bad[1]); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// logLines parses the JSON lines written to buf.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
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

// Under IDAuto, a client answered "Internal server error" or any 5xx gets
// the request id, and exactly one line at warn or above carries that id:
// the layer's own line when it logged one, else the handler's line for a
// panic or Handler's "server error" line. Other answers stay as they were
// (no header), and IDOff never sends one.
func TestHandlerServerErrorsCarryTheLoggedID(t *testing.T) {
	t.Parallel()
	ids, _ := NewIDs()
	tests := []struct {
		name    string
		mode    IDMode
		handler func(w h1.ResponseWriter, r *http.Request)
		status  int
		echoed  bool
		msg     string // the one warn+ line expected, "" none
	}{
		{"500 nothing logged", IDAuto, func(w h1.ResponseWriter, r *http.Request) {
			w.Respond(500, "text/plain", []byte("Internal Server Error"))
		}, 500, true, "server error"},
		{"503 logged by the layer", IDAuto, func(w h1.ResponseWriter, r *http.Request) {
			slog.New(WithRequestIDs(slog.NewJSONHandler(logSink(r), nil))).WarnContext(r.Context(), "ready: database ping failed")
			w.Respond(503, "application/json", []byte("{}"))
		}, 503, true, "ready: database ping failed"},
		{"internal error in a 200", IDAuto, func(w h1.ResponseWriter, r *http.Request) {
			FromContext(r.Context()).MarkInternal()
			slog.New(WithRequestIDs(slog.NewJSONHandler(logSink(r), nil))).ErrorContext(r.Context(), "graphql error")
			w.Respond(200, "application/json", []byte(`{"errors":[{"message":"Internal server error"}]}`))
		}, 200, true, "graphql error"},
		{"panic", IDAuto, func(w h1.ResponseWriter, r *http.Request) {
			w.Respond(200, "text/plain", []byte("half"))
			panic("boom")
		}, 500, true, "handler panic"},
		{"a 4xx is as before", IDAuto, func(w h1.ResponseWriter, r *http.Request) {
			w.Respond(422, "application/json", []byte("{}"))
		}, 422, false, ""},
		{"off: logged, not sent", IDOff, func(w h1.ResponseWriter, r *http.Request) {
			w.Respond(500, "text/plain", []byte("Internal Server Error"))
		}, 500, false, "server error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger, err := NewLogger(&buf, "json", "debug")
			if err != nil {
				t.Fatal(err)
			}
			var seen string
			h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = RequestID(r.Context())
				tc.handler(w.(h1.ResponseWriter), r.WithContext(context.WithValue(r.Context(), sinkKey{}, &buf)))
			}), Options{Mode: tc.mode, IDs: ids, Logger: logger})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/graphql", nil))
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			got := w.Header().Values(HeaderName)
			if tc.echoed && (len(got) != 1 || got[0] != seen) || !tc.echoed && len(got) != 0 {
				t.Errorf("x-request-id %q (request id %q, want it sent: %v)", got, seen, tc.echoed)
			}
			var loud []map[string]any
			for _, l := range logLines(t, &buf) {
				if l["level"] == "WARN" || l["level"] == "ERROR" {
					loud = append(loud, l)
				}
			}
			switch {
			case tc.msg == "" && len(loud) != 0:
				t.Errorf("lines %v", loud)
			case tc.msg != "" && (len(loud) != 1 || loud[0]["msg"] != tc.msg || loud[0]["request_id"] != seen):
				t.Errorf("want one %q line with request_id %q, got %v", tc.msg, seen, loud)
			}
			if tc.name == "panic" {
				if w.Body.String() != "Internal Server Error" || loud[0]["panic"] != "boom" || loud[0]["path"] != "/graphql" ||
					!strings.Contains(loud[0]["stack"].(string), "obs_test.go") {
					t.Errorf("body %q, line %v", w.Body, loud[0])
				}
			}
		})
	}
}

type sinkKey struct{}

// logSink is the test's log buffer, for a handler that logs as a layer
// above would (its own logger, wrapped with WithRequestIDs).
func logSink(r *http.Request) *bytes.Buffer { return r.Context().Value(sinkKey{}).(*bytes.Buffer) }

// Through the real connection layer: a panic is answered with uvicorn's
// 500 bytes plus the request id as the last header, logged once (by
// Handler, with the id; h1 logs nothing more), and the connection is kept.
func TestPanicOverH1(t *testing.T) {
	t.Parallel()
	var buf syncBuf
	logger, err := NewLogger(&buf, "json", "info")
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := NewIDs()
	srv := &h1.Server{Logger: logger, ServerHeader: "uvicorn", Handler: Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
		w.(h1.ResponseWriter).Respond(200, "text/plain", []byte("ok"))
	}), Options{Mode: IDAuto, IDs: ids, Logger: logger})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	io.WriteString(c, "GET /panic HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	id := resp.Header.Get(HeaderName)
	if resp.StatusCode != 500 || string(body) != "Internal Server Error" || len(id) != 32 {
		t.Fatalf("%d %q id %q", resp.StatusCode, body, id)
	}
	io.WriteString(c, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, err = http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 || resp.Header.Get(HeaderName) != "" {
		t.Fatalf("next request on the connection: %v %v", resp, err)
	}
	var lines []map[string]any
	buf.mu.Lock()
	b := bytes.NewBuffer(append([]byte(nil), buf.b.Bytes()...))
	buf.mu.Unlock()
	for _, l := range logLines(t, b) {
		if l["level"] == "ERROR" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || lines[0]["msg"] != "handler panic" || lines[0]["request_id"] != id || lines[0]["panic"] != "boom" {
		t.Errorf("error lines %v", lines)
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
