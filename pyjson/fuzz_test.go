package pyjson

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode checks that Decode never panics, that every error is one of the
// documented types, and that what AppendCompact writes decodes back to a
// value that renders to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, s := range seedDocuments {
		f.Add([]byte(s))
	}
	for _, s := range edgeBodies {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := Decode(body)
		if err != nil {
			var se *SyntaxError
			var ee *EncodingError
			var de *DepthError
			var ie *IntLimitError
			if !errors.As(err, &se) && !errors.As(err, &ee) && !errors.As(err, &de) && !errors.As(err, &ie) {
				t.Fatalf("Decode(%q): undocumented error %T: %v", body, err, err)
			}
			if se != nil && (se.Pos < 0 || se.Pos > len(body)) {
				t.Fatalf("Decode(%q): position %d outside the body", body, se.Pos)
			}
			return
		}
		if _, err := AppendSpaced(nil, &v); err != nil {
			t.Fatalf("AppendSpaced of a decoded value: %v", err)
		}
		out, err := AppendCompact(nil, &v)
		if err != nil {
			if !errors.Is(err, ErrOutOfRangeFloat) && !errors.Is(err, ErrLoneSurrogate) {
				t.Fatalf("AppendCompact of a decoded value: %v", err)
			}
			return
		}
		v2, err := Decode(out)
		if err != nil {
			t.Fatalf("Decode(AppendCompact(v)) = %v; AppendCompact wrote %q", err, out)
		}
		out2, err := AppendCompact(nil, &v2)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the value: %q then %q (%v)", out, out2, err)
		}
	})
}
