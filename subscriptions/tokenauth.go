package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/fraiseql/fraiseql-http/auth"
)

// TokenAuthenticator is the Authenticator httpcore can use as it is: the
// same verifier and session-variable mapping as HTTP requests.
//
// Where HTTP (like v1) makes a request with a bad token anonymous, a socket
// with a bad token is refused (4403): a long-lived connection must not
// silently run as anonymous after its owner meant to authenticate, and the
// client learns at once that its credentials are wrong.
type TokenAuthenticator struct {
	// Verifier checks bearer tokens; nil means no auth provider is
	// configured and every connection is anonymous (tokens are ignored, as
	// on HTTP).
	Verifier auth.Verifier
	// SessionVars computes the PostgreSQL session variables of the
	// connection's statements from its user (defaults apply to anonymous
	// connections).
	SessionVars auth.SessionVars
	// Required refuses connections without a bearer token, the socket's
	// form of HTTP's 401 gate.
	Required bool
}

// Errors a TokenAuthenticator refuses with (for logs; clients only see 4403).
var (
	ErrNoCredential = errors.New("subscriptions: no bearer token")
	ErrBadClaims    = errors.New("subscriptions: token claims unusable")
)

// Authenticate implements Authenticator.
func (a *TokenAuthenticator) Authenticate(ctx context.Context, init *InitRequest) (*AuthContext, error) {
	token, ok := auth.BearerToken(init.Authorization)
	var user *auth.User
	switch {
	case a.Verifier == nil:
	case !ok:
		if a.Required {
			return nil, ErrNoCredential
		}
	default:
		u, err := a.Verifier.Verify(ctx, token)
		if err != nil {
			return nil, err
		}
		user = u
	}
	settings, err := a.SessionVars.Settings(user)
	if err != nil {
		return nil, err
	}
	ac := &AuthContext{User: user, Settings: settings}
	if user != nil {
		exp, err := expiry(user.Claims["exp"])
		if err != nil {
			return nil, err
		}
		ac.ExpiresAt = exp
	}
	return ac, nil
}

// expiry reads an exp claim (NumericDate seconds); absent means never.
func expiry(v any) (time.Time, error) {
	var secs float64
	switch x := v.(type) {
	case nil:
		return time.Time{}, nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return time.Time{}, ErrBadClaims
		}
		secs = f
	case float64:
		secs = x
	default:
		return time.Time{}, ErrBadClaims
	}
	if math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 || secs > 1<<40 {
		return time.Time{}, ErrBadClaims
	}
	whole, frac := math.Modf(secs)
	return time.Unix(int64(whole), int64(frac*1e9)), nil
}
