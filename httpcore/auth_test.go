package httpcore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/fastapi"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

const (
	testSecret   = "fraiseql-test-secret-0123456789abcdef"
	testAudience = "fraiseql-test"
	testIssuer   = "https://auth.example.com/"
)

// rawRequest builds request bytes the way the goldens are written.
func rawRequest(method, target string, headers []string, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: localhost:8000\r\n", method, target)
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" || method == "POST" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	return []byte(b.String())
}

// response builds expected response bytes (date normalised).
func response(status string, headers []string, body string) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + status + "\r\ndate: <date>\r\nserver: uvicorn\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// hsToken signs claims with HS256 (or the given alg name over HMAC-SHA256,
// for algorithm-confusion tokens).
func hsToken(t testing.TB, alg string, key []byte, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(map[string]any{"alg": alg, "typ": "JWT"})
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signing := b64(h) + "." + b64(c)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signing))
	return signing + "." + b64(mac.Sum(nil))
}

func rsToken(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	signing := b64(h) + "." + b64(c)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + b64(sig)
}

func validClaims(tenant string) map[string]any {
	return map[string]any{
		"iss": testIssuer, "aud": testAudience, "sub": "user-1", "iat": 1735689600,
		"exp": 4102444800, "tenant_id": tenant, "roles": []string{"admin"},
	}
}

func hsVerifier(t testing.TB) auth.Verifier {
	t.Helper()
	v, err := auth.NewJWTVerifier(auth.Config{
		Algorithms: []string{"HS256"}, Secret: testSecret,
		Audience: []string{testAudience}, Issuer: testIssuer,
		Claims: auth.DefaultClaimMapping(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const (
	respAuthRequired = "HTTP/1.1 401 Unauthorized\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 36\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Authentication required\"}"
	respInvalidToken = "HTTP/1.1 401 Unauthorized\r\ndate: <date>\r\nserver: uvicorn\r\nwww-authenticate: Bearer error=\"invalid_token\"\r\ncontent-length: 37\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Invalid or expired token\"}"
	respFake         = "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"data\":{\"fake\":true}}"
)

// TestAuthGate is v1's 401 gate (spec §5.4 step 1) and what comes before it.
func TestAuthGate(t *testing.T) {
	t.Parallel()
	tokenA := hsToken(t, "HS256", []byte(testSecret), validClaims("tenant-a"))
	users := `{"query":"{ users { id } }"}`
	hashOnly := `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`
	tests := []struct {
		name     string
		env      graphqlexec.Environment
		policy   graphqlexec.IntrospectionPolicy
		provider bool
		raw      []byte
		want     string // exact response, or a prefix ending in "..."
	}{
		{"no provider: anonymous runs", graphqlexec.Development, "", false,
			rawRequest("POST", "/graphql", nil, users), respFake},
		{"no token", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, users), respAuthRequired},
		{"valid token", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenA}, users), respFake},
		{"scheme is case-insensitive", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", []string{"Authorization: bEaReR " + tokenA}, users), respFake},
		{"two spaces make the token start with a space", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", []string{"Authorization: Bearer  " + tokenA}, users), respAuthRequired},
		{"basic scheme is no token", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", []string{"Authorization: Basic dXNlcjpwYXNz"}, users), respAuthRequired},
		{"__schema exempt in development", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, `{"query":"{ __schema { queryType { name } } }"}`), respFake},
		{"__schema in a comment is enough", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, `{"query":"# __schema\n{ users { id } }"}`), respFake},
		{"__type is not exempt", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, `{"query":"{ __type(name: \"User\") { name } }"}`), respAuthRequired},
		{"__schema not exempt in production", graphqlexec.Production, graphqlexec.IntrospectionDisabled, true,
			rawRequest("POST", "/graphql", nil, `{"query":"{ __schema { queryType { name } } }"}`), respAuthRequired},
		{"__schema exempt in production under the authenticated policy", graphqlexec.Production, graphqlexec.IntrospectionAuthenticated, true,
			rawRequest("POST", "/graphql", nil, `{"query":"{ __schema { queryType { name } } }"}`), respFake},
		{"empty query is not exempt", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, `{"query":""}`), respAuthRequired},
		{"APQ hash only", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, hashOnly), respAuthRequired},
		{"invalid JSON: 422 before the gate", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, `{bad`), "HTTP/1.1 422 Unprocessable Content\r\n..."},
		{"body model error: 422 before the gate", graphqlexec.Development, "", true,
			rawRequest("POST", "/graphql", nil, `{"query":123}`), "HTTP/1.1 422 Unprocessable Content\r\n..."},
		{"GET with query", graphqlexec.Development, "", true,
			rawRequest("GET", "/graphql?query=%7B%20users%20%7B%20id%20%7D%20%7D", nil, ""), respAuthRequired},
		{"GET bad variables: 400 before the gate", graphqlexec.Development, "", true,
			rawRequest("GET", "/graphql?query=x&variables=%7B", nil, ""), "HTTP/1.1 400 Bad Request\r\n..."},
		{"GraphiQL page needs no token", graphqlexec.Development, "", true,
			rawRequest("GET", "/graphql", nil, ""), "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 1292\r\ncontent-type: text/html; charset=utf-8\r\n..."},
		{"health is open", graphqlexec.Development, "", true,
			rawRequest("GET", "/health", nil, ""), "HTTP/1.1 200 OK\r\n..."},
	}
	// want is v1.9.7's answer (--quirks v1.9.7); by default these differ:
	// a presented token that fails is refused, and only a real
	// introspection operation is exempt (quirk 13).
	fixed := map[string]string{
		"two spaces make the token start with a space": respInvalidToken,
		"__schema in a comment is enough":              respAuthRequired,
	}
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		for _, tt := range tests {
			t.Run(string(quirks)+"/"+tt.name, func(t *testing.T) {
				opts := handlerOptions{
					Environment: tt.env, IntrospectionPolicy: tt.policy, Playground: true,
					Executor: &fakeExecutor{}, DB: fakePinger{}, Quirks: quirks,
				}
				if tt.provider {
					opts.Verifier = hsVerifier(t)
				}
				want := tt.want
				if w, ok := fixed[tt.name]; ok && !quirks.V1() {
					want = w
				}
				ts := startServer(t, newHandler(opts), nil)
				got := string(normalizeDate(ts.exchange(tt.raw, false)))
				if prefix, ok := strings.CutSuffix(want, "..."); ok {
					if !strings.HasPrefix(got, prefix) {
						t.Errorf("got\n%q\nwant prefix\n%q", got, prefix)
					}
					return
				}
				if got != want {
					t.Errorf("got\n%q\nwant\n%q", got, want)
				}
			})
		}
	}
}

// TestAuthClaimsReachTheEngine: the verified claims feed @context values;
// an anonymous request has none.
func TestAuthClaimsReachTheEngine(t *testing.T) {
	t.Parallel()
	exec := &fakeExecutor{}
	h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: exec, Verifier: hsVerifier(t)})
	ts := startServer(t, h, nil)
	tokenB := hsToken(t, "HS256", []byte(testSecret), validClaims("tenant-b"))
	ts.exchange(rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + tokenB}, `{"query":"{ a }"}`), false)
	ts.exchange(rawRequest("POST", "/graphql", nil, `{"query":"{ __schema { queryType { name } } }"}`), false)
	if len(exec.seen) != 2 {
		t.Fatalf("executor saw %d requests, want 2", len(exec.seen))
	}
	if got := exec.seen[0].Claims["tenant_id"]; got != "tenant-b" {
		t.Errorf("tenant_id claim = %v, want tenant-b", got)
	}
	if exec.seen[1].Claims != nil {
		t.Errorf("anonymous request carries claims %v", exec.seen[1].Claims)
	}
}

// TestJWTRefusalsEndToEnd sends hostile and broken tokens through HTTP:
// every one is refused with RFC 6750's invalid_token 401; under
// --quirks v1.9.7 every one makes the request anonymous, so the gate answers
// the generic 401, identical to a request without a token.
func TestJWTRefusalsEndToEnd(t *testing.T) {
	t.Parallel()
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	keyFile := filepath.Join(t.TempDir(), "public.pem")
	if err := os.WriteFile(keyFile, pubPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{AuthAlgorithms: []string{"RS256"}, AuthPublicKeyFile: keyFile, AuthAudience: []string{testAudience}, AuthIssuer: testIssuer}
	ac, err := cfg.authConfig()
	if err != nil {
		t.Fatal(err)
	}
	rsVerifier, err := auth.NewJWTVerifier(*ac)
	if err != nil {
		t.Fatal(err)
	}

	expired := validClaims("t")
	expired["exp"] = 1735693200
	noneHeader := b64([]byte(`{"alg":"none","typ":"JWT"}`))
	claimsJSON, _ := json.Marshal(validClaims("t"))
	tests := []struct {
		name     string
		verifier auth.Verifier
		header   string
		want     string
	}{
		{"control: valid HS256", hsVerifier(t), "Bearer " + hsToken(t, "HS256", []byte(testSecret), validClaims("t")), respFake},
		{"control: valid RS256", rsVerifier, "Bearer " + rsToken(t, rsaKey, validClaims("t")), respFake},
		{"alg none", hsVerifier(t), "Bearer " + noneHeader + "." + b64(claimsJSON) + ".", respAuthRequired},
		{"alg none with a signature", hsVerifier(t), "Bearer " + noneHeader + "." + b64(claimsJSON) + ".c2ln", respAuthRequired},
		{"RS256 public key used as HS256 secret", rsVerifier, "Bearer " + hsToken(t, "HS256", pubPEM, validClaims("t")), respAuthRequired},
		{"expired", hsVerifier(t), "Bearer " + hsToken(t, "HS256", []byte(testSecret), expired), respAuthRequired},
		{"signed with another secret", hsVerifier(t), "Bearer " + hsToken(t, "HS256", []byte("another-secret-0123456789abcdefgh"), validClaims("t")), respAuthRequired},
		{"malformed", hsVerifier(t), "Bearer not.a.jwt", respAuthRequired},
		{"garbage bytes", hsVerifier(t), "Bearer %%%.\xff\xfe.!!!", respAuthRequired},
		{"oversized token", hsVerifier(t), "Bearer " + strings.Repeat("A", 20<<10), respAuthRequired},
	}
	for _, quirks := range []graphqlexec.Quirks{graphqlexec.QuirksNone, graphqlexec.QuirksV197} {
		for _, tt := range tests {
			t.Run(string(quirks)+"/"+tt.name, func(t *testing.T) {
				h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: &fakeExecutor{}, Verifier: tt.verifier, Quirks: quirks})
				ts := startServer(t, h, nil)
				got := string(normalizeDate(ts.exchange(rawRequest("POST", "/graphql", []string{"Authorization: " + tt.header}, `{"query":"{ a }"}`), false)))
				want := tt.want
				if want == respAuthRequired && !quirks.V1() {
					want = respInvalidToken
				}
				if got != want {
					t.Errorf("got\n%q\nwant\n%q", got, want)
				}
			})
		}
	}

	// A header block past the server's limit never reaches auth: h11's 400.
	h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: &fakeExecutor{}, Verifier: hsVerifier(t)})
	ts := startServer(t, h, nil)
	got := ts.exchange(rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + strings.Repeat("A", h1.DefaultMaxHeaderBytes)}, `{"query":"{ a }"}`), false)
	if !bytes.HasPrefix(got, []byte("HTTP/1.1 400 Bad Request\r\n")) {
		t.Errorf("oversized header block: got %q", string(got[:min(len(got), 200)]))
	}
}

// slowVerifier stands for a provider whose key server hangs.
type slowVerifier struct{ calls chan struct{} }

func (s slowVerifier) Verify(ctx context.Context, token string) (*auth.User, error) {
	s.calls <- struct{}{}
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestTokenlessRequestsNeverWaitForTheProvider: without a bearer token the
// verifier is not consulted at all, so a JWKS outage cannot stall them.
func TestTokenlessRequestsNeverWaitForTheProvider(t *testing.T) {
	t.Parallel()
	v := slowVerifier{calls: make(chan struct{}, 10)}
	h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: &fakeExecutor{}, Verifier: v})
	ts := startServer(t, h, nil)
	for _, raw := range [][]byte{
		rawRequest("POST", "/graphql", nil, `{"query":"{ a }"}`),
		rawRequest("POST", "/graphql", []string{"Authorization: Basic eDp5"}, `{"query":"# __schema"}`),
		rawRequest("GET", "/health", nil, ""),
	} {
		ts.exchange(raw, false)
	}
	if n := len(v.calls); n != 0 {
		t.Errorf("verifier called %d times for token-less requests", n)
	}
}

var (
	respDevAuth = "HTTP/1.1 401 Unauthorized\r\ndate: <date>\r\nserver: uvicorn\r\nwww-authenticate: Basic realm=\"FraiseQL Development\"\r\ncontent-length: 35\r\n\r\nDevelopment authentication required"
	basicGood   = "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("admin:s3cret"))
)

// TestDevBasicGate is v1's DevAuthMiddleware (spec §8.4): outermost, on
// path prefixes, exact 401 bytes without a content-type.
func TestDevBasicGate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  graphqlexec.Environment
		cors bool
		raw  []byte
		want string
	}{
		{"no credentials", graphqlexec.Development, false, rawRequest("POST", "/graphql", nil, `{"query":"{ a }"}`), respDevAuth},
		{"good credentials", graphqlexec.Development, false, rawRequest("POST", "/graphql", []string{basicGood}, `{"query":"{ a }"}`), respFake},
		{"wrong password", graphqlexec.Development, false, rawRequest("POST", "/graphql", []string{"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("admin:nope"))}, `{"query":"{ a }"}`), respDevAuth},
		{"prefix is case-sensitive", graphqlexec.Development, false, rawRequest("POST", "/graphql", []string{"Authorization: basic " + base64.StdEncoding.EncodeToString([]byte("admin:s3cret"))}, `{"query":"{ a }"}`), respDevAuth},
		{"bearer is not basic", graphqlexec.Development, false, rawRequest("POST", "/graphql", []string{"Authorization: Bearer x"}, `{"query":"{ a }"}`), respDevAuth},
		{"GraphiQL page is protected", graphqlexec.Development, false, rawRequest("GET", "/graphql", nil, ""), respDevAuth},
		{"invalid JSON: the gate comes first", graphqlexec.Development, false, rawRequest("POST", "/graphql", nil, `{bad`), respDevAuth},
		{"prefix match: /graphql/rust", graphqlexec.Development, false, rawRequest("POST", "/graphql/rust", nil, `{}`), respDevAuth},
		{"prefix match: /docs", graphqlexec.Development, false, rawRequest("GET", "/docs", nil, ""), respDevAuth},
		{"prefix match: unknown /graphqlx", graphqlexec.Development, false, rawRequest("GET", "/graphqlx", nil, ""), respDevAuth},
		{"health is open", graphqlexec.Development, false, rawRequest("GET", "/health", nil, ""), "HTTP/1.1 200 OK\r\n..."},
		{"preflight gets the 401 without CORS headers", graphqlexec.Development, true,
			rawRequest("OPTIONS", "/graphql", []string{"Origin: https://app.example.com", "Access-Control-Request-Method: POST"}, ""), respDevAuth},
		{"never in production", graphqlexec.Production, false, rawRequest("POST", "/graphql", nil, `{"query":"{ a }"}`), respFake},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := handlerOptions{
				Environment: tt.env, Playground: true, Executor: &fakeExecutor{}, DB: fakePinger{},
				DevAuth: &fastapi.DevBasic{Username: "admin", Password: "s3cret"},
			}
			if tt.cors {
				opts.CORS = &fastapi.CORSOptions{Origins: []string{"https://app.example.com"}, Methods: []string{"GET", "POST"}, Headers: []string{"Content-Type", "Authorization"}}
			}
			ts := startServer(t, newHandler(opts), nil)
			got := string(normalizeDate(ts.exchange(tt.raw, false)))
			if prefix, ok := strings.CutSuffix(tt.want, "..."); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("got\n%q\nwant prefix\n%q", got, prefix)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestSessionVarsFromClaims: the configured mapping reaches the engine for
// an authenticated request, defaults apply to anonymous ones, and a claim
// PostgreSQL cannot hold makes the token unusable (anonymous, so 401).
func TestSessionVarsFromClaims(t *testing.T) {
	t.Parallel()
	cfg := Config{
		SessionVars:        []string{"app.tenant_id=tenant_id", "app.user_id=sub"},
		SessionVarDefaults: []string{"app.tenant_id=none"},
	}
	vars, err := cfg.sessionVarMapping()
	if err != nil {
		t.Fatal(err)
	}
	exec := &fakeExecutor{}
	h := newHandler(handlerOptions{Environment: graphqlexec.Development, Executor: exec, Verifier: hsVerifier(t), SessionVars: vars})
	ts := startServer(t, h, nil)

	ts.exchange(rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + hsToken(t, "HS256", []byte(testSecret), validClaims("tenant-b"))}, `{"query":"{ a }"}`), false)
	ts.exchange(rawRequest("POST", "/graphql", nil, `{"query":"{ __schema { queryType { name } } }"}`), false)
	nul := validClaims("bad\x00tenant")
	got := string(normalizeDate(ts.exchange(rawRequest("POST", "/graphql", []string{"Authorization: Bearer " + hsToken(t, "HS256", []byte(testSecret), nul)}, `{"query":"{ a }"}`), false)))
	if got != respInvalidToken {
		t.Errorf("NUL claim: got %q, want the invalid_token 401", got)
	}
	if len(exec.seen) != 2 {
		t.Fatalf("executor saw %d requests, want 2", len(exec.seen))
	}
	want := []graphqlexec.SessionVar{{Name: "app.tenant_id", Value: "tenant-b"}, {Name: "app.user_id", Value: "user-1"}}
	if fmt.Sprint(exec.seen[0].SessionVars) != fmt.Sprint(want) {
		t.Errorf("authenticated: %v, want %v", exec.seen[0].SessionVars, want)
	}
	want = []graphqlexec.SessionVar{{Name: "app.tenant_id", Value: "none"}}
	if fmt.Sprint(exec.seen[1].SessionVars) != fmt.Sprint(want) {
		t.Errorf("anonymous: %v, want %v", exec.seen[1].SessionVars, want)
	}
}
