package httpcore

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

// Config holds the process settings of `fraiseql-http serve`. Fill it with
// DefaultConfig and ParseFlags; call Validate before use.
type Config struct {
	// SchemaPath is the declaration file (FRAISEQL_SCHEMA, --schema). Required.
	SchemaPath string
	// DatabaseURL is a PostgreSQL URL or DSN (FRAISEQL_DATABASE_URL,
	// --database-url). Required.
	DatabaseURL string
	// Host is the listen address (default 127.0.0.1: nothing is exposed
	// beyond the machine unless asked).
	Host string
	// Port is the TCP port (default 8000); 0 picks a free one.
	Port int
	// Environment is development (default) or production.
	Environment graphqlexec.Environment
	// Introspection is public, disabled or authenticated. Empty means v1's
	// default: public in development, disabled in production (v1 also turns
	// an explicit "public" into "disabled" in production).
	Introspection graphqlexec.IntrospectionPolicy
	// Playground serves GraphiQL on GET /graphql (default true); always off
	// in production, as in v1.
	Playground bool
	// PoolSize is the maximum number of PostgreSQL connections (default 20).
	PoolSize int
	// MaxConnections bounds open client connections (default 10000; 0 means
	// unlimited). Beyond it, new clients wait in the listen backlog.
	MaxConnections int
	// MaxBodyBytes bounds request bodies (default 10 MiB). v1 has no limit.
	MaxBodyBytes int64
	// ShutdownTimeout bounds the drain of in-flight requests on SIGTERM or
	// SIGINT (default 30 s).
	ShutdownTimeout time.Duration
	// ServerHeader is the "server" response header (default "uvicorn", for
	// byte compatibility with v1; empty omits it).
	ServerHeader string
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Host:            "127.0.0.1",
		Port:            8000,
		Environment:     graphqlexec.Development,
		Playground:      true,
		PoolSize:        20,
		MaxConnections:  10000,
		MaxBodyBytes:    DefaultMaxBodyBytes,
		ShutdownTimeout: 30 * time.Second,
		ServerHeader:    "uvicorn",
	}
}

// Addr is host:port.
func (c *Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// EffectiveIntrospection applies v1's validator: production never has
// public introspection, and an empty policy takes the environment default.
func (c *Config) EffectiveIntrospection() graphqlexec.IntrospectionPolicy {
	p := c.Introspection
	if p == "" {
		p = graphqlexec.IntrospectionPublic
	}
	if c.Environment == graphqlexec.Production && p == graphqlexec.IntrospectionPublic {
		return graphqlexec.IntrospectionDisabled
	}
	return p
}

// EffectivePlayground applies v1's validator: never in production.
func (c *Config) EffectivePlayground() bool {
	return c.Playground && c.Environment != graphqlexec.Production
}

// Validate reports every invalid setting at once.
func (c *Config) Validate() error {
	var errs []error
	if c.SchemaPath == "" {
		errs = append(errs, errors.New("schema: required (--schema or FRAISEQL_SCHEMA)"))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("database url: required (--database-url or FRAISEQL_DATABASE_URL)"))
	}
	if c.Host == "" {
		errs = append(errs, errors.New("host: must not be empty"))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("port: %d is outside 0..65535", c.Port))
	}
	switch c.Environment {
	case graphqlexec.Development, graphqlexec.Production:
	default:
		errs = append(errs, fmt.Errorf("environment: %q is not development or production", c.Environment))
	}
	switch c.Introspection {
	case "", graphqlexec.IntrospectionPublic, graphqlexec.IntrospectionDisabled, graphqlexec.IntrospectionAuthenticated:
	default:
		errs = append(errs, fmt.Errorf("introspection: %q is not public, disabled or authenticated", c.Introspection))
	}
	if c.PoolSize < 1 || c.PoolSize > 10000 {
		errs = append(errs, fmt.Errorf("pool size: %d must be between 1 and 10000", c.PoolSize))
	}
	if c.MaxConnections < 0 {
		errs = append(errs, fmt.Errorf("max connections: %d must not be negative", c.MaxConnections))
	}
	if c.MaxBodyBytes < 1 {
		errs = append(errs, fmt.Errorf("max body bytes: %d must be at least 1", c.MaxBodyBytes))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, fmt.Errorf("shutdown timeout: %s must not be negative", c.ShutdownTimeout))
	}
	if strings.ContainsAny(c.ServerHeader, "\r\n") {
		errs = append(errs, errors.New("server header: must not contain CR or LF"))
	}
	return errors.Join(errs...)
}

// envNames maps each flag to its environment variable.
var envNames = map[string]string{
	"schema":           "FRAISEQL_SCHEMA",
	"database-url":     "FRAISEQL_DATABASE_URL",
	"host":             "FRAISEQL_HOST",
	"port":             "FRAISEQL_PORT",
	"environment":      "FRAISEQL_ENVIRONMENT",
	"introspection":    "FRAISEQL_INTROSPECTION_POLICY",
	"playground":       "FRAISEQL_ENABLE_PLAYGROUND",
	"pool-size":        "FRAISEQL_DATABASE_POOL_SIZE",
	"max-connections":  "FRAISEQL_MAX_CONNECTIONS",
	"max-body-bytes":   "FRAISEQL_MAX_BODY_BYTES",
	"shutdown-timeout": "FRAISEQL_SHUTDOWN_TIMEOUT",
	"server-header":    "FRAISEQL_SERVER_HEADER",
}

// ParseFlags fills cfg from the environment (getenv, usually os.Getenv),
// then from args; flags win. Help output goes to usage.
func ParseFlags(cfg *Config, args []string, getenv func(string) string, usage io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(usage)
	env := string(cfg.Environment)
	intro := string(cfg.Introspection)
	fs.StringVar(&cfg.SchemaPath, "schema", cfg.SchemaPath, "declaration file (GraphQL SDL with FraiseQL directives)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL")
	fs.StringVar(&cfg.Host, "host", cfg.Host, "listen host")
	fs.IntVar(&cfg.Port, "port", cfg.Port, "listen port (0 picks a free port)")
	fs.StringVar(&env, "environment", env, "development or production")
	fs.StringVar(&intro, "introspection", intro, "public, disabled or authenticated (default: public in development, disabled in production)")
	fs.BoolVar(&cfg.Playground, "playground", cfg.Playground, "serve GraphiQL on GET /graphql (never in production)")
	fs.IntVar(&cfg.PoolSize, "pool-size", cfg.PoolSize, "maximum PostgreSQL connections")
	fs.IntVar(&cfg.MaxConnections, "max-connections", cfg.MaxConnections, "maximum open client connections (0: unlimited)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", cfg.MaxBodyBytes, "maximum request body size")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "time allowed to drain in-flight requests")
	fs.StringVar(&cfg.ServerHeader, "server-header", cfg.ServerHeader, `"server" response header value`)

	// Environment first, through the flag setters, so that parsing and
	// error messages are the same for both sources.
	var envErr []error
	fs.VisitAll(func(f *flag.Flag) {
		name := envNames[f.Name]
		if name == "" {
			return
		}
		if v := getenv(name); v != "" {
			if err := f.Value.Set(v); err != nil {
				envErr = append(envErr, fmt.Errorf("%s=%q: %v", name, v, err))
			}
		}
	})
	if err := errors.Join(envErr...); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	cfg.Environment = graphqlexec.Environment(strings.ToLower(env))
	cfg.Introspection = graphqlexec.IntrospectionPolicy(strings.ToLower(intro))
	return nil
}
