package auth

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func strPtr(s string) *string { return &s }

func TestValidSessionVarName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"app.tenant_id", true},
		{"app.user_id", true},
		{"_x._y", true},
		{"app1.v2", true},
		{"app.tenant_id2", true},
		{"tenant_id", false},
		{"app.", false},
		{".x", false},
		{"a.b.c", false},
		{"App.tenant_id", false},
		{"app.Tenant", false},
		{"1app.x", false},
		{"app.1x", false},
		{"app.tenant-id", false},
		{"app.tenant id", false},
		{"app.x'; drop table t; --", false},
		{"app.é", false},
		{"", false},
		{"app." + strings.Repeat("a", 63), true},
		{"app." + strings.Repeat("a", 64), false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, ValidSessionVarName(tt.name), "%q", tt.name)
	}
}

func TestSessionVarsValidate(t *testing.T) {
	require.NoError(t, SessionVars{
		{Name: "app.tenant_id", Claim: "tenant_id"},
		{Name: "app.user_id", Claim: "sub"},
		{Name: "app.mode", Default: strPtr("x")},
	}.Validate())

	err := SessionVars{
		{Name: "App.x", Claim: "a"},
		{Name: "app.y", Claim: "a"},
		{Name: "app.y", Claim: "b"},
		{Name: "app.z"},
	}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"App.x"`)
	assert.Contains(t, err.Error(), `"app.y" mapped twice`)
	assert.Contains(t, err.Error(), `"app.z" has neither`)
}

func TestSessionSettings(t *testing.T) {
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
	_, err = SessionVars{{Name: "bad name", Claim: "x"}}.Settings(nil)
	require.Error(t, err, "unvalidated names are still refused")
}

type recordingExec struct {
	sql  string
	args []any
	err  error
	n    int
}

func (r *recordingExec) Exec(_ context.Context, sql string, args ...any) error {
	r.n++
	r.sql, r.args = sql, args
	return r.err
}

func TestSessionSQLAndApply(t *testing.T) {
	sql, args := SessionSQL(nil)
	assert.Empty(t, sql)
	assert.Nil(t, args)

	settings := []Setting{{"app.tenant_id", tenantA}, {"app.user_id", "u'1"}}
	sql, args = SessionSQL(settings)
	assert.Equal(t, "SELECT set_config($1, $2, true), set_config($3, $4, true)", sql)
	assert.Equal(t, []any{"app.tenant_id", tenantA, "app.user_id", "u'1"}, args)

	rec := &recordingExec{}
	require.NoError(t, ApplySession(context.Background(), rec, settings))
	assert.Equal(t, 1, rec.n, "one round trip")
	assert.Equal(t, sql, rec.sql)
	assert.Equal(t, args, rec.args)

	rec = &recordingExec{}
	require.NoError(t, ApplySession(context.Background(), rec, nil))
	assert.Equal(t, 0, rec.n, "nothing to do, no round trip")

	boom := errors.New("boom")
	err := ApplySession(context.Background(), ExecFunc(func(context.Context, string, ...any) error { return boom }), settings)
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "applying 2 session variables")
}
