package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verifier turns a bearer token into a User.
//
// Verify returns a non-nil *User and a nil error, or a nil *User and an error
// for the logs. The caller treats every error the same way: the request is
// anonymous. Errors must never reach the client (see errors.go).
type Verifier interface {
	Verify(ctx context.Context, token string) (*User, error)
}

// Option adjusts a JWTVerifier beyond its Config (injection for tests and
// embedding programs, not operator settings).
type Option func(*options)

type options struct {
	now    func() time.Time
	client *http.Client
}

// WithClock sets the clock used for exp/nbf/iat and for JWKS ages and rate
// limits. Default time.Now.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithHTTPClient sets the client that fetches the JWKS (custom CAs, proxies).
// Default: a client with its own transport cloned from
// http.DefaultTransport. Its idle connections are closed by Close.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// JWTVerifier verifies JWS compact tokens (JWT) against one key source. It is
// safe for concurrent use. Call Close when done if it uses a JWKS.
type JWTVerifier struct {
	cfg     Config
	now     func() time.Time
	parser  *jwt.Parser
	secret  []byte // HMAC
	static  any    // public key from PEM
	jwks    *jwksCache
	allowed map[string]bool
}

var _ Verifier = (*JWTVerifier)(nil)

// NewJWTVerifier validates cfg, loads a PEM key if configured and returns a
// verifier. It does not fetch a JWKS; the first token does, or WarmUp.
func NewJWTVerifier(cfg Config, opts ...Option) (*JWTVerifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	v := &JWTVerifier{
		cfg:     cfg,
		now:     o.now,
		allowed: make(map[string]bool, len(cfg.Algorithms)),
	}
	for _, a := range cfg.Algorithms {
		v.allowed[a] = true
	}
	switch {
	case cfg.Secret != "":
		v.secret = []byte(cfg.Secret)
	case cfg.PublicKeyPEM != "" || cfg.PublicKeyFile != "":
		text, err := cfg.loadPEM()
		if err != nil {
			return nil, err
		}
		if v.static, err = parsePublicKeyPEM(text); err != nil {
			return nil, err
		}
		for _, a := range cfg.Algorithms {
			if err := keyFits(a, v.static); err != nil {
				return nil, fmt.Errorf("auth: configured algorithm %s does not fit the public key: %w", a, err)
			}
		}
	default:
		client := o.client
		if client == nil {
			client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		}
		v.jwks = newJWKSCache(&cfg, client, o.now)
	}
	// Claims are validated by validateClaims below, with PyJWT's rules and
	// our typed errors; golang-jwt checks structure, alg and signature.
	v.parser = jwt.NewParser(
		jwt.WithValidMethods(cfg.Algorithms),
		jwt.WithJSONNumber(),
		jwt.WithoutClaimsValidation(),
		jwt.WithStrictDecoding(),
	)
	return v, nil
}

// WarmUp fetches the JWKS now so that a misconfigured URL shows up at
// startup. A failure is not fatal: verification keeps trying later. It is a
// no-op for secret and PEM keys.
func (v *JWTVerifier) WarmUp(ctx context.Context) error {
	if v.jwks == nil {
		return nil
	}
	return v.jwks.refresh(ctx)
}

// Close stops JWKS fetches in flight, waits for them and closes idle
// connections. Idempotent; Verify keeps working with the keys it has.
func (v *JWTVerifier) Close() {
	if v.jwks != nil {
		v.jwks.close()
	}
}

// Verify checks the token and maps its claims to a User. The order follows
// PyJWT: structure, algorithm, key, signature, required claims, iat, nbf,
// exp, iss, aud, then the claim mapping.
func (v *JWTVerifier) Verify(ctx context.Context, token string) (*User, error) {
	if len(token) > v.cfg.MaxTokenBytes {
		return nil, &MalformedError{Reason: fmt.Sprintf("token longer than %d bytes", v.cfg.MaxTokenBytes)}
	}
	claims := jwt.MapClaims{}
	tok, err := v.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		return v.keyFor(ctx, t)
	})
	if err != nil {
		return nil, v.classify(tok, err)
	}
	if err := v.validateClaims(claims); err != nil {
		return nil, err
	}
	return v.cfg.Claims.newUser(claims)
}

func (v *JWTVerifier) keyFor(ctx context.Context, t *jwt.Token) (any, error) {
	alg := t.Method.Alg()
	if _, crit := t.Header["crit"]; crit {
		// We implement no JWS extension, so RFC 7515 §4.1.11 says refuse.
		return nil, &MalformedError{Reason: `unsupported "crit" header`}
	}
	switch {
	case v.secret != nil:
		return v.secret, keyFits(alg, v.secret)
	case v.static != nil:
		return v.static, keyFits(alg, v.static)
	}
	kid, _ := t.Header["kid"].(string)
	k, err := v.jwks.key(ctx, kid)
	if err != nil {
		return nil, err
	}
	if k.alg != "" && k.alg != alg {
		return nil, &AlgorithmError{Alg: alg, Reason: fmt.Sprintf("key %q is for %s", kid, k.alg)}
	}
	return k.key, keyFits(alg, k.key)
}

// classify turns golang-jwt's error into one of our types.
func (v *JWTVerifier) classify(tok *jwt.Token, err error) error {
	var (
		malformed *MalformedError
		algErr    *AlgorithmError
		unknown   *UnknownKeyError
		keySet    *KeySetError
	)
	switch {
	case errors.As(err, &malformed):
		return malformed
	case errors.As(err, &algErr):
		return algErr
	case errors.As(err, &unknown):
		return unknown
	case errors.As(err, &keySet):
		return keySet
	case errors.Is(err, jwt.ErrTokenMalformed):
		return &MalformedError{Reason: "not a JWS compact token", Err: err}
	}
	if tok != nil {
		alg, _ := tok.Header["alg"].(string)
		if tok.Method == nil {
			return &AlgorithmError{Alg: alg, Reason: "absent or unknown"}
		}
		if !v.allowed[tok.Method.Alg()] {
			return &AlgorithmError{Alg: alg, Reason: "not in the configured list"}
		}
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return &SignatureError{Alg: alg, Err: err}
		}
	}
	return &MalformedError{Reason: "unverifiable", Err: err}
}

// validateClaims applies PyJWT 2.x's registered-claim rules.
func (v *JWTVerifier) validateClaims(c jwt.MapClaims) error {
	for _, name := range v.cfg.RequiredClaims {
		if val, ok := c[name]; !ok || val == nil {
			return &MissingClaimError{Claim: name}
		}
	}
	now := v.now()
	nowSec := float64(now.UnixNano()) / 1e9
	leeway := v.cfg.Leeway.Seconds()
	if iat, ok, err := numericClaim(c, "iat"); err != nil {
		return err
	} else if ok && iat > nowSec+leeway {
		return &NotYetValidError{Claim: "iat", At: secondsTime(iat), Now: now}
	}
	if nbf, ok, err := numericClaim(c, "nbf"); err != nil {
		return err
	} else if ok && nbf > nowSec+leeway {
		return &NotYetValidError{Claim: "nbf", At: secondsTime(nbf), Now: now}
	}
	if exp, ok, err := numericClaim(c, "exp"); err != nil {
		return err
	} else if ok && exp <= nowSec-leeway {
		return &ExpiredError{ExpiredAt: secondsTime(exp), Now: now}
	}
	if v.cfg.Issuer != "" {
		iss, ok := c["iss"]
		if !ok {
			return &MissingClaimError{Claim: "iss"}
		}
		if s, _ := iss.(string); s != v.cfg.Issuer {
			return &IssuerError{Got: iss, Expected: v.cfg.Issuer}
		}
	}
	return v.validateAudience(c)
}

func (v *JWTVerifier) validateAudience(c jwt.MapClaims) error {
	raw, present := c["aud"]
	if len(v.cfg.Audience) == 0 {
		// PyJWT refuses a token addressed to someone when the verifier does
		// not say who it is: it was minted for another service.
		if present && raw != nil && raw != "" && !isEmptyList(raw) {
			return &AudienceError{Got: audList(raw)}
		}
		return nil
	}
	if !present {
		return &MissingClaimError{Claim: "aud"}
	}
	var got []string
	switch a := raw.(type) {
	case string:
		got = []string{a}
	case []any:
		for _, e := range a {
			s, ok := e.(string)
			if !ok {
				return &InvalidClaimError{Claim: "aud", Reason: "not a string or an array of strings"}
			}
			got = append(got, s)
		}
	default:
		return &InvalidClaimError{Claim: "aud", Reason: "not a string or an array of strings"}
	}
	for _, g := range got {
		if slices.Contains(v.cfg.Audience, g) {
			return nil
		}
	}
	return &AudienceError{Got: got, Expected: v.cfg.Audience}
}

func isEmptyList(v any) bool {
	a, ok := v.([]any)
	return ok && len(a) == 0
}

func audList(v any) []string {
	switch a := v.(type) {
	case string:
		return []string{a}
	case []any:
		out := make([]string, 0, len(a))
		for _, e := range a {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// numericClaim reads a NumericDate claim as seconds, truncated toward zero
// like PyJWT's int(). Strings are refused (PyJWT would accept "123"; an
// issuer writing dates as strings is broken, and refusing is the safe side).
func numericClaim(c jwt.MapClaims, name string) (float64, bool, error) {
	raw, ok := c[name]
	if !ok {
		return 0, false, nil
	}
	n, isNum := raw.(json.Number)
	if !isNum {
		return 0, false, &InvalidClaimError{Claim: name, Reason: "not a number"}
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return float64(i), true, nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, &InvalidClaimError{Claim: name, Reason: "not a finite number"}
	}
	return math.Trunc(f), true, nil
}

func secondsTime(s float64) time.Time {
	if s > math.MaxInt64/2 || s < math.MinInt64/2 {
		return time.Unix(math.MaxInt32, 0) // far away; only used in log messages
	}
	return time.Unix(int64(s), 0)
}
