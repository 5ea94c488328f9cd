package httpcore

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/connlimit"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/compress"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/tracing"
)

// Config holds the process settings of `fraiseql-http serve`. Fill it with
// DefaultConfig and ParseFlags; call Validate before use.
type Config struct {
	// SchemaPath is the declaration file (FRAISEQL_SCHEMA, --schema), or
	// several separated by commas, loaded as one declaration
	// (app.graphql,subscriptions.graphql). Required.
	SchemaPath string
	// DatabaseURL is a PostgreSQL URL or DSN (FRAISEQL_DATABASE_URL,
	// --database-url). Required.
	DatabaseURL string
	// SchemaCheck is what a declaration that does not match the database
	// does at start (--schema-check, FRAISEQL_SCHEMA_CHECK): "warn" (the
	// default) logs every mismatch and serves, /ready answering 503 while
	// it lasts; "refuse" refuses to start; "off" checks nothing.
	SchemaCheck string
	// Host is the listen address (default 127.0.0.1: nothing is exposed
	// beyond the machine unless asked).
	Host string
	// Port is the TCP port (default 8000); 0 picks a free one.
	Port int
	// Environment is development (default) or production.
	Environment graphqlexec.Environment
	// Quirks is none (default: correct answers where v1.9.7 gives wrong or
	// missing data or weakens security) or v1.9.7 (v1's recorded bytes
	// everywhere; --quirks, FRAISEQL_QUIRKS). See docs/compatibility.md.
	Quirks graphqlexec.Quirks
	// Introspection is public, disabled or authenticated. Empty means v1's
	// default: public in development, disabled in production (v1 also turns
	// an explicit "public" into "disabled" in production).
	Introspection graphqlexec.IntrospectionPolicy
	// Playground serves GraphiQL on GET /graphql (default true); always off
	// in production, as in v1.
	Playground bool
	// GraphiQL picks the page GET /graphql shows when the playground is on:
	// "embedded" is GraphiQL 4.1.2 served from the binary under
	// /graphql/graphiql/, working offline; "v1" is FraiseQL v1.9.7's page,
	// byte for byte, which loads unpinned GraphiQL and React builds from
	// unpkg.com (blank with the current GraphiQL 5, useless offline). Empty
	// (the default) follows Quirks: v1 under v1.9.7, else embedded. The
	// compat replay asks for "v1" because the goldens record that page.
	GraphiQL string
	// PoolSize is the maximum number of PostgreSQL connections (default 20).
	PoolSize int
	// MaxConnections bounds open client connections, HTTP and WebSocket
	// alike (default 10000; 0 means unlimited). What a client beyond it gets
	// is MaxConnectionsOverflow.
	MaxConnections int
	// MaxConnectionsOverflow is "wait" (default: new clients wait in the
	// listen backlog until a connection closes) or "reject" (an HTTP request
	// gets 503 with Retry-After, a WebSocket upgrade close 1013, at once, so
	// a load balancer can retry elsewhere) (--max-connections-overflow).
	MaxConnectionsOverflow string
	// MaxBodyBytes bounds request bodies (default 10 MiB). v1 has no limit.
	MaxBodyBytes int64
	// Query document limits (graphqlexec.Config; v1 has none): the query
	// text's bytes (--max-query-bytes, default 64 KiB), its tokens
	// (--max-query-tokens, 10,000), the selection depth through fragments
	// (--max-query-depth, 20) and the fields selected with fragment spreads
	// expanded (--max-query-fields, 1,000). A document over one gets a
	// GraphQL error before it is parsed or validated.
	MaxQueryBytes, MaxQueryTokens, MaxQueryDepth, MaxQueryFields int
	// MaxResponseBytes bounds a GraphQL response body (--max-response-bytes,
	// default 64 MiB; 0: none): a read whose rows go past it stops and its
	// field is null with the error "The response exceeds the maximum size
	// of N bytes.". v1 has no bound.
	MaxResponseBytes int
	// ExecutionTimeout bounds every SQL statement of a request, from the
	// request's start (--execution-timeout, default 30 s, v1's
	// query_timeout).
	ExecutionTimeout time.Duration
	// ShutdownTimeout bounds the drain of in-flight requests on SIGTERM or
	// SIGINT (default 25 s, below Kubernetes' 30 s grace period so the
	// pool is closed before a SIGKILL).
	ShutdownTimeout time.Duration
	// WriteTimeout bounds the writing of each response (--write-timeout,
	// default 30 s): a client that never reads its answers is closed when
	// it passes, instead of holding its connection, goroutine and buffered
	// response forever. 0 means none (v1's uvicorn has none).
	WriteTimeout time.Duration
	// ServerHeader is the "server" response header (default "uvicorn", for
	// byte compatibility with v1; empty omits it).
	ServerHeader string

	// Compression compresses responses (gzip or zstd, as the request's
	// Accept-Encoding asks) of at least CompressionMinBytes bytes
	// (--compression, default true; --compression-min-bytes, default 1024).
	// A request without Accept-Encoding is answered uncompressed, byte for
	// byte as v1 (which never compresses); --quirks v1.9.7 turns it off.
	Compression         bool
	CompressionMinBytes int
	// HTTP2 serves HTTP/2 on the same port (--http2, default true):
	// cleartext by prior knowledge or "Upgrade: h2c", and through ALPN "h2"
	// with TLS. HTTP/1.1 answers are unchanged.
	HTTP2 bool
	// TLSCert and TLSKey are PEM files (--tls-cert, --tls-key): both or
	// neither. With them the port speaks TLS only (1.2 or later); the pair is
	// read again on SIGHUP (App.ReloadTLS).
	TLSCert, TLSKey string

	// Observability (docs/operations.md). RequestIDHeader is auto (the
	// default: echo a well-formed incoming X-Request-ID, else send the
	// generated id only with a 5xx or an "Internal server error" answer; off
	// under --quirks v1.9.7), always (every response gets
	// one, generated when none came) or off (--request-id-header). LogFormat
	// is text (default) or json (--log-format), LogLevel debug, info
	// (default), warn or error (--log-level); AccessLog writes one line per
	// request (--access-log, default false).
	RequestIDHeader string
	LogFormat       string
	LogLevel        string
	AccessLog       bool
	// Metrics serves Prometheus metrics (--metrics, default true) at
	// MetricsPath (--metrics-path, default /metrics), on the main port or,
	// with MetricsListen (--metrics-listen, host:port), on a port of its
	// own; MetricsToken (--metrics-token) requires "Authorization: Bearer
	// <token>" of the scraper.
	Metrics       bool
	MetricsPath   string
	MetricsListen string
	MetricsToken  string
	// OpenTelemetry traces (off unless OTelEndpoint is set): OTelEndpoint
	// is the collector's OTLP/HTTP URL (--otel-endpoint; a base URL gets
	// /v1/traces), OTelServiceName the service.name (--otel-service-name,
	// default fraiseql-http), OTelSampleRatio the share of new traces
	// recorded (--otel-sample-ratio, default 1; a traceparent's decision is
	// followed).
	OTelEndpoint    string
	OTelServiceName string
	OTelSampleRatio float64
	// RateLimit limits GraphQL requests per client to this many per second
	// on average (--rate-limit; 0, the default, is off), with bursts of
	// RateLimitBurst (--rate-limit-burst; 0 means twice the rate, at least
	// 1); over it the answer is 429 with Retry-After. RateLimitKey is ip
	// (default: the connection's peer address) or subject (a valid token's
	// subject, the IP for anonymous requests) (--rate-limit-key).
	RateLimit      float64
	RateLimitBurst int
	RateLimitKey   string

	// Authentication (docs/authentication.md). A provider is configured when
	// a key source is set: AuthSecret, AuthPublicKeyFile, AuthJWKSURL or
	// Auth0Domain. Without one there is no 401 gate, as in v1.

	// AuthAlgorithms are the accepted JWT "alg" values (--auth-jwt-algorithm,
	// comma list). Required with a key source; Auth0 defaults to RS256.
	AuthAlgorithms []string
	// AuthSecret is the HMAC secret for HS256/384/512 (--auth-jwt-secret).
	AuthSecret string
	// AuthPublicKeyFile is a PEM public key or certificate for RS/PS/ES
	// algorithms (--auth-jwt-public-key-file).
	AuthPublicKeyFile string
	// AuthJWKSURL is an https JSON Web Key Set URL (--auth-jwks-url).
	AuthJWKSURL string
	// AuthJWKSAllowHTTP permits an http:// JWKS URL (tests, trusted networks).
	AuthJWKSAllowHTTP bool
	// AuthAudience: accepted "aud" values (--auth-audience, comma list).
	AuthAudience []string
	// AuthIssuer: the exact "iss" required (--auth-issuer).
	AuthIssuer string
	// AuthRequiredClaims must be present (--auth-required-claims, comma
	// list). nil means auth.DefaultRequiredClaims (exp, sub); an empty list
	// requires none.
	AuthRequiredClaims []string
	// AuthLeeway is tolerated on exp, nbf and iat (--auth-leeway, default 0).
	AuthLeeway time.Duration
	// AuthMaxTokenBytes: longer tokens are refused before decoding
	// (--auth-max-token-bytes; 0 means auth.DefaultMaxTokenBytes, 16 KiB).
	AuthMaxTokenBytes int
	// JWKS cache tuning (--auth-jwks-max-age, --auth-jwks-min-refresh,
	// --auth-jwks-timeout); 0 means the auth package defaults (1 h, 30 s,
	// 5 s).
	AuthJWKSMaxAge, AuthJWKSMinRefresh, AuthJWKSTimeout time.Duration
	// Auth0Domain and Auth0Audience configure v1's Auth0 provider
	// (--auth0-domain, --auth0-audience): issuer https://<domain>/, keys from
	// https://<domain>/.well-known/jwks.json, roles from
	// https://<audience>/roles.
	Auth0Domain   string
	Auth0Audience string
	// SessionVars map PostgreSQL settings to claims, "app.tenant_id=tenant_id"
	// (--session-var, repeatable). SessionVarDefaults give a setting's value
	// when the claim is absent or the request anonymous,
	// "app.tenant_id=<value>" (--session-var-default, repeatable).
	SessionVars        []string
	SessionVarDefaults []string
	// DevAuthUsername and DevAuthPassword turn on v1's development HTTP
	// Basic gate (--dev-auth-username, default "admin"; --dev-auth-password).
	// Only in development, only when a password is set.
	DevAuthUsername string
	DevAuthPassword string

	// APQMode is optional (default), required or disabled (--apq-mode).
	APQMode string
	// APQStore is memory (default, per process) or postgresql (table
	// fraiseql_apq, shared by every instance on the database) (--apq-store).
	APQStore string
	// APQCacheEntries bounds the in-memory store, and the PostgreSQL store's
	// local read cache (default DefaultAPQCacheEntries).
	APQCacheEntries int
	// APQCacheBytes bounds the total query text held in memory (default
	// DefaultAPQCacheBytes).
	APQCacheBytes int64

	// Subscriptions serves GraphQL over WebSocket (docs/subscriptions.md)
	// (--subscriptions): "auto" (default) when the declaration has a
	// subscription root, "on" always (queries and mutations over the socket
	// even without subscriptions), "off" never. With subscriptions the
	// server holds one LISTEN connection besides the pool.
	Subscriptions string
	// WSPaths are the paths where upgrade requests are served
	// (--ws-paths, default /graphql and /graphql/subscriptions); other
	// requests on them are answered as before.
	WSPaths []string
	// SubscriptionsChannel is the NOTIFY channel the trigger sends on
	// (--subscriptions-channel, default fraiseql_events).
	SubscriptionsChannel string
	// Per WebSocket connection: the time allowed before connection_init
	// (--ws-init-timeout, 10 s; then close 4408), the keepalive interval
	// (--ws-keepalive, 12 s; a socket silent for twice that is dropped), the
	// live operations (--ws-max-subscriptions, 100), the outgoing messages
	// queued (--ws-queue, 64; a reader that falls further behind is closed
	// with 1008) and the largest incoming message (--ws-max-message,
	// 128 KiB; close 1009).
	WSInitTimeout, WSKeepAlive time.Duration
	WSMaxSubscriptions         int
	WSQueue                    int
	WSMaxMessage               int64

	// CORSOrigins turns on CORS (Starlette's CORSMiddleware with
	// credentials, as v1) when non-empty (--cors-origins, comma list; "*"
	// allows any origin).
	CORSOrigins []string
	// CORSMethods are the preflight's allowed methods (default GET, POST;
	// "*" means all).
	CORSMethods []string
	// CORSHeaders are the preflight's allowed request headers besides the
	// CORS-safelisted ones (default Content-Type, Authorization; "*" means
	// any).
	CORSHeaders []string
}

// Config.Subscriptions values.
const (
	SubscriptionsAuto = "auto"
	SubscriptionsOn   = "on"
	SubscriptionsOff  = "off"
)

// Config.GraphiQL values.
const (
	GraphiQLEmbedded = "embedded"
	GraphiQLV1       = "v1"
)

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		SchemaCheck:            SchemaCheckWarn,
		Host:                   "127.0.0.1",
		Port:                   8000,
		Environment:            graphqlexec.Development,
		Quirks:                 graphqlexec.QuirksNone,
		Playground:             true,
		PoolSize:               20,
		MaxConnections:         10000,
		MaxConnectionsOverflow: "wait",
		Subscriptions:          SubscriptionsAuto,
		WSPaths:                []string{"/graphql", "/graphql/subscriptions"},
		SubscriptionsChannel:   "fraiseql_events",
		WSInitTimeout:          10 * time.Second,
		WSKeepAlive:            12 * time.Second,
		WSMaxSubscriptions:     100,
		WSQueue:                64,
		WSMaxMessage:           128 << 10,
		MaxBodyBytes:           h1.DefaultMaxBodyBytes,
		MaxQueryBytes:          graphqlexec.DefaultMaxQueryBytes,
		MaxQueryTokens:         graphqlexec.DefaultMaxQueryTokens,
		MaxQueryDepth:          graphqlexec.DefaultMaxQueryDepth,
		MaxQueryFields:         graphqlexec.DefaultMaxQueryFields,
		ExecutionTimeout:       graphqlexec.DefaultExecutionTimeout,
		CompressionMinBytes:    compress.DefaultMinSize,
		ShutdownTimeout:        25 * time.Second,
		WriteTimeout:           30 * time.Second,
		ServerHeader:           "uvicorn",
		Compression:            true,
		HTTP2:                  true,
		DevAuthUsername:        "admin",
		APQMode:                string(fastapi.APQOptional),
		APQStore:               fastapi.APQStoreMemory,
		APQCacheEntries:        fastapi.DefaultAPQCacheEntries,
		APQCacheBytes:          fastapi.DefaultAPQCacheBytes,
		CORSMethods:            []string{"GET", "POST"},
		CORSHeaders:            []string{"Content-Type", "Authorization"},
		RequestIDHeader:        string(obs.IDAuto),
		MaxResponseBytes:       64 << 20,
		LogFormat:              "text",
		LogLevel:               "info",
		Metrics:                true,
		MetricsPath:            "/metrics",
		OTelServiceName:        "fraiseql-http",
		OTelSampleRatio:        1,
		RateLimitKey:           "ip",
	}
}

// Addr is host:port.
func (c *Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// policy is what the environment exposes (see policy).
func (c *Config) policy() policy {
	return newPolicy(c.Environment, c.Introspection, c.Playground)
}

// EffectiveGraphiQL is the page GET /graphql shows: the GraphiQL setting, or
// when it is empty v1's page under --quirks v1.9.7 and the embedded one
// otherwise.
func (c *Config) EffectiveGraphiQL() string {
	if c.GraphiQL != "" {
		return c.GraphiQL
	}
	if c.Quirks == graphqlexec.QuirksV197 {
		return GraphiQLV1
	}
	return GraphiQLEmbedded
}

// EffectivePlayground reports whether GraphiQL is served: never in
// production, as v1's validator decides.
func (c *Config) EffectivePlayground() bool { return c.policy().playground }

// Validate reports every invalid setting at once.
func (c *Config) Validate() error {
	var errs []error
	if c.SchemaPath == "" {
		errs = append(errs, errors.New("schema: required (--schema or FRAISEQL_SCHEMA)"))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("database url: required (--database-url or FRAISEQL_DATABASE_URL)"))
	}
	switch c.SchemaCheck {
	case SchemaCheckWarn, SchemaCheckRefuse, SchemaCheckOff:
	default:
		errs = append(errs, fmt.Errorf("schema check: %q is not warn, refuse or off", c.SchemaCheck))
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
	if _, err := graphqlexec.ParseQuirks(string(c.Quirks)); err != nil {
		errs = append(errs, err)
	}
	switch c.Introspection {
	case "", graphqlexec.IntrospectionPublic, graphqlexec.IntrospectionDisabled, graphqlexec.IntrospectionAuthenticated:
	default:
		errs = append(errs, fmt.Errorf("introspection: %q is not public, disabled or authenticated", c.Introspection))
	}
	switch c.GraphiQL {
	case "", GraphiQLEmbedded, GraphiQLV1:
	default:
		errs = append(errs, fmt.Errorf("graphiql: %q is not embedded or v1", c.GraphiQL))
	}
	if c.PoolSize < 1 || c.PoolSize > 10000 {
		errs = append(errs, fmt.Errorf("pool size: %d must be between 1 and 10000", c.PoolSize))
	}
	if c.MaxConnections < 0 {
		errs = append(errs, fmt.Errorf("max connections: %d must not be negative", c.MaxConnections))
	}
	if _, err := connlimit.ParseOverflow(c.MaxConnectionsOverflow); err != nil {
		errs = append(errs, fmt.Errorf("max connections overflow: %q is not wait or reject", c.MaxConnectionsOverflow))
	}
	switch c.Subscriptions {
	case SubscriptionsAuto, SubscriptionsOn, SubscriptionsOff:
	default:
		errs = append(errs, fmt.Errorf("subscriptions: %q is not auto, on or off", c.Subscriptions))
	}
	if c.Subscriptions != SubscriptionsOff {
		if len(c.WSPaths) == 0 {
			errs = append(errs, errors.New("ws paths: at least one path (or --subscriptions off)"))
		}
		for _, p := range c.WSPaths {
			if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?# ") {
				errs = append(errs, fmt.Errorf("ws paths: %q must be a path starting with /", p))
			}
		}
		if c.WSInitTimeout <= 0 || c.WSKeepAlive <= 0 {
			errs = append(errs, errors.New("ws init timeout and keepalive: must be positive"))
		}
		if c.WSMaxSubscriptions < 1 || c.WSQueue < 1 || c.WSMaxMessage < 1 {
			errs = append(errs, errors.New("ws max subscriptions, queue and max message: must be at least 1"))
		}
	}
	if c.MaxBodyBytes < 1 {
		errs = append(errs, fmt.Errorf("max body bytes: %d must be at least 1", c.MaxBodyBytes))
	}
	for _, l := range []struct {
		name string
		v    int
	}{{"max query bytes", c.MaxQueryBytes}, {"max query tokens", c.MaxQueryTokens}, {"max query depth", c.MaxQueryDepth}, {"max query fields", c.MaxQueryFields}} {
		if l.v < 1 {
			errs = append(errs, fmt.Errorf("%s: %d must be at least 1", l.name, l.v))
		}
	}
	if c.ExecutionTimeout <= 0 {
		errs = append(errs, fmt.Errorf("execution timeout: %s must be positive", c.ExecutionTimeout))
	}
	if c.MaxResponseBytes < 0 {
		errs = append(errs, fmt.Errorf("max response bytes: %d must not be negative", c.MaxResponseBytes))
	}
	if c.WriteTimeout < 0 {
		errs = append(errs, fmt.Errorf("write timeout: %s must not be negative", c.WriteTimeout))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, fmt.Errorf("shutdown timeout: %s must not be negative", c.ShutdownTimeout))
	}
	if strings.ContainsAny(c.ServerHeader, "\r\n") {
		errs = append(errs, errors.New("server header: must not contain CR or LF"))
	}
	if c.CompressionMinBytes < 0 {
		errs = append(errs, fmt.Errorf("compression min bytes: %d must not be negative", c.CompressionMinBytes))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls: --tls-cert and --tls-key go together"))
	}
	if _, err := c.authConfig(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.sessionVarMapping(); err != nil {
		errs = append(errs, err)
	}
	if c.DevAuthPassword != "" && c.DevAuthUsername == "" {
		errs = append(errs, errors.New("dev auth: username must not be empty"))
	}
	switch fastapi.APQMode(c.APQMode) {
	case fastapi.APQOptional, fastapi.APQRequired, fastapi.APQDisabled:
	default:
		errs = append(errs, fmt.Errorf("apq mode: %q is not optional, required or disabled", c.APQMode))
	}
	switch c.APQStore {
	case fastapi.APQStoreMemory, fastapi.APQStorePostgres:
	default:
		errs = append(errs, fmt.Errorf("apq store: %q is not memory or postgresql", c.APQStore))
	}
	if c.APQCacheEntries < 1 {
		errs = append(errs, fmt.Errorf("apq cache entries: %d must be at least 1", c.APQCacheEntries))
	}
	if c.APQCacheBytes < 1 {
		errs = append(errs, fmt.Errorf("apq cache bytes: %d must be at least 1", c.APQCacheBytes))
	}
	if err := c.corsOptions().Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Metrics {
		if !strings.HasPrefix(c.MetricsPath, "/") || strings.ContainsAny(c.MetricsPath, "?# \t\r\n") {
			errs = append(errs, fmt.Errorf("metrics path: %q must be a path starting with /", c.MetricsPath))
		} else if c.MetricsListen == "" && (c.MetricsPath == "/graphql" || strings.HasPrefix(c.MetricsPath, "/graphql/") || c.MetricsPath == "/health" || c.MetricsPath == "/ready") {
			errs = append(errs, fmt.Errorf("metrics path: %q is a route of the app", c.MetricsPath))
		}
		if c.MetricsListen != "" {
			if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
				errs = append(errs, fmt.Errorf("metrics listen: %v", err))
			}
		}
	}
	if c.OTelEndpoint != "" {
		if _, err := tracing.TracesURL(c.OTelEndpoint); err != nil {
			errs = append(errs, fmt.Errorf("otel endpoint: %v", err))
		}
	}
	if c.OTelSampleRatio < 0 || c.OTelSampleRatio > 1 {
		errs = append(errs, fmt.Errorf("otel sample ratio: %v is outside 0..1", c.OTelSampleRatio))
	}
	if c.RateLimit < 0 || c.RateLimitBurst < 0 {
		errs = append(errs, fmt.Errorf("rate limit: %v per second, burst %d: must not be negative", c.RateLimit, c.RateLimitBurst))
	}
	if c.RateLimitKey != "ip" && c.RateLimitKey != "subject" {
		errs = append(errs, fmt.Errorf("rate limit key: %q is not ip or subject", c.RateLimitKey))
	}
	if _, err := obs.ParseIDMode(c.RequestIDHeader); err != nil {
		errs = append(errs, fmt.Errorf("request id header: %v", err))
	}
	if _, err := obs.NewLogger(io.Discard, c.LogFormat, c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// authConfig builds the token verifier's configuration from the auth
// settings; it returns nil (and no error) when no provider is configured.
func (c *Config) authConfig() (*auth.Config, error) {
	if c.Auth0Domain != "" || c.Auth0Audience != "" {
		if c.Auth0Domain == "" || c.Auth0Audience == "" {
			return nil, errors.New("auth0: --auth0-domain and --auth0-audience go together")
		}
		if c.AuthSecret != "" || c.AuthPublicKeyFile != "" || c.AuthJWKSURL != "" {
			return nil, errors.New("auth0: no other key source (secret, public key, JWKS URL) may be set with --auth0-domain")
		}
		ac := auth.Auth0Config(c.Auth0Domain, c.Auth0Audience, c.AuthAlgorithms...)
		ac.RequiredClaims = c.AuthRequiredClaims
		c.tune(&ac)
		if c.AuthIssuer != "" {
			ac.Issuer = c.AuthIssuer
		}
		if len(c.AuthAudience) > 0 {
			ac.Audience = append(ac.Audience, c.AuthAudience...)
		}
		return &ac, ac.Validate()
	}
	if c.AuthSecret == "" && c.AuthPublicKeyFile == "" && c.AuthJWKSURL == "" {
		if len(c.AuthAlgorithms) > 0 || len(c.AuthAudience) > 0 || c.AuthIssuer != "" {
			return nil, errors.New("auth: algorithm, audience or issuer given without a key source (--auth-jwt-secret, --auth-jwt-public-key-file, --auth-jwks-url or --auth0-domain)")
		}
		return nil, nil
	}
	ac := auth.Config{
		Algorithms:     c.AuthAlgorithms,
		Secret:         c.AuthSecret,
		PublicKeyFile:  c.AuthPublicKeyFile,
		JWKSURL:        c.AuthJWKSURL,
		JWKSAllowHTTP:  c.AuthJWKSAllowHTTP,
		Audience:       c.AuthAudience,
		Issuer:         c.AuthIssuer,
		RequiredClaims: c.AuthRequiredClaims,
		Claims:         auth.DefaultClaimMapping(),
	}
	c.tune(&ac)
	return &ac, ac.Validate()
}

func (c *Config) tune(ac *auth.Config) {
	ac.Leeway = c.AuthLeeway
	ac.MaxTokenBytes = c.AuthMaxTokenBytes
	ac.JWKSMaxAge = c.AuthJWKSMaxAge
	ac.JWKSMinRefreshInterval = c.AuthJWKSMinRefresh
	ac.JWKSFetchTimeout = c.AuthJWKSTimeout
}

// sessionVarMapping parses SessionVars and SessionVarDefaults.
func (c *Config) sessionVarMapping() (auth.SessionVars, error) {
	var vars auth.SessionVars
	index := map[string]int{}
	for _, spec := range c.SessionVars {
		name, claim, ok := strings.Cut(spec, "=")
		if !ok || claim == "" {
			return nil, fmt.Errorf("session var: %q is not name=claim", spec)
		}
		if _, dup := index[name]; dup {
			return nil, fmt.Errorf("session var: %q mapped twice", name)
		}
		index[name] = len(vars)
		vars = append(vars, auth.SessionVar{Name: name, Claim: claim})
	}
	for _, spec := range c.SessionVarDefaults {
		name, value, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, fmt.Errorf("session var default: %q is not name=value", spec)
		}
		v := value
		if i, known := index[name]; known {
			if vars[i].Default != nil {
				return nil, fmt.Errorf("session var default: %q given twice", name)
			}
			vars[i].Default = &v
			continue
		}
		index[name] = len(vars)
		vars = append(vars, auth.SessionVar{Name: name, Default: &v})
	}
	var errs []error
	for _, v := range vars {
		if !graphqlexec.ValidSessionVarName(v.Name) {
			errs = append(errs, fmt.Errorf("session var: session variable name %q must look like app.tenant_id (lower case, one dot, at most 63 bytes a part)", v.Name))
		}
	}
	if err := errors.Join(append(errs, vars.Validate())...); err != nil {
		return nil, err
	}
	return vars, nil
}

// corsOptions returns the CORS settings, nil when CORS is off (no origins).
func (c *Config) corsOptions() *fastapi.CORSOptions {
	if len(c.CORSOrigins) == 0 {
		return nil
	}
	return &fastapi.CORSOptions{Origins: c.CORSOrigins, Methods: c.CORSMethods, Headers: c.CORSHeaders}
}

// envVars maps each flag to its environment variable, in help order.
var envVars = [][2]string{
	{"schema", "FRAISEQL_SCHEMA"},
	{"database-url", "FRAISEQL_DATABASE_URL"},
	{"schema-check", "FRAISEQL_SCHEMA_CHECK"},
	{"host", "FRAISEQL_HOST"},
	{"port", "FRAISEQL_PORT"},
	{"environment", "FRAISEQL_ENVIRONMENT"},
	{"introspection", "FRAISEQL_INTROSPECTION_POLICY"},
	{"playground", "FRAISEQL_ENABLE_PLAYGROUND"},
	{"graphiql", "FRAISEQL_GRAPHIQL"},
	{"pool-size", "FRAISEQL_DATABASE_POOL_SIZE"},
	{"max-connections", "FRAISEQL_MAX_CONNECTIONS"},
	{"max-connections-overflow", "FRAISEQL_MAX_CONNECTIONS_OVERFLOW"},
	{"max-body-bytes", "FRAISEQL_MAX_BODY_BYTES"},
	{"max-query-bytes", "FRAISEQL_MAX_QUERY_BYTES"},
	{"max-query-tokens", "FRAISEQL_MAX_QUERY_TOKENS"},
	{"max-query-depth", "FRAISEQL_MAX_QUERY_DEPTH"},
	{"max-query-fields", "FRAISEQL_MAX_QUERY_FIELDS"},
	{"max-response-bytes", "FRAISEQL_MAX_RESPONSE_BYTES"},
	{"execution-timeout", "FRAISEQL_EXECUTION_TIMEOUT"},
	{"quirks", "FRAISEQL_QUIRKS"},
	{"shutdown-timeout", "FRAISEQL_SHUTDOWN_TIMEOUT"},
	{"write-timeout", "FRAISEQL_WRITE_TIMEOUT"},
	{"server-header", "FRAISEQL_SERVER_HEADER"},
	{"compression", "FRAISEQL_COMPRESSION"},
	{"compression-min-bytes", "FRAISEQL_COMPRESSION_MIN_BYTES"},
	{"http2", "FRAISEQL_HTTP2"},
	{"tls-cert", "FRAISEQL_TLS_CERT"},
	{"tls-key", "FRAISEQL_TLS_KEY"},
	{"auth-jwt-algorithm", "FRAISEQL_AUTH_JWT_ALGORITHM"},
	{"auth-jwt-secret", "FRAISEQL_AUTH_JWT_SECRET"},
	{"auth-jwt-public-key-file", "FRAISEQL_AUTH_JWT_PUBLIC_KEY_FILE"},
	{"auth-jwks-url", "FRAISEQL_AUTH_JWKS_URL"},
	{"auth-jwks-allow-http", "FRAISEQL_AUTH_JWKS_ALLOW_HTTP"},
	{"auth-audience", "FRAISEQL_AUTH_AUDIENCE"},
	{"auth-issuer", "FRAISEQL_AUTH_ISSUER"},
	{"auth-required-claims", "FRAISEQL_AUTH_REQUIRED_CLAIMS"},
	{"auth-leeway", "FRAISEQL_AUTH_LEEWAY"},
	{"auth-max-token-bytes", "FRAISEQL_AUTH_MAX_TOKEN_BYTES"},
	{"auth-jwks-max-age", "FRAISEQL_AUTH_JWKS_MAX_AGE"},
	{"auth-jwks-min-refresh", "FRAISEQL_AUTH_JWKS_MIN_REFRESH"},
	{"auth-jwks-timeout", "FRAISEQL_AUTH_JWKS_TIMEOUT"},
	{"auth0-domain", "FRAISEQL_AUTH0_DOMAIN"},
	{"auth0-audience", "FRAISEQL_AUTH0_API_IDENTIFIER"},
	{"session-var", "FRAISEQL_SESSION_VARS"},
	{"session-var-default", "FRAISEQL_SESSION_VAR_DEFAULTS"},
	{"dev-auth-username", "FRAISEQL_DEV_AUTH_USERNAME"},
	{"dev-auth-password", "FRAISEQL_DEV_AUTH_PASSWORD"},
	{"apq-mode", "FRAISEQL_APQ_MODE"},
	{"apq-store", "FRAISEQL_APQ_STORAGE_BACKEND"},
	{"apq-cache-entries", "FRAISEQL_APQ_CACHE_ENTRIES"},
	{"apq-cache-bytes", "FRAISEQL_APQ_CACHE_BYTES"},
	{"cors-origins", "FRAISEQL_CORS_ORIGINS"},
	{"cors-methods", "FRAISEQL_CORS_METHODS"},
	{"cors-headers", "FRAISEQL_CORS_HEADERS"},
	{"request-id-header", "FRAISEQL_REQUEST_ID_HEADER"},
	{"log-format", "FRAISEQL_LOG_FORMAT"},
	{"log-level", "FRAISEQL_LOG_LEVEL"},
	{"access-log", "FRAISEQL_ACCESS_LOG"},
	{"subscriptions", "FRAISEQL_SUBSCRIPTIONS"},
	{"ws-paths", "FRAISEQL_WS_PATHS"},
	{"subscriptions-channel", "FRAISEQL_SUBSCRIPTIONS_CHANNEL"},
	{"ws-init-timeout", "FRAISEQL_WS_INIT_TIMEOUT"},
	{"ws-keepalive", "FRAISEQL_WS_KEEPALIVE"},
	{"ws-max-subscriptions", "FRAISEQL_WS_MAX_SUBSCRIPTIONS"},
	{"ws-queue", "FRAISEQL_WS_QUEUE"},
	{"ws-max-message", "FRAISEQL_WS_MAX_MESSAGE"},
	{"metrics", "FRAISEQL_METRICS"},
	{"metrics-path", "FRAISEQL_METRICS_PATH"},
	{"metrics-listen", "FRAISEQL_METRICS_LISTEN"},
	{"metrics-token", "FRAISEQL_METRICS_TOKEN"},
	{"otel-endpoint", "FRAISEQL_OTEL_ENDPOINT"},
	{"otel-service-name", "FRAISEQL_OTEL_SERVICE_NAME"},
	{"otel-sample-ratio", "FRAISEQL_OTEL_SAMPLE_RATIO"},
	{"rate-limit", "FRAISEQL_RATE_LIMIT"},
	{"rate-limit-burst", "FRAISEQL_RATE_LIMIT_BURST"},
	{"rate-limit-key", "FRAISEQL_RATE_LIMIT_KEY"},
}

// envName returns the environment variable read for a serve flag ("" when
// it has none).
func envName(flagName string) string {
	for _, fe := range envVars {
		if fe[0] == flagName {
			return fe[1]
		}
	}
	return ""
}

// EnvVars returns the environment variables serve reads, in help order.
func EnvVars() []string {
	out := make([]string, len(envVars))
	for i, fe := range envVars {
		out[i] = fe[1]
	}
	return out
}

// listValue is a list flag: a comma-separated value replaces the list. An
// environment value may also be a JSON array of strings, the format
// pydantic-settings reads v1's list settings in (FRAISEQL_CORS_ORIGINS=
// '["https://a.example"]'), so existing v1 environments keep working.
type listValue struct{ list *[]string }

func (l listValue) String() string {
	if l.list == nil {
		return ""
	}
	return strings.Join(*l.list, ",")
}

func (l listValue) Set(s string) error {
	items, err := splitList(s)
	if err != nil {
		return err
	}
	*l.list = items
	return nil
}

// appendValue is a repeatable flag: each use appends its comma-separated
// items (or JSON array).
type appendValue struct {
	list  *[]string
	fresh bool // the first use replaces the environment's value
}

func (a *appendValue) String() string {
	if a == nil || a.list == nil {
		return ""
	}
	return strings.Join(*a.list, ",")
}

func (a *appendValue) Set(s string) error {
	items, err := splitList(s)
	if err != nil {
		return err
	}
	if a.fresh {
		*a.list, a.fresh = nil, false
	}
	*a.list = append(*a.list, items...)
	return nil
}

// splitList reads "a, b,c" or a JSON array of strings; it never returns nil
// so that an explicitly empty list differs from an unset one.
func splitList(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	items := []string{}
	if strings.HasPrefix(s, "[") {
		if err := json.Unmarshal([]byte(s), &items); err != nil {
			return nil, fmt.Errorf("not a JSON array of strings: %v", err)
		}
		return items, nil
	}
	for _, it := range strings.Split(s, ",") {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	return items, nil
}

// ParseFlags fills cfg from the environment (getenv, usually os.Getenv),
// then from args; flags win. Help output goes to usage.
func ParseFlags(cfg *Config, args []string, getenv func(string) string, usage io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(usage)
	env := string(cfg.Environment)
	intro := string(cfg.Introspection)
	fs.StringVar(&cfg.SchemaPath, "schema", cfg.SchemaPath, "declaration file (GraphQL SDL with FraiseQL directives); several files: a.graphql,b.graphql")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL")
	fs.StringVar(&cfg.SchemaCheck, "schema-check", cfg.SchemaCheck, "a declaration that does not match the database: warn (log it, /ready 503), refuse (do not start) or off")
	fs.StringVar(&cfg.Host, "host", cfg.Host, "listen host")
	fs.IntVar(&cfg.Port, "port", cfg.Port, "listen port (0 picks a free port)")
	fs.StringVar(&env, "environment", env, "development or production")
	fs.StringVar(&intro, "introspection", intro, "public, disabled or authenticated (default: public in development, disabled in production)")
	fs.BoolVar(&cfg.Playground, "playground", cfg.Playground, "serve GraphiQL on GET /graphql (never in production)")
	fs.StringVar(&cfg.GraphiQL, "graphiql", cfg.GraphiQL, "which GraphiQL page: embedded (served from the binary, works offline) or v1 (v1.9.7's page bytes, loads GraphiQL from unpkg.com); default: v1 under --quirks v1.9.7, else embedded")
	fs.IntVar(&cfg.PoolSize, "pool-size", cfg.PoolSize, "maximum PostgreSQL connections")
	fs.IntVar(&cfg.MaxConnections, "max-connections", cfg.MaxConnections, "maximum open client connections (0: unlimited)")
	fs.StringVar(&cfg.MaxConnectionsOverflow, "max-connections-overflow", cfg.MaxConnectionsOverflow, "when --max-connections are open: wait (new clients wait in the backlog) or reject (HTTP 503 with Retry-After, WebSocket close 1013)")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", cfg.MaxBodyBytes, "maximum request body size")
	fs.IntVar(&cfg.MaxQueryBytes, "max-query-bytes", cfg.MaxQueryBytes, "maximum GraphQL query text size")
	fs.IntVar(&cfg.MaxQueryTokens, "max-query-tokens", cfg.MaxQueryTokens, "maximum lexical tokens in a query")
	fs.IntVar(&cfg.MaxQueryDepth, "max-query-depth", cfg.MaxQueryDepth, "maximum nested fields in a query, counted through fragments")
	fs.IntVar(&cfg.MaxQueryFields, "max-query-fields", cfg.MaxQueryFields, "maximum fields an operation selects, fragment spreads counted with their fields")
	fs.IntVar(&cfg.MaxResponseBytes, "max-response-bytes", cfg.MaxResponseBytes, "largest GraphQL response body; a read past it becomes a field error (0: none)")
	fs.Var(quirksValue{&cfg.Quirks}, "quirks", "none (correct answers) or v1.9.7 (v1.9.7's recorded behaviour, bugs included)")
	fs.DurationVar(&cfg.ExecutionTimeout, "execution-timeout", cfg.ExecutionTimeout, "deadline for a request's SQL statements, from its start")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "time allowed to drain in-flight requests")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", cfg.WriteTimeout, "time allowed to write one response; a client that does not read is closed (0: none)")
	fs.StringVar(&cfg.ServerHeader, "server-header", cfg.ServerHeader, `"server" response header value`)
	fs.BoolVar(&cfg.Compression, "compression", cfg.Compression, "compress responses (gzip, zstd) when the request's Accept-Encoding asks")
	fs.IntVar(&cfg.CompressionMinBytes, "compression-min-bytes", cfg.CompressionMinBytes, "smallest response body compressed")
	fs.BoolVar(&cfg.HTTP2, "http2", cfg.HTTP2, "serve HTTP/2 too (cleartext prior knowledge, Upgrade: h2c, TLS ALPN h2)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "PEM certificate chain file; with --tls-key the port speaks TLS (reloaded on SIGHUP)")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "PEM private key file of --tls-cert")

	fs.Var(listValue{&cfg.AuthAlgorithms}, "auth-jwt-algorithm", "accepted JWT algorithms, comma list (HS256, RS256, ES256, ...)")
	fs.StringVar(&cfg.AuthSecret, "auth-jwt-secret", cfg.AuthSecret, "HMAC secret for HS* tokens (prefer FRAISEQL_AUTH_JWT_SECRET: flags show in ps)")
	fs.StringVar(&cfg.AuthPublicKeyFile, "auth-jwt-public-key-file", cfg.AuthPublicKeyFile, "PEM public key or certificate for RS*/PS*/ES* tokens")
	fs.StringVar(&cfg.AuthJWKSURL, "auth-jwks-url", cfg.AuthJWKSURL, "https URL of a JSON Web Key Set for RS*/PS*/ES* tokens")
	fs.BoolVar(&cfg.AuthJWKSAllowHTTP, "auth-jwks-allow-http", cfg.AuthJWKSAllowHTTP, "allow an http:// JWKS URL (trusted networks only)")
	fs.Var(listValue{&cfg.AuthAudience}, "auth-audience", "accepted token audiences, comma list")
	fs.StringVar(&cfg.AuthIssuer, "auth-issuer", cfg.AuthIssuer, "required token issuer")
	fs.Var(listValue{&cfg.AuthRequiredClaims}, "auth-required-claims", "claims every token must carry, comma list (default exp,sub)")
	fs.DurationVar(&cfg.AuthLeeway, "auth-leeway", cfg.AuthLeeway, "clock skew tolerated on exp, nbf and iat")
	fs.IntVar(&cfg.AuthMaxTokenBytes, "auth-max-token-bytes", cfg.AuthMaxTokenBytes, "longest bearer token accepted (0: 16 KiB)")
	fs.DurationVar(&cfg.AuthJWKSMaxAge, "auth-jwks-max-age", cfg.AuthJWKSMaxAge, "JWKS age after which it is refreshed in the background (0: 1h)")
	fs.DurationVar(&cfg.AuthJWKSMinRefresh, "auth-jwks-min-refresh", cfg.AuthJWKSMinRefresh, "minimum time between JWKS fetches (0: 30s)")
	fs.DurationVar(&cfg.AuthJWKSTimeout, "auth-jwks-timeout", cfg.AuthJWKSTimeout, "bound on one JWKS fetch (0: 5s)")
	fs.StringVar(&cfg.Auth0Domain, "auth0-domain", cfg.Auth0Domain, "Auth0 tenant domain (v1's Auth0 provider)")
	fs.StringVar(&cfg.Auth0Audience, "auth0-audience", cfg.Auth0Audience, "Auth0 API identifier (token audience)")
	sessionVars := &appendValue{list: &cfg.SessionVars, fresh: true}
	sessionVarDefaults := &appendValue{list: &cfg.SessionVarDefaults, fresh: true}
	fs.Var(sessionVars, "session-var", "PostgreSQL setting from a claim, name=claim (repeatable), e.g. app.tenant_id=tenant_id")
	fs.Var(sessionVarDefaults, "session-var-default", "value of a session setting without the claim, name=value (repeatable)")
	fs.StringVar(&cfg.DevAuthUsername, "dev-auth-username", cfg.DevAuthUsername, "development Basic-auth user")
	fs.StringVar(&cfg.DevAuthPassword, "dev-auth-password", cfg.DevAuthPassword, "development Basic-auth password (turns the gate on; never in production)")
	apqMode := cfg.APQMode
	fs.StringVar(&apqMode, "apq-mode", apqMode, "automatic persisted queries: optional, required or disabled")
	fs.StringVar(&cfg.APQStore, "apq-store", cfg.APQStore, "persisted query store: memory or postgresql")
	fs.IntVar(&cfg.APQCacheEntries, "apq-cache-entries", cfg.APQCacheEntries, "persisted queries kept in memory")
	fs.Int64Var(&cfg.APQCacheBytes, "apq-cache-bytes", cfg.APQCacheBytes, "bytes of persisted query text kept in memory")
	fs.Var(listValue{&cfg.CORSOrigins}, "cors-origins", `allowed CORS origins, comma list ("*": any); empty turns CORS off`)
	fs.Var(listValue{&cfg.CORSMethods}, "cors-methods", `allowed CORS methods, comma list ("*": all)`)
	fs.Var(listValue{&cfg.CORSHeaders}, "cors-headers", `allowed CORS request headers, comma list ("*": any)`)
	fs.StringVar(&cfg.RequestIDHeader, "request-id-header", cfg.RequestIDHeader, "x-request-id: auto (echo a valid incoming one, send the id of a 5xx or an internal error; nothing under --quirks v1.9.7), always (every response) or off")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log lines as text or json")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error")
	fs.BoolVar(&cfg.AccessLog, "access-log", cfg.AccessLog, "log one line per request (method, path, status, bytes, duration, request id, operation)")
	fs.StringVar(&cfg.Subscriptions, "subscriptions", cfg.Subscriptions, "GraphQL over WebSocket: auto (when the declaration has subscriptions), on or off")
	fs.Var(listValue{&cfg.WSPaths}, "ws-paths", "paths where WebSocket upgrades are served, comma list")
	fs.StringVar(&cfg.SubscriptionsChannel, "subscriptions-channel", cfg.SubscriptionsChannel, "NOTIFY channel of the change events (fraiseql_notify_install's)")
	fs.DurationVar(&cfg.WSInitTimeout, "ws-init-timeout", cfg.WSInitTimeout, "time a socket has to send connection_init (then close 4408)")
	fs.DurationVar(&cfg.WSKeepAlive, "ws-keepalive", cfg.WSKeepAlive, "interval of the server's pings; a socket silent for twice that is dropped")
	fs.IntVar(&cfg.WSMaxSubscriptions, "ws-max-subscriptions", cfg.WSMaxSubscriptions, "live operations (subscriptions, queries, mutations) per socket")
	fs.IntVar(&cfg.WSQueue, "ws-queue", cfg.WSQueue, "outgoing messages queued per socket; a slower reader is closed with 1008")
	fs.Int64Var(&cfg.WSMaxMessage, "ws-max-message", cfg.WSMaxMessage, "largest incoming WebSocket message in bytes (close 1009)")
	fs.BoolVar(&cfg.Metrics, "metrics", cfg.Metrics, "serve Prometheus metrics")
	fs.StringVar(&cfg.MetricsPath, "metrics-path", cfg.MetricsPath, "path of the Prometheus metrics")
	fs.StringVar(&cfg.MetricsListen, "metrics-listen", cfg.MetricsListen, "host:port to serve the metrics on instead of the main port")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", cfg.MetricsToken, "bearer token a scraper must send (prefer FRAISEQL_METRICS_TOKEN: flags show in ps)")
	fs.StringVar(&cfg.OTelEndpoint, "otel-endpoint", cfg.OTelEndpoint, "OpenTelemetry collector OTLP/HTTP URL (e.g. http://collector:4318); traces are off without it")
	fs.StringVar(&cfg.OTelServiceName, "otel-service-name", cfg.OTelServiceName, "service.name of the traces")
	fs.Float64Var(&cfg.OTelSampleRatio, "otel-sample-ratio", cfg.OTelSampleRatio, "share of new traces recorded, 0..1 (a traceparent's decision is followed)")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", cfg.RateLimit, "GraphQL requests per second per client (0: off); over it 429 with Retry-After")
	fs.IntVar(&cfg.RateLimitBurst, "rate-limit-burst", cfg.RateLimitBurst, "requests a client may make at once (0: twice --rate-limit)")
	fs.StringVar(&cfg.RateLimitKey, "rate-limit-key", cfg.RateLimitKey, "what a client is: ip (the connection's peer) or subject (a valid token's sub, else the ip)")

	// Environment first, through the flag setters, so that parsing and
	// error messages are the same for both sources.
	var envErr []error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
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
	// Repeatable flags replace the environment's list rather than extend it.
	sessionVars.fresh, sessionVarDefaults.fresh = true, true
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	cfg.Environment = graphqlexec.Environment(strings.ToLower(env))
	cfg.Introspection = graphqlexec.IntrospectionPolicy(strings.ToLower(intro))
	cfg.APQMode = strings.ToLower(apqMode)
	cfg.APQStore = strings.ToLower(cfg.APQStore)
	cfg.RequestIDHeader = strings.ToLower(cfg.RequestIDHeader)
	cfg.LogFormat = strings.ToLower(cfg.LogFormat)
	cfg.LogLevel = strings.ToLower(cfg.LogLevel)
	cfg.RateLimitKey = strings.ToLower(cfg.RateLimitKey)
	cfg.MaxConnectionsOverflow = strings.ToLower(cfg.MaxConnectionsOverflow)
	cfg.Subscriptions = strings.ToLower(cfg.Subscriptions)
	cfg.SchemaCheck = strings.ToLower(cfg.SchemaCheck)
	return nil
}

// quirksValue is the --quirks flag: none or v1.9.7, refused otherwise at
// parse time so the error names the flag.
type quirksValue struct{ q *graphqlexec.Quirks }

func (v quirksValue) String() string {
	if v.q == nil || *v.q == "" {
		return string(graphqlexec.QuirksNone)
	}
	return string(*v.q)
}

func (v quirksValue) Set(s string) error {
	q, err := graphqlexec.ParseQuirks(s)
	if err != nil {
		return err
	}
	*v.q = q
	return nil
}

// requestIDMode is the effective --request-id-header: auto is off under
// --quirks v1.9.7, whose answers never carry the header.
func (c *Config) requestIDMode() obs.IDMode {
	m, _ := obs.ParseIDMode(c.RequestIDHeader) // Validate has checked it
	if m == obs.IDAuto && c.Quirks.V1() {
		return obs.IDOff
	}
	return m
}

// NewLogger builds the process logger of cfg's --log-format and
// --log-level, writing to w.
func NewLogger(cfg Config, w io.Writer) (*slog.Logger, error) {
	return obs.NewLogger(w, cfg.LogFormat, cfg.LogLevel)
}

// rateLimiter is the per-client limiter of the settings, nil when off.
func (c *Config) rateLimiter() *connlimit.RateLimiter {
	if c.RateLimit <= 0 {
		return nil
	}
	burst := c.RateLimitBurst
	if burst == 0 {
		burst = max(1, int(2*c.RateLimit))
	}
	return connlimit.NewRateLimiter(c.RateLimit, burst, 0)
}
