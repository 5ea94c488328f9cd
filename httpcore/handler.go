package httpcore

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/connlimit"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/compress"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/gqlhttp"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/graphiql"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/obs"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// executor runs one GraphQL request, appending the response body to dst
// (the response writer's pooled buffer, so the body is not copied);
// *graphqlexec.Engine satisfies it.
type executor interface {
	ExecuteAppend(ctx context.Context, dst []byte, req *graphqlexec.Request) ([]byte, graphqlexec.Response)
}

// pinger is what GET /ready asks of the database.
type pinger interface {
	Ping(ctx context.Context) error
}

// handlerOptions configure the FraiseQL routes.
type handlerOptions struct {
	Environment graphqlexec.Environment
	// Quirks restores v1.9.7's recorded behaviour where it is wrong or
	// weakens security (see docs/compatibility.md's quirk table); the
	// default answers correctly.
	Quirks graphqlexec.Quirks
	// Playground serves GraphiQL on GET /graphql without a query. Like v1,
	// it is ignored (off) in production.
	Playground bool
	// GraphiQL is the embedded GraphiQL page and its assets (mounted under
	// /graphql/graphiql/); nil serves v1.9.7's page bytes, which load
	// GraphiQL from a CDN (Config.GraphiQL "v1").
	GraphiQL *graphiql.Handler
	Executor executor
	// DB is pinged by /ready; nil reports the pool as not initialised.
	DB pinger
	// Listening, when set, reports whether the subscriptions' LISTEN
	// connection is up; /ready then checks it too.
	Listening func() bool
	// Declaration is /ready's "schema" check (the declaration against the
	// catalog, graphqlexec/check); nil, and --quirks v1.9.7, report "ok"
	// as v1 does.
	Declaration *declarationCheck
	// ReadyTimeout bounds the /ready ping; 0 means 5 s.
	ReadyTimeout time.Duration
	// Now is the clock for /ready's timestamp; nil means time.Now.
	Now func() time.Time

	// IntrospectionPolicy is the configured policy (newPolicy derives the
	// effective one); with "authenticated" a query mentioning __schema
	// passes the 401 gate in production too.
	IntrospectionPolicy graphqlexec.IntrospectionPolicy
	// Verifier is the token provider. nil means no provider: every request
	// runs anonymous and there is no 401 gate (v1 without auth=).
	Verifier auth.Verifier
	// SessionVars map claims to PostgreSQL settings for each request.
	SessionVars auth.SessionVars
	// DevAuth turns on the development Basic gate (ignored in production).
	DevAuth *fastapi.DevBasic
	// APQMode defaults to optional; APQStore defaults to an in-memory store
	// with the default bounds.
	APQMode  fastapi.APQMode
	APQStore fastapi.APQStore
	// APQStats, when set, counts persisted-query hits, misses and
	// registrations (metrics).
	APQStats *fastapi.APQStats
	// CORS turns on the CORS middleware when non-nil.
	CORS *fastapi.CORSOptions
	// Logger receives what clients are never told (why a token was refused,
	// APQ store failures); nil discards.
	Logger *slog.Logger
	// RateLimiter, when set, limits GraphQL requests per client: keyed by
	// the verified token's subject when RateLimitBySubject and there is
	// one, else by the client's IP address.
	RateLimiter        *connlimit.RateLimiter
	RateLimitBySubject bool
	// Compressor, when set, compresses every response that the request
	// accepts compressed (see ServeHTTP); nil never compresses, as v1.
	Compressor *compress.Compressor
}

// FraiseQL v1's own bodies (its handlers', not FastAPI's).
var (
	bodyNotFoundLower = []byte(`{"detail":"Not found"}`)
	bodyQueryRequired = []byte(`{"detail":"Query parameter is required"}`)
	bodyBadVariables  = []byte(`{"detail":"Invalid JSON in variables parameter"}`)
	bodyHealthy       = []byte(`{"status":"healthy","service":"fraiseql"}`)
)

// route is one row of the route table, the only place the routes are
// named: chi's registrations, the 405's allow header and the 307's "is it
// mounted" all read it.
type route struct {
	method, path string
	serve        func(*handler, h1.ResponseWriter, *http.Request)
	// devOnly routes are not mounted in production.
	devOnly bool
	// graphiql routes are mounted only when the embedded GraphiQL page is
	// served (playground on, handlerOptions.GraphiQL set).
	graphiql bool
}

// routes are v1's, in its registration order: Starlette's 405 names the
// methods of the first route whose path matches, so POST /graphql comes
// before GET /graphql.
var routes = []route{
	{method: http.MethodPost, path: "/graphql", serve: (*handler).postGraphQL},
	{method: http.MethodGet, path: "/graphql", serve: (*handler).getGraphQL},
	{method: http.MethodPost, path: "/graphql/rust", serve: (*handler).postRust},
	{method: http.MethodGet, path: "/graphql/metrics", serve: (*handler).getMetrics, devOnly: true},
	{method: http.MethodGet, path: "/health", serve: (*handler).getHealth},
	{method: http.MethodGet, path: "/ready", serve: (*handler).getReady},
	{method: http.MethodGet, path: "/graphql/graphiql/*", serve: (*handler).getGraphiQLAsset, graphiql: true},
}

// handler serves FraiseQL v1's routes with FastAPI's envelopes, behind the
// development Basic gate (outermost) and CORS, in v1's middleware order.
type handler struct {
	opts    handlerOptions
	policy  policy
	router  chi.Router
	mounted []route // routes minus what production leaves out
	metrics execMetrics
	logger  *slog.Logger
	devAuth *fastapi.DevBasic
	cors    *fastapi.CORS
	apq     fastapi.APQ
}

// newHandler builds the router. executor must be set.
func newHandler(opts handlerOptions) *handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 5 * time.Second
	}
	h := &handler{opts: opts, policy: newPolicy(opts.Environment, opts.IntrospectionPolicy, opts.Playground)}
	h.logger = opts.Logger
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if opts.DevAuth != nil && opts.DevAuth.Password != "" && !h.policy.production {
		h.devAuth = opts.DevAuth
	}
	if opts.CORS != nil {
		o := *opts.CORS
		o.CredentialsOnRefusedOrigin = opts.Quirks.V1() // quirk 15
		h.cors = fastapi.NewCORS(&o)
	}
	h.apq = fastapi.APQ{Mode: opts.APQMode, Store: opts.APQStore, Logger: h.logger, TrustHash: opts.Quirks.V1(), Stats: opts.APQStats}
	if h.apq.Mode == "" {
		h.apq.Mode = fastapi.APQOptional
	}
	if h.apq.Store == nil {
		h.apq.Store = fastapi.NewMemoryAPQStore(0, 0)
	}
	r := chi.NewRouter()
	for _, rt := range routes {
		if rt.devOnly && h.policy.production {
			continue
		}
		if rt.graphiql && (opts.GraphiQL == nil || !h.policy.playground) {
			continue
		}
		h.mounted = append(h.mounted, rt)
		serve := rt.serve
		// ServeHTTP hands the router an h1.ResponseWriter (h1.Adapt), and
		// chi passes it through unchanged.
		r.Method(rt.method, rt.path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			serve(h, w.(h1.ResponseWriter), r)
		}))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		fastapi.NotFound(w.(h1.ResponseWriter), r, h.isMounted)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		fastapi.MethodNotAllowed(w.(h1.ResponseWriter), h.allow(r.URL.Path))
	})
	h.router = r
	return h
}

// isMounted reports whether a route serves path.
func (h *handler) isMounted(path string) bool {
	return h.allow(path) != ""
}

// allow is the method of the first mounted route on path, "" when none.
func (h *handler) allow(path string) string {
	for _, rt := range h.mounted {
		if rt.path == path {
			return rt.method
		}
		if prefix, ok := strings.CutSuffix(rt.path, "*"); ok && strings.HasPrefix(path, prefix) {
			return rt.method
		}
	}
	return ""
}

// ServeHTTP implements http.Handler: the development Basic gate, then
// CORS, then the routes (v1: DevAuthMiddleware outermost, CORSMiddleware
// inside it). Under h1.Server w is already an h1.ResponseWriter; any other
// writer (net/http, httptest) is adapted, so the routes have one way to
// answer.
//
// Every response, whatever route or middleware wrote it, then passes the
// compression step here, the one place it happens (not after a panic:
// the connection layer answers that 500 itself).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw, flush := h1.Adapt(w)
	defer flush()
	h.serve(rw, r)
	if h.opts.Compressor != nil {
		h.opts.Compressor.Apply(rw, r)
	}
}

func (h *handler) serve(rw h1.ResponseWriter, r *http.Request) {
	if h.opts.Quirks.V1() && r.RequestURI != "" && r.RequestURI[0] != '/' && r.RequestURI != "*" {
		r = v1AbsoluteForm(r)
	}
	if h.devAuth != nil && h.devAuth.Refuse(rw, r) {
		return
	}
	if h.cors != nil {
		h.cors.Serve(rw, r, h.router)
		return
	}
	h.router.ServeHTTP(rw, r)
}

// v1AbsoluteForm is a request whose target is in absolute form
// ("GET http://host/health") as v1.9.7's h11 reads it: the whole target is
// the path, so no route matches and the answer is Starlette's 404. (By
// default the server accepts the absolute form, as RFC 9112 §3.2.2 asks.)
func v1AbsoluteForm(r *http.Request) *http.Request {
	target, query, _ := strings.Cut(r.RequestURI, "?")
	path, err := url.PathUnescape(target)
	if err != nil {
		path = target
	}
	u := *r.URL
	u.Path, u.RawPath, u.RawQuery = path, "", query
	r2 := r.Clone(r.Context())
	r2.URL = &u
	return r2
}

func (h *handler) postGraphQL(w h1.ResponseWriter, r *http.Request) {
	start := time.Now()
	d, ok := fastapi.ReadGraphQLBody(w, r, h.maxEcho())
	if d != nil && d.Parsed() {
		// v1 counts these requests in /graphql/metrics (see metrics.go).
		defer func() { h.metrics.record(time.Since(start)) }()
	}
	if !ok {
		if (d == nil || !d.Parsed()) && w.Status() == http.StatusUnprocessableEntity &&
			!h.opts.Quirks.V1() && gqlhttp.WantsGraphQLResponse(r.Header.Get("Accept")) {
			// GraphQL over HTTP: a body that is not JSON is a 400 for a
			// client of the spec's media type (FastAPI's 422 body kept);
			// application/json clients keep v1's 422.
			ct, body := w.Body()
			w.Respond(http.StatusBadRequest, ct, body)
		}
		return
	}
	h.serveGraphQL(w, r, &d.Request, d.Extensions, d.QueryLoneSurrogate)
}

// serveGraphQL is v1's graphql_endpoint after the body model: the 401 gate,
// APQ, then execution with the user's claims.
func (h *handler) serveGraphQL(w h1.ResponseWriter, r *http.Request, req *graphqlexec.Request, ext *pyjson.Value, loneSurrogate bool) {
	user, sessionVars, refused := h.authenticate(r)
	if refused && !h.opts.Quirks.V1() {
		// RFC 6750 §3.1: a token was presented and is not valid. v1.9.7
		// treats the request as anonymous instead (quirk 13).
		fastapi.InvalidToken(w)
		return
	}
	if h.opts.RateLimiter != nil && !h.allowRate(w, r, user) {
		return
	}
	if user == nil && h.opts.Verifier != nil && !h.gateExempt(req) {
		fastapi.AuthRequired(w)
		return
	}
	if !h.apq.Resolve(w, r, req, ext, loneSurrogate) {
		return
	}
	if user != nil {
		req.Claims = user.Claims
	}
	req.SessionVars = sessionVars
	h.execute(w, r, req)
}

// authenticate returns the request's user, or nil (anonymous) when there is
// no provider or no bearer token, with the request's session variables,
// resolved once here from the claim mapping (an anonymous request gets the
// defaults). refused says a bearer token was presented and failed
// verification (or carries a claim PostgreSQL cannot hold); the request is
// then anonymous, and the reason is logged at debug level and never
// reaches the client.
func (h *handler) authenticate(r *http.Request) (user *auth.User, vars []graphqlexec.SessionVar, refused bool) {
	if h.opts.Verifier != nil {
		if token, ok := auth.BearerToken(r.Header.Get("Authorization")); ok {
			u, err := h.opts.Verifier.Verify(r.Context(), token)
			if err == nil {
				// A claim PostgreSQL cannot hold (a NUL byte) makes the
				// token as unusable as a bad signature.
				if vars, err = h.sessionVars(u); err == nil {
					return u, vars, false
				}
			}
			h.logger.DebugContext(r.Context(), "bearer token refused", "err", err)
			refused = true
		}
	}
	vars, _ = h.sessionVars(nil) // defaults only; a default holding NUL sets nothing
	return nil, vars, refused
}

// MaxEchoBytes bounds what a 422 echoes of each invalid input by default:
// v1 (and --quirks v1.9.7) sends the whole input back, up to the 10 MiB body
// limit.
const MaxEchoBytes = 1024

func (h *handler) maxEcho() int {
	if h.opts.Quirks.V1() {
		return 0
	}
	return MaxEchoBytes
}

// bodyTooManyRequests is Starlette's HTTPException(429) body.
var bodyTooManyRequests = []byte(`{"detail":"Too Many Requests"}`)

// allowRate takes a token of the client's bucket, or answers 429 with
// Retry-After (whole seconds, at least 1) and reports false.
func (h *handler) allowRate(w h1.ResponseWriter, r *http.Request, user *auth.User) bool {
	key := ""
	if h.opts.RateLimitBySubject && user != nil && user.UserID != "" {
		key = "sub:" + user.UserID
	} else {
		key = "ip:" + clientIP(r)
	}
	ok, wait := h.opts.RateLimiter.Allow(key)
	if ok {
		return true
	}
	secs := int64((wait + time.Second - 1) / time.Second)
	w.AddHeader("retry-after", strconv.FormatInt(max(secs, 1), 10))
	w.Respond(http.StatusTooManyRequests, fastapi.ContentTypeJSON, bodyTooManyRequests)
	return false
}

// clientIP is the address of the connection's peer (not a forwarded
// header, which the client controls).
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// sessionVars resolves the claim-to-setting mapping for user (nil:
// anonymous); the engine checks the names (ValidSessionVarName, also
// checked at startup) and binds the values.
func (h *handler) sessionVars(user *auth.User) ([]graphqlexec.SessionVar, error) {
	if len(h.opts.SessionVars) == 0 {
		return nil, nil
	}
	settings, err := h.opts.SessionVars.Settings(user)
	if err != nil {
		return nil, err
	}
	out := make([]graphqlexec.SessionVar, len(settings))
	for i, s := range settings {
		out[i] = graphqlexec.SessionVar{Name: s.Name, Value: s.Value}
	}
	return out, nil
}

// operationTyper tells a document's operation type before it runs;
// *graphqlexec.Engine satisfies it.
type operationTyper interface {
	OperationType(query string, operationName *string) string
}

// introspector tells a real introspection operation from text that only
// mentions __schema; *graphqlexec.Engine satisfies it.
type introspector interface {
	IntrospectionOnly(query string, operationName *string) bool
}

// gateExempt is v1's introspection exemption from the 401 gate, in
// development or under the "authenticated" introspection policy: schema
// loading (GraphiQL, codegen) works without a token. By default only a real
// introspection operation is exempt (Engine.IntrospectionOnly); v1.9.7
// exempts any text containing "__schema", a comment is enough (quirk 13).
// A hash-only APQ request has no text yet and is never exempt.
func (h *handler) gateExempt(req *graphqlexec.Request) bool {
	if !h.policy.schemaExempt || req.QueryMissing {
		return false
	}
	if h.opts.Quirks.V1() {
		return strings.Contains(req.Query, "__schema")
	}
	in, ok := h.opts.Executor.(introspector)
	return ok && in.IntrospectionOnly(req.Query, req.OperationName)
}

func (h *handler) execute(w h1.ResponseWriter, r *http.Request, req *graphqlexec.Request) {
	// The body is appended to the writer's empty pooled buffer, so it is
	// not copied; the buffer keeps its capacity for the next request.
	buf, resp := h.opts.Executor.ExecuteAppend(r.Context(), w.Buffer(), req)
	if rec := obs.FromContext(r.Context()); rec != nil {
		rec.Operation = resp.Operation
		if req.OperationName != nil {
			rec.OperationName = *req.OperationName
		}
	}
	if resp.InternalError {
		fastapi.ServerError(w)
		return
	}
	if !h.opts.Quirks.V1() && gqlhttp.WantsGraphQLResponse(r.Header.Get("Accept")) {
		// GraphQL over HTTP: the spec's media type, and 400 when the
		// request was refused before execution (no "data" entry).
		w.RespondBuffer(gqlhttp.Status(resp.Body), gqlhttp.ContentType, buf)
		return
	}
	w.RespondBuffer(http.StatusOK, fastapi.ContentTypeJSON, buf)
}

// getGraphiQLAsset serves the embedded GraphiQL page's scripts and styles.
func (h *handler) getGraphiQLAsset(w h1.ResponseWriter, r *http.Request) {
	h.opts.GraphiQL.ServeHTTP(w, r)
}

// getGraphQL is v1's graphql_get_endpoint.
func (h *handler) getGraphQL(w h1.ResponseWriter, r *http.Request) {
	if h.policy.production {
		// v1 forces enable_playground off in production, so every GET is 404
		// with a lower-case "found".
		w.Respond(http.StatusNotFound, fastapi.ContentTypeJSON, bodyNotFoundLower)
		return
	}
	rawQuery := r.URL.RawQuery
	query, hasQuery := fastapi.QueryParam(rawQuery, "query")
	if !hasQuery {
		if h.policy.playground {
			if h.opts.GraphiQL != nil {
				h.opts.GraphiQL.ServePage(w, r)
				return
			}
			w.Respond(http.StatusOK, fastapi.ContentTypeHTML, fastapi.GraphiQLPage)
			return
		}
		w.Respond(http.StatusBadRequest, fastapi.ContentTypeJSON, bodyQueryRequired)
		return
	}
	start := time.Now()
	req := graphqlexec.Request{Query: query}
	if vars, ok := fastapi.QueryParam(rawQuery, "variables"); ok && vars != "" {
		// json.loads of a str: unlike bytes, a leading BOM is an error.
		if strings.HasPrefix(vars, "\uFEFF") {
			w.Respond(http.StatusBadRequest, fastapi.ContentTypeJSON, bodyBadVariables)
			return
		}
		v, err := pyjson.Decode([]byte(vars))
		if err != nil {
			if _, ok := err.(*pyjson.SyntaxError); ok {
				w.Respond(http.StatusBadRequest, fastapi.ContentTypeJSON, bodyBadVariables)
				return
			}
			// RecursionError / ValueError escape the handler: 500.
			fastapi.ServerError(w)
			return
		}
		switch v.Kind {
		case pyjson.Null:
		case pyjson.Object:
			req.Variables = &v
		default:
			// GraphQLRequest(variables=[1]) raises a pydantic
			// ValidationError inside the handler, not a 422.
			fastapi.ServerError(w)
			return
		}
	}
	if op, ok := fastapi.QueryParam(rawQuery, "operationName"); ok {
		req.OperationName = &op
	}
	if !h.opts.Quirks.V1() {
		// GraphQL over HTTP: a mutation is never run by GET (a link or an
		// image tag could otherwise change data: CSRF). v1.9.7 runs it.
		if ot, ok := h.opts.Executor.(operationTyper); ok && ot.OperationType(req.Query, req.OperationName) == "mutation" {
			fastapi.MethodNotAllowed(w, http.MethodPost)
			return
		}
	}
	defer func() { h.metrics.record(time.Since(start)) }()
	h.serveGraphQL(w, r, &req, nil, false)
}

// postRust is v1's POST /graphql/rust: the body model is validated, then
// the handler always fails.
func (h *handler) postRust(w h1.ResponseWriter, r *http.Request) {
	if _, ok := fastapi.ReadGraphQLBody(w, r, h.maxEcho()); !ok {
		return
	}
	fastapi.ServerError(w)
}

func (h *handler) getHealth(w h1.ResponseWriter, r *http.Request) {
	w.Respond(http.StatusOK, fastapi.ContentTypeJSON, bodyHealthy)
}

// readyDatabaseUnavailable is /ready's reason for a failed ping by default:
// the driver's error (in the log) names the database user, the database and
// the socket path, which an unauthenticated probe must not learn.
const readyDatabaseUnavailable = "database unavailable"

// getReady is v1's /ready: key order status, checks (database, schema),
// timestamp (Python's repr of time.time()).
func (h *handler) getReady(w h1.ResponseWriter, r *http.Request) {
	database := "ok"
	if h.opts.DB == nil {
		database = "failed: pool not initialized"
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.ReadyTimeout)
		err := h.opts.DB.Ping(ctx)
		cancel()
		if err != nil {
			if h.opts.Quirks.V1() {
				// v1 shows the driver's text, which names the database
				// user, the database and the socket path or host.
				database = "failed: " + truncateRunes(err.Error(), 100)
			} else {
				h.logger.WarnContext(r.Context(), "ready: database ping failed", "err", err)
				database = "failed: " + readyDatabaseUnavailable
			}
		}
	}
	schemaStatus := "ok"
	if d := h.opts.Declaration; d != nil && !h.opts.Quirks.V1() {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.ReadyTimeout)
		schemaStatus = d.status(ctx, database == "ok")
		cancel()
	}
	status, code := "ready", http.StatusOK
	listening := h.opts.Listening == nil || h.opts.Listening()
	if database != "ok" || schemaStatus != "ok" || !listening {
		status, code = "not_ready", http.StatusServiceUnavailable
	}
	b := append(w.Buffer(), `{"status":"`...)
	b = append(b, status...)
	b = append(b, `","checks":{"database":`...)
	b = pyjson.AppendString(b, database, false)
	b = append(b, `,"schema":`...)
	b = pyjson.AppendString(b, schemaStatus, false)
	if h.opts.Listening != nil {
		// Without LISTEN this instance's subscribers get no events: a load
		// balancer should send new clients elsewhere until it is back.
		if listening {
			b = append(b, `,"subscriptions":"ok"`...)
		} else {
			b = append(b, `,"subscriptions":"failed: not listening for changes"`...)
		}
	}
	b = append(b, `},"timestamp":`...)
	b = pyjson.AppendFloat(b, float64(h.opts.Now().UnixNano())/1e9)
	b = append(b, '}')
	w.RespondBuffer(code, fastapi.ContentTypeJSON, b)
}

func (h *handler) getMetrics(w h1.ResponseWriter, r *http.Request) {
	w.RespondBuffer(http.StatusOK, fastapi.ContentTypeJSON, h.metrics.appendJSON(w.Buffer()))
}

// truncateRunes is Python's s[:n] (code points, not bytes).
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}
