package httpcore

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Executor runs one GraphQL request; *graphqlexec.Engine satisfies it.
type Executor interface {
	Execute(ctx context.Context, req *graphqlexec.Request) graphqlexec.Response
}

// AppendExecutor is an Executor that can append the body to a buffer the
// caller owns (*graphqlexec.Engine does). With this package's server the
// body is then written straight into the pooled response buffer, instead
// of being allocated by the engine and copied.
type AppendExecutor interface {
	Executor
	ExecuteAppend(ctx context.Context, dst []byte, req *graphqlexec.Request) ([]byte, graphqlexec.Response)
}

// Pinger is what GET /ready asks of the database.
type Pinger interface {
	Ping(ctx context.Context) error
}

// HandlerOptions configure the FraiseQL routes.
type HandlerOptions struct {
	Environment graphqlexec.Environment
	// Playground serves GraphiQL on GET /graphql without a query. Like v1,
	// it is ignored (off) in production.
	Playground bool
	Executor   Executor
	// DB is pinged by /ready; nil reports the pool as not initialised.
	DB Pinger
	// ReadyTimeout bounds the /ready ping; 0 means 5 s.
	ReadyTimeout time.Duration
	// Now is the clock for /ready's timestamp; nil means time.Now.
	Now func() time.Time

	// IntrospectionPolicy is the effective policy; with "authenticated" a
	// query mentioning __schema passes the 401 gate in production too.
	IntrospectionPolicy graphqlexec.IntrospectionPolicy
	// Verifier is the token provider. nil means no provider: every request
	// runs anonymous and there is no 401 gate (v1 without auth=).
	Verifier auth.Verifier
	// SessionVars map claims to PostgreSQL settings for each request.
	SessionVars auth.SessionVars
	// DevAuth turns on the development Basic gate (ignored in production).
	DevAuth *DevAuth
	// APQMode defaults to optional; APQStore defaults to an in-memory store
	// with the default bounds.
	APQMode  APQMode
	APQStore APQStore
	// CORS turns on the CORS middleware when non-nil.
	CORS *CORSOptions
	// Logger receives what clients are never told (why a token was refused,
	// APQ store failures); nil discards.
	Logger *slog.Logger
}

// DevAuth is the development HTTP Basic gate's account (v1's
// dev_auth_username / dev_auth_password).
type DevAuth struct {
	Username, Password string
}

const (
	contentTypeJSON = "application/json"
	contentTypeText = "text/plain; charset=utf-8"
	contentTypeHTML = "text/html; charset=utf-8"
)

//go:embed playground.html
var graphiqlHTML []byte

// Fixed bodies, byte for byte as FastAPI/Starlette write them.
var (
	bodyNotFound         = []byte(`{"detail":"Not Found"}`)
	bodyNotFoundLower    = []byte(`{"detail":"Not found"}`)
	bodyMethodNotAllowed = []byte(`{"detail":"Method Not Allowed"}`)
	bodyParseFailed      = []byte(`{"detail":"There was an error parsing the body"}`)
	bodyInternalError    = []byte("Internal Server Error")
	bodyQueryRequired    = []byte(`{"detail":"Query parameter is required"}`)
	bodyBadVariables     = []byte(`{"detail":"Invalid JSON in variables parameter"}`)
	bodyHealthy          = []byte(`{"status":"healthy","service":"fraiseql"}`)
	bodyAuthRequired     = []byte(`{"detail":"Authentication required"}`)
	bodyDevAuthRequired  = []byte(auth.DevBasicBody)
)

// allowedMethods is the "allow" header of a 405 per path: Starlette names
// the methods of the first route whose path matches, and FraiseQL registers
// POST /graphql before GET /graphql.
var allowedMethods = map[string]string{
	"/graphql":         "POST",
	"/graphql/rust":    "POST",
	"/graphql/metrics": "GET",
	"/health":          "GET",
	"/ready":           "GET",
}

// Handler serves FraiseQL v1's routes with FastAPI's envelopes, behind the
// development Basic gate (outermost) and CORS, in v1's middleware order.
type Handler struct {
	opts       HandlerOptions
	production bool
	playground bool
	router     chi.Router
	metrics    metrics
	logger     *slog.Logger
	devAuth    *DevAuth
	cors       *cors
	apq        apq
	// schemaExempt: a query containing "__schema" skips the 401 gate.
	schemaExempt bool
}

// NewHandler builds the router. Executor must be set.
func NewHandler(opts HandlerOptions) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 5 * time.Second
	}
	h := &Handler{opts: opts, production: opts.Environment == graphqlexec.Production}
	h.playground = opts.Playground && !h.production
	h.logger = opts.Logger
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if opts.DevAuth != nil && opts.DevAuth.Password != "" && !h.production {
		h.devAuth = opts.DevAuth
	}
	if opts.CORS != nil {
		h.cors = newCORS(opts.CORS)
	}
	h.apq = apq{mode: opts.APQMode, store: opts.APQStore, logger: h.logger}
	if h.apq.mode == "" {
		h.apq.mode = APQOptional
	}
	if h.apq.store == nil {
		h.apq.store = NewMemoryAPQStore(0, 0)
	}
	h.schemaExempt = opts.Environment == graphqlexec.Development ||
		opts.IntrospectionPolicy == graphqlexec.IntrospectionAuthenticated
	r := chi.NewRouter()
	r.Post("/graphql", h.postGraphQL)
	r.Get("/graphql", h.getGraphQL)
	r.Post("/graphql/rust", h.postRust)
	if !h.production {
		r.Get("/graphql/metrics", h.getMetrics)
	}
	r.Get("/health", h.getHealth)
	r.Get("/ready", h.getReady)
	r.NotFound(h.notFound)
	r.MethodNotAllowed(h.methodNotAllowed)
	h.router = r
	return h
}

// ServeHTTP implements http.Handler: the development Basic gate, then
// CORS, then the routes (v1: DevAuthMiddleware outermost, CORSMiddleware
// inside it).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.devAuth != nil && auth.DevBasicProtected(r.URL.Path) &&
		!auth.CheckDevBasic(r.Header.Get("Authorization"), h.devAuth.Username, h.devAuth.Password) {
		// Starlette Response without a media type: no content-type line.
		addHeader(w, "www-authenticate", auth.DevBasicRealm)
		writeResponse(w, http.StatusUnauthorized, "", bodyDevAuthRequired)
		return
	}
	if h.cors != nil {
		h.cors.serve(w, r, h.router)
		return
	}
	h.router.ServeHTTP(w, r)
}

func (h *Handler) postGraphQL(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	d, ok := h.readBody(w, r)
	if d != nil && d.outcome != bodyParseError && (d.outcome != bodyInvalid422 || d.errors[0].typ != "json_invalid") {
		// v1 counts these requests in /graphql/metrics (see metrics.go).
		defer func() { h.metrics.record(time.Since(start)) }()
	}
	if !ok {
		return
	}
	h.serveGraphQL(w, r, &d.req, d.extensions, d.queryLoneSurrogate)
}

// serveGraphQL is v1's graphql_endpoint after the body model: the 401 gate,
// APQ, then execution with the user's claims.
func (h *Handler) serveGraphQL(w http.ResponseWriter, r *http.Request, req *graphqlexec.Request, ext *pyjson.Value, loneSurrogate bool) {
	user := h.authenticate(r)
	if user == nil && h.opts.Verifier != nil && !h.gateExempt(req) {
		writeResponse(w, http.StatusUnauthorized, contentTypeJSON, bodyAuthRequired)
		return
	}
	if !h.apq.resolve(w, r, req, ext, loneSurrogate) {
		return
	}
	if user != nil {
		req.Claims = user.Claims
	}
	if len(h.opts.SessionVars) > 0 {
		req.SessionVars = h.sessionVars(user)
	}
	h.execute(w, r, req)
}

// sessionVars resolves the claim-to-setting mapping for the request;
// authenticate has checked that the user's claims resolve.
func (h *Handler) sessionVars(user *auth.User) []graphqlexec.SessionVar {
	settings, err := h.opts.SessionVars.Settings(user)
	if err != nil {
		return nil // names were validated at startup; values checked in authenticate
	}
	out := make([]graphqlexec.SessionVar, len(settings))
	for i, s := range settings {
		out[i] = graphqlexec.SessionVar{Name: s.Name, Value: s.Value}
	}
	return out
}

// authenticate returns the request's user, or nil (anonymous) when there is
// no provider, no bearer token, or the token fails verification for any
// reason. The reason is logged at debug level and never reaches the client:
// v1 answers exactly as for a request without a token.
func (h *Handler) authenticate(r *http.Request) *auth.User {
	if h.opts.Verifier == nil {
		return nil
	}
	token, ok := auth.BearerToken(r.Header.Get("Authorization"))
	if !ok {
		return nil
	}
	user, err := h.opts.Verifier.Verify(r.Context(), token)
	if err == nil && len(h.opts.SessionVars) > 0 {
		// A claim PostgreSQL cannot hold (a NUL byte) makes the token as
		// unusable as a bad signature.
		_, err = h.opts.SessionVars.Settings(user)
	}
	if err != nil {
		h.logger.DebugContext(r.Context(), "bearer token refused; request is anonymous", "err", err)
		return nil
	}
	return user
}

// gateExempt is v1's introspection exemption from the 401 gate: a query
// whose text contains "__schema" anywhere (a comment is enough), in
// development or under the "authenticated" introspection policy. A
// hash-only APQ request has no text yet and is never exempt.
func (h *Handler) gateExempt(req *graphqlexec.Request) bool {
	return h.schemaExempt && !req.QueryMissing && strings.Contains(req.Query, "__schema")
}

// readBody writes the error answer and returns ok=false when the body does
// not make a valid GraphQLRequest.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) (*decodedBody, bool) {
	body, err := BodyBytes(r)
	if err != nil {
		writeResponse(w, http.StatusBadRequest, contentTypeJSON, bodyParseFailed)
		return nil, false
	}
	d := decodeBody(body, r.Header.Get("Content-Type"))
	switch d.outcome {
	case bodyValid:
		return d, true
	case bodyInvalid422:
		out, err := append422(nil, d.errors)
		if err != nil {
			writeServerError(w)
		} else {
			writeResponse(w, http.StatusUnprocessableEntity, contentTypeJSON, out)
		}
	case bodyParseError:
		writeResponse(w, http.StatusBadRequest, contentTypeJSON, bodyParseFailed)
	default:
		writeServerError(w)
	}
	return d, false
}

func (h *Handler) execute(w http.ResponseWriter, r *http.Request, req *graphqlexec.Request) {
	if rw, ok := w.(*responseWriter); ok {
		if ae, ok := h.opts.Executor.(AppendExecutor); ok {
			// The response writer's body is empty here (nothing is
			// written before the engine answers), so the body becomes
			// the whole buffer; the pooled buffer keeps its capacity.
			buf, resp := ae.ExecuteAppend(r.Context(), rw.body[:0], req)
			rw.body = buf
			if resp.InternalError {
				writeServerError(w)
				return
			}
			rw.status = http.StatusOK
			rw.contentType = contentTypeJSON
			return
		}
	}
	resp := h.opts.Executor.Execute(r.Context(), req)
	if resp.InternalError {
		writeServerError(w)
		return
	}
	writeResponse(w, http.StatusOK, contentTypeJSON, resp.Body)
}

// getGraphQL is v1's graphql_get_endpoint.
func (h *Handler) getGraphQL(w http.ResponseWriter, r *http.Request) {
	if h.production {
		// v1 forces enable_playground off in production, so every GET is 404
		// with a lower-case "found".
		writeResponse(w, http.StatusNotFound, contentTypeJSON, bodyNotFoundLower)
		return
	}
	rawQuery := r.URL.RawQuery
	query, hasQuery := queryParam(rawQuery, "query")
	if !hasQuery {
		if h.playground {
			writeResponse(w, http.StatusOK, contentTypeHTML, graphiqlHTML)
			return
		}
		writeResponse(w, http.StatusBadRequest, contentTypeJSON, bodyQueryRequired)
		return
	}
	start := time.Now()
	req := graphqlexec.Request{Query: query}
	if vars, ok := queryParam(rawQuery, "variables"); ok && vars != "" {
		// json.loads of a str: unlike bytes, a leading BOM is an error.
		if strings.HasPrefix(vars, "\uFEFF") {
			writeResponse(w, http.StatusBadRequest, contentTypeJSON, bodyBadVariables)
			return
		}
		v, err := pyjson.Decode([]byte(vars))
		if err != nil {
			if _, ok := err.(*pyjson.SyntaxError); ok {
				writeResponse(w, http.StatusBadRequest, contentTypeJSON, bodyBadVariables)
				return
			}
			// RecursionError / ValueError escape the handler: 500.
			writeServerError(w)
			return
		}
		switch v.Kind {
		case pyjson.Null:
		case pyjson.Object:
			req.Variables = &v
		default:
			// GraphQLRequest(variables=[1]) raises a pydantic
			// ValidationError inside the handler, not a 422.
			writeServerError(w)
			return
		}
	}
	if op, ok := queryParam(rawQuery, "operationName"); ok {
		req.OperationName = &op
	}
	defer func() { h.metrics.record(time.Since(start)) }()
	h.serveGraphQL(w, r, &req, nil, false)
}

// postRust is v1's POST /graphql/rust: the body model is validated, then
// the handler always fails.
func (h *Handler) postRust(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.readBody(w, r); !ok {
		return
	}
	writeServerError(w)
}

func (h *Handler) getHealth(w http.ResponseWriter, r *http.Request) {
	writeResponse(w, http.StatusOK, contentTypeJSON, bodyHealthy)
}

// getReady is v1's /ready: key order status, checks (database, schema),
// timestamp (Python's repr of time.time()).
func (h *Handler) getReady(w http.ResponseWriter, r *http.Request) {
	database := "ok"
	if h.opts.DB == nil {
		database = "failed: pool not initialized"
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.ReadyTimeout)
		err := h.opts.DB.Ping(ctx)
		cancel()
		if err != nil {
			database = "failed: " + truncateRunes(err.Error(), 100)
		}
	}
	status, code := "ready", http.StatusOK
	if database != "ok" {
		status, code = "not_ready", http.StatusServiceUnavailable
	}
	b := make([]byte, 0, 128)
	b = append(b, `{"status":"`...)
	b = append(b, status...)
	b = append(b, `","checks":{"database":`...)
	b = pyjson.AppendString(b, database, false)
	b = append(b, `,"schema":"ok"},"timestamp":`...)
	b = pyjson.AppendFloat(b, float64(h.opts.Now().UnixNano())/1e9)
	b = append(b, '}')
	writeResponse(w, code, contentTypeJSON, b)
}

func (h *Handler) getMetrics(w http.ResponseWriter, r *http.Request) {
	writeResponse(w, http.StatusOK, contentTypeJSON, h.metrics.appendJSON(nil))
}

// notFound is Starlette's router fallback: redirect_slashes first (a path
// that matches once its trailing slash is removed gets a 307 to it), then
// {"detail":"Not Found"}.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		trimmed := strings.TrimSuffix(path, "/")
		if _, known := allowedMethods[trimmed]; known && h.routeExists(trimmed) {
			loc := "http://" + r.Host + trimmed
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			if ho, ok := w.(HeaderOrder); ok {
				ho.AppendHeader("location", loc)
			} else {
				w.Header().Set("Location", loc)
			}
			writeResponse(w, http.StatusTemporaryRedirect, "", nil)
			return
		}
	}
	writeResponse(w, http.StatusNotFound, contentTypeJSON, bodyNotFound)
}

func (h *Handler) routeExists(path string) bool {
	return path != "/graphql/metrics" || !h.production
}

func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if allow, ok := allowedMethods[r.URL.Path]; ok {
		if ho, ok := w.(HeaderOrder); ok {
			ho.AddHeader("allow", allow)
		} else {
			w.Header().Set("Allow", allow)
		}
	}
	writeResponse(w, http.StatusMethodNotAllowed, contentTypeJSON, bodyMethodNotAllowed)
}

// writeServerError answers Starlette's ServerErrorMiddleware 500, which v1
// sends for any exception escaping a handler. That middleware sits outside
// CORS, so the answer is marked to stay free of CORS headers.
func writeServerError(w http.ResponseWriter) {
	if rw, ok := w.(*responseWriter); ok {
		rw.setResponse(http.StatusInternalServerError, contentTypeText, bodyInternalError)
		rw.serverError = true
		return
	}
	writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
}

// isServerError reports whether w holds writeServerError's answer.
func isServerError(w http.ResponseWriter) bool {
	if rw, ok := w.(*responseWriter); ok {
		return rw.serverError
	}
	return false
}

// writeResponse sets a complete response; with this package's writer it
// allocates nothing.
func writeResponse(w http.ResponseWriter, status int, contentType string, body []byte) {
	if rw, ok := w.(*responseWriter); ok {
		rw.setResponse(status, contentType, body)
		return
	}
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	w.Write(body)
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
