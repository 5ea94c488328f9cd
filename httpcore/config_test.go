package httpcore

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

func TestParseFlagsEnvAndPrecedence(t *testing.T) {
	t.Parallel()
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
	if cfg.Host != "127.0.0.1" || cfg.MaxBodyBytes != h1.DefaultMaxBodyBytes || cfg.ServerHeader != "uvicorn" {
		t.Errorf("defaults lost: %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if cfg.EffectivePlayground() || cfg.policy().introspection != graphqlexec.IntrospectionDisabled {
		t.Errorf("production must force playground off and introspection disabled")
	}
	cfg.Introspection = graphqlexec.IntrospectionAuthenticated
	if cfg.policy().introspection != graphqlexec.IntrospectionAuthenticated {
		t.Errorf("authenticated must stay authenticated in production")
	}
}

func TestParseFlagsErrors(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
		{"graphiql", func(c *Config) { c.GraphiQL = "cdn" }, "graphiql"},
		{"graphiql v1", func(c *Config) { c.GraphiQL = GraphiQLV1 }, ""},
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
	t.Parallel()
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

func TestParseFlagsAuthAPQCORS(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"FRAISEQL_SCHEMA":              "app.graphql",
		"FRAISEQL_DATABASE_URL":        "postgres://x",
		"FRAISEQL_AUTH_JWT_SECRET":     "fraiseql-demo-secret-0123456789abcdef",
		"FRAISEQL_CORS_ORIGINS":        `["https://a.example","https://b.example"]`, // v1's pydantic-settings format
		"FRAISEQL_SESSION_VARS":        "app.user_id=sub",
		"FRAISEQL_APQ_STORAGE_BACKEND": "PostgreSQL",
	}
	cfg := DefaultConfig()
	err := ParseFlags(&cfg, []string{
		"--auth-jwt-algorithm=HS256", "--auth-audience=fraiseql-demo", "--auth-issuer=https://auth.example.com/",
		"--auth-required-claims=exp,sub", "--apq-mode=required",
		"--session-var", "app.tenant_id=tenant_id", "--session-var", "app.role=role",
	}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	ac, err := cfg.authConfig()
	if err != nil || ac == nil {
		t.Fatalf("AuthConfig: %v, %v", ac, err)
	}
	if ac.Secret != env["FRAISEQL_AUTH_JWT_SECRET"] || ac.Algorithms[0] != "HS256" || ac.Audience[0] != "fraiseql-demo" || len(ac.RequiredClaims) != 2 {
		t.Errorf("auth config: %+v", ac)
	}
	if cfg.APQMode != string(fastapi.APQRequired) || cfg.APQStore != fastapi.APQStorePostgres {
		t.Errorf("apq: %q %q", cfg.APQMode, cfg.APQStore)
	}
	if c := cfg.corsOptions(); c == nil || len(c.Origins) != 2 || c.Origins[1] != "https://b.example" || c.Methods[1] != "POST" {
		t.Errorf("cors: %+v", c)
	}
	vars, err := cfg.sessionVarMapping()
	if err != nil || len(vars) != 2 || vars[0].Name != "app.tenant_id" || vars[1].Claim != "role" {
		t.Errorf("flags must replace the environment's session vars: %+v, %v", vars, err)
	}

	// An empty --auth-required-claims requires none (differs from unset).
	cfg2 := DefaultConfig()
	if err := ParseFlags(&cfg2, []string{"--auth-required-claims="}, func(string) string { return "" }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg2.AuthRequiredClaims == nil || len(cfg2.AuthRequiredClaims) != 0 {
		t.Errorf("empty required claims: %#v", cfg2.AuthRequiredClaims)
	}
	if cfg3 := DefaultConfig(); cfg3.AuthRequiredClaims != nil {
		t.Error("unset required claims must stay nil (auth's default)")
	}
}

func TestValidateAuthAPQCORS(t *testing.T) {
	t.Parallel()
	base := func() Config {
		c := DefaultConfig()
		c.SchemaPath, c.DatabaseURL = "a", "b"
		return c
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no provider is fine", func(c *Config) {}, ""},
		{"algorithm without a key", func(c *Config) { c.AuthAlgorithms = []string{"HS256"} }, "without a key source"},
		{"short secret", func(c *Config) { c.AuthAlgorithms, c.AuthSecret = []string{"HS256"}, "short" }, "at least 32"},
		{"secret with RS256", func(c *Config) {
			c.AuthAlgorithms, c.AuthSecret = []string{"RS256"}, "fraiseql-demo-secret-0123456789abcdef"
		}, "needs a public key"},
		{"http JWKS", func(c *Config) { c.AuthAlgorithms, c.AuthJWKSURL = []string{"RS256"}, "http://keys.example/jwks" }, "https"},
		{"auth0 without audience", func(c *Config) { c.Auth0Domain = "tenant.auth0.com" }, "go together"},
		{"auth0 with a secret", func(c *Config) {
			c.Auth0Domain, c.Auth0Audience, c.AuthSecret = "t.auth0.com", "api", "fraiseql-demo-secret-0123456789abcdef"
		}, "no other key source"},
		{"auth0", func(c *Config) { c.Auth0Domain, c.Auth0Audience = "t.auth0.com", "api" }, ""},
		{"bad session var name", func(c *Config) { c.SessionVars = []string{"tenant=tenant_id"} }, "session variable name"},
		{"session var without claim", func(c *Config) { c.SessionVars = []string{"app.x"} }, "name=claim"},
		{"apq mode", func(c *Config) { c.APQMode = "sometimes" }, "apq mode"},
		{"apq store", func(c *Config) { c.APQStore = "redis" }, "apq store"},
		{"cors header", func(c *Config) { c.CORSOrigins, c.CORSHeaders = []string{"https://a"}, []string{"bad header"} }, "cors"},
		{"dev auth without user", func(c *Config) { c.DevAuthPassword, c.DevAuthUsername = "p", "" }, "dev auth"},
	}
	for _, tt := range tests {
		c := base()
		tt.change(&c)
		err := c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	if ac, _ := (&Config{Auth0Domain: "t.auth0.com", Auth0Audience: "api"}).authConfig(); ac.JWKSURL != "https://t.auth0.com/.well-known/jwks.json" || ac.Issuer != "https://t.auth0.com/" {
		t.Errorf("auth0 config: %+v", ac)
	}
}

// The query limits travel from flags and FRAISEQL_* variables to the engine:
// a depth limit of 2 set by variable refuses a 3-level query before it could
// reach the database (the executor has none).
func TestQueryLimitsReachTheEngine(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	env := map[string]string{"FRAISEQL_MAX_QUERY_DEPTH": "2"}
	if err := ParseFlags(&cfg, []string{"--execution-timeout", "5s"}, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg.MaxQueryDepth != 2 || cfg.ExecutionTimeout != 5*time.Second {
		t.Fatalf("limits not parsed: depth %d, timeout %s", cfg.MaxQueryDepth, cfg.ExecutionTimeout)
	}
	s, err := schema.LoadFile("../examples/blog/app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	exec, err := newExecutor(s, unreachableDB{t}, cfg, graphqlexec.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	resp := exec.Execute(context.Background(), &graphqlexec.Request{Query: "{ posts { author { profile { bio } } } }"})
	if !strings.Contains(string(resp.Body), "deeper than the maximum depth of 2") {
		t.Errorf("depth limit not applied: %s", resp.Body)
	}
}

// unreachableDB fails the test on any use: the requests that use it must be
// refused before SQL.
type unreachableDB struct{ t *testing.T }

func (d unreachableDB) Query(context.Context, string, ...any) (pgx.Rows, error) {
	d.t.Fatal("query reached the database")
	return nil, nil
}

func (d unreachableDB) QueryRow(context.Context, string, ...any) pgx.Row {
	d.t.Fatal("query reached the database")
	return nil
}

func (d unreachableDB) Exec(context.Context, string, ...any) (pgconn.CommandTag, error) {
	d.t.Fatal("statement reached the database")
	return pgconn.CommandTag{}, nil
}

func (d unreachableDB) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults {
	d.t.Fatal("batch reached the database")
	return nil
}

func TestQuirksFlag(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	env := map[string]string{"FRAISEQL_QUIRKS": "v1.9.7"}
	if err := ParseFlags(&cfg, nil, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg.Quirks != graphqlexec.QuirksV197 {
		t.Fatalf("FRAISEQL_QUIRKS=v1.9.7 gave %q", cfg.Quirks)
	}
	cfg = DefaultConfig()
	if err := ParseFlags(&cfg, []string{"--quirks", "v1.9"}, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "v1.9") {
		t.Fatalf("--quirks v1.9 accepted or unclear: %v", err)
	}
	if DefaultConfig().Quirks != graphqlexec.QuirksNone {
		t.Fatal("the default is not none")
	}
}

// The embedded page is the default, v1's under --quirks v1.9.7;
// --graphiql and FRAISEQL_GRAPHIQL pick either way.
func TestGraphiQLSetting(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, GraphiQLEmbedded},
		{[]string{"--quirks=v1.9.7"}, GraphiQLV1},
		{[]string{"--quirks=v1.9.7", "--graphiql=embedded"}, GraphiQLEmbedded},
		{[]string{"--quirks=none", "--graphiql=v1"}, GraphiQLV1},
	} {
		cfg := DefaultConfig()
		if err := ParseFlags(&cfg, tt.args, func(string) string { return "" }, io.Discard); err != nil {
			t.Fatal(err)
		}
		if got := cfg.EffectiveGraphiQL(); got != tt.want {
			t.Errorf("%v: page %q, want %q", tt.args, got, tt.want)
		}
	}
	cfg := DefaultConfig()
	if err := ParseFlags(&cfg, []string{"--graphiql=v1"}, func(string) string { return "" }, io.Discard); err != nil || cfg.GraphiQL != GraphiQLV1 {
		t.Fatalf("flag: %v %q", err, cfg.GraphiQL)
	}
	cfg = DefaultConfig()
	env := func(k string) string {
		if k == "FRAISEQL_GRAPHIQL" {
			return "v1"
		}
		return ""
	}
	if err := ParseFlags(&cfg, nil, env, io.Discard); err != nil || cfg.GraphiQL != GraphiQLV1 {
		t.Fatalf("env: %v %q", err, cfg.GraphiQL)
	}
}

func TestParseFlagsTransport(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	if !cfg.Compression || !cfg.HTTP2 || cfg.CompressionMinBytes != 1024 || cfg.TLSCert != "" {
		t.Fatalf("defaults: %+v", cfg)
	}
	env := map[string]string{
		"FRAISEQL_COMPRESSION":           "false",
		"FRAISEQL_COMPRESSION_MIN_BYTES": "512",
		"FRAISEQL_HTTP2":                 "0",
		"FRAISEQL_TLS_CERT":              "env.pem",
		"FRAISEQL_TLS_KEY":               "env.key",
	}
	if err := ParseFlags(&cfg, []string{"--tls-key", "flag.key"}, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg.Compression || cfg.HTTP2 || cfg.CompressionMinBytes != 512 || cfg.TLSCert != "env.pem" || cfg.TLSKey != "flag.key" {
		t.Errorf("environment or flags not applied: %+v", cfg)
	}
	cfg = DefaultConfig()
	if err := ParseFlags(&cfg, []string{"--compression=false", "--http2=false"}, func(string) string { return "" }, io.Discard); err != nil || cfg.Compression || cfg.HTTP2 {
		t.Errorf("flags: %v %+v", err, cfg)
	}
	cfg = DefaultConfig()
	if err := ParseFlags(&cfg, nil, func(k string) string {
		if k == "FRAISEQL_HTTP2" {
			return "maybe"
		}
		return ""
	}, io.Discard); err == nil || !strings.Contains(err.Error(), "FRAISEQL_HTTP2") {
		t.Errorf("bad boolean: %v", err)
	}
	for _, name := range []string{"FRAISEQL_COMPRESSION", "FRAISEQL_COMPRESSION_MIN_BYTES", "FRAISEQL_HTTP2", "FRAISEQL_TLS_CERT", "FRAISEQL_TLS_KEY"} {
		if !strings.Contains(strings.Join(EnvVars(), " "), name) {
			t.Errorf("EnvVars lacks %s", name)
		}
	}
}

func TestValidateTransport(t *testing.T) {
	t.Parallel()
	valid := DefaultConfig()
	valid.SchemaPath, valid.DatabaseURL = "s", "d"
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"tls pair", func(c *Config) { c.TLSCert, c.TLSKey = "c", "k" }, ""},
		{"cert without key", func(c *Config) { c.TLSCert = "c" }, "--tls-cert and --tls-key go together"},
		{"key without cert", func(c *Config) { c.TLSKey = "k" }, "--tls-cert and --tls-key go together"},
		{"negative min size", func(c *Config) { c.CompressionMinBytes = -1 }, "compression min bytes"},
		{"zero min size", func(c *Config) { c.CompressionMinBytes = 0 }, ""},
	} {
		c := valid
		tc.change(&c)
		err := c.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestOpenTLSErrors: an unreadable or mismatched pair stops the start at
// the "tls" stage, before the database is reached.
func TestOpenTLSErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certA, keyA, _ := writeCert(t, dir+"/", "a")
	other := t.TempDir()
	_, keyB, _ := writeCert(t, other, "b")
	expCert, expKey, _ := writeCertValid(t, t.TempDir(), "expired", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql"
	cfg.DatabaseURL = "postgres://127.0.0.1:1/none?connect_timeout=1"
	for name, pair := range map[string][2]string{
		"missing files":              {dir + "/none.pem", dir + "/none.key"},
		"key of another certificate": {certA, keyB},
		"key as certificate":         {keyA, keyA},
		"expired certificate":        {expCert, expKey},
	} {
		cfg.TLSCert, cfg.TLSKey = pair[0], pair[1]
		var se *StartupError
		_, err := Open(context.Background(), cfg, nil)
		if !errors.As(err, &se) || se.Stage != "tls" {
			t.Errorf("%s: %v", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
}
