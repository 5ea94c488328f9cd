package schema

import (
	"strings"
	"testing"
)

// TestValidSessionVarName: the one rule for session variable names (the
// declaration's, the server's claim mappings, a request's).
func TestValidSessionVarName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 63)
	for name, want := range map[string]bool{
		"app.tenant_id":     true,
		"_x.y9":             true,
		long + "." + long:   true,
		long + "a.b":        false, // a part over 63 bytes
		"a." + long + "a":   false,
		"search_path":       false, // built-in settings have no dot
		"role":              false,
		"App.tenant":        false,
		"app.Tenant":        false,
		"9app.x":            false,
		"app.9x":            false,
		"app.x.y":           false,
		"app.":              false,
		".x":                false,
		"":                  false,
		"app.x'y":           false,
		"app.x y":           false,
		"app.tenant_id\x00": false,
		"app.ténant":        false,
	} {
		if got := ValidSessionVarName(name); got != want {
			t.Errorf("ValidSessionVarName(%q) = %v, want %v", name, got, want)
		}
	}
}
