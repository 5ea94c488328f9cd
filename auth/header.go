package auth

import (
	"crypto/subtle"
	"strings"
	"unicode/utf8"
)

// BearerToken extracts the bearer token from an Authorization header value
// exactly as FastAPI's HTTPBearer(auto_error=False) does in FraiseQL v1:
//
//   - the value is split at the first space (Python str.partition(" ")),
//     nothing is trimmed, so "Bearer  tok" yields the token " tok", which
//     then fails verification;
//   - the scheme must equal "bearer" ignoring ASCII case ("bearer", "BEARER");
//   - an empty value, an empty scheme or an empty token yields ok == false,
//     and so does any other scheme ("Basic ...").
//
// ok == false means "no token": the request is anonymous and no verifier
// should be called. Pass the first Authorization header of the request, as
// Starlette's headers.get does.
func BearerToken(headerValue string) (token string, ok bool) {
	scheme, cred, _ := strings.Cut(headerValue, " ")
	if scheme == "" || cred == "" {
		return "", false
	}
	// ASCII-only folding on purpose: Starlette decodes header bytes as
	// latin-1, where no non-ASCII character lower-cases to ASCII, while
	// strings.EqualFold would also fold e.g. UTF-8 "ſ" to "s".
	if !asciiEqualFold(scheme, "bearer") {
		return "", false
	}
	return cred, true
}

func asciiEqualFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// devProtectedPrefixes are the path prefixes v1's DevAuthMiddleware guards.
// They are prefixes, not path segments: "/graphqlfoo" and "/docs/x" match.
var devProtectedPrefixes = [...]string{"/graphql", "/playground", "/graphiql", "/docs", "/redoc", "/openapi.json"}

// DevBasicProtected reports whether the development Basic-auth gate applies
// to a request path (the URL path, without query string).
func DevBasicProtected(path string) bool {
	for _, p := range devProtectedPrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// DevBasicRealm is the WWW-Authenticate value v1 sends with the gate's 401.
const DevBasicRealm = `Basic realm="FraiseQL Development"`

// DevBasicBody is the body (text, no content-type header) of the gate's 401.
const DevBasicBody = "Development authentication required"

// CheckDevBasic reports whether an Authorization header value satisfies the
// development Basic-auth gate (v1 fastapi/dev_auth.py) for the configured
// user and password. The HTTP layer answers 401 with DevBasicRealm and
// DevBasicBody when it returns false on a DevBasicProtected path.
//
// Like v1: the prefix "Basic " is matched with its exact case; the rest is
// decoded with Python's lenient base64 (characters outside the alphabet are
// skipped, padding must still be right); the result must be UTF-8 and contain
// a colon; user and password are compared in constant time (length aside).
//
// Divergence: v1 compares with secrets.compare_digest on str, which raises
// TypeError for non-ASCII text and turns the request into a 500. Here
// non-ASCII credentials (sent or configured) simply do not match.
func CheckDevBasic(headerValue, user, pass string) bool {
	enc, ok := strings.CutPrefix(headerValue, "Basic ")
	if !ok {
		return false
	}
	raw, ok := pyB64Decode(enc)
	if !ok || !utf8.Valid(raw) {
		return false
	}
	gotUser, gotPass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return false
	}
	if !isASCII(gotUser) || !isASCII(gotPass) || !isASCII(user) || !isASCII(pass) {
		return false
	}
	// Both comparisons always run, as in v1, so timing does not reveal which
	// of the two was wrong.
	u := subtle.ConstantTimeCompare([]byte(gotUser), []byte(user))
	p := subtle.ConstantTimeCompare([]byte(gotPass), []byte(pass))
	return u&p == 1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// pyB64Decode mirrors CPython's binascii.a2b_base64 in its default
// (non-strict) mode, which base64.b64decode(s) uses: bytes outside the
// standard alphabet are skipped; "=" ends the data once a quantum has at
// least two characters and enough padding; a dangling quantum is an error.
// Non-ASCII input is refused, as Python refuses a non-ASCII str argument.
func pyB64Decode(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s)*3/4)
	var acc uint32
	quadPos, pads := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return nil, false
		}
		if c == '=' {
			if quadPos >= 2 {
				pads++
				if quadPos+pads >= 4 {
					quadPos = 0
					break
				}
			}
			continue
		}
		v := b64Value(c)
		if v < 0 {
			continue
		}
		pads = 0
		acc = acc<<6 | uint32(v)
		quadPos++
		switch quadPos {
		case 2:
			out = append(out, byte(acc>>4))
			acc &= 0xF
		case 3:
			out = append(out, byte(acc>>2))
			acc &= 0x3
		case 4:
			out = append(out, byte(acc))
			acc, quadPos = 0, 0
		}
	}
	if quadPos != 0 {
		return nil, false
	}
	return out, true
}

func b64Value(c byte) int {
	switch {
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 26
	case '0' <= c && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}
