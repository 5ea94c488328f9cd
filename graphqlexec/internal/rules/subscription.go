package rules

import (
	"fmt"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// singleFieldSubscription is SingleFieldSubscriptionsRule: the fields of a
// subscription's root selection, collected as execution collects them
// with no variable values (@skip and @include applied, fragments whose
// type matches spread once), must be one, and not an introspection field.
// Evaluating @skip(if: $var) without values raises in graphql-core, which
// ends validation with that error alone (raise).
func (w *walker) singleFieldSubscription(op *language.OperationDefinition) {
	var keys []string
	groups := map[string][]*language.Field{}
	w.collectFields(op.SelectionSet, map[string]bool{}, &keys, groups)
	subject := "Anonymous Subscription"
	if op.Name.Value != "" {
		subject = fmt.Sprintf("Subscription '%s'", op.Name.Value)
	}
	if len(keys) > 1 {
		var offs []int
		for _, k := range keys[1:] {
			for _, f := range groups[k] {
				offs = append(offs, f.Pos)
			}
		}
		w.report(subject+" must select only one top level field.", offs...)
	}
	for _, k := range keys {
		fs := groups[k]
		if strings.HasPrefix(fs[0].Name.Value, "__") {
			offs := make([]int, len(fs))
			for i, f := range fs {
				offs[i] = f.Pos
			}
			w.report(subject+" must not select an introspection top level field.", offs...)
		}
	}
}

func (w *walker) collectFields(set *language.SelectionSet, visited map[string]bool, keys *[]string, groups map[string][]*language.Field) {
	if set == nil {
		return
	}
	runtime := w.m.subscription
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			if !w.included(sel.Directives) {
				continue
			}
			k := sel.ResponseName()
			if _, ok := groups[k]; !ok {
				*keys = append(*keys, k)
			}
			groups[k] = append(groups[k], sel)
		case *language.InlineFragment:
			if !w.included(sel.Directives) || !w.conditionMatches(sel.TypeCondition, runtime) {
				continue
			}
			w.collectFields(sel.SelectionSet, visited, keys, groups)
		case *language.FragmentSpread:
			name := sel.Name.Value
			if visited[name] || !w.included(sel.Directives) {
				continue
			}
			visited[name] = true
			f := w.fragments[name]
			if f == nil || !w.conditionMatches(&f.TypeCondition, runtime) {
				continue
			}
			w.collectFields(f.SelectionSet, visited, keys, groups)
		}
	}
}

func (w *walker) conditionMatches(cond *language.NamedType, runtime *typeDef) bool {
	if cond == nil {
		return true
	}
	ct := w.m.types[cond.Name.Value]
	if ct == nil {
		return false
	}
	if ct == runtime {
		return true
	}
	return ct.abstract() && w.m.isSubType(ct, runtime)
}

// included is execution's should_include_node with no variable values.
func (w *walker) included(ds []language.Directive) bool {
	if skip, ok := w.ifArgument(ds, "skip"); ok && skip {
		return false
	}
	if include, ok := w.ifArgument(ds, "include"); ok && !include {
		return false
	}
	return true
}

// ifArgument is get_directive_values for @skip or @include: the first
// such directive's `if`, coerced as get_argument_values does (raising its
// errors).
func (w *walker) ifArgument(ds []language.Directive, name string) (value, found bool) {
	for i := range ds {
		d := &ds[i]
		if d.Name.Value != name {
			continue
		}
		var arg *language.Argument
		for j := range d.Arguments {
			if d.Arguments[j].Name.Value == "if" {
				arg = &d.Arguments[j]
			}
		}
		if arg == nil {
			w.raise("Argument 'if' of required type 'Boolean!' was not provided.", d.Pos)
		}
		switch v := arg.Value.(type) {
		case *language.Variable:
			w.raise(fmt.Sprintf("Argument 'if' of required type 'Boolean!' was provided the variable '$%s' which was not provided a runtime value.", v.Name.Value), v.Pos)
		case *language.NullValue:
			w.raise("Argument 'if' of non-null type 'Boolean!' must not be null.", v.Pos)
		case *language.BooleanValue:
			return v.Value, true
		}
		w.raise(fmt.Sprintf("Argument 'if' has invalid value %s.", language.PrintValue(arg.Value)), arg.Value.Position())
	}
	return false, false
}
