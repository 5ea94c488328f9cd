package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jwksServer serves a mutable key set and counts fetches.
type jwksServer struct {
	srv     *httptest.Server
	fetches atomic.Int32

	mu      sync.Mutex
	body    []byte
	status  int
	block   chan struct{} // when non-nil, requests wait for it (or for the client to give up)
	started chan struct{} // when non-nil, receives one value per request
}

func newJWKSServer(t *testing.T, keys ...map[string]any) *jwksServer {
	s := &jwksServer{status: http.StatusOK}
	s.setKeys(t, keys...)
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *jwksServer) serve(w http.ResponseWriter, r *http.Request) {
	s.fetches.Add(1)
	s.mu.Lock()
	body, status, block, started := s.body, s.status, s.block, s.started
	s.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if block != nil {
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *jwksServer) setKeys(t *testing.T, keys ...map[string]any) {
	b, err := json.Marshal(map[string]any{"keys": keys})
	require.NoError(t, err)
	s.mu.Lock()
	s.body = b
	s.mu.Unlock()
}

func (s *jwksServer) setStatus(code int) {
	s.mu.Lock()
	s.status = code
	s.mu.Unlock()
}

func (s *jwksServer) setBlock(ch chan struct{}) {
	s.mu.Lock()
	s.block = ch
	s.mu.Unlock()
}

// waitFetch waits for the JWKS fetch in flight, if any (Close would cancel it).
func waitFetch(v *JWTVerifier) {
	v.jwks.mu.Lock()
	call := v.jwks.inflight
	v.jwks.mu.Unlock()
	if call != nil {
		<-call.done
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, k *rsa.PublicKey) map[string]any {
	return map[string]any{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}
}

func ecJWK(kid string, k *ecdsa.PublicKey) map[string]any {
	raw, err := k.Bytes() // 0x04 || X || Y
	if err != nil {
		panic(err)
	}
	size := (len(raw) - 1) / 2
	return map[string]any{
		"kty": "EC", "kid": kid, "crv": k.Curve.Params().Name,
		"x": b64(raw[1 : 1+size]), "y": b64(raw[1+size:]),
	}
}

func jwksConfig(url string) Config {
	return Config{
		Algorithms:             []string{"RS256", "ES256"},
		JWKSURL:                url,
		Audience:               []string{"api"},
		Issuer:                 "https://issuer.test/",
		Claims:                 DefaultClaimMapping(),
		JWKSMinRefreshInterval: time.Minute,
		JWKSMaxAge:             time.Hour,
		JWKSFetchTimeout:       10 * time.Minute, // tests that need a timeout set their own
	}
}

func newJWKSVerifier(t *testing.T, s *jwksServer, clock *fakeClock, mod func(*Config)) *JWTVerifier {
	cfg := jwksConfig(s.srv.URL + "/.well-known/jwks.json")
	if mod != nil {
		mod(&cfg)
	}
	return newVerifier(t, cfg, WithClock(clock.Now), WithHTTPClient(s.srv.Client()))
}

func TestJWKSVerifyAndRotation(t *testing.T) {
	t.Parallel()
	testKeys(t)
	ctx := context.Background()
	clock := newClock(goldenTime)
	s := newJWKSServer(t, rsaJWK("k1", &rsaKey.PublicKey), ecJWK("e1", &ecKey.PublicKey))
	v := newJWKSVerifier(t, s, clock, nil)

	tok1 := sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), "k1")
	u, err := v.Verify(ctx, tok1)
	require.NoError(t, err)
	assert.Equal(t, "user-1", u.UserID)
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodES256, ecKey, goodClaims(), "e1"))
	require.NoError(t, err)
	_, err = v.Verify(ctx, tok1)
	require.NoError(t, err)
	assert.EqualValues(t, 1, s.fetches.Load(), "known kids are served from the cache")

	// Rotation: k2 is published; the first token signed with it triggers
	// one fetch (the interval since the last fetch has passed).
	s.setKeys(t, rsaJWK("k1", &rsaKey.PublicKey), rsaJWK("k2", &rsaKey2.PublicKey))
	clock.Advance(time.Minute)
	tok2 := sign(t, jwt.SigningMethodRS256, rsaKey2, goodClaims(), "k2")
	_, err = v.Verify(ctx, tok2)
	require.NoError(t, err)
	_, err = v.Verify(ctx, tok2)
	require.NoError(t, err)
	assert.EqualValues(t, 2, s.fetches.Load())

	// An unknown kid right after a fetch is refused without fetching.
	var unknown *UnknownKeyError
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodRS256, rsaKey2, goodClaims(), "k3"))
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, "k3", unknown.KID)
	assert.EqualValues(t, 2, s.fetches.Load(), "unknown kids are rate limited")

	// A token without kid never matches a JWKS key and never fetches.
	clock.Advance(time.Minute)
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), ""))
	require.ErrorAs(t, err, &unknown)
	assert.EqualValues(t, 2, s.fetches.Load())

	// Key published for RS256 but token claims ES256 with that kid: refused.
	var algErr *AlgorithmError
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodES256, ecKey, goodClaims(), "k1"))
	require.ErrorAs(t, err, &algErr)
	// Right kid, wrong signer.
	var sigErr *SignatureError
	_, err = v.Verify(ctx, sign(t, jwt.SigningMethodRS256, rsaKey2, goodClaims(), "k1"))
	require.ErrorAs(t, err, &sigErr)
}

func TestJWKSEndpointDown(t *testing.T) {
	t.Parallel()
	testKeys(t)
	ctx := context.Background()
	clock := newClock(goldenTime)
	s := newJWKSServer(t, rsaJWK("k1", &rsaKey.PublicKey))
	tok1 := sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), "k1")

	t.Run("never fetched", func(t *testing.T) {
		s.setStatus(http.StatusServiceUnavailable)
		defer s.setStatus(http.StatusOK)
		v := newJWKSVerifier(t, s, newClock(goldenTime), nil)
		_, err := v.Verify(ctx, tok1)
		var ks *KeySetError
		require.ErrorAs(t, err, &ks)
		assert.ErrorContains(t, ks, "503")
		require.Error(t, v.WarmUp(ctx), "rate limited, but the last failure is reported")
	})

	v := newJWKSVerifier(t, s, clock, nil)
	require.NoError(t, v.WarmUp(ctx))
	before := s.fetches.Load()

	// The set is now stale and the endpoint fails: the last good keys keep
	// working, the refresh happens in the background.
	s.setStatus(http.StatusInternalServerError)
	clock.Advance(2 * time.Hour)
	_, err := v.Verify(ctx, tok1)
	require.NoError(t, err)
	waitFetch(v)
	assert.Equal(t, before+1, s.fetches.Load())
	_, err = v.Verify(ctx, tok1)
	require.NoError(t, err, "keys survive a failed refresh")
	v.Close()
	_, err = v.Verify(ctx, tok1)
	require.NoError(t, err, "and Close")

	// Unknown kid while down: the set exists, so UnknownKeyError.
	v2 := newJWKSVerifier(t, s, clock, nil)
	s.setStatus(http.StatusOK)
	require.NoError(t, v2.WarmUp(ctx))
	s.setStatus(http.StatusInternalServerError)
	clock.Advance(time.Minute)
	var unknown *UnknownKeyError
	_, err = v2.Verify(ctx, sign(t, jwt.SigningMethodRS256, rsaKey2, goodClaims(), "k9"))
	require.ErrorAs(t, err, &unknown)
	_, err = v2.Verify(ctx, tok1)
	require.NoError(t, err)
}

func TestJWKSSlowEndpoint(t *testing.T) {
	t.Parallel()
	testKeys(t)
	ctx := context.Background()
	tok1 := sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), "k1")

	t.Run("fetch timeout bounds an unknown kid", func(t *testing.T) {
		s := newJWKSServer(t, rsaJWK("k1", &rsaKey.PublicKey))
		release := make(chan struct{})
		defer close(release)
		s.setBlock(release)
		v := newJWKSVerifier(t, s, newClock(goldenTime), func(c *Config) { c.JWKSFetchTimeout = 50 * time.Millisecond })
		_, err := v.Verify(ctx, tok1)
		var ks *KeySetError
		require.ErrorAs(t, err, &ks)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("request context bounds the wait", func(t *testing.T) {
		s := newJWKSServer(t, rsaJWK("k1", &rsaKey.PublicKey))
		release := make(chan struct{})
		s.setBlock(release)
		v := newJWKSVerifier(t, s, newClock(goldenTime), nil)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := v.Verify(cctx, tok1)
		assert.ErrorIs(t, err, context.Canceled)
		close(release) // let the detached fetch finish so Close returns
	})

	t.Run("stale known kid never waits", func(t *testing.T) {
		s := newJWKSServer(t, rsaJWK("k1", &rsaKey.PublicKey))
		clock := newClock(goldenTime)
		v := newJWKSVerifier(t, s, clock, nil) // fetch timeout 10 min
		require.NoError(t, v.WarmUp(ctx))
		release := make(chan struct{})
		s.setBlock(release)
		clock.Advance(2 * time.Hour)
		// If Verify waited for the (blocked) refresh, this would hang.
		for range 3 {
			_, err := v.Verify(ctx, tok1)
			require.NoError(t, err)
		}
		close(release)
		waitFetch(v)
		assert.EqualValues(t, 2, s.fetches.Load(), "one background refresh despite several stale hits")
	})
}

func TestJWKSConcurrentUnknownKidSingleFetch(t *testing.T) {
	t.Parallel()
	testKeys(t)
	ctx := context.Background()
	s := newJWKSServer(t, rsaJWK("k1", &rsaKey.PublicKey))
	started := make(chan struct{}, 16)
	release := make(chan struct{})
	s.mu.Lock()
	s.started, s.block = started, release
	s.mu.Unlock()
	v := newJWKSVerifier(t, s, newClock(goldenTime), nil)
	tok := sign(t, jwt.SigningMethodRS256, rsaKey, goodClaims(), "k1")

	const n = 8
	errs := make(chan error, n)
	go func() { _, err := v.Verify(ctx, tok); errs <- err }()
	<-started // the fetch is in flight; everybody else joins it
	for range n - 1 {
		go func() { _, err := v.Verify(ctx, tok); errs <- err }()
	}
	close(release)
	for range n {
		require.NoError(t, <-errs)
	}
	assert.EqualValues(t, 1, s.fetches.Load())
}

func TestParseJWKS(t *testing.T) {
	t.Parallel()
	testKeys(t)
	good := rsaJWK("k1", &rsaKey.PublicKey)
	with := func(m map[string]any, k string, v any) map[string]any {
		c := make(map[string]any, len(m))
		for kk, vv := range m {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	small := with(good, "n", b64(make([]byte, 128)))
	offCurve := ecJWK("e1", &ecKey.PublicKey)
	offCurve["y"] = offCurve["x"]
	tests := []struct {
		name string
		keys []map[string]any
		kids []string // usable kids; nil means an error
	}{
		{"rsa and ec", []map[string]any{good, ecJWK("e1", &ecKey.PublicKey)}, []string{"e1", "k1"}},
		{"no kid skipped", []map[string]any{with(good, "kid", nil), ecJWK("e1", &ecKey.PublicKey)}, []string{"e1"}},
		{"encryption key skipped", []map[string]any{with(good, "use", "enc"), ecJWK("e1", &ecKey.PublicKey)}, []string{"e1"}},
		{"oct key skipped", []map[string]any{{"kty": "oct", "kid": "h", "k": b64([]byte(demoSecret))}, good}, []string{"k1"}},
		{"small rsa skipped", []map[string]any{small, ecJWK("e1", &ecKey.PublicKey)}, []string{"e1"}},
		{"point off curve skipped", []map[string]any{offCurve, good}, []string{"k1"}},
		{"alg that does not fit skipped", []map[string]any{with(good, "alg", "ES256"), ecJWK("e1", &ecKey.PublicKey)}, []string{"e1"}},
		{"even exponent skipped", []map[string]any{with(good, "e", b64([]byte{2})), ecJWK("e1", &ecKey.PublicKey)}, []string{"e1"}},
		{"nothing usable", []map[string]any{with(good, "kid", nil)}, nil},
		{"empty", []map[string]any{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"keys": tt.keys})
			require.NoError(t, err)
			keys, err := parseJWKS(body)
			if tt.kids == nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			var kids []string
			for k := range keys {
				kids = append(kids, k)
			}
			assert.ElementsMatch(t, tt.kids, kids)
		})
	}
	_, err := parseJWKS([]byte("not json"))
	require.Error(t, err)
}
