package auth

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuth0Config(t *testing.T) {
	t.Parallel()
	cfg := Auth0Config("tenant.eu.auth0.com", "https://api.example.com")
	assert.Equal(t, []string{"RS256"}, cfg.Algorithms)
	assert.Equal(t, "https://tenant.eu.auth0.com/.well-known/jwks.json", cfg.JWKSURL)
	assert.Equal(t, "https://tenant.eu.auth0.com/", cfg.Issuer)
	assert.Equal(t, []string{"https://api.example.com"}, cfg.Audience)
	// v1's double scheme when the identifier is a URL, reproduced.
	assert.Equal(t, "https://https://api.example.com/roles", cfg.Claims.Roles)
	require.NoError(t, cfg.Validate())
	assert.Equal(t, []string{"RS512"}, Auth0Config("d", "a", "RS512").Algorithms)
}

func TestAuth0EndToEnd(t *testing.T) {
	t.Parallel()
	testKeys(t)
	s := newJWKSServer(t, rsaJWK("a0", &rsaKey.PublicKey))
	cfg := Auth0Config("tenant.auth0.com", "https://api.example.com")
	// The test server is not tenant.auth0.com; point the JWKS at it.
	cfg.JWKSURL = s.srv.URL + "/.well-known/jwks.json"
	v := newVerifier(t, cfg, WithClock(newClock(goldenTime).Now), WithHTTPClient(s.srv.Client()))
	claims := jwt.MapClaims{
		"iss":                                   "https://tenant.auth0.com/",
		"aud":                                   []string{"https://api.example.com", "https://tenant.auth0.com/userinfo"},
		"sub":                                   "auth0|42",
		"iat":                                   goldenTime.Unix() - 60,
		"exp":                                   goldenTime.Unix() + 3600,
		"azp":                                   "client",
		"scope":                                 "openid read:posts  write:posts",
		"https://https://api.example.com/roles": []string{"editor"},
		"email":                                 "a@example.com",
	}
	u, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, rsaKey, claims, "a0"))
	require.NoError(t, err)
	assert.Equal(t, "auth0|42", u.UserID)
	assert.Equal(t, "a@example.com", u.Email)
	assert.Equal(t, []string{"editor"}, u.Roles)
	assert.Equal(t, []string{"openid", "read:posts", "write:posts"}, u.Permissions)
	assert.Equal(t, map[string]any{
		"azp":                                   "client",
		"https://https://api.example.com/roles": []any{"editor"},
	}, u.Metadata)
}

func TestClaimMapping(t *testing.T) {
	t.Parallel()
	num := json.Number("7")
	tests := []struct {
		name    string
		mapping ClaimMapping
		claims  map[string]any
		want    *User
		errText string
	}{
		{
			name:    "default mapping",
			mapping: DefaultClaimMapping(),
			claims:  map[string]any{"sub": "u", "email": "e", "name": "n", "roles": []any{"r"}, "permissions": []any{"p"}, "x": "y"},
			want:    &User{UserID: "u", Email: "e", Name: "n", Roles: []string{"r"}, Permissions: []string{"p"}},
		},
		{
			name:    "absent and null claims",
			mapping: DefaultClaimMapping(),
			claims:  map[string]any{"sub": "u", "email": nil, "roles": nil},
			want:    &User{UserID: "u", Roles: []string{}, Permissions: []string{}},
		},
		{
			name:    "auth0 permissions claim wins over scope",
			mapping: Auth0ClaimMapping("api"),
			claims:  map[string]any{"sub": "u", "permissions": []any{"p"}, "scope": "s t", "https://api/roles": []any{"r"}, "exp": num},
			want: &User{UserID: "u", Roles: []string{"r"}, Permissions: []string{"p"},
				Metadata: map[string]any{"https://api/roles": []any{"r"}}},
		},
		{
			name:    "auth0 empty permissions fall back to scope, python whitespace",
			mapping: Auth0ClaimMapping("api"),
			claims:  map[string]any{"sub": "u", "permissions": []any{}, "scope": "a\x1cb\u00a0c\td ", "tenant": "t"},
			want: &User{UserID: "u", Roles: []string{}, Permissions: []string{"a", "b", "c", "d"},
				Metadata: map[string]any{"tenant": "t"}},
		},
		{
			name:    "metadata rename",
			mapping: ClaimMapping{UserID: "uid", Metadata: map[string]string{"org": "organisation", "gone": "missing"}},
			claims:  map[string]any{"uid": "u", "organisation": "o"},
			want:    &User{UserID: "u", Roles: []string{}, Permissions: []string{}, Metadata: map[string]any{"org": "o"}},
		},
		{name: "email not a string", mapping: DefaultClaimMapping(), claims: map[string]any{"sub": "u", "email": 1.0}, errText: `"email"`},
		{name: "scope not a string", mapping: Auth0ClaimMapping("api"), claims: map[string]any{"sub": "u", "scope": []any{"a"}}, errText: `"scope"`},
		{name: "permissions object", mapping: DefaultClaimMapping(), claims: map[string]any{"sub": "u", "permissions": map[string]any{}}, errText: `"permissions"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.mapping.newUser(tt.claims)
			if tt.errText != "" {
				var ic *InvalidClaimError
				require.ErrorAs(t, err, &ic)
				assert.Contains(t, err.Error(), tt.errText)
				return
			}
			require.NoError(t, err)
			tt.want.Claims = tt.claims
			assert.Equal(t, tt.want, u)
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	u := &User{
		Claims:   map[string]any{"tenant_id": "from-claim", "n": json.Number("12.50"), "b": true, "arr": []any{"a", json.Number("1")}, "null": nil},
		Metadata: map[string]any{"tenant_id": "from-metadata", "org": "meta-only", "null": "meta"},
	}
	tests := []struct {
		name string
		want string
		ok   bool
	}{
		{"tenant_id", "from-claim", true}, // claims win
		{"org", "meta-only", true},        // metadata fallback
		{"n", "12.50", true},              // number text kept
		{"b", "true", true},
		{"arr", `["a",1]`, true},
		{"null", "meta", true}, // a null claim counts as absent
		{"missing", "", false},
	}
	for _, tt := range tests {
		got, ok := u.LookupText(tt.name)
		assert.Equal(t, tt.ok, ok, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
	var anon *User
	_, ok := anon.Lookup("tenant_id")
	assert.False(t, ok)
	assert.False(t, anon.HasRole("admin"))
	assert.False(t, anon.HasPermission("p"))
}

func TestErrorMessagesAreLowercase(t *testing.T) {
	t.Parallel()
	errs := []error{
		&MalformedError{Reason: "x"}, &AlgorithmError{Alg: "none", Reason: "x"}, &SignatureError{Alg: "HS256"},
		&ExpiredError{}, &NotYetValidError{Claim: "nbf"}, &AudienceError{}, &IssuerError{},
		&MissingClaimError{Claim: "sub"}, &InvalidClaimError{Claim: "exp"}, &UnknownKeyError{KID: "k"},
		&KeySetError{URL: "https://x", Err: context.DeadlineExceeded},
	}
	for _, err := range errs {
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "auth: "), msg)
	}
}
