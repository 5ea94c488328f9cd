package httpcore

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/testdb"
)

// serveApp starts the whole App on a fresh copy of the demo database (its
// mutations write) with cfg adjusted by set, and returns a function that
// sends raw request bytes on a new connection and returns the response
// with its date normalized.
func serveApp(t *testing.T, set func(*Config)) func(raw []byte) string {
	t.Helper()
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql"
	cfg.DatabaseURL = demoDatabase(t)
	cfg.Port = 0
	cfg.PoolSize = 2
	set(&cfg)
	app, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := app.Listen()
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return func(raw []byte) string {
		t.Helper()
		c, err := net.Dial("tcp", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write(raw); err != nil {
			t.Fatal(err)
		}
		return string(normalizeDate(readResponseConn(t, c)))
	}
}

// demoDatabase loads examples/blog/schema.sql into a scratch database
// (dropped at cleanup) and returns its URL.
func demoDatabase(t *testing.T) string {
	t.Helper()
	return testdb.Scratch(t, "fraiseql_httpcore_test", testdb.File(t, filepath.Join("..", "examples", "blog", "schema.sql"))).URL
}

// exchangeCase is one request with the answer each --quirks mode must give:
// an exact response, a prefix ending in "...", or "contains:" and a part.
type exchangeCase struct {
	name     string
	raw      []byte
	none, v1 string
}

func checkExchanges(t *testing.T, send func([]byte) string, quirks graphqlexec.Quirks, cases []exchangeCase) {
	t.Helper()
	for _, c := range cases {
		want := c.none
		if quirks.V1() {
			want = c.v1
		}
		got := send(c.raw)
		if part, ok := strings.CutPrefix(want, "contains:"); ok {
			if !strings.Contains(got, part) {
				t.Errorf("%s:\n got %q\nwant a response containing %q", c.name, got, part)
			}
			continue
		}
		if prefix, ok := strings.CutSuffix(want, "..."); ok {
			if !strings.HasPrefix(got, prefix) {
				t.Errorf("%s:\n got %q\nwant prefix %q", c.name, got, prefix)
			}
			continue
		}
		if got != want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, want)
		}
	}
}

func jsonResponse(status, body string) string {
	return response(status, []string{"content-length: " + strconv.Itoa(len(body)), "content-type: application/json"}, body)
}

// TestSecurityQuirksOverHTTP runs the security fixes of issue 10 through the
// real server on the demo database, in both --quirks modes: the default
// answers are the fixes, --quirks v1.9.7 gives v1's bytes.
func TestSecurityQuirksOverHTTP(t *testing.T) {
	t.Parallel()
	const app = "https://app.example.com"
	tokenA := hsToken(t, "HS256", []byte(testSecret), validClaims("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"))
	expired := validClaims("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa")
	expired["exp"] = 1735693200
	expiredToken := hsToken(t, "HS256", []byte(testSecret), expired)
	otherKey := hsToken(t, "HS256", []byte("another-secret-0123456789abcdefgh"), validClaims("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"))
	users := `{"query":"{ users(limit: 1) { id } }"}`
	usersBody := `{"data":{"users":[{"__typename":"User","id":"11111111-1111-4111-8111-111111111101"}]}}`
	introspection := `{"query":"{ __schema { queryType { name } } }"}`
	q := "{ posts(limit: 1) { id } }"
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		t.Run(string(quirks), func(t *testing.T) {
			send := serveApp(t, func(c *Config) {
				c.Quirks = quirks
				c.AuthAlgorithms = []string{"HS256"}
				c.AuthSecret = testSecret
				c.AuthAudience = []string{testAudience}
				c.AuthIssuer = testIssuer
				c.CORSOrigins = []string{app}
			})
			checkExchanges(t, send, quirks, []exchangeCase{
				{"valid token", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, users),
					jsonResponse("200 OK", usersBody), jsonResponse("200 OK", usersBody)},
				{"no token: v1's 401 in both modes", rawRequest("POST", "/graphql", nil, users),
					respAuthRequired, respAuthRequired},
				{"expired token", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + expiredToken}, users),
					respInvalidToken, respAuthRequired},
				{"token signed with another key", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + otherKey}, users),
					respInvalidToken, respAuthRequired},
				{"malformed token", rawRequest("POST", "/graphql", []string{"Authorization: Bearer not.a.jwt"}, users),
					respInvalidToken, respAuthRequired},
				{"an invalid token is refused even where the gate is open", rawRequest("POST", "/graphql", []string{"Authorization: Bearer not.a.jwt"}, introspection),
					respInvalidToken, "HTTP/1.1 200 OK\r\n..."},
				{"real introspection passes the development gate", rawRequest("POST", "/graphql", nil, introspection),
					"HTTP/1.1 200 OK\r\n...", "HTTP/1.1 200 OK\r\n..."},
				{"__schema in a comment does not", rawRequest("POST", "/graphql", nil, `{"query":"# __schema\n{ users(limit: 1) { id } }"}`),
					respAuthRequired, jsonResponse("200 OK", usersBody)},
				{"__schema in a string does not", rawRequest("POST", "/graphql", nil, `{"query":"{ users(limit: 1, where: {firstName: {neq: \"__schema\"}}) { id } }"}`),
					respAuthRequired, jsonResponse("200 OK", usersBody)},
				{"introspection next to data does not", rawRequest("POST", "/graphql", nil, `{"query":"{ __schema { queryType { name } } users(limit: 1) { id } }"}`),
					respAuthRequired, "HTTP/1.1 200 OK\r\n..."},
				{"refused origin: no CORS header", rawRequest("POST", "/graphql", []string{"Origin: https://evil.example.net", "Authorization: Bearer " + tokenA}, users),
					jsonResponse("200 OK", usersBody),
					response("200 OK", []string{"content-length: 86", "content-type: application/json", "access-control-allow-credentials: true"}, usersBody)},
				{"allowed origin: v1's headers", rawRequest("POST", "/graphql", []string{"Origin: " + app, "Authorization: Bearer " + tokenA}, users),
					response("200 OK", []string{"content-length: 86", "content-type: application/json", "access-control-allow-credentials: true", "access-control-allow-origin: " + app, "vary: Origin"}, usersBody),
					response("200 OK", []string{"content-length: 86", "content-type: application/json", "access-control-allow-credentials: true", "access-control-allow-origin: " + app, "vary: Origin"}, usersBody)},
				{"refused origin preflight", rawRequest("OPTIONS", "/graphql", []string{"Origin: https://evil.example.net", "Access-Control-Request-Method: POST"}, ""),
					"HTTP/1.1 400 Bad Request\r\ndate: <date>\r\nserver: uvicorn\r\nvary: Origin\r\naccess-control-allow-methods: GET, POST\r\naccess-control-max-age: 600\r\naccess-control-allow-headers: Accept, Accept-Language, Authorization, Content-Language, Content-Type\r\ncontent-length: 22\r\n...",
					"HTTP/1.1 400 Bad Request\r\ndate: <date>\r\nserver: uvicorn\r\nvary: Origin\r\naccess-control-allow-methods: GET, POST\r\naccess-control-max-age: 600\r\naccess-control-allow-headers: Accept, Accept-Language, Authorization, Content-Language, Content-Type\r\naccess-control-allow-credentials: true\r\ncontent-length: 22\r\n..."},
				{"APQ registration under a wrong hash", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, apqBody(q, sha("{ users { id } }"))),
					respAPQMismatch, "HTTP/1.1 200 OK\r\n..."},
				{"APQ hit on that hash", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, apqBody("", sha("{ users { id } }"))),
					respAPQNotFound, "HTTP/1.1 200 OK\r\n..."},
				{"APQ verified registration", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, apqBody(q, sha(q))),
					"HTTP/1.1 200 OK\r\n...", "HTTP/1.1 200 OK\r\n..."},
				{"APQ hit", rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, apqBody("", sha(q))),
					"HTTP/1.1 200 OK\r\n...", "HTTP/1.1 200 OK\r\n..."},
			})
			// What the v1.9.7 wrong-hash hit ran: the planted text, not the
			// text the hash stands for.
			if quirks.V1() {
				got := send(rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, apqBody("", sha("{ users { id } }"))))
				if !strings.Contains(got, `"posts"`) {
					t.Errorf("v1.9.7 hit on the poisoned hash: %q", got)
				}
			}
		})
	}
}

// TestAPQRequiredOverHTTP: required mode never executes a registration
// whose hash is not its text's (by default); v1.9.7 runs any text.
func TestAPQRequiredOverHTTP(t *testing.T) {
	t.Parallel()
	q := "{ users(limit: 1) { id } }"
	usersBody := `{"data":{"users":[{"__typename":"User","id":"11111111-1111-4111-8111-111111111101"}]}}`
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		t.Run(string(quirks), func(t *testing.T) {
			send := serveApp(t, func(c *Config) {
				c.Quirks = quirks
				c.APQMode = "required"
			})
			checkExchanges(t, send, quirks, []exchangeCase{
				{"plain query refused", rawRequest("POST", "/graphql", nil, `{"query":"`+q+`"}`), respAPQRequired, respAPQRequired},
				{"arbitrary text under a made-up hash", rawRequest("POST", "/graphql", nil, apqBody(q, "0123")),
					respAPQMismatch, jsonResponse("200 OK", usersBody)},
				{"hit on the made-up hash", rawRequest("POST", "/graphql", nil, apqBody("", "0123")),
					respAPQNotFound, jsonResponse("200 OK", usersBody)},
				{"verified registration", rawRequest("POST", "/graphql", nil, apqBody(q, sha(q))),
					jsonResponse("200 OK", usersBody), jsonResponse("200 OK", usersBody)},
				{"hit", rawRequest("POST", "/graphql", nil, apqBody("", sha(q))),
					jsonResponse("200 OK", usersBody), jsonResponse("200 OK", usersBody)},
			})
		})
	}
}

// TestProductionQuirksOverHTTP: production validates by default (v1.9.7
// ignores what it does not know), and a mutation's error result holds only
// what the client selected (v1.9.7 copies the whole entity to its root).
func TestProductionQuirksOverHTTP(t *testing.T) {
	t.Parallel()
	noop := `{"query":"mutation { updatePost(input: {id: \"22222222-2222-4222-8222-222222222203\", published: true}) { __typename } }"}`
	noopSelected := `{"query":"mutation { updatePost(input: {id: \"22222222-2222-4222-8222-222222222203\", published: true}) { ... on UpdatePostError { message } } }"}`
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		t.Run(string(quirks), func(t *testing.T) {
			send := serveApp(t, func(c *Config) {
				c.Quirks = quirks
				c.Environment = graphqlexec.Production
			})
			every := send(rawRequest("POST", "/graphql", nil, `{"query":"{ users { id } }"}`))
			if strings.Count(every, `"User"`) != 10 {
				t.Fatalf("every user: %q", every)
			}
			checkExchanges(t, send, quirks, []exchangeCase{
				{"misspelled limit", rawRequest("POST", "/graphql", nil, `{"query":"{ users(limt: 1) { id } }"}`),
					jsonResponse("200 OK", `{"errors":[{"message":"Unknown argument 'limt' on field 'Query.users'. Did you mean 'limit'?","locations":[{"line":1,"column":9}]}]}`),
					every},
				{"misspelled root field", rawRequest("POST", "/graphql", nil, `{"query":"{ usres { id } }"}`),
					jsonResponse("200 OK", `{"errors":[{"message":"Cannot query field 'usres' on type 'Query'. Did you mean 'users' or 'user'?","locations":[{"line":1,"column":3}]}]}`),
					jsonResponse("200 OK", `{"data":{}}`)},
				{"introspection refused in both", rawRequest("POST", "/graphql", nil, `{"query":"{ __type(name: \"User\") { name } }"}`),
					jsonResponse("200 OK", `{"errors":[{"message":"GraphQL introspection has been disabled, but the requested query contained the field '__type'.","locations":[{"line":1,"column":3}]}]}`),
					jsonResponse("200 OK", `{"errors":[{"message":"GraphQL introspection has been disabled, but the requested query contained the field '__type'.","locations":[{"line":1,"column":3}]}]}`)},
				{"the post is published (success): only __typename by default, everything in v1", rawRequest("POST", "/graphql", nil, noop),
					jsonResponse("200 OK", `{"data":{"updatePost":{"__typename":"UpdatePostSuccess"}}}`),
					`contains:{"data":{"updatePost":{"__typename":"UpdatePostSuccess","id":`},
				{"error result without a fragment", rawRequest("POST", "/graphql", nil, noop),
					jsonResponse("200 OK", `{"data":{"updatePost":{"__typename":"UpdatePostError"}}}`),
					`contains:{"data":{"updatePost":{"__typename":"UpdatePostError","author":{"displayName":"Chloé M.","id":"11111111-1111-4111-8111-111111111103"},"body":"Commands and queries, separated.","code":422,"comments":[`,
				},
				{"an absolute-form request target: routed by default (RFC 9112), the whole target is v1's path (404)",
					[]byte("GET http://localhost:8000/health HTTP/1.1\r\nHost: localhost:8000\r\n\r\n"),
					jsonResponse("200 OK", `{"status":"healthy","service":"fraiseql"}`),
					jsonResponse("404 Not Found", `{"detail":"Not Found"}`)},
				{"error result with a fragment: what it selects; v1 adds code", rawRequest("POST", "/graphql", nil, noopSelected),
					jsonResponse("200 OK", `{"data":{"updatePost":{"__typename":"UpdatePostError","message":"No changes detected"}}}`),
					jsonResponse("200 OK", `{"data":{"updatePost":{"__typename":"UpdatePostError","code":422,"message":"No changes detected"}}}`)},
			})
		})
	}
}

// TestDemoDatabaseIsScratch: the mutations of these tests must never reach
// the shared demo database.
func TestDemoDatabaseIsScratch(t *testing.T) {
	t.Parallel()
	u := demoDatabase(t)
	if u == testDatabaseURL(t) {
		t.Fatalf("demoDatabase returned the demo database's own URL %q", u)
	}
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cfg.ConnConfig.Database, "fraiseql_httpcore_test_") {
		t.Fatalf("demoDatabase URL %q names database %q", u, cfg.ConnConfig.Database)
	}
}
