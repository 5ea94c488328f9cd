package compress

import "testing"

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ae   string
		want Coding
	}{
		{"", Identity},
		{"gzip", Gzip},
		{"GZIP", Gzip},
		{"x-gzip", Gzip},
		{"zstd", Zstd},
		{"gzip, deflate, br, zstd", Zstd},      // a tie: zstd preferred
		{"gzip;q=1.0, zstd;q=0.9", Gzip},       // q decides
		{"zstd;q=0, gzip", Gzip},               // q=0 refuses
		{"gzip;q=0, zstd;q=0", Identity},       // nothing acceptable
		{"br", Identity},                       // only codings we do not offer
		{"deflate;q=0.5, br", Identity},        // idem
		{"*", Zstd},                            // any coding
		{"*;q=0.5, gzip;q=0.8", Gzip},          // named beats "*"
		{"*;q=0", Identity},                    // everything refused: identity anyway
		{"gzip;q=0.5", Gzip},                   // unnamed identity does not outrank a coding
		{"identity;q=1, gzip;q=0.5", Identity}, // named identity with a higher q wins
		{"identity, gzip", Gzip},               // a tie goes to the coding
		{"identity;q=0, gzip;q=0", Identity},   // RFC 9110 allows identity instead of 406
		{"gzip;q=2", Identity},                 // invalid q: element ignored
		{"gzip;q=0.1234", Identity},            // more than three decimals
		{"gzip;q=1.001", Identity},             // over 1
		{"gzip;q=", Identity},                  // empty
		{"gzip;q=abc, zstd", Zstd},             // one bad element does not spoil the rest
		{"gzip ; q=0.3 , zstd ; q=0.2", Gzip},  // spaces around parameters
		{"gzip;level=9", Gzip},                 // other parameters ignored
		{",,, ,gzip", Gzip},                    // empty elements
		{";q=1", Identity},                     // no coding name
		{"gzip;q=0.000", Identity},
		{"gzip;q=0.001", Gzip},
	} {
		if got := Negotiate(tc.ae); got != tc.want {
			t.Errorf("Negotiate(%q) = %v, want %v", tc.ae, got, tc.want)
		}
	}
}

// FuzzNegotiate: any header value is read without panicking, and the
// answer is one of the three codings.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"gzip", "zstd;q=0.5, *;q=0", "identity;q=0", "gzip;q=1.000;x=y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ae string) {
		if c := Negotiate(ae); c > Zstd {
			t.Fatalf("Negotiate(%q) = %d", ae, c)
		}
	})
}
