package rules

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// OverlappingFieldsCanBeMergedRule, as graphql-core 3.2 computes it: at
// every selection set, the fields that share a response name (through
// inline fragments and fragment spreads) must be mergeable; conflicts are
// reported in graphql-core's order with its nested reasons. Its two caches
// are kept: the fields and fragment names of each selection set, and the
// pairs of fragments already compared (with graphql-core's quirk that the
// pair set is shared by fields-versus-fragment comparisons).
//
// Two additions bound the cost (graphql-core compares every pair of fields
// with one response name): fields are interned by structure (name,
// arguments, and their selections' structure), and a pair of structures
// found not to conflict under the same parent types is not compared again
// (the pair set only grows, so a repeated comparison could only find less);
// and every comparison costs budget, sized by the document, past which
// validation ends with OverlapBudgetExceeded.

type fieldEntry struct {
	parent *typeDef
	node   *language.Field
	def    *schema.Field
}

type fieldMap struct {
	names  []string
	groups map[string][]fieldEntry
}

type fieldsAndFragments struct {
	fields    *fieldMap
	fragments []string
}

type reason struct {
	msg  string
	subs []namedReason
}

type namedReason struct {
	name string
	r    reason
}

type conflict struct {
	nr     namedReason
	f1, f2 []*language.Field
}

type pairKey struct {
	a, b   int
	pa, pb *typeDef
	mutex  bool
}

type overlapState struct {
	w      *walker
	cache  map[*language.SelectionSet]*fieldsAndFragments
	pairs  map[[2]string]bool
	ids    map[*language.Field]int
	intern map[string]int
	free   map[pairKey]bool
	budget int
	top    *[]conflict
	limit  int
}

func newOverlapState(w *walker) *overlapState {
	return &overlapState{w: w, cache: map[*language.SelectionSet]*fieldsAndFragments{}, pairs: map[[2]string]bool{},
		ids: map[*language.Field]int{}, intern: map[string]int{}, free: map[pairKey]bool{},
		budget: 4*len(w.doc.Source) + 10_000}
}

// check is the rule at one selection set.
func (o *overlapState) check(set *language.SelectionSet, parent *typeDef) {
	var conflicts []conflict
	o.top = &conflicts
	o.limit = MaxErrors - len(o.w.errs)
	fm, frags := o.fieldsAndFragmentNames(parent, set)
	o.within(&conflicts, fm)
	for i, name := range frags {
		o.fieldsAndFragment(&conflicts, false, fm, name)
		for _, other := range frags[i+1:] {
			o.betweenFragments(&conflicts, false, name, other)
		}
	}
	o.top = nil
	for _, c := range conflicts {
		offs := make([]int, 0, len(c.f1)+len(c.f2))
		for _, f := range c.f1 {
			offs = append(offs, f.Pos)
		}
		for _, f := range c.f2 {
			offs = append(offs, f.Pos)
		}
		o.w.report(fmt.Sprintf("Fields '%s' conflict because %s. Use different aliases on the fields to fetch both if this was intentional.", c.nr.name, reasonMessage(c.nr.r)), offs...)
	}
}

// full reports whether enough conflicts were found at the selection set
// being checked to reach the error cap: more cannot change the answer.
func (o *overlapState) full(c *[]conflict) bool {
	return c == o.top && len(*c) > o.limit
}

func reasonMessage(r reason) string {
	if r.subs == nil {
		return r.msg
	}
	parts := make([]string, len(r.subs))
	for i, s := range r.subs {
		parts[i] = fmt.Sprintf("subfields '%s' conflict because %s", s.name, reasonMessage(s.r))
	}
	return strings.Join(parts, " and ")
}

func (o *overlapState) spend() {
	o.w.steps++
	o.budget--
	if o.budget < 0 {
		o.w.raise(OverlapBudgetExceeded)
	}
}

func (o *overlapState) pairSeen(a, b string, mutex bool) bool {
	if b < a {
		a, b = b, a
	}
	stored, ok := o.pairs[[2]string{a, b}]
	if !ok {
		return false
	}
	return mutex || !stored
}

func (o *overlapState) pairAdd(a, b string, mutex bool) {
	if b < a {
		a, b = b, a
	}
	o.pairs[[2]string{a, b}] = mutex
}

func (o *overlapState) fieldsAndFragmentNames(parent *typeDef, set *language.SelectionSet) (*fieldMap, []string) {
	if c, ok := o.cache[set]; ok {
		return c.fields, c.fragments
	}
	fm := &fieldMap{groups: map[string][]fieldEntry{}}
	var frags []string
	seen := map[string]bool{}
	o.collect(parent, set, fm, &frags, seen)
	o.cache[set] = &fieldsAndFragments{fields: fm, fragments: frags}
	return fm, frags
}

func (o *overlapState) collect(parent *typeDef, set *language.SelectionSet, fm *fieldMap, frags *[]string, seen map[string]bool) {
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			var def *schema.Field
			if parent != nil && (parent.kind == schema.KindObject || parent.kind == schema.KindInterface) {
				def = parent.fields[sel.Name.Value]
			}
			name := sel.ResponseName()
			if _, ok := fm.groups[name]; !ok {
				fm.names = append(fm.names, name)
			}
			fm.groups[name] = append(fm.groups[name], fieldEntry{parent: parent, node: sel, def: def})
		case *language.FragmentSpread:
			if !seen[sel.Name.Value] {
				seen[sel.Name.Value] = true
				*frags = append(*frags, sel.Name.Value)
			}
		case *language.InlineFragment:
			t := parent
			if sel.TypeCondition != nil {
				t = o.w.m.types[sel.TypeCondition.Name.Value]
			}
			o.collect(t, sel.SelectionSet, fm, frags, seen)
		}
	}
}

func (o *overlapState) referenced(f *language.FragmentDefinition) (*fieldMap, []string) {
	if c, ok := o.cache[f.SelectionSet]; ok {
		return c.fields, c.fragments
	}
	return o.fieldsAndFragmentNames(o.w.m.types[f.TypeCondition.Name.Value], f.SelectionSet)
}

func (o *overlapState) within(c *[]conflict, fm *fieldMap) {
	for _, name := range fm.names {
		fields := fm.groups[name]
		if len(fields) < 2 {
			continue
		}
		members := o.classes(fields)
		for i := range fields {
			if !o.pairsFrom(c, false, name, fields[i], fields, members, i+1) {
				return
			}
		}
	}
}

func (o *overlapState) between(c *[]conflict, mutex bool, fm1, fm2 *fieldMap) {
	for _, name := range fm1.names {
		fields2 := fm2.groups[name]
		if len(fields2) == 0 {
			continue
		}
		members := o.classes(fields2)
		for _, f1 := range fm1.groups[name] {
			if !o.pairsFrom(c, mutex, name, f1, fields2, members, 0) {
				return
			}
		}
	}
}

// classes groups fields by structure and parent type: the member indices
// of each class, in order.
func (o *overlapState) classes(fields []fieldEntry) [][]int {
	type classKey struct {
		id     int
		parent *typeDef
	}
	index := map[classKey]int{}
	var members [][]int
	o.w.steps += len(fields)
	for j, f := range fields {
		k := classKey{o.id(f.node), f.parent}
		ci, ok := index[k]
		if !ok {
			ci = len(members)
			index[k] = ci
			members = append(members, nil)
		}
		members[ci] = append(members[ci], j)
	}
	return members
}

// pairsFrom compares e1 with fields[from:] in order, as graphql-core's
// loops do, but passes over every member of a class already known not to
// conflict with e1 at once. It returns false when enough conflicts were
// found (full).
func (o *overlapState) pairsFrom(c *[]conflict, parentMutex bool, name string, e1 fieldEntry, fields []fieldEntry, members [][]int, from int) bool {
	var todo []int
	for _, m := range members {
		if m[len(m)-1] < from {
			continue
		}
		o.spend()
		if o.free[o.key(parentMutex, e1, fields[m[0]])] {
			continue
		}
		todo = append(todo, m[sort.SearchInts(m, from):]...)
	}
	if len(todo) > 1 {
		sort.Ints(todo)
	}
	for _, j := range todo {
		o.w.steps++
		if o.full(c) {
			return false
		}
		// find passes over the rest of a class at once: the first pair of
		// it found free makes every other one free.
		if cf := o.find(parentMutex, name, e1, fields[j]); cf != nil {
			*c = append(*c, *cf)
		}
	}
	return true
}

func (o *overlapState) fieldsAndFragment(c *[]conflict, mutex bool, fm *fieldMap, name string) {
	f := o.w.fragments[name]
	if f == nil {
		return
	}
	fm2, refs := o.referenced(f)
	if fm == fm2 {
		return
	}
	o.spend()
	o.between(c, mutex, fm, fm2)
	for _, ref := range refs {
		if o.pairSeen(ref, name, mutex) {
			continue
		}
		o.pairAdd(ref, name, mutex)
		o.fieldsAndFragment(c, mutex, fm, ref)
	}
}

func (o *overlapState) betweenFragments(c *[]conflict, mutex bool, name1, name2 string) {
	if name1 == name2 || o.pairSeen(name1, name2, mutex) {
		return
	}
	o.pairAdd(name1, name2, mutex)
	f1, f2 := o.w.fragments[name1], o.w.fragments[name2]
	if f1 == nil || f2 == nil {
		return
	}
	o.spend()
	fm1, refs1 := o.referenced(f1)
	fm2, refs2 := o.referenced(f2)
	o.between(c, mutex, fm1, fm2)
	for _, r2 := range refs2 {
		o.betweenFragments(c, mutex, name1, r2)
	}
	for _, r1 := range refs1 {
		o.betweenFragments(c, mutex, r1, name2)
	}
}

func (o *overlapState) subSelections(mutex bool, pt1 *typeDef, set1 *language.SelectionSet, pt2 *typeDef, set2 *language.SelectionSet) []conflict {
	var c []conflict
	fm1, frags1 := o.fieldsAndFragmentNames(pt1, set1)
	fm2, frags2 := o.fieldsAndFragmentNames(pt2, set2)
	o.between(&c, mutex, fm1, fm2)
	for _, n2 := range frags2 {
		o.fieldsAndFragment(&c, mutex, fm1, n2)
	}
	for _, n1 := range frags1 {
		o.fieldsAndFragment(&c, mutex, fm2, n1)
	}
	for _, n1 := range frags1 {
		for _, n2 := range frags2 {
			o.betweenFragments(&c, mutex, n1, n2)
		}
	}
	return c
}

// find is graphql-core's find_conflict, with the memory of structures
// known not to conflict.
func (o *overlapState) find(parentMutex bool, name string, e1, e2 fieldEntry) *conflict {
	key := o.key(parentMutex, e1, e2)
	if o.free[key] {
		return nil
	}
	o.spend()
	cf := o.compare(key.mutex, name, e1, e2)
	if cf == nil {
		o.free[key] = true
	}
	return cf
}

// key is a pair's memory key; its mutex is find_conflict's
// are_mutually_exclusive.
func (o *overlapState) key(parentMutex bool, e1, e2 fieldEntry) pairKey {
	mutex := parentMutex || (e1.parent != e2.parent && e1.parent != nil && e2.parent != nil &&
		e1.parent.kind == schema.KindObject && e2.parent.kind == schema.KindObject)
	return pairKey{a: o.id(e1.node), b: o.id(e2.node), pa: e1.parent, pb: e2.parent, mutex: mutex}
}

func (o *overlapState) compare(mutex bool, name string, e1, e2 fieldEntry) *conflict {
	n1, n2 := e1.node, e2.node
	var t1, t2 *schema.TypeRef
	if e1.def != nil {
		t1 = e1.def.Type
	}
	if e2.def != nil {
		t2 = e2.def.Type
	}
	leafConflict := func(msg string) *conflict {
		return &conflict{nr: namedReason{name: name, r: reason{msg: msg}}, f1: []*language.Field{n1}, f2: []*language.Field{n2}}
	}
	if !mutex {
		if n1.Name.Value != n2.Name.Value {
			return leafConflict(fmt.Sprintf("'%s' and '%s' are different fields", n1.Name.Value, n2.Name.Value))
		}
		if !sameArguments(n1.Arguments, n2.Arguments) {
			return leafConflict("they have differing arguments")
		}
	}
	if t1 != nil && t2 != nil && o.typesConflict(t1, t2) {
		return leafConflict(fmt.Sprintf("they return conflicting types '%s' and '%s'", t1, t2))
	}
	if n1.SelectionSet != nil && n2.SelectionSet != nil {
		subs := o.subSelections(mutex, o.w.m.typeOf(t1), n1.SelectionSet, o.w.m.typeOf(t2), n2.SelectionSet)
		if len(subs) == 0 {
			return nil
		}
		cf := &conflict{nr: namedReason{name: name, r: reason{subs: make([]namedReason, len(subs))}},
			f1: []*language.Field{n1}, f2: []*language.Field{n2}}
		for i, s := range subs {
			cf.nr.r.subs[i] = s.nr
			cf.f1 = append(cf.f1, s.f1...)
			cf.f2 = append(cf.f2, s.f2...)
		}
		return cf
	}
	return nil
}

func (o *overlapState) typesConflict(t1, t2 *schema.TypeRef) bool {
	switch {
	case t1.List:
		if t2.List {
			return o.typesConflict(t1.OfType, t2.OfType)
		}
		return true
	case t2.List:
		return true
	case t1.NonNull:
		if t2.NonNull {
			return o.typesConflict(t1.OfType, t2.OfType)
		}
		return true
	case t2.NonNull:
		return true
	}
	if o.w.m.types[t1.Named].leaf() || o.w.m.types[t2.Named].leaf() {
		return t1.Named != t2.Named
	}
	return false
}

func sameArguments(a1, a2 []language.Argument) bool {
	if len(a1) == 0 {
		return len(a2) == 0
	}
	if len(a2) == 0 || len(a1) != len(a2) {
		return false
	}
	values2 := make(map[string]language.Value, len(a2))
	for _, a := range a2 {
		values2[a.Name.Value] = a.Value
	}
	for _, a := range a1 {
		v2, ok := values2[a.Name.Value]
		if !ok || stringifyValue(a.Value) != stringifyValue(v2) {
			return false
		}
	}
	return true
}

// stringifyValue is graphql-core's print_ast(sort_value_node(value)):
// object fields sorted by name at every level.
func stringifyValue(v language.Value) string { return language.PrintValue(sortValue(v)) }

func sortValue(v language.Value) language.Value {
	switch v := v.(type) {
	case *language.ListValue:
		out := &language.ListValue{Pos: v.Pos, Values: make([]language.Value, len(v.Values))}
		for i, x := range v.Values {
			out.Values[i] = sortValue(x)
		}
		return out
	case *language.ObjectValue:
		out := &language.ObjectValue{Pos: v.Pos, Fields: make([]language.ObjectField, len(v.Fields))}
		for i, f := range v.Fields {
			out.Fields[i] = language.ObjectField{Pos: f.Pos, Name: f.Name, Value: sortValue(f.Value)}
		}
		slices.SortStableFunc(out.Fields, func(a, b language.ObjectField) int { return strings.Compare(a.Name.Value, b.Name.Value) })
		return out
	}
	return v
}

// id interns a field by what find_conflict reads of it: its name, its
// arguments (as compared) and the structure of its selections (response
// names, fields' ids, inline fragments' type conditions, spread names).
func (o *overlapState) id(f *language.Field) int {
	if id, ok := o.ids[f]; ok {
		return id
	}
	var b strings.Builder
	b.WriteString(f.Name.Value)
	if len(f.Arguments) > 0 {
		b.WriteByte('(')
		for _, a := range f.Arguments {
			b.WriteString(a.Name.Value)
			b.WriteByte(':')
			b.WriteString(stringifyValue(a.Value))
			b.WriteByte(',')
		}
		b.WriteByte(')')
	}
	if f.SelectionSet != nil {
		o.writeSet(&b, f.SelectionSet)
	}
	key := b.String()
	id, ok := o.intern[key]
	if !ok {
		id = len(o.intern) + 1
		o.intern[key] = id
	}
	o.ids[f] = id
	return id
}

func (o *overlapState) writeSet(b *strings.Builder, set *language.SelectionSet) {
	b.WriteByte('{')
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			b.WriteString(sel.ResponseName())
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(o.id(sel)))
		case *language.FragmentSpread:
			b.WriteString("...")
			b.WriteString(sel.Name.Value)
		case *language.InlineFragment:
			b.WriteString("...")
			if sel.TypeCondition != nil {
				b.WriteString(sel.TypeCondition.Name.Value)
			}
			o.writeSet(b, sel.SelectionSet)
		}
		b.WriteByte(' ')
	}
	b.WriteByte('}')
}
