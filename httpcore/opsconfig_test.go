package httpcore

import (
	"io"
	"strings"
	"testing"
	"time"
)

// The operations settings parse from flags and FRAISEQL_* variables and
// are validated with the rest.
func TestOperationsSettings(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	if cfg.ShutdownTimeout != 25*time.Second || cfg.WriteTimeout != 30*time.Second || !cfg.Metrics || cfg.RequestIDHeader != "auto" {
		t.Fatalf("defaults: %+v", cfg)
	}
	env := map[string]string{"FRAISEQL_WRITE_TIMEOUT": "7s", "FRAISEQL_LOG_FORMAT": "JSON", "FRAISEQL_METRICS_TOKEN": "t0k"}
	args := []string{"--request-id-header", "always", "--access-log", "--metrics-listen", "127.0.0.1:9100", "--log-level", "debug"}
	if err := ParseFlags(&cfg, args, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg.WriteTimeout != 7*time.Second || cfg.LogFormat != "json" || cfg.MetricsToken != "t0k" || cfg.RequestIDHeader != "always" ||
		!cfg.AccessLog || cfg.MetricsListen != "127.0.0.1:9100" || cfg.LogLevel != "debug" {
		t.Errorf("parsed %+v", cfg)
	}
	bad := DefaultConfig()
	bad.SchemaPath, bad.DatabaseURL = "x", "y"
	bad.WriteTimeout = -time.Second
	bad.RequestIDHeader = "sometimes"
	bad.LogFormat = "xml"
	bad.MetricsPath = "/health"
	err := bad.Validate()
	for _, want := range []string{"write timeout", "request id header", "log format", "metrics path"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v, want %q", err, want)
		}
	}
	bad = DefaultConfig()
	bad.SchemaPath, bad.DatabaseURL = "x", "y"
	bad.MetricsListen = "no-port"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "metrics listen") {
		t.Errorf("Validate: %v", err)
	}
}
