package language

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse: any input either parses or returns a *SyntaxError at an
// offset inside it (never a panic or another error), and a parsed document
// survives printing: Print(Parse(Print(doc))) == Print(doc). Seeds: the
// differential corpus and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, src := range corpusEntries(f) {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := Parse(src, Options{MaxTokens: 5000})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %T %v, want *SyntaxError", src, err, err)
			}
			if se.Offset < 0 || se.Offset > len(src) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("Parse(%q): bad location %+v", src, se)
			}
			return
		}
		roundTrip(t, src, doc)
	})
}

func roundTrip(t *testing.T, src string, doc *Document) {
	t.Helper()
	printed := Print(doc)
	if !utf8.ValidString(src) {
		return // invalid bytes inside strings and comments are carried, not repaired
	}
	doc2, err := Parse(printed, Options{})
	if err != nil {
		t.Fatalf("Parse(%q) printed %q, which does not parse: %v", src, printed, err)
	}
	if unstableBlockString(doc) {
		return
	}
	if again := Print(doc2); again != printed {
		t.Fatalf("Parse(%q): print is not stable:\n first: %q\nsecond: %q", src, printed, again)
	}
}

// FuzzParseValue: the same for single literals (the printer the engine
// uses for values).
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{`{a: [1, 2.5e3, "x\u00e9", """b"""], b: null, c: ENUM, d: $v}`, `[[[]]]`, `"\uD83D\uDE00"`, `-0`, `{}`, `true`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		v, err := ParseValue(src, Options{MaxTokens: 5000})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseValue(%q): %T %v", src, err, err)
			}
			return
		}
		printed := PrintValue(v)
		v2, err := ParseValue(printed, Options{})
		if err != nil {
			t.Fatalf("ParseValue(%q) printed %q, which does not parse: %v", src, printed, err)
		}
		if unstableBlockString(v) {
			return
		}
		if again := PrintValue(v2); again != printed {
			t.Fatalf("ParseValue(%q): print is not stable: %q then %q", src, printed, again)
		}
	})
}

// unstableBlockString reports a block string that graphql-core's own
// printer does not round-trip, so neither do we (we print what it prints):
// print_block_string splits lines with Python's str.splitlines, which also
// breaks at \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029, while the lexer
// only breaks block strings at \n and \r; with leading blanks the value's
// indentation then changes on the second parse. (graphql-core 3.2.8:
// print_ast(parse(print_ast(parse('{A(A:"""  \x1c0""")}')))) differs from
// the first print.)
func unstableBlockString(node any) bool {
	found := false
	Inspect(node, func(n any) bool {
		if s, ok := n.(*StringValue); ok && s.Block && strings.ContainsAny(s.Value, "\v\f\x1c\x1d\x1e\u0085\u2028\u2029") {
			found = true
		}
		return !found
	})
	return found
}
