package httpcore

import (
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/connlimit"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

const respTooMany = "HTTP/1.1 429 Too Many Requests\r\ndate: <date>\r\nserver: uvicorn\r\nretry-after: 2\r\ncontent-length: 30\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Too Many Requests\"}"

// Per-client rate limits: a client over its burst gets 429 with
// Retry-After; /health is never limited; by subject, two users from one
// address have a bucket each, and anonymous requests fall back to the IP.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	users := `{"query":"{ users { id } }"}`
	t.Run("ip", func(t *testing.T) {
		h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: &fakeExecutor{}, DB: fakePinger{},
			RateLimiter: connlimit.NewRateLimiter(0.5, 2, 0)})
		ts := startServer(t, h, nil)
		for i, want := range []string{respFake, respFake, respTooMany, respTooMany} {
			if got := string(normalizeDate(ts.exchange(rawRequest("POST", "/graphql", nil, users), false))); got != want {
				t.Errorf("request %d:\n got %q\nwant %q", i, got, want)
			}
		}
		if got := string(ts.exchange(rawRequest("GET", "/health", nil, ""), false)); !strings.HasPrefix(got, "HTTP/1.1 200 OK") {
			t.Errorf("/health limited: %q", got)
		}
	})
	t.Run("subject", func(t *testing.T) {
		h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: &fakeExecutor{}, DB: fakePinger{},
			Verifier: hsVerifier(t), RateLimiter: connlimit.NewRateLimiter(0.5, 1, 0), RateLimitBySubject: true})
		ts := startServer(t, h, nil)
		claims2 := validClaims("tenant-a")
		claims2["sub"] = "user-2"
		one := []string{"Authorization: Bearer " + hsToken(t, "HS256", []byte(testSecret), validClaims("tenant-a"))}
		two := []string{"Authorization: Bearer " + hsToken(t, "HS256", []byte(testSecret), claims2)}
		for i, tc := range []struct {
			headers []string
			query   string
			want    string
		}{
			{one, users, respFake},
			{one, users, respTooMany},
			{two, users, respFake},
			// Anonymous (introspection is exempt from the 401 gate in
			// development): the address's bucket, then refused.
			{nil, `{"query":"{ __schema { queryType { name } } }"}`, respFake},
			{nil, `{"query":"{ __schema { queryType { name } } }"}`, respTooMany},
		} {
			if got := string(normalizeDate(ts.exchange(rawRequest("POST", "/graphql", tc.headers, tc.query), false))); got != tc.want {
				t.Errorf("request %d:\n got %q\nwant %q", i, got, tc.want)
			}
		}
	})
}
