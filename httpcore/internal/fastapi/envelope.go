package fastapi

import (
	_ "embed"
	"net/http"
	"strings"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

// Content types as Starlette's responses name them.
const (
	ContentTypeJSON = "application/json"
	ContentTypeText = "text/plain; charset=utf-8"
	ContentTypeHTML = "text/html; charset=utf-8"
)

// GraphiQLPage is FraiseQL v1's playground page, byte for byte.
//
//go:embed playground.html
var GraphiQLPage []byte

// Starlette's and FastAPI's own bodies.
var (
	bodyNotFound         = []byte(`{"detail":"Not Found"}`)
	bodyMethodNotAllowed = []byte(`{"detail":"Method Not Allowed"}`)
	bodyParseFailed      = []byte(`{"detail":"There was an error parsing the body"}`)
	bodyInternalError    = []byte("Internal Server Error")
)

// ServerError answers Starlette's ServerErrorMiddleware 500, which v1 sends
// for any exception escaping a handler. It is the only 500 this layer
// writes; because that middleware sits outside CORS in v1, CORS.Serve adds
// nothing to a 500.
func ServerError(w h1.ResponseWriter) {
	w.Respond(http.StatusInternalServerError, ContentTypeText, bodyInternalError)
}

// NotFound is Starlette's router fallback: redirect_slashes first (a path
// that is mounted once its trailing slash is removed gets a 307 to it,
// query kept), then {"detail":"Not Found"}.
func NotFound(w h1.ResponseWriter, r *http.Request, mounted func(path string) bool) {
	path := r.URL.Path
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		if trimmed := strings.TrimSuffix(path, "/"); mounted(trimmed) {
			scheme := "http://" // Starlette builds it from the request's scheme
			if r.TLS != nil {
				scheme = "https://"
			}
			loc := scheme + r.Host + trimmed
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			w.AppendHeader("location", loc)
			w.Respond(http.StatusTemporaryRedirect, "", nil)
			return
		}
	}
	w.Respond(http.StatusNotFound, ContentTypeJSON, bodyNotFound)
}

// MethodNotAllowed is Starlette's 405; allow names the methods of the first
// route whose path matched ("" omits the header).
func MethodNotAllowed(w h1.ResponseWriter, allow string) {
	if allow != "" {
		w.AddHeader("allow", allow)
	}
	w.Respond(http.StatusMethodNotAllowed, ContentTypeJSON, bodyMethodNotAllowed)
}
