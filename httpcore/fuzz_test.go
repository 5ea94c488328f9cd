package httpcore

import (
	"net/http"
	"testing"
)

// FuzzRequestBody sends arbitrary bodies and content types to POST /graphql
// and /graphql/rust. A body must never panic the handler, and a 5xx is only
// allowed where the contract has one: Starlette's 500 text when the 422
// input cannot be rendered (NaN, a lone surrogate, raw non-UTF-8 bytes) and
// always on /graphql/rust once the body is valid.
func FuzzRequestBody(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `{bad`, `{"query":"{ a }"}`, `{"query":123}`,
		`{"query":"{ a }","variables":{"x":[1,2.5,-0,1e400]}}`, `{"query":NaN}`,
		`{"query":"\ud800"}`, `{"extensions":{"persistedQuery":{"version":1.0,"sha256Hash":"h"}}}`,
		"\xef\xbb\xbf{}", "{\"query\":\"\xff\"}", `[[[[[[[[[[]]]]]]]]]]`,
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`{"query":"{ a }"}`, "text/plain")
	f.Add(`{}`, "application/graphql+json; charset=utf-8")
	h := devHandler(&fakeExecutor{})
	f.Fuzz(func(t *testing.T, body, contentType string) {
		for _, path := range []string{"/graphql", "/graphql/rust"} {
			w := serve(h, "POST", path, contentType, body)
			switch {
			case w.Code == http.StatusOK, w.Code == http.StatusUnprocessableEntity, w.Code == http.StatusBadRequest:
			case w.Code == http.StatusInternalServerError && w.Body.String() == "Internal Server Error":
				if path == "/graphql" {
					d := decodeBody([]byte(body), contentType)
					if d.outcome == bodyValid {
						t.Fatalf("500 for a valid body %q", body)
					}
				}
			default:
				t.Fatalf("%s %q (%q): status %d %q", path, body, contentType, w.Code, w.Body)
			}
		}
	})
}
