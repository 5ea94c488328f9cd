package language

import (
	"errors"
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
		if again := PrintValue(v2); again != printed {
			t.Fatalf("ParseValue(%q): print is not stable: %q then %q", src, printed, again)
		}
	})
}
