package httpcore

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Every error a request meets is logged once, at its class's level, with
// the cause the client never sees: a failing database is an error line
// naming the driver's text while the body says only "Internal server error".
func TestErrorsLoggedWithCause(t *testing.T) {
	t.Parallel()
	s, err := schema.LoadFile("../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	exec, err := newExecutor(s, noDB{}, DefaultConfig(), graphqlexec.Hooks{Error: (&observability{}).errorHook(logger)})
	if err != nil {
		t.Fatal(err)
	}
	resp := exec.Execute(context.Background(), &graphqlexec.Request{Query: "{ users { id } }"})
	if !strings.Contains(string(resp.Body), `"message":"Internal server error"`) || strings.Contains(string(resp.Body), "noDB") {
		t.Fatalf("body %s", resp.Body)
	}
	// A client's mistake is debug: not logged at info.
	exec.Execute(context.Background(), &graphqlexec.Request{Query: "{ users { nope } }"})
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one line, got %q", lines)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["level"] != "ERROR" || rec["class"] != "internal" || rec["message"] != "Internal server error" ||
		!strings.Contains(rec["err"].(string), "noDB: no statement may run") {
		t.Errorf("log line %v", rec)
	}
}
