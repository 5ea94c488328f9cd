package auth

import (
	"context"
	"errors"
	"testing"
)

// FuzzVerify feeds arbitrary token strings to the demo HS256 verifier and to
// an ES256 public-key verifier. Properties: no panic; exactly one of user and
// error; every error is one of the package's typed errors (so logs can
// classify it); an accepted token has the required sub.
// Seed corpus: testdata/fuzz/FuzzVerify plus the golden tokens below.
func FuzzVerify(f *testing.F) {
	for _, tok := range []string{tokValidA, tokValidB, tokExpired, tokBadSignature, tokWrongAud, tokMalformed, "", ".", "..", "a.b.c"} {
		f.Add(tok)
	}
	testKeys(f)
	hs, err := NewJWTVerifier(demoConfig(), WithClock(newClock(goldenTime).Now))
	if err != nil {
		f.Fatal(err)
	}
	es, err := NewJWTVerifier(pubConfig("ES256", pemPublic(f, &ecKey.PublicKey)), WithClock(newClock(goldenTime).Now))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { hs.Close(); es.Close() })
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, token string) {
		for _, v := range []*JWTVerifier{hs, es} {
			u, err := v.Verify(ctx, token)
			if (u == nil) == (err == nil) {
				t.Fatalf("user %v and error %v for %q", u, err, token)
			}
			if err != nil {
				if !isTyped(err) {
					t.Fatalf("untyped error %T %v for %q", err, err, token)
				}
				continue
			}
			if u.UserID == "" || u.Roles == nil || u.Permissions == nil {
				t.Fatalf("accepted token gave incomplete user %+v", u)
			}
		}
	})
}

func isTyped(err error) bool {
	var (
		e1 *MalformedError
		e2 *AlgorithmError
		e3 *SignatureError
		e4 *ExpiredError
		e5 *NotYetValidError
		e6 *AudienceError
		e7 *IssuerError
		e8 *MissingClaimError
		e9 *InvalidClaimError
	)
	return errors.As(err, &e1) || errors.As(err, &e2) || errors.As(err, &e3) || errors.As(err, &e4) ||
		errors.As(err, &e5) || errors.As(err, &e6) || errors.As(err, &e7) || errors.As(err, &e8) ||
		errors.As(err, &e9)
}
