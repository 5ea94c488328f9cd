package rules

import (
	"fmt"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// leaveOperation runs the rules that speak when an operation is left:
// NoUndefinedVariables, NoUnusedVariables and VariablesInAllowedPosition,
// over the variable usages of the operation and of every fragment it
// reaches (graphql-core's get_recursive_variable_usages).
func (w *walker) leaveOperation(op *language.OperationDefinition) {
	usages := append([]usage(nil), w.usages[op]...)
	for _, f := range w.referencedFragments(op) {
		usages = append(usages, w.fragmentUsages(f)...)
	}
	defined := map[string]bool{}
	for _, vd := range op.VariableDefinitions {
		defined[vd.Variable.Name.Value] = true
	}
	for _, u := range usages {
		name := u.v.Name.Value
		if !defined[name] {
			if op.Name.Value != "" {
				w.report(fmt.Sprintf("Variable '$%s' is not defined by operation '%s'.", name, op.Name.Value), u.v.Pos, op.Pos)
			} else {
				w.report(fmt.Sprintf("Variable '$%s' is not defined.", name), u.v.Pos, op.Pos)
			}
		}
	}
	used := map[string]bool{}
	for _, u := range usages {
		used[u.v.Name.Value] = true
	}
	for _, vd := range w.varDefs {
		name := vd.Variable.Name.Value
		if used[name] {
			continue
		}
		if op.Name.Value != "" {
			w.report(fmt.Sprintf("Variable '$%s' is never used in operation '%s'.", name, op.Name.Value), vd.Pos)
		} else {
			w.report(fmt.Sprintf("Variable '$%s' is never used.", name), vd.Pos)
		}
	}
	for _, u := range usages {
		vd := w.varDefMap[u.v.Name.Value]
		if vd == nil || u.typ == nil {
			continue
		}
		vt := w.typeFromAST(vd.Type)
		if vt == nil {
			continue
		}
		if !w.allowedUsage(vt, vd.DefaultValue, u) {
			w.report(fmt.Sprintf("Variable '$%s' of type '%s' used in position expecting type '%s'.", u.v.Name.Value, vt, u.typ), vd.Pos, u.v.Pos)
		}
	}
}

func (w *walker) allowedUsage(varType *schema.TypeRef, varDefault language.Value, u usage) bool {
	loc := u.typ
	if loc.NonNull && !varType.NonNull {
		_, isNull := varDefault.(*language.NullValue)
		hasVarDefault := varDefault != nil && !isNull
		if !hasVarDefault && !u.hasDefault {
			return false
		}
		return w.m.subType(varType, loc.OfType)
	}
	return w.m.subType(varType, loc)
}

// fragmentUsages returns the variable usages of a fragment definition,
// walking it now (TypeInfo only) when the main walk has not reached it.
func (w *walker) fragmentUsages(f *language.FragmentDefinition) []usage {
	if us, ok := w.usages[f]; ok {
		return us
	}
	sub := &walker{m: w.m, doc: w.doc, fragments: w.fragments, docDirs: w.docDirs, docTypes: w.docTypes, usages: w.usages}
	sub.fragmentDefinition(f)
	return w.usages[f]
}

// fragmentSpreads is graphql-core's get_fragment_spreads: the spreads
// under a selection set, in the order of its stack-based walk.
func (w *walker) fragmentSpreads(set *language.SelectionSet) []*language.FragmentSpread {
	if s, ok := w.spreads[set]; ok {
		return s
	}
	var out []*language.FragmentSpread
	stack := []*language.SelectionSet{set}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s == nil {
			continue
		}
		for _, sel := range s.Selections {
			w.steps++
			switch sel := sel.(type) {
			case *language.FragmentSpread:
				out = append(out, sel)
			case *language.Field:
				if sel.SelectionSet != nil {
					stack = append(stack, sel.SelectionSet)
				}
			case *language.InlineFragment:
				stack = append(stack, sel.SelectionSet)
			}
		}
	}
	if w.spreads == nil {
		w.spreads = map[*language.SelectionSet][]*language.FragmentSpread{}
	}
	w.spreads[set] = out
	return out
}

// referencedFragments is graphql-core's get_recursively_referenced_fragments.
func (w *walker) referencedFragments(op *language.OperationDefinition) []*language.FragmentDefinition {
	var out []*language.FragmentDefinition
	seen := map[string]bool{}
	stack := []*language.SelectionSet{op.SelectionSet}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, sp := range w.fragmentSpreads(s) {
			w.steps++
			name := sp.Name.Value
			if seen[name] {
				continue
			}
			seen[name] = true
			if f := w.fragments[name]; f != nil {
				out = append(out, f)
				stack = append(stack, f.SelectionSet)
			}
		}
	}
	return out
}

// noUnusedFragments is NoUnusedFragmentsRule, when the document is left.
func (w *walker) noUnusedFragments() {
	used := map[string]bool{}
	for _, op := range w.operations {
		for _, f := range w.referencedFragments(op) {
			used[f.Name.Value] = true
		}
	}
	for _, f := range w.fragDefs {
		if !used[f.Name.Value] {
			w.report(fmt.Sprintf("Fragment '%s' is never used.", f.Name.Value), f.Pos)
		}
	}
}

type cycleState struct {
	visited   map[string]bool
	path      []*language.FragmentSpread
	pathIndex map[string]int
}

// detectCycles is NoFragmentCyclesRule at a fragment definition.
func (w *walker) detectCycles(f *language.FragmentDefinition) {
	c := &w.cycles
	if c.visited == nil {
		c.visited = map[string]bool{}
		c.pathIndex = map[string]int{}
	}
	name := f.Name.Value
	if c.visited[name] {
		return
	}
	c.visited[name] = true
	spreads := w.fragmentSpreads(f.SelectionSet)
	if len(spreads) == 0 {
		return
	}
	c.pathIndex[name] = len(c.path)
	for _, sp := range spreads {
		spreadName := sp.Name.Value
		idx, onPath := c.pathIndex[spreadName]
		c.path = append(c.path, sp)
		if !onPath {
			if next := w.fragments[spreadName]; next != nil {
				w.detectCycles(next)
			}
		} else {
			cycle := c.path[idx:]
			var via []string
			offs := make([]int, len(cycle))
			for i, s := range cycle {
				offs[i] = s.Pos
				if i < len(cycle)-1 {
					via = append(via, "'"+s.Name.Value+"'")
				}
			}
			msg := fmt.Sprintf("Cannot spread fragment '%s' within itself", spreadName)
			if len(via) > 0 {
				msg += " via " + strings.Join(via, ", ") + "."
			} else {
				msg += "."
			}
			w.report(msg, offs...)
		}
		c.path = c.path[:len(c.path)-1]
	}
	delete(c.pathIndex, name)
}
