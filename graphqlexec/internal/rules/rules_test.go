package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// FuzzValidate: every document the parser accepts is validated without a
// panic, under the blog schema and the one with a subscription root, with
// the error cap kept (at most MaxErrors errors plus the abort message) and
// every location inside the document. Seeds: both corpora.
func FuzzValidate(f *testing.F) {
	for _, c := range corpora {
		text, err := os.ReadFile(filepath.Join("testdata", c.name+".txt"))
		if err != nil {
			f.Fatal(err)
		}
		for _, doc := range splitEntries(string(text)) {
			f.Add(doc)
		}
	}
	vs := []*Validator{New(loadBlog(f)), New(blogWithSubscription(f))}
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := language.Parse(src, language.Options{MaxTokens: 5000})
		if err != nil {
			return
		}
		lines := strings.Count(src, "\n") + strings.Count(src, "\r") + strings.Count(src, "\u2028") + 2
		for _, v := range vs {
			for _, errs := range [][]*gqlerr.Error{v.Validate(doc), v.Introspection(doc)} {
				if len(errs) > MaxErrors+1 {
					t.Fatalf("%d errors", len(errs))
				}
				for i, e := range errs {
					if e.Message == "" || (e.Message == TooManyErrors) != (i == MaxErrors) {
						t.Fatalf("error %d: %q", i, e.Message)
					}
					for _, l := range e.Locations {
						if l.Line < 1 || l.Column < 1 || l.Line > lines+strings.Count(src, "\f")+strings.Count(src, "\v") {
							t.Fatalf("error %q at %+v in %q", e.Message, l, src)
						}
					}
				}
			}
		}
	})
}

// TestPositioner: one pass over increasing offsets gives language.Position
// at every offset, whatever the line breaks.
func TestPositioner(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		"", "{ a }", "a\r\nb\rc\nd", "\r\n\r\n", "é😀\u2028x\u0085y\u2029z\v\f\x1c\x1d\x1e w", "a\r", "\r\na\r\n", "\xff\xfe a",
	} {
		for step := 1; step <= 3; step++ {
			p := positioner{src: src}
			for off := 0; off <= len(src)+1; off += step {
				gl, gc := p.at(off)
				wl, wc := language.Position(src, off)
				if gl != wl || gc != wc {
					t.Errorf("%q at %d (step %d): %d:%d, want %d:%d", src, off, step, gl, gc, wl, wc)
				}
			}
		}
	}
}

// TestLinear: documents built to make a validator work per pair of fields,
// per path through fragments or per nesting level cost work in proportion
// to their size. Work is counted, not timed (walker.steps: nodes visited,
// field comparisons, fragment and introspection-depth steps), so the test
// holds on a loaded machine: four times the size may cost at most five
// times the work.
func TestLinear(t *testing.T) {
	t.Parallel()
	v := New(loadBlog(t))
	shapes := map[string]func(n int) string{
		"same field repeated": func(n int) string {
			return "{ users { " + strings.Repeat("id ", n) + "} }"
		},
		"same alias, same subselection": func(n int) string {
			return "{ " + strings.Repeat("u: users { id profile { bio } } ", n) + "}"
		},
		"same alias, distinct arguments conflict": func(n int) string {
			var b strings.Builder
			b.WriteString("{ ")
			for i := range n {
				fmt.Fprintf(&b, "u: users(limit: %d) { id } ", i)
			}
			b.WriteString("}")
			return b.String()
		},
		"fragment spread repeatedly": func(n int) string {
			return "{ users { " + strings.Repeat("...F ", n) + "} } fragment F on User { id email profile { bio } }"
		},
		"fragment chain": func(n int) string {
			var b strings.Builder
			b.WriteString("{ users { ...F0 } } ")
			for i := range n {
				fmt.Fprintf(&b, "fragment F%d on User { id ...F%d ...F%d } ", i, i+1, i+1)
			}
			fmt.Fprintf(&b, "fragment F%d on User { id }", n)
			return b.String()
		},
		"introspection fragment chain": func(n int) string {
			var b strings.Builder
			b.WriteString("{ __schema { types { ...T0 } } } ")
			for i := range n {
				fmt.Fprintf(&b, "fragment T%d on __Type { ofType { ...T%d ...T%d } } ", i, i+1, i+1)
			}
			fmt.Fprintf(&b, "fragment T%d on __Type { name }", n)
			return b.String()
		},
		"deep nesting": func(n int) string {
			n /= 8
			return "{ " + strings.Repeat("users { ... on User { ", n) + "id" + strings.Repeat(" } }", n) + " }"
		},
		"variables used everywhere": func(n int) string {
			return "query ($a: Int) { " + strings.Repeat("users(limit: $a) { id } ", n) + "}"
		},
	}
	for name, build := range shapes {
		t.Run(name, func(t *testing.T) {
			cost := func(n int) int {
				doc, err := language.Parse(build(n), language.Options{MaxDepth: 2000})
				if err != nil {
					t.Fatal(err)
				}
				_, steps := v.validateSteps(doc)
				return steps
			}
			small, large := cost(1000), cost(4000)
			if large > 5*small {
				t.Errorf("size ×4 costs %d → %d steps", small, large)
			}
		})
	}
}

// TestOverlapBudget: a document whose field-merge check would compare
// more pairs than its size allows is refused with one error.
func TestOverlapBudget(t *testing.T) {
	t.Parallel()
	v := New(loadBlog(t))
	var b strings.Builder
	b.WriteString("{ ")
	for i := range 3000 {
		// Distinct structures under one response name, none conflicting:
		// graphql-core compares all 4.5 million pairs.
		fmt.Fprintf(&b, "u: users { p%d: id } ", i)
	}
	b.WriteString("}")
	doc, err := language.Parse(b.String(), language.Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs := v.Validate(doc)
	if len(errs) != 1 || errs[0].Message != OverlapBudgetExceeded || len(errs[0].Locations) != 0 {
		t.Fatalf("got %v", errs)
	}
	// The same shape at a size a client writes is compared in full.
	small, err := language.Parse("{ u: users { a: id } u: users { b: id } u: users { a: email } }", language.Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs = v.Validate(small)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Message, "Fields 'u' conflict because subfields 'a' conflict") {
		t.Fatalf("got %v", errs)
	}
}
