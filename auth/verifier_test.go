package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The demo provider of the `auth` golden profile
// (compat-goldens/fraiseql-1.9.7/auth/profile.json).
const (
	demoSecret = "fraiseql-demo-secret-0123456789abcdef"

	tokValidA       = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiYXVkIjoiZnJhaXNlcWwtZGVtbyIsImlhdCI6MTczNTY4OTYwMCwic3ViIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTAxIiwiZW1haWwiOiJhbmFAZXhhbXBsZS5jb20iLCJuYW1lIjoiQW5hIFNpbHZhIiwicm9sZXMiOlsiYWRtaW4iXSwicGVybWlzc2lvbnMiOlsicG9zdHM6d3JpdGUiXSwidGVuYW50X2lkIjoiYWFhYWFhYWEtYWFhYS00YWFhLThhYWEtYWFhYWFhYWFhYWFhIiwiZXhwIjo0MTAyNDQ0ODAwfQ.S5PFLPh7C2ulh9G3iZ244hcqDYFmdKm-WIvxI6r-pX8"
	tokValidB       = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiYXVkIjoiZnJhaXNlcWwtZGVtbyIsImlhdCI6MTczNTY4OTYwMCwic3ViIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTExIiwiZW1haWwiOiJrb2ZpQGV4YW1wbGUub3JnIiwibmFtZSI6IktvZmkgTS4iLCJyb2xlcyI6WyJhZG1pbiJdLCJ0ZW5hbnRfaWQiOiJiYmJiYmJiYi1iYmJiLTRiYmItOGJiYi1iYmJiYmJiYmJiYmIiLCJleHAiOjQxMDI0NDQ4MDB9.vQ8MnoyIj0gI4agX3IjZA0rdeCuW8D4NvgOTov2Xzxc"
	tokExpired      = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiYXVkIjoiZnJhaXNlcWwtZGVtbyIsImlhdCI6MTczNTY4OTYwMCwic3ViIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTAxIiwidGVuYW50X2lkIjoiYWFhYWFhYWEtYWFhYS00YWFhLThhYWEtYWFhYWFhYWFhYWFhIiwiZXhwIjoxNzM1NjkzMjAwfQ.y_6yrdIInnbXG3Is33Vq5mSCSe0nitph8Ss1dLG7AVU"
	tokBadSignature = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiYXVkIjoiZnJhaXNlcWwtZGVtbyIsImlhdCI6MTczNTY4OTYwMCwic3ViIjoiMTExMTExMTEtMTExMS00MTExLTgxMTEtMTExMTExMTExMTAxIiwidGVuYW50X2lkIjoiYWFhYWFhYWEtYWFhYS00YWFhLThhYWEtYWFhYWFhYWFhYWFhIiwiZXhwIjo0MTAyNDQ0ODAwfQ.PEAtY5XNnnJbpHhdwiOnzbNPGtflsKXh2nANl4Eklwc"
	tokWrongAud     = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiYXVkIjoib3RoZXItYXBpIiwiaWF0IjoxNzM1Njg5NjAwLCJzdWIiOiIxMTExMTExMS0xMTExLTQxMTEtODExMS0xMTExMTExMTExMDEiLCJleHAiOjQxMDI0NDQ4MDB9.kpWReTUKliU7zqrFDPA5sLkXD1-6Kr4u-j3INAQa-YI"
	tokMalformed    = "not.a.jwt"

	tenantA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	tenantB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
)

// goldenTime is when the goldens were recorded: the valid tokens expire in
// 2100, the expired one in 2025.
var goldenTime = time.Date(2026, 11, 25, 20, 11, 3, 0, time.UTC)

// fakeClock is a settable clock, so no test depends on the wall clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func demoConfig() Config {
	m := DefaultClaimMapping()
	m.Metadata = map[string]string{"tenant_id": "tenant_id"}
	return Config{
		Algorithms: []string{"HS256"},
		Secret:     demoSecret,
		Audience:   []string{"fraiseql-demo"},
		Issuer:     "https://auth.example.com/",
		Claims:     m,
	}
}

func newVerifier(t testing.TB, cfg Config, opts ...Option) *JWTVerifier {
	t.Helper()
	v, err := NewJWTVerifier(cfg, opts...)
	require.NoError(t, err)
	t.Cleanup(v.Close)
	return v
}

func TestDemoTokens(t *testing.T) {
	t.Parallel()
	v := newVerifier(t, demoConfig(), WithClock(newClock(goldenTime).Now))
	ctx := context.Background()

	t.Run("valid tenant A", func(t *testing.T) {
		u, err := v.Verify(ctx, tokValidA)
		require.NoError(t, err)
		assert.Equal(t, "11111111-1111-4111-8111-111111111101", u.UserID)
		assert.Equal(t, "ana@example.com", u.Email)
		assert.Equal(t, "Ana Silva", u.Name)
		assert.Equal(t, []string{"admin"}, u.Roles)
		assert.Equal(t, []string{"posts:write"}, u.Permissions)
		assert.Equal(t, map[string]any{"tenant_id": tenantA}, u.Metadata)
		assert.Equal(t, json.Number("4102444800"), u.Claims["exp"])
		got, ok := u.LookupText("tenant_id")
		assert.True(t, ok)
		assert.Equal(t, tenantA, got)
		assert.True(t, u.HasRole("admin"))
		assert.True(t, u.HasPermission("posts:write"))
	})
	t.Run("valid tenant B", func(t *testing.T) {
		u, err := v.Verify(ctx, tokValidB)
		require.NoError(t, err)
		assert.Equal(t, "11111111-1111-4111-8111-111111111111", u.UserID)
		assert.Equal(t, "kofi@example.org", u.Email)
		assert.Equal(t, "Kofi M.", u.Name)
		assert.Equal(t, []string{"admin"}, u.Roles)
		assert.Equal(t, []string{}, u.Permissions, "absent permissions claim gives an empty list")
		got, _ := u.LookupText("tenant_id")
		assert.Equal(t, tenantB, got)
	})

	refused := []struct {
		name  string
		token string
		check func(t *testing.T, err error)
	}{
		{"expired", tokExpired, func(t *testing.T, err error) {
			var e *ExpiredError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, time.Unix(1735693200, 0).UTC(), e.ExpiredAt.UTC())
		}},
		{"bad signature", tokBadSignature, func(t *testing.T, err error) {
			var e *SignatureError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, "HS256", e.Alg)
		}},
		{"wrong audience", tokWrongAud, func(t *testing.T, err error) {
			var e *AudienceError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, []string{"other-api"}, e.Got)
		}},
		{"malformed", tokMalformed, func(t *testing.T, err error) {
			var e *MalformedError
			require.ErrorAs(t, err, &e)
		}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			u, err := v.Verify(ctx, tt.token)
			assert.Nil(t, u)
			require.Error(t, err)
			tt.check(t, err)
			assert.Equal(t, strings.ToLower(err.Error()[:1]), err.Error()[:1], "messages start lower case")
		})
	}

	t.Run("expired token is valid before its exp", func(t *testing.T) {
		early := newVerifier(t, demoConfig(), WithClock(newClock(time.Unix(1735693199, 0)).Now))
		_, err := early.Verify(ctx, tokExpired)
		require.NoError(t, err)
	})
	t.Run("exp boundary is exclusive, leeway extends it", func(t *testing.T) {
		at := newVerifier(t, demoConfig(), WithClock(newClock(time.Unix(1735693200, 0)).Now))
		_, err := at.Verify(ctx, tokExpired)
		var e *ExpiredError
		require.ErrorAs(t, err, &e)
		cfg := demoConfig()
		cfg.Leeway = time.Second
		lenient := newVerifier(t, cfg, WithClock(newClock(time.Unix(1735693200, 0)).Now))
		_, err = lenient.Verify(ctx, tokExpired)
		require.NoError(t, err)
	})
	t.Run("bearer two spaces fails verification", func(t *testing.T) {
		tok, ok := BearerToken("Bearer  " + tokValidA)
		require.True(t, ok)
		_, err := v.Verify(ctx, tok)
		var e *MalformedError
		require.ErrorAs(t, err, &e)
	})
}

// --- token construction helpers ---

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	rsaKey2  *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	ecKey384 *ecdsa.PrivateKey
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaKey2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if ecKey384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

func pemPublic(t testing.TB, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss":       "https://issuer.test/",
		"aud":       "api",
		"sub":       "user-1",
		"iat":       goldenTime.Add(-time.Hour).Unix(),
		"exp":       goldenTime.Add(24 * time.Hour).Unix(),
		"tenant_id": tenantA,
	}
}

func sign(t testing.TB, m jwt.SigningMethod, key any, claims jwt.MapClaims, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// rawToken assembles a token from literal JSON, for headers no signer makes.
func rawToken(header, payload, sig string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + sig
}

func pubConfig(alg string, pemText string) Config {
	return Config{
		Algorithms:   []string{alg},
		PublicKeyPEM: pemText,
		Audience:     []string{"api"},
		Issuer:       "https://issuer.test/",
		Claims:       DefaultClaimMapping(),
	}
}

func hsConfig() Config {
	return Config{
		Algorithms: []string{"HS256"},
		Secret:     demoSecret,
		Audience:   []string{"api"},
		Issuer:     "https://issuer.test/",
		Claims:     DefaultClaimMapping(),
	}
}

func TestAsymmetricAlgorithms(t *testing.T) {
	t.Parallel()
	testKeys(t)
	clock := WithClock(newClock(goldenTime).Now)
	ctx := context.Background()
	tests := []struct {
		name   string
		method jwt.SigningMethod
		priv   any
		pub    any
	}{
		{"RS256", jwt.SigningMethodRS256, rsaKey, &rsaKey.PublicKey},
		{"RS384", jwt.SigningMethodRS384, rsaKey, &rsaKey.PublicKey},
		{"RS512", jwt.SigningMethodRS512, rsaKey, &rsaKey.PublicKey},
		{"PS256", jwt.SigningMethodPS256, rsaKey, &rsaKey.PublicKey},
		{"ES256", jwt.SigningMethodES256, ecKey, &ecKey.PublicKey},
		{"ES384", jwt.SigningMethodES384, ecKey384, &ecKey384.PublicKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, pubConfig(tt.name, pemPublic(t, tt.pub)), clock)
			u, err := v.Verify(ctx, sign(t, tt.method, tt.priv, goodClaims(), ""))
			require.NoError(t, err)
			assert.Equal(t, "user-1", u.UserID)

			// Same claims signed by another key: bad signature.
			var other any = rsaKey2
			if _, ok := tt.priv.(*ecdsa.PrivateKey); ok {
				o, err := ecdsa.GenerateKey(tt.pub.(*ecdsa.PublicKey).Curve, rand.Reader)
				require.NoError(t, err)
				other = o
			}
			_, err = v.Verify(ctx, sign(t, tt.method, other, goodClaims(), ""))
			var se *SignatureError
			require.ErrorAs(t, err, &se)
		})
	}
}

func TestPublicKeyFileAndCertificate(t *testing.T) {
	t.Parallel()
	testKeys(t)
	ctx := context.Background()
	clock := WithClock(newClock(goldenTime).Now)
	tok := sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), "")

	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "issuer.test"},
		NotBefore:    goldenTime.Add(-24 * time.Hour),
		NotAfter:     goldenTime.Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey.PublicKey, rsaKey)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)})

	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"pkix.pem":  []byte(pemPublic(t, &rsaKey.PublicKey)),
		"cert.pem":  certPEM,
		"pkcs1.pem": pkcs1PEM,
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, content, 0o600))
		cfg := pubConfig("RS256", "")
		cfg.PublicKeyFile = path
		v := newVerifier(t, cfg, clock)
		_, err := v.Verify(ctx, tok)
		require.NoError(t, err, name)
	}

	privDER := x509.MarshalPKCS1PrivateKey(rsaKey)
	_, err = NewJWTVerifier(pubConfig("RS256", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: privDER}))))
	require.ErrorContains(t, err, "not a public key")

	cfg := pubConfig("RS256", "")
	cfg.PublicKeyFile = filepath.Join(dir, "missing.pem")
	_, err = NewJWTVerifier(cfg)
	require.ErrorContains(t, err, "reading public key")
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	testKeys(t)
	ctx := context.Background()
	clock := WithClock(newClock(goldenTime).Now)
	hs := newVerifier(t, hsConfig(), clock)
	rsPEM := pemPublic(t, &rsaKey.PublicKey)
	rs := newVerifier(t, pubConfig("RS256", rsPEM), clock)
	es := newVerifier(t, pubConfig("ES256", pemPublic(t, &ecKey.PublicKey)), clock)

	payload, err := json.Marshal(goodClaims())
	require.NoError(t, err)
	hsSig := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, []byte(demoSecret), c, "") }
	without := func(name string) jwt.MapClaims { c := goodClaims(); delete(c, name); return c }
	with := func(name string, v any) jwt.MapClaims { c := goodClaims(); c[name] = v; return c }

	type errCheck func(t *testing.T, err error)
	is := func(target any) errCheck {
		return func(t *testing.T, err error) { t.Helper(); require.ErrorAs(t, err, target) }
	}
	var (
		malformed *MalformedError
		algErr    *AlgorithmError
		sigErr    *SignatureError
		expired   *ExpiredError
		notYet    *NotYetValidError
		audErr    *AudienceError
		issErr    *IssuerError
		missing   *MissingClaimError
		invalid   *InvalidClaimError
	)
	missingClaim := func(name string) errCheck {
		return func(t *testing.T, err error) {
			t.Helper()
			var e *MissingClaimError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, name, e.Claim)
		}
	}
	tests := []struct {
		name  string
		v     *JWTVerifier
		token string
		check errCheck
	}{
		{"alg none, empty signature", hs, rawToken(`{"alg":"none","typ":"JWT"}`, string(payload), ""), is(&algErr)},
		{"alg none with a signature", hs, rawToken(`{"alg":"none"}`, string(payload), "c2ln"), is(&algErr)},
		{"alg NONE", hs, rawToken(`{"alg":"NONE"}`, string(payload), ""), is(&algErr)},
		{"alg absent", hs, rawToken(`{"typ":"JWT"}`, string(payload), "c2ln"), is(&algErr)},
		{"alg not a string", hs, rawToken(`{"alg":256}`, string(payload), "c2ln"), is(&algErr)},
		{"alg unknown", hs, rawToken(`{"alg":"HS999"}`, string(payload), "c2ln"), is(&algErr)},
		{"HS384 not in list", hs, sign(t, jwt.SigningMethodHS384, []byte(demoSecret), goodClaims(), ""), is(&algErr)},
		{"RS256 token, HS256 verifier", hs, sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), ""), is(&algErr)},
		// Algorithm confusion: the attacker signs HS256 with the public
		// key's PEM text as the HMAC secret.
		{"RSA public key as HS256 secret", rs, sign(t, jwt.SigningMethodHS256, []byte(rsPEM), goodClaims(), ""), is(&algErr)},
		{"ES256 verifier, RS256 token", es, sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), ""), is(&algErr)},
		{"crit header", hs, func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, goodClaims())
			tok.Header["crit"] = []string{"exp"}
			s, err := tok.SignedString([]byte(demoSecret))
			require.NoError(t, err)
			return s
		}(), is(&malformed)},
		{"empty", hs, "", is(&malformed)},
		{"two segments", hs, "a.b", is(&malformed)},
		{"four segments", hs, hsSig(goodClaims()) + ".x", is(&malformed)},
		{"garbage base64 header", hs, "!!!." + base64.RawURLEncoding.EncodeToString(payload) + ".sig", is(&malformed)},
		{"garbage base64 signature", hs, strings.Join(strings.Split(hsSig(goodClaims()), ".")[:2], ".") + ".***", is(&malformed)},
		{"padded segment", hs, func() string {
			p := strings.Split(hsSig(goodClaims()), ".")
			return p[0] + "=." + p[1] + "." + p[2]
		}(), is(&malformed)},
		{"header not JSON", hs, rawToken(`{"alg":`, string(payload), "c2ln"), is(&malformed)},
		{"payload not an object", hs, rawToken(`{"alg":"HS256"}`, `[1,2]`, "c2ln"), is(&malformed)},
		{"oversized", hs, strings.Repeat("a", DefaultMaxTokenBytes+1), is(&malformed)},
		{"truncated signature", hs, func() string { s := hsSig(goodClaims()); return s[:len(s)-3] }(), is(&sigErr)},
		{"tampered payload", hs, func() string {
			p := strings.Split(hsSig(goodClaims()), ".")
			other, _ := json.Marshal(with("sub", "admin"))
			return p[0] + "." + base64.RawURLEncoding.EncodeToString(other) + "." + p[2]
		}(), is(&sigErr)},
		{"missing exp", hs, hsSig(without("exp")), missingClaim("exp")},
		{"missing sub", hs, hsSig(without("sub")), missingClaim("sub")},
		{"null sub", hs, hsSig(with("sub", nil)), missingClaim("sub")},
		{"missing iss", hs, hsSig(without("iss")), missingClaim("iss")},
		{"missing aud", hs, hsSig(without("aud")), missingClaim("aud")},
		{"wrong issuer", hs, hsSig(with("iss", "https://evil.test/")), is(&issErr)},
		{"issuer not a string", hs, hsSig(with("iss", 5)), is(&issErr)},
		{"wrong audience list", hs, hsSig(with("aud", []string{"a", "b"})), is(&audErr)},
		{"audience of wrong type", hs, hsSig(with("aud", 5)), is(&invalid)},
		{"expired", hs, hsSig(with("exp", goldenTime.Unix())), is(&expired)},
		{"exp as string", hs, hsSig(with("exp", "4102444800")), is(&invalid)},
		{"nbf in the future", hs, hsSig(with("nbf", goldenTime.Unix()+10)), is(&notYet)},
		{"iat in the future", hs, hsSig(with("iat", goldenTime.Unix()+10)), is(&notYet)},
		{"sub not a string", hs, hsSig(with("sub", 42)), is(&invalid)},
		{"roles not a list", hs, hsSig(with("roles", "admin")), is(&invalid)},
		{"roles with a number", hs, hsSig(with("roles", []any{"a", 1})), is(&invalid)},
	}
	_ = missing
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.v.Verify(ctx, tt.token)
			assert.Nil(t, u)
			require.Error(t, err)
			tt.check(t, err)
		})
	}

	accepted := []struct {
		name   string
		claims jwt.MapClaims
	}{
		{"audience list containing ours", with("aud", []string{"x", "api"})},
		{"fractional exp truncated", with("exp", float64(goldenTime.Unix())+0.5+3600)},
		{"nbf now", with("nbf", goldenTime.Unix())},
		{"iat now", with("iat", goldenTime.Unix())},
	}
	for _, tt := range accepted {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hs.Verify(ctx, hsSig(tt.claims))
			require.NoError(t, err)
		})
	}

	t.Run("fractional exp is truncated like int()", func(t *testing.T) {
		_, err := hs.Verify(ctx, hsSig(with("exp", float64(goldenTime.Unix())+0.9)))
		require.ErrorAs(t, err, &expired)
	})
	t.Run("audience present, none configured", func(t *testing.T) {
		cfg := hsConfig()
		cfg.Audience = nil
		v := newVerifier(t, cfg, clock)
		_, err := v.Verify(ctx, hsSig(goodClaims()))
		require.ErrorAs(t, err, &audErr)
		_, err = v.Verify(ctx, hsSig(without("aud")))
		require.NoError(t, err)
	})
	t.Run("required claims configurable", func(t *testing.T) {
		cfg := hsConfig()
		cfg.RequiredClaims = []string{}
		v := newVerifier(t, cfg, clock)
		_, err := v.Verify(ctx, hsSig(without("exp")))
		require.NoError(t, err)
		cfg.RequiredClaims = []string{"tenant_id"}
		v = newVerifier(t, cfg, clock)
		_, err = v.Verify(ctx, hsSig(without("tenant_id")))
		require.ErrorAs(t, err, &missing)
	})
	t.Run("max token bytes configurable", func(t *testing.T) {
		cfg := hsConfig()
		tok := hsSig(goodClaims())
		cfg.MaxTokenBytes = len(tok) - 1
		v := newVerifier(t, cfg, clock)
		_, err := v.Verify(ctx, tok)
		require.ErrorAs(t, err, &malformed)
		cfg.MaxTokenBytes = len(tok)
		v = newVerifier(t, cfg, clock)
		_, err = v.Verify(ctx, tok)
		require.NoError(t, err)
	})
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	testKeys(t)
	rsPEM := pemPublic(t, &rsaKey.PublicKey)
	ecPEM := pemPublic(t, &ecKey.PublicKey)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" for valid
	}{
		{"demo", demoConfig(), ""},
		{"no algorithms", Config{Secret: demoSecret}, "no algorithms"},
		{"no key source", Config{Algorithms: []string{"HS256"}}, "exactly one key source"},
		{"two key sources", Config{Algorithms: []string{"RS256"}, PublicKeyPEM: rsPEM, JWKSURL: "https://x.test/jwks"}, "exactly one key source"},
		{"alg none", Config{Algorithms: []string{"none"}, Secret: demoSecret}, `unsupported algorithm "none"`},
		{"HS with public key", Config{Algorithms: []string{"RS256", "HS256"}, PublicKeyPEM: rsPEM}, "HS256 needs an HMAC secret"},
		{"HS with JWKS", Config{Algorithms: []string{"HS256"}, JWKSURL: "https://x.test/jwks"}, "HS256 needs an HMAC secret"},
		{"RS with secret", Config{Algorithms: []string{"RS256"}, Secret: demoSecret}, "needs a public key"},
		{"short secret", Config{Algorithms: []string{"HS256"}, Secret: "short"}, "at least 32"},
		{"http JWKS", Config{Algorithms: []string{"RS256"}, JWKSURL: "http://x.test/jwks"}, "must use https"},
		{"http JWKS allowed", Config{Algorithms: []string{"RS256"}, JWKSURL: "http://x.test/jwks", JWKSAllowHTTP: true}, ""},
		{"JWKS without host", Config{Algorithms: []string{"RS256"}, JWKSURL: "https:///jwks"}, "no host"},
		{"negative leeway", Config{Algorithms: []string{"HS256"}, Secret: demoSecret, Leeway: -time.Second}, "negative leeway"},
		{"ES256 with P-256 key", Config{Algorithms: []string{"ES256"}, PublicKeyPEM: ecPEM}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.want)
		})
	}

	// Key/algorithm fit is checked when the key is loaded.
	_, err = NewJWTVerifier(Config{Algorithms: []string{"ES384"}, PublicKeyPEM: ecPEM})
	require.ErrorContains(t, err, "does not fit")
	_, err = NewJWTVerifier(Config{Algorithms: []string{"RS256"}, PublicKeyPEM: ecPEM})
	require.ErrorContains(t, err, "does not fit")
	_, err = NewJWTVerifier(Config{Algorithms: []string{"RS256"}, PublicKeyPEM: pemPublic(t, &small.PublicKey)})
	require.ErrorContains(t, err, "at least 2048")
	_, err = NewJWTVerifier(Config{Algorithms: []string{"RS256"}, PublicKeyPEM: "not pem"})
	require.ErrorContains(t, err, "no PEM block")
}
