package tracing

import (
	"net/http/httptest"
	"testing"
)

func TestTracesURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://collector:4318":            "http://collector:4318/v1/traces",
		"http://collector:4318/":           "http://collector:4318/v1/traces",
		"https://otlp.example/api/traces/": "https://otlp.example/api/traces/",
	} {
		if got, err := TracesURL(in); err != nil || got != want {
			t.Errorf("TracesURL(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"collector:4318", "grpc://c:4317", "http://", "::"} {
		if _, err := TracesURL(bad); err == nil {
			t.Errorf("TracesURL(%q) accepted", bad)
		}
	}
}

// Span names stay a small set: client-chosen paths never become names.
func TestSpanName(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/graphql":                   "POST /graphql",
		"/health":                    "POST /health",
		"/graphql/graphiql/app.js":   "POST /graphql/graphiql/*",
		"/wp-admin/1234567":          "POST",
		"/graphql/../../etc/passwd2": "POST",
	} {
		if got := spanName(httptest.NewRequest("POST", path, nil)); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}
