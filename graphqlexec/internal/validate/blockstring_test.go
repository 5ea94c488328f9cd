package validate

import (
	"testing"
)

// Expected values recorded with graphql-core 3.2.8
// (dedent_block_string_lines, print_block_string, print_string).
func TestBlockStrings(t *testing.T) {
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
	printed := []struct{ value, want string }{
		{"x", `"""x"""`},
		{"a\nb", "\"\"\"\na\nb\n\"\"\""},
		{`ends with "`, "\"\"\"\nends with \"\n\"\"\""},
		{" lead", `""" lead"""`},
		{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "\"\"\"\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\"\"\""},
		{`tri"""ple`, `"""tri\"""ple"""`},
		{`back\`, "\"\"\"\nback\\\n\"\"\""},
	}
	for _, tc := range printed {
		if got := printBlockString(tc.value); got != tc.want {
			t.Errorf("printBlockString(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
	if got, want := printString("a\"b\\c\td\u0007\u0085é"), `"a\"b\\c\td\u0007\u0085é"`; got != want {
		t.Errorf("printString = %q, want %q", got, want)
	}
}
