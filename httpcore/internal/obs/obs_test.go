package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

func TestValidID(t *testing.T) {
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
