package language

import (
	"errors"
	"fmt"
	"testing"
)

// ParseType and ParseConstValue against graphql-core 3.2.8's parse_type and
// parse_const_value (answers recorded from it).
func TestParseTypeAndConstValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fn   func(string, Options) (any, error)
		src  string
		want string // printed form, or "message line:column"
	}{
		{parseTypeAny, "[Int!]!", "[Int!]!"},
		{parseTypeAny, " [[A]!] ", "[[A]!]"},
		{parseTypeAny, "[Int", "Syntax Error: Expected ']', found <EOF>. 1:5"},
		{parseTypeAny, "Int!!", "Syntax Error: Expected <EOF>, found '!'. 1:5"},
		{parseConstAny, "[1, {b: ENUM}]", "[1, {b: ENUM}]"},
		{parseConstAny, "{a: $v}", "Syntax Error: Unexpected variable '$v' in constant value. 1:5"},
		{parseConstAny, "$v", "Syntax Error: Unexpected variable '$v' in constant value. 1:1"},
	}
	for _, tt := range tests {
		n, err := tt.fn(tt.src, Options{})
		var got string
		var se *SyntaxError
		switch {
		case errors.As(err, &se):
			got = fmt.Sprintf("%s %d:%d", se.Error(), se.Line, se.Column)
		case err != nil:
			got = err.Error()
		default:
			got = Print(n)
		}
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

func parseTypeAny(s string, o Options) (any, error)  { return ParseType(s, o) }
func parseConstAny(s string, o Options) (any, error) { return ParseConstValue(s, o) }

// A failed parse returns no partial result.
func TestNoPartialResult(t *testing.T) {
	t.Parallel()
	if doc, err := Parse("{ a } {", Options{}); doc != nil || err == nil {
		t.Errorf("Parse: %v, %v", doc, err)
	}
	if v, err := ParseValue("1 2", Options{}); v != nil || err == nil {
		t.Errorf("ParseValue: %v, %v", v, err)
	}
	if ty, err := ParseType("Int!!", Options{}); ty != nil || err == nil {
		t.Errorf("ParseType: %v, %v", ty, err)
	}
}

// Parsers are pooled: a document must not share memory with later parses,
// and Parse must be safe for concurrent use (run with -race).
func TestParsesAreIndependent(t *testing.T) {
	t.Parallel()
	docs := corpusEntries(t)
	var kept []*Document
	var want []string
	for _, src := range docs {
		if doc, err := Parse(src, Options{}); err == nil {
			kept = append(kept, doc)
			want = append(want, Print(doc))
		}
	}
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := w; i < len(docs); i += 4 {
				if doc, err := Parse(docs[i], Options{}); err == nil {
					_ = Print(doc)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	for i, doc := range kept {
		if got := Print(doc); got != want[i] {
			t.Fatalf("a document changed after later parses:\n got %q\nwant %q", got, want[i])
		}
	}
}
