package httpcore

import (
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
)

// TestCORS checks Starlette 0.49 CORSMiddleware's answers with v1's
// settings (credentials always on, max-age 600), for a list of origins and
// for "*", header by header and in order.
func TestCORS(t *testing.T) {
	t.Parallel()
	const app = "https://app.example.com"
	list := &fastapi.CORSOptions{Origins: []string{app}, Methods: []string{"GET", "POST"}, Headers: []string{"Content-Type", "Authorization"}}
	star := &fastapi.CORSOptions{Origins: []string{"*"}, Methods: []string{"GET", "POST"}, Headers: []string{"Content-Type", "Authorization"}}
	anyHeader := &fastapi.CORSOptions{Origins: []string{app}, Methods: []string{"*"}, Headers: []string{"*"}}
	query := `{"query":"{ a }"}`
	ok := "content-length: 22\r\ncontent-type: application/json"
	preflightBlock := []string{
		"vary: Origin",
		"access-control-allow-methods: GET, POST",
		"access-control-max-age: 600",
		"access-control-allow-headers: Accept, Accept-Language, Authorization, Content-Language, Content-Type",
		"access-control-allow-credentials: true",
	}
	with := func(extra ...string) []string { return append(append([]string{}, preflightBlock...), extra...) }
	tests := []struct {
		name string
		opts *fastapi.CORSOptions
		raw  []byte
		want string
	}{
		{"no origin: untouched", list, rawRequest("POST", "/graphql", nil, query),
			response("200 OK", []string{ok}, `{"data":{"fake":true}}`)},
		{"allowed origin", list, rawRequest("POST", "/graphql", []string{"Origin: " + app}, query),
			response("200 OK", []string{ok, "access-control-allow-credentials: true", "access-control-allow-origin: " + app, "vary: Origin"}, `{"data":{"fake":true}}`)},
		{"disallowed origin: credentials only", list, rawRequest("POST", "/graphql", []string{"Origin: https://evil.example.net"}, query),
			response("200 OK", []string{ok, "access-control-allow-credentials: true"}, `{"data":{"fake":true}}`)},
		{"origin match is exact", list, rawRequest("POST", "/graphql", []string{"Origin: https://APP.example.com"}, query),
			response("200 OK", []string{ok, "access-control-allow-credentials: true"}, `{"data":{"fake":true}}`)},
		{"empty origin header counts as present", list, rawRequest("POST", "/graphql", []string{"Origin: "}, query),
			response("200 OK", []string{ok, "access-control-allow-credentials: true"}, `{"data":{"fake":true}}`)},
		{"404 carries CORS headers", list, rawRequest("GET", "/nope", []string{"Origin: " + app}, ""),
			response("404 Not Found", []string{"content-length: 22", "content-type: application/json", "access-control-allow-credentials: true", "access-control-allow-origin: " + app, "vary: Origin"}, `{"detail":"Not Found"}`)},
		{"307 keeps location before CORS headers", list, rawRequest("GET", "/health/", []string{"Origin: " + app}, ""),
			response("307 Temporary Redirect", []string{"content-length: 0", "location: http://localhost:8000/health", "access-control-allow-credentials: true", "access-control-allow-origin: " + app, "vary: Origin"}, "")},
		{"Starlette 500 is outside CORS", list, rawRequest("POST", "/graphql/rust", []string{"Origin: " + app}, query),
			response("500 Internal Server Error", []string{"content-length: 21", "content-type: text/plain; charset=utf-8"}, "Internal Server Error")},
		{"OPTIONS without request method is no preflight: 405", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app}, ""),
			response("405 Method Not Allowed", []string{"allow: POST", "content-length: 31", "content-type: application/json", "access-control-allow-credentials: true", "access-control-allow-origin: " + app, "vary: Origin"}, `{"detail":"Method Not Allowed"}`)},
		{"preflight ok", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type"}, ""),
			response("200 OK", with("access-control-allow-origin: "+app, "content-length: 2", "content-type: text/plain; charset=utf-8"), "OK")},
		{"preflight on any path", list, rawRequest("OPTIONS", "/nowhere", []string{"Origin: " + app, "Access-Control-Request-Method: GET"}, ""),
			response("200 OK", with("access-control-allow-origin: "+app, "content-length: 2", "content-type: text/plain; charset=utf-8"), "OK")},
		{"preflight headers are trimmed and case-folded", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: Authorization , ACCEPT,content-language"}, ""),
			response("200 OK", with("access-control-allow-origin: "+app, "content-length: 2", "content-type: text/plain; charset=utf-8"), "OK")},
		{"preflight bad origin", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: https://evil.example.net", "Access-Control-Request-Method: POST"}, ""),
			response("400 Bad Request", with("content-length: 22", "content-type: text/plain; charset=utf-8"), "Disallowed CORS origin")},
		{"preflight bad method", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: PUT"}, ""),
			response("400 Bad Request", with("access-control-allow-origin: "+app, "content-length: 22", "content-type: text/plain; charset=utf-8"), "Disallowed CORS method")},
		{"preflight method is case-sensitive", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: post"}, ""),
			response("400 Bad Request", with("access-control-allow-origin: "+app, "content-length: 22", "content-type: text/plain; charset=utf-8"), "Disallowed CORS method")},
		{"preflight bad header", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: x-custom"}, ""),
			response("400 Bad Request", with("access-control-allow-origin: "+app, "content-length: 23", "content-type: text/plain; charset=utf-8"), "Disallowed CORS headers")},
		{"preflight empty header item fails", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: accept,"}, ""),
			response("400 Bad Request", with("access-control-allow-origin: "+app, "content-length: 23", "content-type: text/plain; charset=utf-8"), "Disallowed CORS headers")},
		{"preflight every failure listed", list, rawRequest("OPTIONS", "/graphql", []string{"Origin: https://evil.example.net", "Access-Control-Request-Method: DELETE", "Access-Control-Request-Headers: x-a"}, ""),
			response("400 Bad Request", with("content-length: 39", "content-type: text/plain; charset=utf-8"), "Disallowed CORS origin, method, headers")},
		{"star: simple response", star, rawRequest("POST", "/graphql", []string{"Origin: https://any.example"}, query),
			response("200 OK", []string{ok, "access-control-allow-origin: *", "access-control-allow-credentials: true"}, `{"data":{"fake":true}}`)},
		{"star with a cookie echoes the origin", star, rawRequest("POST", "/graphql", []string{"Origin: https://any.example", "Cookie: a=b"}, query),
			response("200 OK", []string{ok, "access-control-allow-origin: https://any.example", "access-control-allow-credentials: true", "vary: Origin"}, `{"data":{"fake":true}}`)},
		{"star: preflight echoes the origin", star, rawRequest("OPTIONS", "/graphql", []string{"Origin: https://any.example", "Access-Control-Request-Method: GET"}, ""),
			response("200 OK", with("access-control-allow-origin: https://any.example", "content-length: 2", "content-type: text/plain; charset=utf-8"), "OK")},
		{"any header: requested headers mirrored last, all methods", anyHeader, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: PATCH", "Access-Control-Request-Headers: X-Anything, x-other"}, ""),
			response("200 OK", []string{
				"vary: Origin",
				"access-control-allow-methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
				"access-control-max-age: 600",
				"access-control-allow-credentials: true",
				"access-control-allow-origin: " + app,
				"access-control-allow-headers: X-Anything, x-other",
				"content-length: 2", "content-type: text/plain; charset=utf-8"}, "OK")},
		{"any header without a request: no allow-headers", anyHeader, rawRequest("OPTIONS", "/graphql", []string{"Origin: " + app, "Access-Control-Request-Method: PATCH"}, ""),
			response("200 OK", []string{
				"vary: Origin",
				"access-control-allow-methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT",
				"access-control-max-age: 600",
				"access-control-allow-credentials: true",
				"access-control-allow-origin: " + app,
				"content-length: 2", "content-type: text/plain; charset=utf-8"}, "OK")},
	}
	// want is v1.9.7's answer; by default a refused origin gets no
	// access-control-allow-credentials (quirk 15).
	refused := map[string]bool{
		"disallowed origin: credentials only":   true,
		"origin match is exact":                 true,
		"empty origin header counts as present": true,
		"preflight bad origin":                  true,
		"preflight every failure listed":        true,
	}
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		for _, tt := range tests {
			t.Run(string(quirks)+"/"+tt.name, func(t *testing.T) {
				h := newHandler(handlerOptions{Environment: graphqlexec.Development, Playground: true, Executor: &fakeExecutor{}, DB: fakePinger{}, CORS: tt.opts, Quirks: quirks})
				ts := startServer(t, h, nil)
				got := string(normalizeDate(ts.exchange(tt.raw, false)))
				want := tt.want
				if refused[tt.name] && !quirks.V1() {
					want = strings.Replace(want, "access-control-allow-credentials: true\r\n", "", 1)
					if want == tt.want {
						t.Fatal("the v1.9.7 answer has no credentials line to remove")
					}
				}
				if got != want {
					t.Errorf("got\n%s\nwant\n%s", strings.ReplaceAll(got, "\r\n", "⏎\n"), strings.ReplaceAll(want, "\r\n", "⏎\n"))
				}
			})
		}
	}
}
