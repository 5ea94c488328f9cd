package graphqlexec

import "github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

// IntrospectionOnly reports whether query, with operationName selecting
// the operation as execution does, is a real introspection request: a
// query operation whose root fields, through fragments, are all __schema,
// __type or __typename, at least one of them __schema. A server uses it
// for FraiseQL v1's development exemption of schema loading from the 401
// gate: v1 exempts any text containing "__schema" (a comment or a string
// is enough, quirk 13), which lets any query through the gate. A document
// that does not parse or has no such operation is not introspection.
//
// The document is parsed once and cached, like Execute's.
func (e *Engine) IntrospectionOnly(query string, operationName *string) bool {
	if len(query) > e.lim.MaxBytes() {
		return false
	}
	d := e.document(query)
	if d.syntax != nil {
		return false
	}
	op, gerr := operation(d.Document, operationName)
	if gerr != nil || op.Operation != language.Query {
		return false
	}
	w := introspectionWalk{frags: d.Fragments, seen: map[string]bool{}}
	return w.only(op.SelectionSet) && w.schema
}

type introspectionWalk struct {
	frags  map[string]*language.FragmentDefinition
	seen   map[string]bool // fragments entered (cycles are invalid anyway)
	schema bool
}

func (w *introspectionWalk) only(set *language.SelectionSet) bool {
	if set == nil {
		return true
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			switch sel.Name.Value {
			case "__schema":
				w.schema = true
			case "__type", "__typename":
			default:
				return false
			}
		case *language.InlineFragment:
			if !w.only(sel.SelectionSet) {
				return false
			}
		case *language.FragmentSpread:
			f := w.frags[sel.Name.Value]
			if f == nil {
				return false
			}
			if w.seen[f.Name.Value] {
				continue
			}
			w.seen[f.Name.Value] = true
			if !w.only(f.SelectionSet) {
				return false
			}
		}
	}
	return true
}

// OperationType returns the type of the operation query would run with
// operationName ("query", "mutation" or "subscription"), or "" when the
// document does not parse or names no single operation (execution then
// answers the error). The document is parsed once and cached, like
// Execute's. A server uses it to refuse mutations over GET before
// anything runs.
func (e *Engine) OperationType(query string, operationName *string) string {
	if len(query) > e.lim.MaxBytes() {
		return ""
	}
	d := e.document(query)
	if d.syntax != nil {
		return ""
	}
	op, gerr := operation(d.Document, operationName)
	if gerr != nil {
		return ""
	}
	return op.Operation.String()
}
