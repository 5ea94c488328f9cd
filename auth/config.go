package auth

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// Defaults applied by NewJWTVerifier to zero Config fields.
const (
	DefaultMaxTokenBytes          = 16 << 10
	DefaultJWKSMaxAge             = time.Hour // PyJWKClient(lifespan=3600)
	DefaultJWKSMinRefreshInterval = 30 * time.Second
	DefaultJWKSFetchTimeout       = 5 * time.Second
	// MinSecretBytes is the shortest HMAC secret accepted (RFC 7518 §3.2
	// asks for at least the hash size; 32 bytes is HS256's).
	MinSecretBytes = 32
)

// DefaultRequiredClaims are required when Config.RequiredClaims is nil.
var DefaultRequiredClaims = []string{"exp", "sub"}

// Config configures a JWTVerifier. Exactly one key source must be set:
// Secret (HMAC), PublicKeyPEM or PublicKeyFile (RSA or ECDSA public key or
// certificate), or JWKSURL. The HTTP layer fills it from `--auth-*` flags
// and `FRAISEQL_AUTH_*` variables (see docs/authentication.md).
type Config struct {
	// Algorithms lists the accepted "alg" header values, e.g. ["HS256"] or
	// ["RS256"]. Required. All must suit the key source: HS* with Secret,
	// RS*/PS*/ES* with a public key or a JWKS. "none" is never accepted.
	Algorithms []string

	Secret        string // HMAC secret (bytes as given), at least MinSecretBytes
	PublicKeyPEM  string // PEM "PUBLIC KEY", "RSA PUBLIC KEY" or "CERTIFICATE"
	PublicKeyFile string // path of a file holding such a PEM block
	JWKSURL       string // https URL of a JSON Web Key Set

	// Audience: when non-empty, "aud" must contain one of these. When empty,
	// a token that carries a non-empty "aud" is refused (PyJWT's rule).
	Audience []string
	// Issuer: when set, "iss" must equal it exactly.
	Issuer string
	// RequiredClaims must be present and non-null. nil means
	// DefaultRequiredClaims (exp, sub); an empty non-nil slice requires none.
	RequiredClaims []string
	// Leeway tolerated on exp, nbf and iat. Default 0.
	Leeway time.Duration

	// Claims maps claims to the User. The zero value maps nothing; use
	// DefaultClaimMapping or Auth0ClaimMapping.
	Claims ClaimMapping

	// MaxTokenBytes: longer tokens are refused before any decoding.
	// 0 means DefaultMaxTokenBytes.
	MaxTokenBytes int

	// JWKS tuning; zero means the Default* constants.
	JWKSMaxAge             time.Duration // a key set older than this is refreshed in the background
	JWKSMinRefreshInterval time.Duration // at most one fetch per interval (unknown kid, stale set, failures)
	JWKSFetchTimeout       time.Duration // bound on one fetch, and so on a request waiting for it
	// JWKSAllowHTTP permits an http:// JWKSURL (tests, trusted internal
	// networks). Off by default: keys fetched in clear text can be replaced.
	JWKSAllowHTTP bool
}

// Auth0Config is v1's Auth0Provider as a Config: issuer "https://{domain}/",
// audience apiIdentifier, keys from "https://{domain}/.well-known/jwks.json",
// algorithms RS256 unless given, Auth0ClaimMapping.
//
// One deliberate hardening: v1 requires no claim for Auth0, here exp and sub
// are required (DefaultRequiredClaims); Auth0 access tokens always carry both.
func Auth0Config(domain, apiIdentifier string, algorithms ...string) Config {
	if len(algorithms) == 0 {
		algorithms = []string{"RS256"}
	}
	return Config{
		Algorithms: algorithms,
		JWKSURL:    "https://" + domain + "/.well-known/jwks.json",
		Audience:   []string{apiIdentifier},
		Issuer:     "https://" + domain + "/",
		Claims:     Auth0ClaimMapping(apiIdentifier),
	}
}

// algFamily groups algorithms by the key type they need.
type algFamily int

const (
	famNone algFamily = iota
	famHMAC
	famRSA
	famECDSA
)

var supportedAlgs = map[string]algFamily{
	"HS256": famHMAC, "HS384": famHMAC, "HS512": famHMAC,
	"RS256": famRSA, "RS384": famRSA, "RS512": famRSA,
	"PS256": famRSA, "PS384": famRSA, "PS512": famRSA,
	"ES256": famECDSA, "ES384": famECDSA, "ES512": famECDSA,
}

// Validate checks the configuration without touching the network or files.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Algorithms) == 0 {
		errs = append(errs, errors.New("auth: no algorithms configured"))
	}
	sources := 0
	for _, set := range []bool{c.Secret != "", c.PublicKeyPEM != "", c.PublicKeyFile != "", c.JWKSURL != ""} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		errs = append(errs, fmt.Errorf("auth: exactly one key source (secret, public key PEM, public key file, JWKS URL) must be set, got %d", sources))
	}
	for _, alg := range c.Algorithms {
		fam, ok := supportedAlgs[alg]
		if !ok {
			errs = append(errs, fmt.Errorf("auth: unsupported algorithm %q", alg))
			continue
		}
		switch {
		case c.Secret != "" && fam != famHMAC:
			errs = append(errs, fmt.Errorf("auth: algorithm %s needs a public key, but an HMAC secret is configured", alg))
		case c.Secret == "" && fam == famHMAC:
			// Never let a public key (or a JWKS key) act as an HMAC secret.
			errs = append(errs, fmt.Errorf("auth: algorithm %s needs an HMAC secret", alg))
		}
	}
	if c.Secret != "" && len(c.Secret) < MinSecretBytes {
		errs = append(errs, fmt.Errorf("auth: HMAC secret is %d bytes, at least %d required", len(c.Secret), MinSecretBytes))
	}
	if c.JWKSURL != "" {
		u, err := url.Parse(c.JWKSURL)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("auth: JWKS URL: %w", err))
		case u.Host == "":
			errs = append(errs, fmt.Errorf("auth: JWKS URL %q has no host", c.JWKSURL))
		case u.Scheme == "https":
		case u.Scheme == "http" && c.JWKSAllowHTTP:
		default:
			errs = append(errs, fmt.Errorf("auth: JWKS URL %q must use https", c.JWKSURL))
		}
	}
	if c.Leeway < 0 {
		errs = append(errs, errors.New("auth: negative leeway"))
	}
	if c.MaxTokenBytes < 0 {
		errs = append(errs, errors.New("auth: negative max token length"))
	}
	for _, d := range []time.Duration{c.JWKSMaxAge, c.JWKSMinRefreshInterval, c.JWKSFetchTimeout} {
		if d < 0 {
			errs = append(errs, errors.New("auth: negative JWKS duration"))
			break
		}
	}
	for _, rc := range c.RequiredClaims {
		if strings.TrimSpace(rc) == "" {
			errs = append(errs, errors.New("auth: empty required claim name"))
			break
		}
	}
	return errors.Join(errs...)
}

// withDefaults returns a copy with zero fields defaulted.
func (c Config) withDefaults() Config {
	if c.RequiredClaims == nil {
		c.RequiredClaims = DefaultRequiredClaims
	}
	if c.MaxTokenBytes == 0 {
		c.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if c.JWKSMaxAge == 0 {
		c.JWKSMaxAge = DefaultJWKSMaxAge
	}
	if c.JWKSMinRefreshInterval == 0 {
		c.JWKSMinRefreshInterval = DefaultJWKSMinRefreshInterval
	}
	if c.JWKSFetchTimeout == 0 {
		c.JWKSFetchTimeout = DefaultJWKSFetchTimeout
	}
	c.Algorithms = slices.Clone(c.Algorithms)
	c.Audience = slices.Clone(c.Audience)
	c.RequiredClaims = slices.Clone(c.RequiredClaims)
	return c
}

// loadPEM returns the configured PEM text, reading PublicKeyFile if needed.
func (c *Config) loadPEM() (string, error) {
	if c.PublicKeyPEM != "" {
		return c.PublicKeyPEM, nil
	}
	b, err := os.ReadFile(c.PublicKeyFile)
	if err != nil {
		return "", fmt.Errorf("auth: reading public key: %w", err)
	}
	return string(b), nil
}
