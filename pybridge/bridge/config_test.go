package bridge

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuildConfig(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		check   func(t *testing.T, o Options)
		wantErr string
	}{
		{
			name: "flags of every kind",
			doc: `{"flags":{"schema":"app.graphql","database-url":"postgres:///x","port":0,"playground":false,
				"cors-origins":["https://a.example","https://b.example"],"session-var":["app.t=tenant_id","app.u=sub"],
				"shutdown-timeout":"1.5s","environment":"production","pool-size":null},
				"request_timeout_ms":2500,"workers":3}`,
			check: func(t *testing.T, o Options) {
				cfg, _, err := BuildConfig(o)
				if err != nil {
					t.Fatal(err)
				}
				if cfg.SchemaPath != "app.graphql" || cfg.DatabaseURL != "postgres:///x" || cfg.Port != 0 || cfg.Playground {
					t.Errorf("scalars: %+v", cfg)
				}
				if !slices.Equal(cfg.CORSOrigins, []string{"https://a.example", "https://b.example"}) {
					t.Errorf("cors origins %q", cfg.CORSOrigins)
				}
				if !slices.Equal(cfg.SessionVars, []string{"app.t=tenant_id", "app.u=sub"}) {
					t.Errorf("session vars %q", cfg.SessionVars)
				}
				if cfg.ShutdownTimeout != 1500*time.Millisecond || cfg.ExecutionTimeout != 2500*time.Millisecond {
					t.Errorf("durations %s %s", cfg.ShutdownTimeout, cfg.ExecutionTimeout)
				}
				if cfg.PoolSize != 20 {
					t.Errorf("null must keep the default pool size, got %d", cfg.PoolSize)
				}
				if cfg.Environment != "production" {
					t.Errorf("environment %q", cfg.Environment)
				}
			},
		},
		{name: "unknown flag", doc: `{"flags":{"no-such-flag":"1"}}`, wantErr: "no-such-flag"},
		{name: "bad value", doc: `{"flags":{"port":"eighty"}}`, wantErr: "port"},
		{name: "timeout twice", doc: `{"flags":{"execution-timeout":"1s"},"request_timeout_ms":5}`, wantErr: "same setting"},
		{name: "timeout zero", doc: `{"request_timeout_ms":0}`, wantErr: "request_timeout_ms"},
		{name: "workers zero", doc: `{"workers":0}`, wantErr: "workers"},
		{name: "object value", doc: `{"flags":{"host":{"a":1}}}`, wantErr: "host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseOptions([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, o)
				return
			}
			_, _, err = BuildConfig(o)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseOptionsRefusesUnknownKeys(t *testing.T) {
	if _, err := ParseOptions([]byte(`{"enable_compresion":true}`)); err == nil || !strings.Contains(err.Error(), "enable_compresion") {
		t.Fatalf("got %v", err)
	}
	o, err := ParseOptions([]byte(`{}`))
	if err != nil || o.LogFD != -1 {
		t.Fatalf("empty options: %+v %v", o, err)
	}
}

func TestTransportSettingsReachHttpcore(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		compression, http2 *bool
		want               [2]bool
	}{{nil, nil, [2]bool{true, true}}, {&yes, &yes, [2]bool{true, true}}, {&no, &no, [2]bool{false, false}}, {&no, &yes, [2]bool{false, true}}} {
		cfg, notes, err := BuildConfig(Options{EnableCompression: tc.compression, EnableHTTP2: tc.http2})
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 0 || [2]bool{cfg.Compression, cfg.HTTP2} != tc.want {
			t.Errorf("compression, http2 = %v, %v (notes %q), want %v", cfg.Compression, cfg.HTTP2, notes, tc.want)
		}
	}
	for _, flag := range []string{"compression", "http2"} {
		o := Options{Flags: map[string]json.RawMessage{flag: json.RawMessage("false")}, EnableCompression: &yes, EnableHTTP2: &yes}
		if _, _, err := BuildConfig(o); err == nil || !strings.Contains(err.Error(), "same setting") {
			t.Errorf("enable_* and --%s both set: %v", flag, err)
		}
	}
}

func TestFlagNamesReadsHttpcoreUsage(t *testing.T) {
	names := FlagNames()
	for _, want := range []string{"schema", "database-url", "port", "cors-origins", "session-var", "apq-mode", "auth0-domain"} {
		if !slices.Contains(names, want) {
			t.Errorf("%q missing from %q", want, names)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, dsn := range []string{"postgres://bob:s3cretpw@db/x", "host=db user=bob password=s3cretpw dbname=x"} {
		if p := urlPassword(dsn); p != "s3cretpw" {
			t.Errorf("password of %q: %q", dsn, p)
		}
	}
	var o Options
	cfg, _, _ := BuildConfig(o)
	cfg.DatabaseURL = "postgres://bob:s3cretpw@db/x"
	if got := redact("cannot connect to postgres://bob:s3cretpw@db/x", cfg); strings.Contains(got, "s3cretpw") {
		t.Errorf("not redacted: %s", got)
	}
}
