package fastapi

import (
	"net/http"

	"github.com/fraiseql/fraiseql-http/auth"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
)

var (
	bodyAuthRequired    = []byte(`{"detail":"Authentication required"}`)
	bodyInvalidToken    = []byte(`{"detail":"Invalid or expired token"}`)
	bodyDevAuthRequired = []byte(auth.DevBasicBody)
)

// DevBasic is v1's development HTTP Basic gate (dev_auth_username /
// dev_auth_password), the outermost middleware of a development app.
type DevBasic struct {
	Username, Password string
}

// Refuse answers v1's 401 and returns true when r's path is protected and
// its Authorization header does not carry the account.
func (d *DevBasic) Refuse(w h1.ResponseWriter, r *http.Request) bool {
	if !auth.DevBasicProtected(r.URL.Path) || auth.CheckDevBasic(r.Header.Get("Authorization"), d.Username, d.Password) {
		return false
	}
	// A Starlette Response without a media type: no content-type line.
	w.AddHeader("www-authenticate", auth.DevBasicRealm)
	w.Respond(http.StatusUnauthorized, "", bodyDevAuthRequired)
	return true
}

// AuthRequired answers v1's 401 gate: a GraphQL request without a valid
// token when a provider is configured.
func AuthRequired(w h1.ResponseWriter) {
	w.Respond(http.StatusUnauthorized, ContentTypeJSON, bodyAuthRequired)
}

// InvalidToken answers a request whose bearer token failed verification
// (bad signature, expired, malformed, wrong audience or issuer): RFC 6750's
// 401 with error="invalid_token", in the style of v1's 401 body. v1.9.7
// never sends it: such a request is anonymous there (quirk 13).
func InvalidToken(w h1.ResponseWriter) {
	w.AddHeader("www-authenticate", `Bearer error="invalid_token"`)
	w.Respond(http.StatusUnauthorized, ContentTypeJSON, bodyInvalidToken)
}
