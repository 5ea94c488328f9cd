package httpcore

import (
	"context"
	_ "embed"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/pyjson"
)

// Executor runs one GraphQL request; *graphqlexec.Engine satisfies it.
type Executor interface {
	Execute(ctx context.Context, req *graphqlexec.Request) graphqlexec.Response
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

// Handler serves FraiseQL v1's routes with FastAPI's envelopes.
type Handler struct {
	opts       HandlerOptions
	production bool
	playground bool
	router     chi.Router
	metrics    metrics
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

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	h.execute(w, r, &d.req)
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
			writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
		} else {
			writeResponse(w, http.StatusUnprocessableEntity, contentTypeJSON, out)
		}
	case bodyParseError:
		writeResponse(w, http.StatusBadRequest, contentTypeJSON, bodyParseFailed)
	default:
		writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
	}
	return d, false
}

func (h *Handler) execute(w http.ResponseWriter, r *http.Request, req *graphqlexec.Request) {
	resp := h.opts.Executor.Execute(r.Context(), req)
	if resp.InternalError {
		writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
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
			writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
			return
		}
		switch v.Kind {
		case pyjson.Null:
		case pyjson.Object:
			req.Variables = &v
		default:
			// GraphQLRequest(variables=[1]) raises a pydantic
			// ValidationError inside the handler, not a 422.
			writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
			return
		}
	}
	if op, ok := queryParam(rawQuery, "operationName"); ok {
		req.OperationName = &op
	}
	defer func() { h.metrics.record(time.Since(start)) }()
	h.execute(w, r, &req)
}

// postRust is v1's POST /graphql/rust: the body model is validated, then
// the handler always fails.
func (h *Handler) postRust(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.readBody(w, r); !ok {
		return
	}
	writeResponse(w, http.StatusInternalServerError, contentTypeText, bodyInternalError)
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
