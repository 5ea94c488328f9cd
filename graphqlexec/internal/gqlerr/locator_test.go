package gqlerr

import (
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

func TestLocationAt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		off  int
		want Location
	}{
		// Recorded with graphql-core 3.2.8's get_location.
		{"abc", 2, Location{1, 3}},
		{"abc", 3, Location{1, 4}},
		{"a\nb", 2, Location{1, 2}}, // right after a break: the end of the line before
		{"a\r\nb", 3, Location{1, 2}},
		{"a\r\nb", 2, Location{1, 2}},
		{"a\rb", 2, Location{1, 2}},
		{"{\nusers { id }\n}", 2, Location{1, 2}},
		{"a\n\nb", 3, Location{2, 1}},
		{"a\n\nb", 4, Location{3, 2}},
		{"\n", 1, Location{1, 1}},
		{"{ a\vb }", 5, Location{2, 2}}, // Python's splitlines breaks at \v
		{"a\u2028b", 4, Location{1, 2}},
		{"a\u0085b", 3, Location{1, 2}},
		{"éé x", 5, Location{1, 4}}, // columns in characters
		{"abc", 99, Location{1, 4}}, // clamped
		{"abc", -5, Location{1, 1}},
	}
	for _, tc := range tests {
		if got := LocationAt([]byte(tc.body), tc.off); got != tc.want {
			t.Errorf("%q@%d: got %v want %v", tc.body, tc.off, got, tc.want)
		}
	}
}

// checkLocator compares a Locator with LocationAt at every offset, in an
// order that goes back and forth, past the direct lookups.
func checkLocator(t *testing.T, body []byte) {
	l := NewLocator(body)
	for _, off := range append([]int{len(body), 0, len(body) / 2, -1, len(body) + 3}, offsets(len(body))...) {
		if got, want := l.At(off), LocationAt(body, off); got != want {
			t.Fatalf("offset %d of %q: got %v want %v", off, body, got, want)
		}
		// The parser's rule for syntax errors is the same rule.
		if off >= 0 && off <= len(body) {
			line, col := language.Position(string(body), off)
			if got := LocationAt(body, off); got != (Location{line, col}) {
				t.Fatalf("offset %d of %q: LocationAt %v, language.Position %d:%d", off, body, got, line, col)
			}
		}
	}
	// Every record is at most a character (or \r\n) past its stride, so a
	// lookup scans at most locatorStride+4 bytes.
	for k, m := range l.marks {
		if m.i < k*locatorStride || m.i > k*locatorStride+4 && m.i != len(body) && k*locatorStride < len(body) {
			t.Fatalf("mark %d at %d", k, m.i)
		}
	}
}

func offsets(n int) []int {
	out := make([]int, 0, n+1)
	for i := n; i >= 0; i-- {
		out = append(out, i)
	}
	return out
}

func TestLocator(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"",
		"{ a }",
		strings.Repeat("x", 2000),
		strings.Repeat("ab\r\ncd\ré\n", 300),
		strings.Repeat("\r", locatorStride-1) + "\r\n" + strings.Repeat("ü", 400),
		strings.Repeat("é", 1000),
		"\xff\xfe" + strings.Repeat("a\n", 200),
		strings.Repeat("a\v\u2028\u0085\x1c\r", 300),
		strings.Repeat("\n", 1000),
	} {
		checkLocator(t, []byte(body))
	}
}

func FuzzLocator(f *testing.F) {
	f.Add("{ a }\n{ b }")
	f.Add(strings.Repeat("ab\r\ncd\ré\n", 60))
	f.Fuzz(func(t *testing.T, s string) {
		checkLocator(t, []byte(s))
	})
}
