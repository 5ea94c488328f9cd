package auth

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strPtr(s string) *string { return &s }

func TestSessionVarsValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, SessionVars{
		{Name: "app.tenant_id", Claim: "tenant_id"},
		{Name: "app.user_id", Claim: "sub"},
		{Name: "app.mode", Default: strPtr("x")},
	}.Validate())

	err := SessionVars{
		{Name: "app.y", Claim: "a"},
		{Name: "app.y", Claim: "b"},
		{Name: "app.z"},
	}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"app.y" mapped twice`)
	assert.Contains(t, err.Error(), `"app.z" has neither`)
}

func TestSessionSettings(t *testing.T) {
	t.Parallel()
	vars := SessionVars{
		{Name: "app.tenant_id", Claim: "tenant_id", Default: strPtr(tenantA)},
		{Name: "app.user_id", Claim: "sub"},
		{Name: "app.roles", Claim: "roles"},
		{Name: "app.org", Claim: "org"},
		{Name: "app.level", Claim: "level"},
	}
	require.NoError(t, vars.Validate())
	user := &User{
		Claims: map[string]any{
			"sub": "u-1", "tenant_id": tenantB, "roles": []any{"admin", "x"},
			"level": json.Number("3"),
		},
		Metadata: map[string]any{"org": "o'; --"},
	}
	tests := []struct {
		name string
		user *User
		want []Setting
	}{
		{"authenticated", user, []Setting{
			{"app.tenant_id", tenantB},
			{"app.user_id", "u-1"},
			{"app.roles", `["admin","x"]`},
			{"app.org", "o'; --"},
			{"app.level", "3"},
		}},
		{"anonymous gets defaults only", nil, []Setting{{"app.tenant_id", tenantA}}},
		{"missing claim gets default", &User{Claims: map[string]any{"sub": "u"}}, []Setting{
			{"app.tenant_id", tenantA}, {"app.user_id", "u"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vars.Settings(tt.user)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	_, err := SessionVars{{Name: "app.x", Claim: "x"}}.Settings(&User{Claims: map[string]any{"x": "a\x00b"}})
	var ic *InvalidClaimError
	require.ErrorAs(t, err, &ic)
}
