package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// maxJWKSBytes bounds a JWKS response; real sets are a few KiB.
const maxJWKSBytes = 1 << 20

// jwksCache holds the last good key set of one JWKS URL.
//
// Readers never block on the network while a usable key exists: a known kid
// is served from the current set even when it is older than maxAge (a
// refresh then starts in the background). Only a kid that is not in the set
// waits for a fetch, and at most fetchTimeout (or the request's context).
// Fetches are single-flight and at most one per minInterval, so a stream of
// tokens with random kids cannot turn the server into a JWKS flooder.
type jwksCache struct {
	url          string
	client       *http.Client
	now          func() time.Time
	maxAge       time.Duration
	minInterval  time.Duration
	fetchTimeout time.Duration

	current atomic.Pointer[keySet]

	mu          sync.Mutex
	lastAttempt time.Time // zero: never fetched
	lastErr     error     // error of the last failed fetch, for KeySetError
	inflight    *fetchCall

	// Fetches run detached from the request that triggered them (others may
	// be waiting on the same fetch); Close cancels them and waits.
	life   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type keySet struct {
	keys    map[string]jwkKey
	fetched time.Time
}

type jwkKey struct {
	alg string // the JWK's "alg", "" when absent
	key any    // *rsa.PublicKey or *ecdsa.PublicKey
}

type fetchCall struct {
	done chan struct{}
}

func newJWKSCache(cfg *Config, client *http.Client, now func() time.Time) *jwksCache {
	life, cancel := context.WithCancel(context.Background())
	return &jwksCache{
		url:          cfg.JWKSURL,
		client:       client,
		now:          now,
		maxAge:       cfg.JWKSMaxAge,
		minInterval:  cfg.JWKSMinRefreshInterval,
		fetchTimeout: cfg.JWKSFetchTimeout,
		life:         life,
		cancel:       cancel,
	}
}

// key returns the key for kid, fetching the set when kid is unknown.
func (c *jwksCache) key(ctx context.Context, kid string) (jwkKey, error) {
	if set := c.current.Load(); set != nil {
		if k, ok := set.keys[kid]; ok {
			if c.now().Sub(set.fetched) >= c.maxAge {
				c.start() // refresh in the background; serve the last good key now
			}
			return k, nil
		}
	}
	if kid == "" {
		// PyJWKClient only keeps JWKs that have a kid, so a token without
		// one can never match; do not fetch for it.
		return jwkKey{}, &UnknownKeyError{KID: kid}
	}
	if call := c.start(); call != nil {
		select {
		case <-call.done:
		case <-ctx.Done():
			return jwkKey{}, &KeySetError{URL: c.url, Err: ctx.Err()}
		}
	}
	set := c.current.Load()
	if set == nil {
		c.mu.Lock()
		err := c.lastErr
		c.mu.Unlock()
		if err == nil {
			err = errors.New("key set not fetched yet")
		}
		return jwkKey{}, &KeySetError{URL: c.url, Err: err}
	}
	if k, ok := set.keys[kid]; ok {
		return k, nil
	}
	return jwkKey{}, &UnknownKeyError{KID: kid}
}

// start joins the fetch in flight or begins one if the rate limit allows;
// nil means no fetch is running or allowed.
func (c *jwksCache) start() *fetchCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight != nil {
		return c.inflight
	}
	if c.life.Err() != nil {
		return nil
	}
	now := c.now()
	if !c.lastAttempt.IsZero() && now.Sub(c.lastAttempt) < c.minInterval {
		return nil
	}
	c.lastAttempt = now
	call := &fetchCall{done: make(chan struct{})}
	c.inflight = call
	c.wg.Add(1)
	go c.run(call)
	return call
}

func (c *jwksCache) run(call *fetchCall) {
	defer c.wg.Done()
	ctx, cancel := context.WithTimeout(c.life, c.fetchTimeout)
	set, err := c.fetch(ctx)
	cancel()
	c.mu.Lock()
	if err == nil {
		c.current.Store(set)
		c.lastErr = nil
	} else {
		// Keep the previous set: an endpoint that is down must not
		// invalidate keys we already trust.
		c.lastErr = err
	}
	c.inflight = nil
	c.mu.Unlock()
	close(call.done)
}

// refresh fetches now (rate limit permitting), waits, and reports the
// outcome of the latest fetch.
func (c *jwksCache) refresh(ctx context.Context) error {
	if call := c.start(); call != nil {
		select {
		case <-call.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Rate limited or done: report how the latest fetch went.
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lastErr != nil {
		return &KeySetError{URL: c.url, Err: c.lastErr}
	}
	return nil
}

func (c *jwksCache) close() {
	c.cancel()
	c.wg.Wait()
	c.client.CloseIdleConnections()
}

func (c *jwksCache) fetch(ctx context.Context) (*keySet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("key set larger than %d bytes", maxJWKSBytes)
	}
	keys, err := parseJWKS(body)
	if err != nil {
		return nil, err
	}
	return &keySet{keys: keys, fetched: c.now()}, nil
}

// jwk is the subset of RFC 7517 members we use.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS keeps the signature keys with a kid that we can use (RSA and EC).
// Symmetric ("oct") keys are ignored: a key published in a JWKS is public and
// must never serve as an HMAC secret. Unusable entries are skipped rather
// than failing the whole set, so one odd key cannot lock everybody out.
func parseJWKS(body []byte) (map[string]jwkKey, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("key set is not JSON: %w", err)
	}
	keys := make(map[string]jwkKey, len(doc.Keys))
	var skipped []string
	for i, raw := range doc.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			skipped = append(skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		if j.Kid == "" || (j.Use != "" && j.Use != "sig") {
			continue
		}
		key, err := j.publicKey()
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("key %q: %v", j.Kid, err))
			continue
		}
		if j.Alg != "" {
			if _, ok := supportedAlgs[j.Alg]; !ok {
				skipped = append(skipped, fmt.Sprintf("key %q: unsupported alg %q", j.Kid, j.Alg))
				continue
			}
			if err := keyFits(j.Alg, key); err != nil {
				skipped = append(skipped, fmt.Sprintf("key %q: %v", j.Kid, err))
				continue
			}
		}
		keys[j.Kid] = jwkKey{alg: j.Alg, key: key}
	}
	if len(keys) == 0 {
		if len(skipped) > 0 {
			return nil, fmt.Errorf("key set has no usable signature key (%s)", strings.Join(skipped, "; "))
		}
		return nil, errors.New("key set has no usable signature key")
	}
	return keys, nil
}

func (j *jwk) publicKey() (any, error) {
	switch j.Kty {
	case "RSA":
		n, err := b64uInt(j.N)
		if err != nil {
			return nil, fmt.Errorf("n: %w", err)
		}
		e, err := b64uInt(j.E)
		if err != nil {
			return nil, fmt.Errorf("e: %w", err)
		}
		if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || e.Bit(0) == 0 {
			return nil, errors.New("unusable RSA exponent")
		}
		key := &rsa.PublicKey{N: n, E: int(e.Int64())}
		return key, checkPublicKey(key)
	case "EC":
		var curve elliptic.Curve
		switch j.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("unsupported curve %q", j.Crv)
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err := b64u(j.X)
		if err != nil {
			return nil, fmt.Errorf("x: %w", err)
		}
		y, err := b64u(j.Y)
		if err != nil {
			return nil, fmt.Errorf("y: %w", err)
		}
		if len(x) != size || len(y) != size {
			return nil, errors.New("coordinate of wrong length")
		}
		point := make([]byte, 0, 1+2*size)
		point = append(append(append(point, 4), x...), y...)
		// Validates that the point is on the curve (invalid-curve attacks).
		return ecdsa.ParseUncompressedPublicKey(curve, point)
	default:
		return nil, fmt.Errorf("unsupported key type %q", j.Kty)
	}
}

// b64u decodes base64url, tolerating the padding some issuers add.
func b64u(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func b64uInt(s string) (*big.Int, error) {
	b, err := b64u(s)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, errors.New("empty")
	}
	return new(big.Int).SetBytes(b), nil
}
