package language

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// One row per syntax error class, with graphql-core 3.2.8's message and
// location (checked against it when written; the corpus re-checks the
// same classes against the oracle output), plus this package's own limits
// and the inputs where graphql-core crashes instead of answering.
func TestSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src  string
		opts       Options
		msg        string
		line, col  int
		byteOffset int // -1: not checked
	}{
		// lexer
		{"unexpected character", "{ a ? }", Options{}, "Syntax Error: Unexpected character: '?'.", 1, 5, 4},
		{"unexpected non-ASCII character", "{ a é }", Options{}, "Syntax Error: Unexpected character: U+00E9.", 1, 5, 4},
		{"unexpected supplementary character", "{ a 😀 }", Options{}, "Syntax Error: Unexpected character: U+1F600.", 1, 5, 4},
		{"character after emoji counts one column", "😀 ?", Options{}, "Syntax Error: Unexpected character: U+1F600.", 1, 1, 0},
		{"line separator is not ignored", "{ a }\u2028}", Options{}, "Syntax Error: Unexpected character: U+2028.", 1, 6, 5},
		{"control character", "{ a \x07 }", Options{}, "Syntax Error: Unexpected character: U+0007.", 1, 5, 4},
		{"single quote", "{ a(s: 'x') }", Options{}, `Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (")?`, 1, 8, 7},
		{"lone dot", "{ a . b }", Options{}, "Syntax Error: Unexpected character: '.'.", 1, 5, 4},
		{"unterminated string at newline", "{ a(s: \"x\n\") }", Options{}, "Syntax Error: Unterminated string.", 1, 10, 9},
		{"unterminated string at end", `{ a(s: "x`, Options{}, "Syntax Error: Unterminated string.", 1, 10, 9},
		{"unterminated block string", `{ a(s: """x`, Options{}, "Syntax Error: Unterminated string.", 1, 12, 11},
		{"invalid character escape", `{ a(s: "\x") }`, Options{}, `Syntax Error: Invalid character escape sequence: '\x'.`, 1, 9, 8},
		{"invalid non-ASCII escape", `{ a(s: "\é") }`, Options{}, `Syntax Error: Invalid character escape sequence: '\é'.`, 1, 9, 8},
		{"invalid unicode escape", `{ a(s: "\u12G4") }`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\u12G4'.`, 1, 9, 8},
		{"lone leading surrogate", `{ a(s: "\uD83D") }`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\uD83D'.`, 1, 9, 8},
		{"lone trailing surrogate", `{ a(s: "\uDE00") }`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\uDE00'.`, 1, 9, 8},
		{"empty braced escape", `{ a(s: "\u{}") }`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\u{}'.`, 1, 9, 8},
		{"braced escape beyond Unicode", `{ a(s: "\u{110000}") }`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\u{110000}'.`, 1, 9, 8},
		{"braced escape too long", `{ a(s: "\u{12345678901}") }`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\u{123456789'.`, 1, 9, 8},
		{"unexpected digit after 0", "{ a(n: 01) }", Options{}, "Syntax Error: Invalid number, unexpected digit after 0: '1'.", 1, 9, 8},
		{"missing fraction digit", "{ a(n: 1.) }", Options{}, "Syntax Error: Invalid number, expected digit but got: ')'.", 1, 10, 9},
		{"name right after number", "{ a(n: 1_000) }", Options{}, "Syntax Error: Invalid number, expected digit but got: '_'.", 1, 9, 8},
		{"exponent without digits at end", "{ a(n: 1e", Options{}, "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1, 10, 9},
		// parser
		{"expected name at end", "{", Options{}, "Syntax Error: Expected Name, found <EOF>.", 1, 2, 1},
		{"end right after a line break reports the line before", "{\n", Options{}, "Syntax Error: Expected Name, found <EOF>.", 1, 2, 2},
		{"expected name, found punctuator", "{ a(x: $) }", Options{}, "Syntax Error: Expected Name, found ')'.", 1, 9, 8},
		{"expected keyword", "fragment F T { a }", Options{}, "Syntax Error: Expected 'on', found Name 'T'.", 1, 12, 11},
		{"unexpected name", "notakeyword", Options{}, "Syntax Error: Unexpected Name 'notakeyword'.", 1, 1, 0},
		{"fragment named on", "fragment on on T { a }", Options{}, "Syntax Error: Unexpected Name 'on'.", 1, 10, 9},
		{"variable in constant", "query Q($a: Int = $b) { a }", Options{}, "Syntax Error: Unexpected variable '$b' in constant value.", 1, 19, 18},
		{"dollar in constant", "query Q($a: Int = $) { a }", Options{}, "Syntax Error: Unexpected '$'.", 1, 19, 18},
		{"empty document", "", Options{}, "Syntax Error: Unexpected <EOF>.", 1, 1, 0},
		{"description on an operation", `"d" query { a }`, Options{}, "Syntax Error: Unexpected description, descriptions are supported only on type definitions.", 1, 1, 0},
		{"empty extension", "extend type T", Options{}, "Syntax Error: Unexpected <EOF>.", 1, 14, 13},
		{"unknown directive location", "directive @d on NOPE", Options{}, "Syntax Error: Unexpected Name 'NOPE'.", 1, 17, 16},
		{"reserved enum value", "enum E { true }", Options{}, "Syntax Error: Name 'true' is reserved and cannot be used for an enum value.", 1, 10, 9},
		// graphql-core raises IndexError on these; we report the escape.
		{"backslash at end", `{ a(s: "\`, Options{}, `Syntax Error: Invalid character escape sequence: '\'.`, 1, 9, 8},
		{"short unicode escape at end", `{ a(s: "\u12`, Options{}, `Syntax Error: Invalid Unicode escape sequence: '\u12'.`, 1, 9, 8},
		// our limits
		{"token limit", "{ a b c }", Options{MaxTokens: 3}, "Syntax Error: Document contains more than 3 tokens. Parsing aborted.", 1, 7, 6},
		{"depth limit", "{ a { b { c } } }", Options{MaxDepth: 2}, "Syntax Error: Document nesting exceeds 2 levels.", 1, 9, 8},
		{"depth limit in lists", "{ a(x: [[[1]]]) }", Options{MaxDepth: 3}, "Syntax Error: Document nesting exceeds 3 levels.", 1, 10, 9},
		{"depth limit in list types", "query($a: [[[Int]]]) { a }", Options{MaxDepth: 2}, "Syntax Error: Document nesting exceeds 2 levels.", 1, 13, 12},
		{"invalid UTF-8", "{ a \xff }", Options{}, "Syntax Error: Invalid character: U+FFFD.", 1, 5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src, tt.opts)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError", tt.src, err)
			}
			if se.Error() != tt.msg || se.Line != tt.line || se.Column != tt.col {
				t.Errorf("Parse(%q):\n got %q %d:%d\nwant %q %d:%d", tt.src, se.Error(), se.Line, se.Column, tt.msg, tt.line, tt.col)
			}
			if tt.byteOffset >= 0 && se.Offset != tt.byteOffset {
				t.Errorf("Parse(%q): offset %d, want %d", tt.src, se.Offset, tt.byteOffset)
			}
		})
	}
}

// A document nested far beyond any limit is refused with a syntax error,
// not a stack overflow, for every recursive production.
func TestDeepNesting(t *testing.T) {
	t.Parallel()
	const n = 100_000
	docs := map[string]string{
		"selection sets": strings.Repeat("{ a ", n) + strings.Repeat("}", n),
		"lists":          "{ a(x: " + strings.Repeat("[", n) + strings.Repeat("]", n) + ") }",
		"objects":        "{ a(x: " + strings.Repeat("{a: ", n) + "1" + strings.Repeat("}", n) + ") }",
		"list types":     "query($a: " + strings.Repeat("[", n) + "Int" + strings.Repeat("]", n) + ") { a }",
		"inline frags":   strings.Repeat("{ ... ", n) + strings.Repeat("}", n),
		"unclosed":       strings.Repeat("{ a ", n),
	}
	for name, src := range docs {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(src, Options{})
			var se *SyntaxError
			if !errors.As(err, &se) || !strings.Contains(se.Error(), "Document nesting exceeds 256 levels.") {
				t.Fatalf("got %v, want the nesting error", err)
			}
		})
	}
	// At the limit itself the document parses.
	src := strings.Repeat("{ a ", DefaultMaxDepth) + strings.Repeat("}", DefaultMaxDepth)
	if _, err := Parse(src, Options{}); err != nil {
		t.Fatalf("depth %d: %v", DefaultMaxDepth, err)
	}
}

func TestPosition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src       string
		off       int
		line, col int
	}{
		{"", 0, 1, 1},
		{"abc", 2, 1, 3},
		{"a\nb", 3, 2, 2},
		{"a\nb", 2, 1, 2},     // Python's splitlines drops the empty last line
		{"a\n\n", 3, 2, 1},    // ... so two breaks report line 2
		{"a\r\nb", 4, 2, 2},   // \r\n is one break
		{"a\r\nb", 2, 1, 2},   // an offset between \r and \n: after \r
		{"a\rb", 3, 2, 2},     // \r alone
		{"é😀x", 6, 1, 3},      // code points, not bytes
		{"a\u2028b", 5, 2, 2}, // U+2028 breaks a line for splitlines
		{"a\vb\fc", 4, 2, 2},
		{"a\u0085b", 4, 2, 2},
	}
	for _, tt := range tests {
		if line, col := Position(tt.src, tt.off); line != tt.line || col != tt.col {
			t.Errorf("Position(%q, %d) = %d:%d, want %d:%d", tt.src, tt.off, line, col, tt.line, tt.col)
		}
	}
}

// The declarations written for graphql-go use "type X @error {}", which
// graphql-core (and so Parse by default) refuses; AllowEmptyBraces accepts
// it in type-system definitions, and nowhere else.
func TestAllowEmptyBraces(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/bench/sdl-app.graphql")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if _, err := Parse(src, Options{}); err == nil || !strings.Contains(err.Error(), "Expected Name, found '}'.") {
		t.Fatalf("default options: got %v, want graphql-core's refusal of {}", err)
	}
	doc, err := Parse(src, Options{AllowEmptyBraces: true})
	if err != nil {
		t.Fatal(err)
	}
	empty := 0
	for _, d := range doc.Definitions {
		if o, ok := d.(*ObjectTypeDefinition); ok && o.Fields == nil {
			empty++
		}
	}
	if empty == 0 {
		t.Fatal("no object type with empty braces found in the demo declaration")
	}
	for _, src := range []string{"input I {}", "enum E {}", "interface I {}", "type T {}"} {
		if _, err := Parse(src, Options{AllowEmptyBraces: true}); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	for _, src := range []string{"{}", "schema {}", "query { a {} }", "type T { a(): Int }", "extend type T {}"} {
		if _, err := Parse(src, Options{AllowEmptyBraces: true}); err == nil {
			t.Errorf("%q parses; only type-system field and value lists may be empty", src)
		}
	}
}
