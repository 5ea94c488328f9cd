package fastapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

// CORS exactly as Starlette 0.49's CORSMiddleware answers with the settings
// FraiseQL v1 passes it (allow_credentials=True, max_age=600, no exposed
// headers, no origin regex); spec/fastapi-contract.md §10 and the cors
// goldens. In v1 the middleware wraps the router but sits inside the
// development Basic gate and inside Starlette's ServerErrorMiddleware, so:
//
//   - requests without an Origin header pass through untouched;
//   - an OPTIONS request with Access-Control-Request-Method is a preflight,
//     answered here for ANY path (200 "OK" or 400 "Disallowed CORS ...");
//     an OPTIONS without it reaches the router (405 on FraiseQL's routes);
//   - every other response with an Origin gets headers appended after
//     content-type: access-control-allow-credentials, the origin and
//     "vary: Origin" when allowed. v1 sends allow-credentials to refused
//     origins too, on preflights and other responses (quirk 15); that is
//     kept only with CredentialsOnRefusedOrigin (--quirks v1.9.7): a
//     refused origin is told nothing that grants it anything;
//   - the dev Basic gate's 401 and Starlette's 500 "Internal Server Error"
//     are written outside the middleware and carry no CORS header.

// CORSOptions configure CORS; see Config.CORSOrigins.
type CORSOptions struct {
	Origins []string
	Methods []string
	Headers []string
	// CredentialsOnRefusedOrigin restores v1.9.7's
	// access-control-allow-credentials on answers to refused origins.
	CredentialsOnRefusedOrigin bool
}

// corsAllMethods is Starlette's ALL_METHODS, used when Methods holds "*".
var corsAllMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// corsSafelisted is Starlette's SAFELISTED_HEADERS, always allowed.
var corsSafelisted = []string{"Accept", "Accept-Language", "Content-Language", "Content-Type"}

// Validate reports every invalid item; a nil *CORSOptions (CORS off) is valid.
func (o *CORSOptions) Validate() error {
	if o == nil {
		return nil
	}
	var errs []error
	for _, list := range [][]string{o.Origins, o.Methods, o.Headers} {
		for _, v := range list {
			if v == "" || strings.ContainsAny(v, "\r\n,") {
				errs = append(errs, fmt.Errorf("cors: %q is not a valid list item", v))
			}
		}
	}
	for _, h := range o.Headers {
		if h != "*" && !isToken(h) {
			errs = append(errs, fmt.Errorf("cors: header %q is not an HTTP header name", h))
		}
	}
	for _, m := range o.Methods {
		if m != "*" && !isToken(m) {
			errs = append(errs, fmt.Errorf("cors: method %q is not an HTTP method", m))
		}
	}
	if len(o.Methods) == 0 {
		errs = append(errs, errors.New("cors: no methods allowed"))
	}
	return errors.Join(errs...)
}

// isToken reports whether s is an RFC 9110 token (header and method names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// CORS is the compiled middleware (Starlette's __init__).
type CORS struct {
	allowAllOrigins bool
	origins         []string
	methods         []string
	allowAllHeaders bool
	allowedHeaders  []string // lower-cased, for the preflight check
	// refusedCredentials: v1.9.7's allow-credentials for refused origins.
	refusedCredentials bool
	// preflight is the fixed part of every preflight answer, in order.
	preflight []headerField
}

type headerField struct{ name, value string }

// NewCORS compiles o, which Validate has accepted.
func NewCORS(o *CORSOptions) *CORS {
	c := &CORS{
		refusedCredentials: o.CredentialsOnRefusedOrigin,
		allowAllOrigins:    slices.Contains(o.Origins, "*"),
		origins:            o.Origins,
		methods:            o.Methods,
		allowAllHeaders:    slices.Contains(o.Headers, "*"),
	}
	if slices.Contains(c.methods, "*") {
		c.methods = corsAllMethods
	}
	// sorted(SAFELISTED_HEADERS | set(allow_headers)): code-point order,
	// duplicates (exact spelling) removed.
	headers := append(slices.Clone(corsSafelisted), o.Headers...)
	slices.Sort(headers)
	headers = slices.Compact(headers)
	for _, h := range headers {
		c.allowedHeaders = append(c.allowedHeaders, strings.ToLower(h))
	}
	// Credentials are always on in v1, so the preflight always names the
	// origin explicitly and varies on it, even with "*".
	c.preflight = append(c.preflight,
		headerField{"vary", "Origin"},
		headerField{"access-control-allow-methods", strings.Join(c.methods, ", ")},
		headerField{"access-control-max-age", "600"},
	)
	if !c.allowAllHeaders {
		c.preflight = append(c.preflight, headerField{"access-control-allow-headers", strings.Join(headers, ", ")})
	}
	c.preflight = append(c.preflight, headerField{"access-control-allow-credentials", "true"})
	return c
}

func (c *CORS) allowedOrigin(origin string) bool {
	return c.allowAllOrigins || slices.Contains(c.origins, origin)
}

// Serve runs next under the middleware.
func (c *CORS) Serve(w h1.ResponseWriter, r *http.Request, next http.Handler) {
	origins, ok := r.Header["Origin"]
	if !ok || len(origins) == 0 {
		next.ServeHTTP(w, r)
		return
	}
	origin := origins[0]
	if r.Method == http.MethodOptions {
		if methods, ok := r.Header["Access-Control-Request-Method"]; ok && len(methods) > 0 {
			c.preflightResponse(w, r, origin, methods[0])
			return
		}
	}
	next.ServeHTTP(w, r)
	if w.Status() == http.StatusInternalServerError {
		// Only ServerError answers 500, and it is written outside the
		// middleware in v1.
		return
	}
	_, cookie := r.Header["Cookie"]
	switch {
	case c.allowAllOrigins && cookie:
		// "*" is not allowed with credentials when the browser sends
		// cookies: Starlette overwrites the "*" with the origin in place.
		w.AppendHeader("access-control-allow-origin", origin)
		w.AppendHeader("access-control-allow-credentials", "true")
		w.AppendHeader("vary", "Origin")
	case c.allowAllOrigins:
		w.AppendHeader("access-control-allow-origin", "*")
		w.AppendHeader("access-control-allow-credentials", "true")
	case c.allowedOrigin(origin):
		w.AppendHeader("access-control-allow-credentials", "true")
		w.AppendHeader("access-control-allow-origin", origin)
		w.AppendHeader("vary", "Origin")
	case c.refusedCredentials:
		w.AppendHeader("access-control-allow-credentials", "true")
	}
}

// preflightResponse is Starlette's preflight_response.
func (c *CORS) preflightResponse(w h1.ResponseWriter, r *http.Request, origin, method string) {
	allowed := c.allowedOrigin(origin)
	for _, f := range c.preflight {
		if f.name == "access-control-allow-credentials" && !allowed && !c.refusedCredentials {
			continue
		}
		w.AddHeader(f.name, f.value)
	}
	var failures []string
	if allowed {
		w.AddHeader("access-control-allow-origin", origin)
	} else {
		failures = append(failures, "origin")
	}
	if !slices.Contains(c.methods, method) {
		failures = append(failures, "method")
	}
	if requested, ok := r.Header["Access-Control-Request-Headers"]; ok && len(requested) > 0 {
		if c.allowAllHeaders {
			w.AddHeader("access-control-allow-headers", requested[0])
		} else {
			for _, h := range strings.Split(requested[0], ",") {
				if !slices.Contains(c.allowedHeaders, trimLatin1Space(asciiLower(h))) {
					failures = append(failures, "headers")
					break
				}
			}
		}
	}
	if len(failures) > 0 {
		w.Respond(http.StatusBadRequest, ContentTypeText, []byte("Disallowed CORS "+strings.Join(failures, ", ")))
		return
	}
	w.Respond(http.StatusOK, ContentTypeText, []byte("OK"))
}

// asciiLower lower-cases ASCII letters only. Starlette lower-cases the
// latin-1 decoded header with str.lower(), which maps no non-ASCII latin-1
// character to ASCII; allowed header names are ASCII tokens, so a non-ASCII
// byte can never match either way.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// trimLatin1Space is str.strip() of a header value Starlette decoded as
// latin-1. Go keeps the raw bytes, so each byte is one character: ASCII
// white space, the information separators 0x1C..0x1F, NEL (0x85) and NBSP
// (0xA0) are stripped.
func trimLatin1Space(s string) string {
	isSpace := func(c byte) bool {
		return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0
	}
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// AllowsOrigin reports whether origin is one CORS allows ("*" allows
// any): the WebSocket upgrade's Origin check uses it, so one setting
// governs both.
func (c *CORS) AllowsOrigin(origin string) bool { return c.allowedOrigin(origin) }
