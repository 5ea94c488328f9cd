package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		token  string
		ok     bool
	}{
		{"empty", "", "", false},
		{"canonical", "Bearer abc.def.ghi", "abc.def.ghi", true},
		{"lower case scheme", "bearer tok", "tok", true},
		{"upper case scheme", "BEARER tok", "tok", true},
		{"mixed case scheme", "bEaReR tok", "tok", true},
		{"two spaces keep the second", "Bearer  tok", " tok", true},
		{"trailing space kept", "Bearer tok ", "tok ", true},
		{"token with spaces kept whole", "Bearer a b c", "a b c", true},
		{"scheme only", "Bearer", "", false},
		{"scheme and space only", "Bearer ", "", false},
		{"leading space: empty scheme", " Bearer tok", "", false},
		{"tab is not a separator", "Bearer\ttok", "", false},
		{"basic scheme", "Basic dXNlcjpwYXNz", "", false},
		{"token scheme", "Token tok", "", false},
		{"scheme prefix only", "Bear tok", "", false},
		{"scheme with suffix", "Bearerx tok", "", false},
		// UTF-8 "ſ" (U+017F) case-folds to "s" in Unicode but not in
		// latin-1 decoded header text, which is what v1 compares.
		{"no unicode folding", "Bearer\u017f tok", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, ok := BearerToken(tt.header)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.token, tok)
		})
	}
}

func TestDevBasicProtected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want bool
	}{
		{"/graphql", true},
		{"/graphql/rust", true},
		{"/graphqlx", true},
		{"/playground", true},
		{"/graphiql", true},
		{"/docs", true},
		{"/docs/oauth2-redirect", true},
		{"/redoc", true},
		{"/openapi.json", true},
		{"/health", false},
		{"/ready", false},
		{"/", false},
		{"", false},
		{"/GRAPHQL", false},
		{"//graphql", false},
		{"/api/graphql", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, DevBasicProtected(tt.path), "path %q", tt.path)
	}
}

func TestCheckDevBasic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   bool
	}{
		{"valid", "Basic dXNlcjpwYXNz", true}, // user:pass
		{"prefix case is exact", "basic dXNlcjpwYXNz", false},
		{"upper case prefix", "BASIC dXNlcjpwYXNz", false},
		{"no space", "BasicdXNlcjpwYXNz", false},
		{"two spaces: python skips the extra space", "Basic  dXNlcjpwYXNz", true},
		{"inner space skipped", "Basic dXNl cjpwYXNz", true},
		{"padding at a quantum boundary does not stop decoding", "Basic dXNlcjpwYXNz==junk", false},
		{"missing padding", "Basic dXNlcjpwYXN", false},
		{"wrong password", "Basic dXNlcjpwYXM=", false},      // user:pas
		{"longer password", "Basic dXNlcjpwYXNzeA==", false}, // user:passx
		{"no colon", "Basic dXNlcnBhc3M=", false},            // userpass
		{"bearer", "Bearer dXNlcjpwYXNz", false},
		{"empty", "", false},
		{"empty credentials", "Basic ", false},
		{"non-ascii in header", "Basic dXNlcjpwYXNz\u00e9", false},
		{"invalid utf-8 payload", "Basic dXNlcjr/", false}, // user:\xff
		{"non-ascii password", "Basic dXNlcjpww6lzcw==", false},
		{"colon in password kept", "Basic dXNlcjpwYXNzOng=", false}, // user:pass:x
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CheckDevBasic(tt.header, "user", "pass"))
		})
	}
	assert.True(t, CheckDevBasic("Basic dXNlcjpwYXNzOng=", "user", "pass:x"), "split at the first colon only")
	assert.True(t, CheckDevBasic("Basic Og==", "", ""), "empty user and password")
	assert.True(t, CheckDevBasic("Basic dTpwdw==junk", "u", "pw"), "data after final padding ignored")
}

// The expectations come from CPython 3.11 base64.b64decode(s).
func TestPyB64Decode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		out  string
		isOK bool
	}{
		{"dXNlcjpwYXNz", "user:pass", true},
		{"dXNl cjpwYXNz", "user:pass", true},
		{"dXNlcjpwYXN", "", false},
		{"dXNlcjpwYXM=", "user:pas", true},
		{"dXNlcjpwYXM=garbage", "user:pas", true},
		{"dXNlcjpwYQ==", "user:pa", true},
		{"dXNlcjpwYQ=", "", false},
		{"d", "", false},
		{"dX=", "", false},
		{"=dXNlcjpwYQ==", "user:pa", true},
		{"dXNlcjpw!YQ==", "user:pa", true},
		{"dXNlcjpwYQ=x=", "user:pa\x0c", true},
		{"", "", true},
		{"YTpi", "a:b", true},
		{"dXNlcjpwYQ==dXNl", "user:pa", true},
		{"YTpi\u00e9", "", false},
	}
	for _, tt := range tests {
		got, ok := pyB64Decode(tt.in)
		assert.Equal(t, tt.isOK, ok, "input %q", tt.in)
		if tt.isOK {
			assert.Equal(t, tt.out, string(got), "input %q", tt.in)
		}
	}
}
