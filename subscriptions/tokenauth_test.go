package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fraiseql/fraiseql-http/auth"
)

type mapVerifier map[string]*auth.User

func (m mapVerifier) Verify(_ context.Context, token string) (*auth.User, error) {
	if u, ok := m[token]; ok {
		return u, nil
	}
	return nil, errors.New("bad signature")
}

func TestTokenAuthenticator(t *testing.T) {
	t.Parallel()
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	good := &auth.User{UserID: "u1", Claims: map[string]any{
		"sub": "u1", "tenant_id": tenantA, "exp": json.Number(itoa(int(exp.Unix()))),
	}}
	noExp := &auth.User{UserID: "u2", Claims: map[string]any{"sub": "u2"}}
	badExp := &auth.User{UserID: "u3", Claims: map[string]any{"exp": "tomorrow"}}
	def := "00000000-0000-0000-0000-000000000000"
	vars := auth.SessionVars{{Name: "app.tenant_id", Claim: "tenant_id", Default: &def}}
	v := mapVerifier{"good": good, "noexp": noExp, "badexp": badExp}
	ctx := context.Background()

	a := &TokenAuthenticator{Verifier: v, SessionVars: vars}
	ac, err := a.Authenticate(ctx, &InitRequest{Authorization: "Bearer good"})
	if err != nil || ac.User != good || !ac.ExpiresAt.Equal(exp) || len(ac.Settings) != 1 || ac.Settings[0].Value != tenantA {
		t.Fatalf("good: %+v %v", ac, err)
	}
	if ac, err := a.Authenticate(ctx, &InitRequest{Authorization: "bearer noexp"}); err != nil || !ac.ExpiresAt.IsZero() {
		t.Fatalf("no exp: %+v %v", ac, err)
	}
	if ac, err := a.Authenticate(ctx, &InitRequest{}); err != nil || ac.User != nil || ac.Settings[0].Value != def {
		t.Fatalf("anonymous: %+v %v", ac, err)
	}
	for _, tok := range []string{"Bearer forged", "Bearer badexp"} {
		if _, err := a.Authenticate(ctx, &InitRequest{Authorization: tok}); err == nil {
			t.Errorf("%s accepted", tok)
		}
	}
	req := &TokenAuthenticator{Verifier: v, Required: true}
	if _, err := req.Authenticate(ctx, &InitRequest{Authorization: "Basic eDp5"}); !errors.Is(err, ErrNoCredential) {
		t.Fatalf("required: %v", err)
	}
	none := &TokenAuthenticator{}
	if ac, err := none.Authenticate(ctx, &InitRequest{Authorization: "Bearer forged"}); err != nil || ac.User != nil {
		t.Fatalf("no provider: %+v %v", ac, err)
	}
	for _, bad := range []any{"x", json.Number("1e400"), -1.0, true} {
		if _, err := expiry(bad); err == nil {
			t.Errorf("expiry(%v) accepted", bad)
		}
	}
}

// TestTokenAuthenticatorOverTheSocket: the expiry of a real token closes
// the socket with 4403.
func TestTokenAuthenticatorOverTheSocket(t *testing.T) {
	t.Parallel()
	soon := &auth.User{UserID: "u", Claims: map[string]any{"exp": float64(time.Now().Add(2500 * time.Millisecond).Unix())}}
	ts := newTestServer(t, Config{}, nil, nil, &TokenAuthenticator{Verifier: mapVerifier{"soon": soon}})
	c := ts.dial(ProtocolTransportWS)
	c.init(`{"headers":{"Authorization":"Bearer soon"}}`)
	c.send(`{"type":"subscribe","id":"w","payload":{"query":"{ whoami }"}}`)
	c.expectType("next")
	c.expectType("complete")
	c.expectClose(CloseForbidden)
}

// TestTokenAuthenticatorWithJWTVerifier: the real HS256 verifier of the
// auth module; its json.Number exp drives the 4403 at expiry, and the
// tenant claim becomes the connection's session variable.
func TestTokenAuthenticatorWithJWTVerifier(t *testing.T) {
	t.Parallel()
	secret := "a-test-secret-of-at-least-thirty-two-bytes"
	v, err := auth.NewJWTVerifier(auth.Config{Algorithms: []string{"HS256"}, Secret: secret, Claims: auth.DefaultClaimMapping()})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	sign := func(key string, exp time.Time) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"sub": "user-1", "tenant_id": tenantA, "exp": exp.Unix(),
		}).SignedString([]byte(key))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	var seen []auth.Setting
	exec := &scriptedExecutor{prepare: func(req *Request) { seen = req.Auth.Settings }}
	a := &TokenAuthenticator{Verifier: v, SessionVars: auth.SessionVars{{Name: "app.tenant_id", Claim: "tenant_id"}}, Required: true}
	ts := newTestServer(t, Config{}, exec, nil, a)

	c := ts.dial(ProtocolTransportWS)
	c.init(`{"authorization":"Bearer ` + sign(secret, time.Now().Add(2*time.Second)) + `"}`)
	c.send(`{"type":"subscribe","id":"w","payload":{"query":"{ whoami }"}}`)
	if got := c.nextRaw(); got != `{"type":"next","id":"w","payload":{"data":{"whoami":"user-1"}}}` {
		t.Fatalf("whoami: %s", got)
	}
	c.expectType("complete")
	if len(seen) != 1 || seen[0] != (auth.Setting{Name: "app.tenant_id", Value: tenantA}) {
		t.Fatalf("session variables: %v", seen)
	}
	c.expectClose(CloseForbidden) // at exp

	for _, init := range []string{
		`{"authorization":"Bearer ` + sign("another-secret-of-at-least-thirty-two-bytes", time.Now().Add(time.Hour)) + `"}`,
		`{"authorization":"Bearer ` + sign(secret, time.Now().Add(-time.Minute)) + `"}`,
		`{}`, // required, none given
	} {
		bad := ts.dial(ProtocolTransportWS)
		bad.send(`{"type":"connection_init","payload":` + init + `}`)
		bad.expectClose(CloseForbidden)
	}
}
