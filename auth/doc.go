// Package auth verifies bearer tokens and turns them into the request's user
// context and PostgreSQL session variables, the way FraiseQL v1.9.7 treats
// them. It is a library: the HTTP layer extracts the header and writes the
// responses, the engine binds the values to SQL.
//
// The request flow it serves:
//
//	tok, ok := auth.BearerToken(r.Header.Get("Authorization")) // v1's str.partition rules
//	var user *auth.User                                          // nil: anonymous
//	if ok {
//		u, err := verifier.Verify(ctx, tok)
//		if err != nil {
//			log(err) // NEVER to the client
//		} else {
//			user = u
//		}
//	}
//	settings, err := sessionVars.Settings(user) // once per request; the engine sets them
//
// Providers are configurations of one JWTVerifier (Config): an HMAC secret,
// a PEM public key or certificate, or a JWKS URL (cached by kid, refreshed
// in the background, rate-limited, single-flight). Auth0Config and
// DefaultClaimMapping reproduce v1's Auth0Provider and the demo provider.
//
// What it must never do: import GraphQL or our HTTP server packages (net/http
// is used only as a JWKS client); report why a token failed to a client (the
// server answers RFC 6750's bare invalid_token, or, under --quirks v1.9.7,
// makes the request anonymous as v1 does); put a name or value into SQL
// text (session settings are bound parameters).
//
// Security defaults:
//   - "alg" must be in Config.Algorithms and fit the key type: "none" is
//     never accepted, a public key is never used as an HMAC secret, a JWKS
//     never supplies HMAC keys, an ECDSA key only verifies its curve's ES
//     algorithm.
//   - exp and sub are required unless configured otherwise; exp, nbf and iat
//     are checked with zero leeway; a token carrying an audience is refused
//     when no audience is configured (PyJWT's rule).
//   - tokens longer than 16 KiB are refused before decoding; base64url must
//     be canonical; a "crit" header is refused.
//   - HMAC secrets shorter than 32 bytes, RSA keys under 2048 bits, private
//     keys in place of public ones and http:// JWKS URLs are configuration
//     errors.
//   - a JWKS outage never blocks a request without a token, never blocks a
//     known kid (the last good set is served), and delays an unknown kid by at
//     most the fetch timeout (5 s).
//   - session settings are transaction-local (set_config(..., true)).
package auth
