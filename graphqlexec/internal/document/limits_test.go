package document

import (
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

func TestNewLimits(t *testing.T) {
	t.Parallel()
	got, err := NewLimits(0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{bytes: DefaultMaxQueryBytes, tokens: DefaultMaxQueryTokens, depth: DefaultMaxQueryDepth, fields: DefaultMaxQueryFields, nesting: 64}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	for _, n := range [][4]int{{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, -1, 0}, {0, 0, 0, -1}} {
		if _, err := NewLimits(n[0], n[1], n[2], n[3]); err == nil {
			t.Errorf("%v: no error", n)
		}
	}
}

func FuzzLimits(f *testing.F) {
	for _, s := range []string{
		"{ users { profile { bio } } }",
		"query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
		"query { ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { a: __typename }",
		"{ users(where: {AND: [{OR: [{id: {eq: null}}]}]}) { id } }",
		"{ a(x: [[[[[[[[1]]]]]]]]) }",
		"{ # comment {{{{\n a(s: \"{{{{[[[[\") }",
		"{ ...on Query { ...on Query { __typename } } }",
		"fragment F on Query { ...F }",
	} {
		f.Add(s)
	}
	l, err := NewLimits(0, 40, 3, 6)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		d, gerr := Parse(q, &l)
		if (d == nil) == (gerr == nil) {
			t.Fatalf("Parse(%q): document %v, error %v", q, d, gerr)
		}
		if d == nil {
			return
		}
		// An accepted document is within the limits.
		sh := &shape{l: &l, frags: d.Fragments, memo: map[string]*measure{}}
		for _, def := range d.AST.Definitions {
			var set *language.SelectionSet
			switch def := def.(type) {
			case *language.OperationDefinition:
				set = def.SelectionSet
			case *language.FragmentDefinition:
				set = def.SelectionSet
			default:
				continue
			}
			if m := sh.set(set); m.depth > 3 || m.fields > 6 {
				t.Fatalf("accepted %q with %+v", q, m)
			}
		}
	})
}
