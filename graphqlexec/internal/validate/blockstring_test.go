package validate

import (
	"testing"
)

// Expected values recorded with graphql-core 3.2.8 (dedent_block_string_lines).
func TestBlockStringValue(t *testing.T) {
	values := []struct{ raw, want string }{
		{"multi\n  line", "multi\nline"},
		{"\n    a\n      b\n    c\n  ", "a\n  b\nc"},
		{"  x", "  x"},
		{"", ""},
		{"\n\n", ""},
		{"a\r\n  b\r  c", "a\nb\nc"},
		{"  \n  x\n\ty", " x\ny"},
	}
	for _, tc := range values {
		if got := blockStringValue(tc.raw); got != tc.want {
			t.Errorf("blockStringValue(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}
