package rules

import (
	"fmt"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// walker is one validation: graphql-core's TypeInfo (the stacks below) and
// the state of every rule, driven by one depth-first walk in graphql-core's
// visiting order. At each node entered or left the rules that speak there
// run in specified_rules order; a rule that graphql-core's visitor skips
// below a node (it returned SKIP) is switched off below it here.
type walker struct {
	m   *model
	doc *language.Document

	full              bool // every rule; false: only TypeInfo and usages
	introspectionOnly bool // NoSchemaIntrospectionCustomRule alone

	errs   []verr
	raised *verr
	// steps counts the work done (nodes visited, comparisons, fragment
	// steps), which TestLinear checks grows linearly with the document.
	steps int

	// TypeInfo.
	types     []*schema.TypeRef // output types (nil: unknown)
	parents   []*typeDef        // parent composite types
	inputs    []*schema.TypeRef // input types
	defaults  []bool            // whether the input position has a default
	fieldDefs []*schema.Field
	directive *dirDef

	// Document facts.
	fragments map[string]*language.FragmentDefinition // last definition wins, as get_fragment
	docDirs   map[string]*docDirective
	docTypes  map[string]bool // type names the document defines
	opCount   int

	// Rule state.
	opNames     map[string]int
	fragNames   map[string]int
	operations  []*language.OperationDefinition
	fragDefs    []*language.FragmentDefinition
	varDefs     []*language.VariableDefinition // NoUnusedVariables, in order
	varDefMap   map[string]*language.VariableDefinition
	schemaDirs  map[string]int
	typeDirs    map[string]map[string]int
	inputNames  []map[string]int
	valuesSkip  any // ValuesOfCorrectType is off below this node
	introSkip   *language.Field
	cycles      cycleState
	overlap     *overlapState
	curUsages   *[]usage
	usages      map[any][]usage // per operation and fragment definition
	spreads     map[*language.SelectionSet][]*language.FragmentSpread
	introMemo   map[string]int
	introBudget int
}

// usage is graphql-core's VariableUsage: a variable, the input type of its
// position and whether that position has a default value.
type usage struct {
	v          *language.Variable
	typ        *schema.TypeRef
	hasDefault bool
}

// docDirective is a directive the document itself defines (graphql-core's
// rules count them as known).
type docDirective struct {
	locations  map[string]bool
	args       []string
	required   []language.InputValueDefinition
	repeatable bool
}

func newWalker(m *model, doc *language.Document, full bool) *walker {
	w := &walker{m: m, doc: doc, full: full, fragments: map[string]*language.FragmentDefinition{},
		usages: map[any][]usage{}}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *language.FragmentDefinition:
			w.fragments[d.Name.Value] = d
		case *language.OperationDefinition:
			w.opCount++
		case *language.DirectiveDefinition:
			if w.docDirs == nil {
				w.docDirs = map[string]*docDirective{}
			}
			dd := &docDirective{locations: map[string]bool{}, repeatable: d.Repeatable}
			for _, l := range d.Locations {
				if v, ok := locationNames[l.Value]; ok {
					dd.locations[v] = true
				}
			}
			for _, a := range d.Arguments {
				dd.args = append(dd.args, a.Name.Value)
				if _, nn := a.Type.(*language.NonNullType); nn && a.DefaultValue == nil {
					dd.required = append(dd.required, a)
				}
			}
			w.docDirs[d.Name.Value] = dd
		default:
			if name := typeDefinitionName(d); name != "" {
				if w.docTypes == nil {
					w.docTypes = map[string]bool{}
				}
				w.docTypes[name] = true
			}
		}
	}
	if full {
		w.opNames = map[string]int{}
		w.fragNames = map[string]int{}
		w.overlap = newOverlapState(w)
	}
	return w
}

// typeDefinitionName is the name of a type definition (not an extension),
// "" for anything else: graphql-core's is_type_definition_node.
func typeDefinitionName(d language.Definition) string {
	switch d := d.(type) {
	case *language.ScalarTypeDefinition:
		if !d.Extend {
			return d.Name.Value
		}
	case *language.ObjectTypeDefinition:
		if !d.Extend {
			return d.Name.Value
		}
	case *language.InterfaceTypeDefinition:
		if !d.Extend {
			return d.Name.Value
		}
	case *language.UnionTypeDefinition:
		if !d.Extend {
			return d.Name.Value
		}
	case *language.EnumTypeDefinition:
		if !d.Extend {
			return d.Name.Value
		}
	case *language.InputObjectTypeDefinition:
		if !d.Extend {
			return d.Name.Value
		}
	}
	return ""
}

// --- TypeInfo helpers ---

func top[T any](s []T) T {
	var zero T
	if len(s) == 0 {
		return zero
	}
	return s[len(s)-1]
}

func (w *walker) typ() *schema.TypeRef       { return top(w.types) }
func (w *walker) parent() *typeDef           { return top(w.parents) }
func (w *walker) inputType() *schema.TypeRef { return top(w.inputs) }
func (w *walker) fieldDef() *schema.Field    { return top(w.fieldDefs) }

func (w *walker) parentInputType() *schema.TypeRef {
	if len(w.inputs) > 1 {
		return w.inputs[len(w.inputs)-2]
	}
	return nil
}

func pop[T any](s *[]T) {
	if len(*s) > 0 {
		*s = (*s)[:len(*s)-1]
	}
}

// typeFromAST is graphql-core's type_from_ast: nil when the named type is
// unknown.
func (w *walker) typeFromAST(t language.Type) *schema.TypeRef {
	switch t := t.(type) {
	case *language.NamedType:
		if w.m.types[t.Name.Value] == nil {
			return nil
		}
		return named(t.Name.Value)
	case *language.ListType:
		if in := w.typeFromAST(t.Type); in != nil {
			return &schema.TypeRef{List: true, OfType: in}
		}
	case *language.NonNullType:
		if in := w.typeFromAST(t.Type); in != nil {
			return nonNull(in)
		}
	}
	return nil
}

func nullable(t *schema.TypeRef) *schema.TypeRef {
	if t != nil && t.NonNull {
		return t.OfType
	}
	return t
}

// inputRef is t when it is an input type, else nil (TypeInfo pushes None).
func (w *walker) inputRef(t *schema.TypeRef) *schema.TypeRef {
	if t != nil && w.m.typeOf(t).input() {
		return t
	}
	return nil
}

// outputRef is t when it is an output type, else nil.
func (w *walker) outputRef(t *schema.TypeRef) *schema.TypeRef {
	if t == nil {
		return nil
	}
	if td := w.m.typeOf(t); td == nil || td.kind == schema.KindInputObject {
		return nil
	}
	return t
}

// --- the document ---

func (w *walker) document() {
	if w.full {
		// ExecutableDefinitionsRule.
		for _, d := range w.doc.Definitions {
			switch d := d.(type) {
			case *language.OperationDefinition, *language.FragmentDefinition:
			case *language.SchemaDefinition:
				w.report("The schema definition is not executable.", d.Pos)
			default:
				w.report(fmt.Sprintf("The '%s' definition is not executable.", definitionName(d)), d.Position())
			}
		}
	}
	for _, d := range w.doc.Definitions {
		switch d := d.(type) {
		case *language.OperationDefinition:
			w.operation(d)
		case *language.FragmentDefinition:
			w.fragmentDefinition(d)
		default:
			w.typeSystem(d)
		}
	}
	if w.full {
		w.noUnusedFragments()
	}
}

func definitionName(d language.Definition) string {
	switch d := d.(type) {
	case *language.ScalarTypeDefinition:
		return d.Name.Value
	case *language.ObjectTypeDefinition:
		return d.Name.Value
	case *language.InterfaceTypeDefinition:
		return d.Name.Value
	case *language.UnionTypeDefinition:
		return d.Name.Value
	case *language.EnumTypeDefinition:
		return d.Name.Value
	case *language.InputObjectTypeDefinition:
		return d.Name.Value
	case *language.DirectiveDefinition:
		return d.Name.Value
	}
	return ""
}

func (w *walker) rootType(op language.OperationType) *typeDef {
	switch op {
	case language.Mutation:
		return w.m.mutation
	case language.Subscription:
		return w.m.subscription
	}
	return w.m.query
}

func (w *walker) operation(op *language.OperationDefinition) {
	root := w.rootType(op.Operation)
	var rootRef *schema.TypeRef
	if root != nil && root.kind == schema.KindObject {
		rootRef = named(root.name)
	}
	w.types = append(w.types, rootRef)
	us := []usage{}
	w.curUsages = &us
	if w.full {
		// UniqueOperationNamesRule.
		if op.Name.Value != "" {
			if first, ok := w.opNames[op.Name.Value]; ok {
				w.report(fmt.Sprintf("There can be only one operation named '%s'.", op.Name.Value), first, op.Name.Pos)
			} else {
				w.opNames[op.Name.Value] = op.Name.Pos
			}
		}
		// LoneAnonymousOperationRule.
		if op.Name.Value == "" && w.opCount > 1 {
			w.report("This anonymous operation must be the only defined operation.", op.Pos)
		}
		// SingleFieldSubscriptionsRule.
		if op.Operation == language.Subscription && w.m.subscription != nil {
			w.singleFieldSubscription(op)
		}
		// UniqueVariableNamesRule.
		w.uniqueVariableNames(op)
		w.varDefs = w.varDefs[:0]
		w.varDefMap = map[string]*language.VariableDefinition{}
		w.operations = append(w.operations, op)
		// UniqueDirectivesPerLocationRule.
		w.uniqueDirectives(op.Directives, nil)
	}
	for i := range op.VariableDefinitions {
		w.variableDefinition(&op.VariableDefinitions[i])
	}
	w.directives(op.Directives, op.Operation.String())
	w.selectionSet(op.SelectionSet)
	w.usages[op] = us
	w.curUsages = nil
	if w.full {
		w.leaveOperation(op)
	}
	pop(&w.types)
}

func (w *walker) uniqueVariableNames(op *language.OperationDefinition) {
	if len(op.VariableDefinitions) < 2 {
		return
	}
	var order []string
	groups := map[string][]int{}
	for _, vd := range op.VariableDefinitions {
		n := vd.Variable.Name.Value
		if _, ok := groups[n]; !ok {
			order = append(order, n)
		}
		groups[n] = append(groups[n], vd.Variable.Name.Pos)
	}
	for _, n := range order {
		if g := groups[n]; len(g) > 1 {
			w.report(fmt.Sprintf("There can be only one variable named '$%s'.", n), g...)
		}
	}
}

func (w *walker) variableDefinition(vd *language.VariableDefinition) {
	t := w.typeFromAST(vd.Type)
	w.inputs = append(w.inputs, w.inputRef(t))
	if w.full {
		// VariablesAreInputTypesRule.
		if t != nil && !w.m.typeOf(t).input() {
			w.report(fmt.Sprintf("Variable '$%s' cannot be non-input type '%s'.", vd.Variable.Name.Value, language.Print(vd.Type)), vd.Type.Position())
		}
		// NoUnusedVariables, VariablesInAllowedPosition (and
		// NoUndefinedVariables, which only needs the names) record it.
		w.varDefs = append(w.varDefs, vd)
		w.varDefMap[vd.Variable.Name.Value] = vd
		w.uniqueDirectives(vd.Directives, nil)
	}
	// graphql-core's usage collector skips variable definitions; the rules
	// walk them (type names, default value, directives).
	saved := w.curUsages
	w.curUsages = nil
	w.typeRef(vd.Type, false)
	if vd.DefaultValue != nil {
		w.value(vd.DefaultValue)
	}
	w.directives(vd.Directives, "variable definition")
	w.curUsages = saved
	pop(&w.inputs)
}

// typeRef visits a type reference: KnownTypeNamesRule at its named type.
func (w *walker) typeRef(t language.Type, sdl bool) {
	switch t := t.(type) {
	case *language.NamedType:
		w.namedType(t, sdl)
	case *language.ListType:
		w.typeRef(t.Type, sdl)
	case *language.NonNullType:
		w.typeRef(t.Type, sdl)
	}
}

func (w *walker) namedType(t *language.NamedType, sdl bool) {
	if !w.full {
		return
	}
	name := t.Name.Value
	if w.m.types[name] != nil || w.docTypes[name] {
		return
	}
	if sdl && standardTypes[name] {
		return
	}
	options := w.m.typeNames
	if len(w.docTypes) > 0 || sdl {
		options = w.knownTypeOptions(sdl)
	}
	w.report(fmt.Sprintf("Unknown type '%s'.", name)+gqlerr.DidYouMean(gqlerr.SuggestionList(name, options)), t.Pos)
}

// knownTypeOptions lists KnownTypeNamesRule's suggestions: the schema's
// types and the document's, with the standard names first in SDL (each
// name once, as suggestion_list keeps them in a dict).
func (w *walker) knownTypeOptions(sdl bool) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if sdl {
		for _, n := range []string{"String", "Int", "Float", "Boolean", "ID", "__Schema", "__Directive", "__DirectiveLocation", "__Type", "__Field", "__InputValue", "__EnumValue", "__TypeKind"} {
			add(n)
		}
	}
	for _, n := range w.m.typeNames {
		add(n)
	}
	for _, d := range w.doc.Definitions {
		if n := typeDefinitionName(d); n != "" {
			add(n)
		}
	}
	return out
}

func (w *walker) fragmentDefinition(f *language.FragmentDefinition) {
	t := w.typeFromAST(&f.TypeCondition)
	w.types = append(w.types, w.outputRef(t))
	us := []usage{}
	w.curUsages = &us
	if w.full {
		// FragmentsOnCompositeTypesRule.
		if t != nil && !w.m.typeOf(t).composite() {
			w.report(fmt.Sprintf("Fragment '%s' cannot condition on non composite type '%s'.", f.Name.Value, f.TypeCondition.Name.Value), f.TypeCondition.Pos)
		}
		// UniqueFragmentNamesRule.
		if first, ok := w.fragNames[f.Name.Value]; ok {
			w.report(fmt.Sprintf("There can be only one fragment named '%s'.", f.Name.Value), first, f.Name.Pos)
		} else {
			w.fragNames[f.Name.Value] = f.Name.Pos
		}
		// NoUnusedFragmentsRule collects it; NoFragmentCyclesRule.
		w.fragDefs = append(w.fragDefs, f)
		w.detectCycles(f)
		w.uniqueDirectives(f.Directives, nil)
	}
	w.namedType(&f.TypeCondition, false)
	w.directives(f.Directives, "fragment definition")
	w.selectionSet(f.SelectionSet)
	if _, done := w.usages[f]; !done {
		w.usages[f] = us
	}
	w.curUsages = nil
	pop(&w.types)
}

func (w *walker) selectionSet(set *language.SelectionSet) {
	if set == nil {
		return
	}
	w.steps++
	nt := w.m.typeOf(w.typ())
	if !nt.composite() {
		nt = nil
	}
	w.parents = append(w.parents, nt)
	if w.full {
		w.overlap.check(set, nt)
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			w.field(sel)
		case *language.FragmentSpread:
			w.fragmentSpread(sel)
		case *language.InlineFragment:
			w.inlineFragment(sel)
		}
	}
	pop(&w.parents)
}

func (w *walker) field(f *language.Field) {
	w.steps++
	parent := w.parent()
	def := w.m.fieldDef(parent, f.Name.Value)
	var ft *schema.TypeRef
	if def != nil {
		ft = w.outputRef(def.Type)
	}
	w.fieldDefs = append(w.fieldDefs, def)
	w.types = append(w.types, ft)
	if w.introspectionOnly {
		if nt := w.m.typeOf(ft); nt != nil && introspectionTypes[nt.name] {
			w.report(fmt.Sprintf("GraphQL introspection has been disabled, but the requested query contained the field '%s'.", f.Name.Value), f.Pos)
		}
	}
	if w.full {
		// ScalarLeafsRule.
		if ft != nil {
			if w.m.typeOf(ft).leaf() {
				if f.SelectionSet != nil {
					w.report(fmt.Sprintf("Field '%s' must not have a selection since type '%s' has no subfields.", f.Name.Value, ft), f.SelectionSet.Pos)
				}
			} else if f.SelectionSet == nil {
				w.report(fmt.Sprintf("Field '%s' of type '%s' must have a selection of subfields. Did you mean '%s { ... }'?", f.Name.Value, ft, f.Name.Value), f.Pos)
			}
		}
		// FieldsOnCorrectTypeRule.
		if parent != nil && def == nil {
			w.unknownField(parent, f)
		}
		w.uniqueDirectives(f.Directives, nil)
		w.uniqueArguments(f.Arguments)
		// MaxIntrospectionDepthRule.
		if w.introSkip == nil && (f.Name.Value == "__schema" || f.Name.Value == "__type") && w.introspectionTooDeep(f) {
			w.report("Maximum introspection depth exceeded", f.Pos)
			w.introSkip = f
		}
	}
	for i := range f.Arguments {
		w.argument(&f.Arguments[i], true)
	}
	w.directives(f.Directives, "field")
	w.selectionSet(f.SelectionSet)
	if w.full {
		// ProvidedRequiredArgumentsRule.
		if def != nil {
			for _, a := range def.Args {
				if a.Type.NonNull && a.DefaultValue == nil && !hasArgument(f.Arguments, a.Name) {
					w.report(fmt.Sprintf("Field '%s' argument '%s' of type '%s' is required, but it was not provided.", f.Name.Value, a.Name, a.Type), f.Pos)
				}
			}
		}
		if w.introSkip == f {
			w.introSkip = nil
		}
	}
	pop(&w.types)
	pop(&w.fieldDefs)
}

func hasArgument(args []language.Argument, name string) bool {
	for _, a := range args {
		if a.Name.Value == name {
			return true
		}
	}
	return false
}

func (w *walker) unknownField(parent *typeDef, f *language.Field) {
	name := f.Name.Value
	var hint string
	if parent.abstract() {
		// Possible types with the field; with no interfaces in the model
		// every one is used once, so they sort by natural order.
		var types []string
		for _, p := range parent.possible {
			if pt := w.m.types[p]; pt != nil && pt.fields[name] != nil {
				types = append(types, p)
			}
		}
		sortNatural(types)
		hint = gqlerr.DidYouMeanWhat("to use an inline fragment on", types)
	}
	if hint == "" && (parent.kind == schema.KindObject || parent.kind == schema.KindInterface) {
		hint = gqlerr.DidYouMean(gqlerr.SuggestionList(name, parent.fieldNames))
	}
	w.report(fmt.Sprintf("Cannot query field '%s' on type '%s'.", name, parent.name)+hint, f.Pos)
}

func (w *walker) uniqueArguments(args []language.Argument) {
	if len(args) < 2 {
		return
	}
	var order []string
	groups := map[string][]int{}
	for _, a := range args {
		if _, ok := groups[a.Name.Value]; !ok {
			order = append(order, a.Name.Value)
		}
		groups[a.Name.Value] = append(groups[a.Name.Value], a.Name.Pos)
	}
	for _, n := range order {
		if g := groups[n]; len(g) > 1 {
			w.report(fmt.Sprintf("There can be only one argument named '%s'.", n), g...)
		}
	}
}

func (w *walker) fragmentSpread(s *language.FragmentSpread) {
	if w.full {
		// KnownFragmentNamesRule.
		frag := w.fragments[s.Name.Value]
		if frag == nil {
			w.report(fmt.Sprintf("Unknown fragment '%s'.", s.Name.Value), s.Name.Pos)
		}
		// PossibleFragmentSpreadsRule.
		if frag != nil {
			if ft := w.m.types[frag.TypeCondition.Name.Value]; ft.composite() {
				if pt := w.parent(); pt != nil && !w.m.overlap(ft, pt) {
					w.report(fmt.Sprintf("Fragment '%s' cannot be spread here as objects of type '%s' can never be of type '%s'.", s.Name.Value, pt.name, ft.name), s.Pos)
				}
			}
		}
		w.uniqueDirectives(s.Directives, nil)
	}
	w.directives(s.Directives, "fragment spread")
}

func (w *walker) inlineFragment(f *language.InlineFragment) {
	var t *schema.TypeRef
	if f.TypeCondition != nil {
		t = w.typeFromAST(f.TypeCondition)
	} else if cur := w.typ(); cur != nil {
		t = named(cur.NamedType())
	}
	t = w.outputRef(t)
	w.types = append(w.types, t)
	if w.full {
		// FragmentsOnCompositeTypesRule.
		if f.TypeCondition != nil {
			if ct := w.typeFromAST(f.TypeCondition); ct != nil && !w.m.typeOf(ct).composite() {
				w.report(fmt.Sprintf("Fragment cannot condition on non composite type '%s'.", f.TypeCondition.Name.Value), f.TypeCondition.Pos)
			}
		}
		// PossibleFragmentSpreadsRule.
		if ft, pt := w.m.typeOf(t), w.parent(); ft.composite() && pt.composite() && !w.m.overlap(ft, pt) {
			w.report(fmt.Sprintf("Fragment cannot be spread here as objects of type '%s' can never be of type '%s'.", pt.name, ft.name), f.Pos)
		}
		w.uniqueDirectives(f.Directives, nil)
	}
	if f.TypeCondition != nil {
		w.namedType(f.TypeCondition, false)
	}
	w.directives(f.Directives, "inline fragment")
	w.selectionSet(f.SelectionSet)
	pop(&w.types)
}

// directives visits the directives of one node; location is graphql-core's
// DirectiveLocation value for that node ("" when none applies).
func (w *walker) directives(ds []language.Directive, location string) {
	for i := range ds {
		w.directiveNode(&ds[i], location)
	}
}

func (w *walker) directiveNode(d *language.Directive, location string) {
	w.steps++
	name := d.Name.Value
	w.directive = w.m.dirs[name]
	if w.full {
		// KnownDirectivesRule.
		locs, known := w.directiveLocations(name)
		if !known || len(locs) == 0 {
			w.report(fmt.Sprintf("Unknown directive '@%s'.", name), d.Pos)
		} else if location != "" && !locs[location] {
			w.report(fmt.Sprintf("Directive '@%s' may not be used on %s.", name, location), d.Pos)
		}
		// KnownArgumentNamesOnDirectivesRule.
		if args, ok := w.directiveArgs(name); ok && len(d.Arguments) > 0 {
			for _, a := range d.Arguments {
				if !contains(args, a.Name.Value) {
					w.report(fmt.Sprintf("Unknown argument '%s' on directive '@%s'.", a.Name.Value, name)+gqlerr.DidYouMean(gqlerr.SuggestionList(a.Name.Value, args)), a.Pos)
				}
			}
		}
		// UniqueArgumentNamesRule.
		w.uniqueArguments(d.Arguments)
	}
	for i := range d.Arguments {
		w.argument(&d.Arguments[i], false)
	}
	if w.full {
		// ProvidedRequiredArgumentsOnDirectivesRule.
		w.requiredDirectiveArgs(d)
	}
	w.directive = nil
}

func (w *walker) directiveLocations(name string) (map[string]bool, bool) {
	if dd, ok := w.docDirs[name]; ok {
		return dd.locations, true
	}
	if dd, ok := w.m.dirs[name]; ok {
		return dd.locations, true
	}
	return nil, false
}

func (w *walker) directiveArgs(name string) ([]string, bool) {
	if dd, ok := w.docDirs[name]; ok {
		return dd.args, true
	}
	if dd, ok := w.m.dirs[name]; ok {
		return dd.argNames, true
	}
	return nil, false
}

func (w *walker) requiredDirectiveArgs(d *language.Directive) {
	name := d.Name.Value
	if dd, ok := w.docDirs[name]; ok {
		for _, a := range dd.required {
			if !hasArgument(d.Arguments, a.Name.Value) {
				w.report(fmt.Sprintf("Directive '@%s' argument '%s' of type '%s' is required, but it was not provided.", name, a.Name.Value, language.Print(a.Type)), d.Pos)
			}
		}
		return
	}
	if dd, ok := w.m.dirs[name]; ok {
		for _, a := range dd.argList {
			if a.Type.NonNull && a.DefaultValue == nil && !hasArgument(d.Arguments, a.Name) {
				w.report(fmt.Sprintf("Directive '@%s' argument '%s' of type '%s' is required, but it was not provided.", name, a.Name, a.Type), d.Pos)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// uniqueDirectives is UniqueDirectivesPerLocationRule at one node; seen is
// the map shared by a type's definition and extensions (nil: this node's
// own).
func (w *walker) uniqueDirectives(ds []language.Directive, seen map[string]int) {
	if len(ds) == 0 {
		return
	}
	if seen == nil {
		if len(ds) < 2 {
			return
		}
		seen = map[string]int{}
	}
	for _, d := range ds {
		name := d.Name.Value
		unique := false
		if dd, ok := w.docDirs[name]; ok {
			unique = !dd.repeatable
		} else if dd, ok := w.m.dirs[name]; ok {
			unique = !dd.repeatable
		}
		if !unique {
			continue
		}
		if first, ok := seen[name]; ok {
			w.report(fmt.Sprintf("The directive '@%s' can only be used once at this location.", name), first, d.Pos)
		} else {
			seen[name] = d.Pos
		}
	}
}

// argument visits a field's (onField) or a directive's argument.
func (w *walker) argument(a *language.Argument, onField bool) {
	var def *schema.InputValue
	switch {
	case w.directive != nil:
		def = findArg(w.directive.argList, a.Name.Value)
	case w.fieldDef() != nil:
		def = findArg(w.fieldDef().Args, a.Name.Value)
	}
	var t *schema.TypeRef
	if def != nil {
		t = w.inputRef(def.Type)
	}
	w.inputs = append(w.inputs, t)
	w.defaults = append(w.defaults, def != nil && def.DefaultValue != nil)
	if w.full && onField {
		// KnownArgumentNamesRule (directive arguments are skipped by its
		// directive half).
		if fd, pt := w.fieldDef(), w.parent(); def == nil && fd != nil && pt != nil {
			names := make([]string, len(fd.Args))
			for i, x := range fd.Args {
				names[i] = x.Name
			}
			w.report(fmt.Sprintf("Unknown argument '%s' on field '%s.%s'.", a.Name.Value, pt.name, fd.Name)+gqlerr.DidYouMean(gqlerr.SuggestionList(a.Name.Value, names)), a.Pos)
		}
	}
	w.value(a.Value)
	pop(&w.inputs)
	pop(&w.defaults)
}

func findArg(args []*schema.InputValue, name string) *schema.InputValue {
	for _, a := range args {
		if a.Name == name {
			return a
		}
	}
	return nil
}
