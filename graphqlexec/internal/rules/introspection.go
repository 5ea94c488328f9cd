package rules

import "github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

// maxListDepth is graphql-core's MAX_LIST_DEPTH: an introspection field
// may nest fields, interfaces, possibleTypes and inputFields at most
// twice.
const maxListDepth = 3

// introspectionTooDeep is MaxIntrospectionDepthRule's check at a __schema
// or __type field: is there a path below it (through fragments, a
// fragment not entered twice on one path) with maxListDepth list fields?
//
// graphql-core walks every path, which is exponential in fragments that
// spread each other several times; here the most a fragment reaches is
// remembered (capped at maxListDepth) when it does not depend on the path
// (no fragment cycle below it). Only documents with fragment cycles, which
// NoFragmentCyclesRule refuses anyway, are walked path by path, within
// introBudget selections visited, past which the values found so far are
// remembered as if no cycle were below them (possibly fewer errors than
// graphql-core on such a document, never a slow one).
func (w *walker) introspectionTooDeep(f *language.Field) bool {
	if w.introMemo == nil {
		w.introMemo = map[string]int{}
		w.introBudget = 64*len(w.doc.Source) + 4096
	}
	onPath := map[string]bool{}
	return w.listDepthField(f, onPath) >= maxListDepth
}

func isListField(name string) bool {
	switch name {
	case "fields", "interfaces", "possibleTypes", "inputFields":
		return true
	}
	return false
}

// listDepth* return the most list fields on one path below (and
// including) a node, capped at maxListDepth; cyclic reports whether the
// answer depended on the fragments on the current path.
func (w *walker) listDepthField(f *language.Field, onPath map[string]bool) int {
	d, _ := w.listDepthFieldC(f, onPath)
	return d
}

func (w *walker) listDepthFieldC(f *language.Field, onPath map[string]bool) (int, bool) {
	own := 0
	if isListField(f.Name.Value) {
		own = 1
	}
	d, cyclic := w.listDepthSet(f.SelectionSet, onPath)
	return min(own+d, maxListDepth), cyclic
}

func (w *walker) listDepthSet(set *language.SelectionSet, onPath map[string]bool) (best int, cyclic bool) {
	if set == nil {
		return 0, false
	}
	for _, sel := range set.Selections {
		w.steps++
		w.introBudget--
		var d int
		var c bool
		switch sel := sel.(type) {
		case *language.Field:
			d, c = w.listDepthFieldC(sel, onPath)
		case *language.InlineFragment:
			d, c = w.listDepthSet(sel.SelectionSet, onPath)
		case *language.FragmentSpread:
			d, c = w.listDepthSpread(sel.Name.Value, onPath)
		}
		best, cyclic = max(best, d), cyclic || c
		if best >= maxListDepth {
			return best, cyclic
		}
	}
	return best, cyclic
}

func (w *walker) listDepthSpread(name string, onPath map[string]bool) (int, bool) {
	if onPath[name] {
		return 0, true
	}
	f := w.fragments[name]
	if f == nil {
		return 0, false
	}
	if d, ok := w.introMemo[name]; ok {
		return d, false
	}
	onPath[name] = true
	d, cyclic := w.listDepthSet(f.SelectionSet, onPath)
	delete(onPath, name)
	if !cyclic || w.introBudget <= 0 {
		w.introMemo[name] = d
	}
	return d, cyclic
}
