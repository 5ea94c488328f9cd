package execute

import (
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// boundOp is the document's cache entry for an operation with variables.
//
// Such an operation is shared between requests only when its variables can
// change nothing but parameter values: every use of a variable is the whole
// value of a column argument of a root read, as in
// `query($id: UUID) { user(id: $id) { … } }`. Then the selection (no
// @skip/@include on a variable), the projection and the SQL text are the
// same for every request whose values are all present, non-null scalars
// ("column = $n"); a missing or null value ("column IS NULL", or no
// condition) or a variable in a where object, an orderBy, a limit or a list
// (which change the SQL's shape or its placeholder count) makes the request
// prepare its own plan, as before.
type boundOp struct {
	eligible bool
	p        *prepared // nil until a request with bindable values built it
}

// prepareBound prepares an operation with variables, sharing the plan of
// an eligible operation (see boundOp).
func (x *Execution) prepareBound(op *language.OperationDefinition) (*prepared, error) {
	x.plans.mu.Lock()
	b := x.plans.bound[op]
	x.plans.mu.Unlock()
	if b == nil {
		b = &boundOp{eligible: x.e.bindableOperation(op, x.doc.Fragments)}
		x.plans.mu.Lock()
		if old := x.plans.bound[op]; old != nil {
			b = old
		} else {
			x.plans.bound[op] = b
		}
		x.plans.mu.Unlock()
	}
	if !b.eligible {
		return x.build(op)
	}
	x.plans.mu.Lock()
	p := b.p
	x.plans.mu.Unlock()
	if p != nil && x.valuesBindable(p) {
		return p, nil
	}
	p, err := x.build(op)
	if err != nil || !shareable(p) {
		return p, err
	}
	x.plans.mu.Lock()
	if b.p == nil {
		b.p = p
	}
	x.plans.mu.Unlock()
	return p, nil
}

// shareable reports whether every variable argument of p's reads became a
// bound parameter, which holds only when the request's values were all
// present, non-null scalars.
func shareable(p *prepared) bool {
	for _, r := range p.roots {
		if r.kind != rootRead {
			continue
		}
		if r.err != nil || r.stmt == nil || len(r.binds) != r.varArgs {
			return false
		}
	}
	return true
}

// valuesBindable reports whether this request's values give the shared plan
// p's shape: each bound variable present with a scalar, non-null value.
func (x *Execution) valuesBindable(p *prepared) bool {
	for _, r := range p.roots {
		for _, b := range r.binds {
			v, ok := x.vars[b.variable]
			if !ok || !bindableKind(v.Kind) {
				return false
			}
		}
	}
	return true
}

// bindableOperation reports whether op uses its variables only as the
// whole value of root reads' column arguments (see boundOp). Anything else
// (a variable in a directive, a nested field, a fragment, a where, orderBy,
// limit or offset argument, inside a list or an object) makes it false.
func (e *Engine) bindableOperation(op *language.OperationDefinition, frags map[string]*language.FragmentDefinition) bool {
	if op.Operation != language.Query || op.SelectionSet == nil {
		return false
	}
	rt := e.s.Type(e.s.Query)
	if rt == nil {
		return false
	}
	w := varWalk{frags: frags, seen: map[string]bool{}}
	for _, sel := range op.SelectionSet.Selections {
		f, ok := sel.(*language.Field)
		if !ok {
			if w.selection(sel) {
				return false
			}
			continue
		}
		if w.directives(f.Directives) || w.set(f.SelectionSet) {
			return false
		}
		sf := rt.Field(f.Name.Value)
		for _, a := range f.Arguments {
			if _, isVar := a.Value.(*language.Variable); isVar && sf != nil && sf.Read != nil && columnArgument(sf.Args, a.Name.Value) {
				continue
			}
			if language.UsesVariable(a.Value) {
				return false
			}
		}
	}
	return true
}

// columnArgument reports whether name is a declared argument compared with
// a view column, planned as one equality (plan's where, orderBy, limit and
// offset are not, even with a column).
func columnArgument(args []*schema.InputValue, name string) bool {
	switch name {
	case "where", "orderBy", "limit", "offset":
		return false
	}
	for _, a := range args {
		if a.Name == name {
			return a.Column != ""
		}
	}
	return false
}

// varWalk finds variables in selections, following fragment spreads once.
type varWalk struct {
	frags map[string]*language.FragmentDefinition
	seen  map[string]bool
}

func (w *varWalk) set(s *language.SelectionSet) bool {
	if s == nil {
		return false
	}
	for _, sel := range s.Selections {
		if w.selection(sel) {
			return true
		}
	}
	return false
}

func (w *varWalk) selection(sel language.Selection) bool {
	switch sel := sel.(type) {
	case *language.Field:
		for _, a := range sel.Arguments {
			if language.UsesVariable(a.Value) {
				return true
			}
		}
		return w.directives(sel.Directives) || w.set(sel.SelectionSet)
	case *language.InlineFragment:
		return w.directives(sel.Directives) || w.set(sel.SelectionSet)
	case *language.FragmentSpread:
		if w.directives(sel.Directives) {
			return true
		}
		name := sel.Name.Value
		if w.seen[name] {
			return false
		}
		w.seen[name] = true
		f := w.frags[name]
		return f != nil && (w.directives(f.Directives) || w.set(f.SelectionSet))
	}
	return false
}

func (w *varWalk) directives(ds []language.Directive) bool {
	for _, d := range ds {
		for _, a := range d.Arguments {
			if language.UsesVariable(a.Value) {
				return true
			}
		}
	}
	return false
}
