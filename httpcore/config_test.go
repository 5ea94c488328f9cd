package httpcore

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

func TestParseFlagsEnvAndPrecedence(t *testing.T) {
	env := map[string]string{
		"FRAISEQL_SCHEMA":           "env.graphql",
		"FRAISEQL_DATABASE_URL":     "postgres://env",
		"FRAISEQL_PORT":             "9000",
		"FRAISEQL_ENVIRONMENT":      "production",
		"FRAISEQL_SHUTDOWN_TIMEOUT": "3s",
	}
	cfg := DefaultConfig()
	err := ParseFlags(&cfg, []string{"--schema", "flag.graphql", "--port", "0"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SchemaPath != "flag.graphql" || cfg.Port != 0 {
		t.Errorf("flags must win over the environment: %+v", cfg)
	}
	if cfg.DatabaseURL != "postgres://env" || cfg.Environment != graphqlexec.Production || cfg.ShutdownTimeout != 3*time.Second {
		t.Errorf("environment not applied: %+v", cfg)
	}
	if cfg.Host != "127.0.0.1" || cfg.MaxBodyBytes != DefaultMaxBodyBytes || cfg.ServerHeader != "uvicorn" {
		t.Errorf("defaults lost: %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if cfg.EffectivePlayground() || cfg.EffectiveIntrospection() != graphqlexec.IntrospectionDisabled {
		t.Errorf("production must force playground off and introspection disabled")
	}
	cfg.Introspection = graphqlexec.IntrospectionAuthenticated
	if cfg.EffectiveIntrospection() != graphqlexec.IntrospectionAuthenticated {
		t.Errorf("authenticated must stay authenticated in production")
	}
}

func TestParseFlagsErrors(t *testing.T) {
	cfg := DefaultConfig()
	if err := ParseFlags(&cfg, nil, func(k string) string {
		if k == "FRAISEQL_PORT" {
			return "eighty"
		}
		return ""
	}, io.Discard); err == nil || !strings.Contains(err.Error(), "FRAISEQL_PORT") {
		t.Errorf("bad env value: %v", err)
	}
	cfg = DefaultConfig()
	if err := ParseFlags(&cfg, []string{"extra"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("stray argument accepted")
	}
}

func TestValidate(t *testing.T) {
	valid := DefaultConfig()
	valid.SchemaPath, valid.DatabaseURL = "s", "d"
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"valid", func(*Config) {}, ""},
		{"no schema", func(c *Config) { c.SchemaPath = "" }, "schema"},
		{"no database", func(c *Config) { c.DatabaseURL = "" }, "database url"},
		{"port", func(c *Config) { c.Port = 70000 }, "port"},
		{"environment", func(c *Config) { c.Environment = "testing" }, "environment"},
		{"introspection", func(c *Config) { c.Introspection = "open" }, "introspection"},
		{"pool", func(c *Config) { c.PoolSize = 0 }, "pool size"},
		{"body", func(c *Config) { c.MaxBodyBytes = 0 }, "max body bytes"},
		{"server header injection", func(c *Config) { c.ServerHeader = "a\r\nb" }, "server header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.change(&c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestOpenStartupErrors(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SchemaPath = "testdata/does-not-exist.graphql"
	cfg.DatabaseURL = "postgres://127.0.0.1:1/none?connect_timeout=1"
	var se *StartupError
	if _, err := Open(context.Background(), cfg, nil); !errors.As(err, &se) || se.Stage != "schema" {
		t.Fatalf("missing schema file: %v", err)
	}
	cfg.SchemaPath = "../examples/blog/app.graphql"
	if _, err := Open(context.Background(), cfg, nil); !errors.As(err, &se) || se.Stage != "database" {
		t.Fatalf("unreachable database: %v", err)
	}
	cfg.DatabaseURL = ""
	if _, err := Open(context.Background(), cfg, nil); !errors.As(err, &se) || se.Stage != "config" {
		t.Fatalf("invalid config: %v", err)
	}
}
