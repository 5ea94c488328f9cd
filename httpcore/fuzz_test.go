package httpcore

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/pyjson"
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
					d := fastapi.DecodeBody([]byte(body), contentType)
					if d.Outcome == fastapi.BodyValid && !blankAPQRegistration(d) {
						t.Fatalf("500 for a valid body %q", body)
					}
				}
			default:
				t.Fatalf("%s %q (%q): status %d %q", path, body, contentType, w.Code, w.Body)
			}
		}
	})
}

// blankAPQRegistration: v1's store raises outside the handler (500) for a
// registration whose query is blank or cannot be hashed.
func blankAPQRegistration(d *fastapi.GraphQLBody) bool {
	if d.Extensions == nil || d.Extensions.Get("persistedQuery") == nil || d.Request.QueryMissing || d.Request.Query == "" {
		return false
	}
	return d.QueryLoneSurrogate || strings.TrimFunc(d.Request.Query, func(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }) == ""
}

// FuzzAPQExtensions drives the APQ step with arbitrary bodies: it must
// answer only 200, 422 or the contract's 500; a registration that executed
// must make the same hash a hit for the same text; a hash-only request
// must execute exactly what was registered under that hash, or miss.
func FuzzAPQExtensions(f *testing.F) {
	for _, seed := range []string{
		`{"query":"{ a }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"h"}}}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"h"}}}`,
		`{"extensions":{"persistedQuery":{"version":1.0,"sha256Hash":" "}}}`,
		`{"query":" ","extensions":{"persistedQuery":{"version":true,"sha256Hash":"h"}}}`,
		`{"query":"\ud800","extensions":{"persistedQuery":{"version":1,"sha256Hash":"h"}}}`,
		`{"extensions":{"persistedQuery":null}}`,
		`{"extensions":{"persistedQuery":{"version":2,"sha256Hash":1}}}`,
		`{"query":"","extensions":{"persistedQuery":{"version":1,"sha256Hash":"h","extra":[]}},"variables":{}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, mode := range []fastapi.APQMode{fastapi.APQOptional, fastapi.APQRequired, fastapi.APQDisabled} {
			exec := &fakeExecutor{}
			store := fastapi.NewMemoryAPQStore(0, 0)
			h := newHandler(handlerOptions{Executor: exec, APQMode: mode, APQStore: store})
			w := serve(h, "POST", "/graphql", "application/json", body)
			d := fastapi.DecodeBody([]byte(body), "application/json")
			switch w.Code {
			case http.StatusOK, http.StatusUnprocessableEntity, http.StatusBadRequest:
			case http.StatusInternalServerError:
				if d.Outcome == fastapi.BodyValid && !(mode != fastapi.APQDisabled && blankAPQRegistration(d)) {
					t.Fatalf("%s: 500 for %q", mode, body)
				}
			default:
				t.Fatalf("%s: status %d for %q", mode, w.Code, body)
			}
			if d.Outcome != fastapi.BodyValid || d.Extensions == nil || mode == fastapi.APQDisabled {
				continue
			}
			pq := d.Extensions.Get("persistedQuery")
			if pq == nil || pq.Kind != pyjson.Object {
				continue
			}
			hash := pq.Get("sha256Hash").Str
			q, found, _ := store.Get(context.Background(), hash)
			registered := len(exec.seen) == 1 && !d.Request.QueryMissing && d.Request.Query != ""
			if registered && (!found || q != d.Request.Query) {
				t.Fatalf("%s: executed registration of %q not stored (found %v, %q)", mode, d.Request.Query, found, q)
			}
			if !registered && found {
				t.Fatalf("%s: %q stored without a registration", mode, body)
			}
		}
	})
}
