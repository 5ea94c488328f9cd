package rules

import (
	"sort"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// MaxErrors is graphql-core's validate() default max_errors, which v1
// keeps: the 101st error stops validation and the list ends with
// TooManyErrors.
const MaxErrors = 100

// TooManyErrors is the message that ends an aborted error list.
const TooManyErrors = "Too many validation errors, error limit reached. Validation aborted."

// OverlapBudgetExceeded is the one error of a document whose field-merge
// check would cost more comparisons than its size allows (see the package
// comment).
const OverlapBudgetExceeded = "Validation aborted: the document repeats response names too often to be compared."

// Validator checks documents against one declaration. It is safe for
// concurrent use.
type Validator struct {
	m *model
}

// Options are where the default mode departs from graphql-core's rules
// for FraiseQL's generated types.
type Options struct {
	// NotLiteral validates an object literal given to the NOT field of a
	// generated <T>WhereInput (typed JSON) as a <T>WhereInput, instead of
	// refusing it as the JSON scalar does (v1.9.7's "Use a String literal
	// containing JSON, not GraphQL object notation").
	NotLiteral bool
}

// New indexes s for validation, with graphql-core's rules exactly (v1.9.7).
// s is read, never changed.
func New(s *schema.Schema) *Validator { return &Validator{m: newModel(s)} }

// NewWithOptions is New with the default mode's departures.
func NewWithOptions(s *schema.Schema, o Options) *Validator {
	m := newModel(s)
	m.notLiteral = o.NotLiteral
	return &Validator{m: m}
}

// Validate runs graphql-core 3.2.8's specified_rules on doc and returns
// their errors in graphql-core's order (nil when the document is valid).
func (v *Validator) Validate(doc *language.Document) []*gqlerr.Error {
	w := newWalker(v.m, doc, true)
	return w.run(func() { w.document() })
}

// validateSteps is Validate that also returns the work it did (tests).
func (v *Validator) validateSteps(doc *language.Document) ([]*gqlerr.Error, int) {
	w := newWalker(v.m, doc, true)
	errs := w.run(func() { w.document() })
	return errs, w.steps
}

// Introspection runs only graphql-core's NoSchemaIntrospectionCustomRule,
// which FraiseQL v1 runs instead of the specified rules when introspection
// is disabled: one error per field whose type is an introspection type.
func (v *Validator) Introspection(doc *language.Document) []*gqlerr.Error {
	w := newWalker(v.m, doc, false)
	w.introspectionOnly = true
	return w.run(func() { w.document() })
}

// verr is an error while walking: its message and the byte offsets of its
// nodes; located once the walk is over.
type verr struct {
	msg  string
	offs []int
}

// abort unwinds the walk when the error cap is reached (or when a raised
// error ends validation, as an exception ends graphql-core's validate).
type abort struct{}

func (w *walker) run(f func()) (out []*gqlerr.Error) {
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(abort); !ok {
					panic(r)
				}
			}
		}()
		f()
	}()
	if w.raised != nil {
		w.errs = []verr{*w.raised}
	}
	if len(w.errs) == 0 {
		return nil
	}
	return locate(w.doc.Source, w.errs)
}

func (w *walker) report(msg string, offs ...int) {
	if len(w.errs) >= MaxErrors {
		w.errs = append(w.errs, verr{msg: TooManyErrors})
		panic(abort{})
	}
	w.errs = append(w.errs, verr{msg: msg, offs: offs})
}

// raise ends validation with one error, as a GraphQLError raised inside a
// rule ends graphql-core's validate (only SingleFieldSubscriptionsRule
// does, through collect_fields).
func (w *walker) raise(msg string, offs ...int) {
	w.raised = &verr{msg: msg, offs: offs}
	panic(abort{})
}

// locate turns the errors' offsets into locations with one pass over the
// source (language.Position's rules, in order of offset).
func locate(src string, errs []verr) []*gqlerr.Error {
	var offs []int
	for _, e := range errs {
		offs = append(offs, e.offs...)
	}
	sort.Ints(offs)
	pos := map[int]gqlerr.Location{}
	p := positioner{src: src}
	for _, o := range offs {
		if _, ok := pos[o]; !ok {
			line, col := p.at(o)
			pos[o] = gqlerr.Location{Line: line, Column: col}
		}
	}
	out := make([]*gqlerr.Error, len(errs))
	for i, e := range errs {
		ge := &gqlerr.Error{Message: e.msg}
		for _, o := range e.offs {
			ge.Locations = append(ge.Locations, pos[o])
		}
		out[i] = ge
	}
	return out
}
