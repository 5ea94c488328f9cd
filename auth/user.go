package auth

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"
)

// User is the authenticated user of a request: v1's UserContext plus the
// verified claims. A nil *User means an anonymous request.
//
// A User is built once per request and then only read; it is safe to share
// between goroutines as long as nobody mutates it.
type User struct {
	UserID      string   // ClaimMapping.UserID claim ("sub")
	Email       string   // "" when the claim is absent or null
	Name        string   // "" when the claim is absent or null
	Roles       []string // never nil
	Permissions []string // never nil
	// Metadata is v1's UserContext.metadata: the ClaimMapping.Metadata
	// entries, or every claim not consumed elsewhere (ClaimMapping.MetadataRest).
	Metadata map[string]any
	// Claims is the verified token payload. Numbers are json.Number (their
	// exact text), objects map[string]any, arrays []any.
	Claims map[string]any
}

// HasRole reports whether the user holds role r. Safe on a nil *User.
func (u *User) HasRole(r string) bool { return u != nil && slices.Contains(u.Roles, r) }

// HasPermission reports whether the user holds permission p. Safe on a nil *User.
func (u *User) HasPermission(p string) bool {
	return u != nil && slices.Contains(u.Permissions, p)
}

// Lookup returns the value the engine uses for a declaration's
// `@context(claim: name)`: the verified token claim `name` if present and not
// null, otherwise Metadata[name] if present and not null.
//
// Claims win because they are exactly what the issuer signed; Metadata only
// matters when a ClaimMapping stores a claim under another key. Safe on a
// nil *User (never found).
func (u *User) Lookup(name string) (any, bool) {
	if u == nil {
		return nil, false
	}
	if v, ok := u.Claims[name]; ok && v != nil {
		return v, true
	}
	if v, ok := u.Metadata[name]; ok && v != nil {
		return v, true
	}
	return nil, false
}

// LookupText is Lookup rendered as text, the form bound as a SQL parameter
// or passed to set_config: strings as they are, numbers in their JSON text,
// booleans as "true"/"false", arrays and objects as compact JSON.
func (u *User) LookupText(name string) (string, bool) {
	v, ok := u.Lookup(name)
	if !ok {
		return "", false
	}
	return claimText(v), true
}

func claimText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64: // claims built by hand rather than by the verifier
		b, _ := json.Marshal(x)
		return string(b)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// ClaimMapping says which claims fill the User. Both the demo provider and
// Auth0 are ClaimMapping values (DefaultClaimMapping, Auth0ClaimMapping);
// an empty field means "not mapped".
type ClaimMapping struct {
	UserID      string // claim holding the user id; must be a string when present
	Email       string
	Name        string
	Roles       string // claim holding a JSON array of strings
	Permissions string // claim holding a JSON array of strings
	// ScopeFallback names a space-separated string claim ("scope") whose
	// words become the permissions when the Permissions claim is absent or
	// empty (Auth0 behaviour).
	ScopeFallback string
	// Metadata maps metadata keys to claim names (demo: tenant_id ← tenant_id).
	// Absent or null claims are left out.
	Metadata map[string]string
	// MetadataRest copies every claim into Metadata except those listed in
	// MetadataExclude (Auth0 behaviour). Metadata entries are applied after.
	MetadataRest    bool
	MetadataExclude []string
}

// DefaultClaimMapping is the demo app's mapping (and the usual one for a
// custom JWT provider): user_id = sub and email, name, roles, permissions
// from the same-named claims. Add Metadata entries as the app needs.
func DefaultClaimMapping() ClaimMapping {
	return ClaimMapping{
		UserID:      "sub",
		Email:       "email",
		Name:        "name",
		Roles:       "roles",
		Permissions: "permissions",
	}
}

// Auth0ClaimMapping is v1's Auth0Provider mapping: user_id = sub; roles from
// the claim "https://{apiIdentifier}/roles"; permissions from "permissions",
// or the words of "scope" when that is absent or empty; metadata = all other
// claims except sub, email, name, permissions, scope, aud, iss, iat, exp.
//
// v1 quirk reproduced on purpose: the namespace is built as
// "https://" + apiIdentifier + "/", so an identifier that is itself a URL
// ("https://api.example.com") gives "https://https://api.example.com/roles".
// Tokens must carry the roles under that exact name to be seen as roles.
// The roles claim also stays in Metadata, as in v1.
func Auth0ClaimMapping(apiIdentifier string) ClaimMapping {
	return ClaimMapping{
		UserID:        "sub",
		Email:         "email",
		Name:          "name",
		Roles:         "https://" + apiIdentifier + "/roles",
		Permissions:   "permissions",
		ScopeFallback: "scope",
		MetadataRest:  true,
		MetadataExclude: []string{
			"sub", "email", "name", "permissions", "scope", "aud", "iss", "iat", "exp",
		},
	}
}

// newUser applies the mapping to verified claims.
func (m *ClaimMapping) newUser(claims map[string]any) (*User, error) {
	u := &User{Claims: claims, Roles: []string{}, Permissions: []string{}}
	var err error
	if u.UserID, err = stringClaim(claims, m.UserID); err != nil {
		return nil, err
	}
	if u.Email, err = stringClaim(claims, m.Email); err != nil {
		return nil, err
	}
	if u.Name, err = stringClaim(claims, m.Name); err != nil {
		return nil, err
	}
	if u.Roles, err = stringListClaim(claims, m.Roles); err != nil {
		return nil, err
	}
	if u.Permissions, err = stringListClaim(claims, m.Permissions); err != nil {
		return nil, err
	}
	if len(u.Permissions) == 0 && m.ScopeFallback != "" {
		scope, err := stringClaim(claims, m.ScopeFallback)
		if err != nil {
			return nil, err
		}
		u.Permissions = strings.FieldsFunc(scope, isPySpace)
	}
	if m.MetadataRest || len(m.Metadata) > 0 {
		u.Metadata = make(map[string]any, len(m.Metadata))
	}
	if m.MetadataRest {
		for k, v := range claims {
			if !slices.Contains(m.MetadataExclude, k) {
				u.Metadata[k] = v
			}
		}
	}
	for key, claim := range m.Metadata {
		if v, ok := claims[claim]; ok && v != nil {
			u.Metadata[key] = v
		}
	}
	return u, nil
}

func stringClaim(claims map[string]any, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	v, ok := claims[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &InvalidClaimError{Claim: name, Reason: "not a string"}
	}
	return s, nil
}

func stringListClaim(claims map[string]any, name string) ([]string, error) {
	if name == "" {
		return []string{}, nil
	}
	v, ok := claims[name]
	if !ok || v == nil {
		return []string{}, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, &InvalidClaimError{Claim: name, Reason: "not an array of strings"}
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, &InvalidClaimError{Claim: name, Reason: "not an array of strings"}
		}
		out[i] = s
	}
	return out, nil
}

// isPySpace matches Python's str.split() separators: Unicode white space
// plus the ASCII information separators U+001C..U+001F.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
