package auth

import (
	"fmt"
	"time"
)

// The error types below say why a token was refused. They exist for logs and
// metrics only.
//
// NEVER send them (or their messages) to a client. FraiseQL v1 swallows every
// verification failure: the request simply becomes anonymous, and the client
// sees exactly what an anonymous client sees (the generic
// `401 {"detail":"Authentication required"}` gate when a provider is
// configured, or resolver-level errors). Reporting "expired" versus "bad
// signature" would both break byte compatibility and hand an attacker an
// oracle. Branch on them with errors.As.

// MalformedError: the token is not a well-formed JWT (wrong number of
// segments, bad base64url, header or payload not a JSON object, too long,
// unsupported critical header).
type MalformedError struct {
	Reason string
	Err    error // underlying decoder error, if any
}

func (e *MalformedError) Error() string {
	if e.Err != nil {
		return "auth: malformed token: " + e.Reason + ": " + e.Err.Error()
	}
	return "auth: malformed token: " + e.Reason
}

func (e *MalformedError) Unwrap() error { return e.Err }

// AlgorithmError: the token's "alg" header is absent, unknown, "none", not in
// the configured list, or does not fit the key it would be checked with (for
// example HS256 against an RSA public key: algorithm confusion).
type AlgorithmError struct {
	Alg    string // as written in the token header; "" when absent
	Reason string
}

func (e *AlgorithmError) Error() string {
	return fmt.Sprintf("auth: disallowed algorithm %q: %s", e.Alg, e.Reason)
}

// SignatureError: the signature does not verify with the selected key.
type SignatureError struct {
	Alg string
	Err error
}

func (e *SignatureError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("auth: invalid %s signature: %v", e.Alg, e.Err)
	}
	return fmt.Sprintf("auth: invalid %s signature", e.Alg)
}

func (e *SignatureError) Unwrap() error { return e.Err }

// ExpiredError: "exp" is at or before now minus the leeway.
type ExpiredError struct {
	ExpiredAt time.Time
	Now       time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("auth: token expired at %s (now %s)",
		e.ExpiredAt.UTC().Format(time.RFC3339), e.Now.UTC().Format(time.RFC3339))
}

// NotYetValidError: "nbf" or "iat" lies after now plus the leeway.
type NotYetValidError struct {
	Claim string // "nbf" or "iat"
	At    time.Time
	Now   time.Time
}

func (e *NotYetValidError) Error() string {
	return fmt.Sprintf("auth: token not valid before %s (%s claim, now %s)",
		e.At.UTC().Format(time.RFC3339), e.Claim, e.Now.UTC().Format(time.RFC3339))
}

// AudienceError: the "aud" claim does not name a configured audience, or the
// token carries an audience while none is configured (PyJWT's rule).
type AudienceError struct {
	Got      []string
	Expected []string
}

func (e *AudienceError) Error() string {
	return fmt.Sprintf("auth: wrong audience %q, expected one of %q", e.Got, e.Expected)
}

// IssuerError: the "iss" claim differs from the configured issuer.
type IssuerError struct {
	Got      any
	Expected string
}

func (e *IssuerError) Error() string {
	return fmt.Sprintf("auth: wrong issuer %v, expected %q", e.Got, e.Expected)
}

// MissingClaimError: a required claim is absent or JSON null.
type MissingClaimError struct {
	Claim string
}

func (e *MissingClaimError) Error() string {
	return fmt.Sprintf("auth: missing required claim %q", e.Claim)
}

// InvalidClaimError: a claim has a type the verifier cannot use (a string
// "exp", a "roles" claim that is not a list of strings, a session variable
// value containing a NUL byte, ...).
type InvalidClaimError struct {
	Claim  string
	Reason string
}

func (e *InvalidClaimError) Error() string {
	return fmt.Sprintf("auth: invalid claim %q: %s", e.Claim, e.Reason)
}

// UnknownKeyError: no key of the JWKS has the token's "kid" (also when the
// token has no "kid" and the keys come from a JWKS), and a refresh did not
// bring it or was not allowed yet by the rate limit.
type UnknownKeyError struct {
	KID string
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("auth: unknown signing key id %q", e.KID)
}

// KeySetError: the JWKS could not be fetched or parsed and no earlier key set
// is available to verify with.
type KeySetError struct {
	URL string
	Err error
}

func (e *KeySetError) Error() string {
	return fmt.Sprintf("auth: no usable key set from %s: %v", e.URL, e.Err)
}

func (e *KeySetError) Unwrap() error { return e.Err }
