package execute

import (
	"slices"
	"strconv"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/plan"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rowjson"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

type rootKind int

const (
	rootUnknown       rootKind = iota // not in the schema (production only)
	rootTypename                      // __typename
	rootIntrospection                 // __schema, __type
	rootRead                          // a field bound to a view read
	rootMutation                      // a mutation field bound to a function
)

// prepared is an operation ready to run: its root fields with their
// projections and, when no variable can change them, their statements.
type prepared struct {
	op    *language.OperationDefinition
	roots []*root
	reads int // root reads (v1 counts these to choose the multi-field path)
	// sorted is the order of roots in a typed response (typed.go).
	sorted []int
}

type root struct {
	key   string // response key
	name  string
	nodes []*language.Field
	kind  rootKind
	field *schema.Field
	proj  *rowjson.Node
	stmt  *plan.Statement
	err   error // planning error, reported as this field's error
	mut   *mutationPlan
	// eqs are a read's column equalities from its arguments, coerced.
	eqs []plan.Equality

	// binds are stmt's parameters taken from variables; a prepared
	// operation shared by requests with variables (see bound) rebinds
	// them from each request's values. varArgs counts the arguments of
	// nodes[0] given as a variable, so a statement planned without one of
	// them (absent, null, an object) is never shared.
	binds   []paramBind
	varArgs int
}

// paramBind is a statement parameter whose text is a variable's value.
type paramBind struct {
	index    int
	variable string
}

// prepare returns the prepared operation, from the document's cache when
// the operation has no variables (its plans then depend on nothing else),
// or when its variables only fill statement parameters (see bound).
func (x *Execution) prepare(op *language.OperationDefinition) (*prepared, error) {
	static := len(op.VariableDefinitions) == 0
	if !static {
		return x.prepareBound(op)
	}
	name := ""
	if op.Name.Value != "" {
		name = op.Name.Value
	}
	if static {
		x.plans.mu.Lock()
		p := x.plans.ops[name]
		x.plans.mu.Unlock()
		if p != nil && p.op == op {
			return p, nil
		}
	}
	p, err := x.build(op)
	if err != nil {
		return nil, err
	}
	if static {
		x.plans.mu.Lock()
		x.plans.ops[name] = p
		x.plans.mu.Unlock()
	}
	return p, nil
}

func (x *Execution) build(op *language.OperationDefinition) (*prepared, error) {
	s := x.e.s
	rootName := s.Query
	switch op.Operation {
	case language.Mutation:
		rootName = s.Mutation
	case language.Subscription:
		rootName = s.Subscription
	}
	rt := s.Type(rootName)
	if rt == nil {
		return nil, clientErrorf("Schema is not configured to execute %s operation.", op.Operation)
	}
	p := &prepared{op: op}
	for _, g := range x.collect(rt.Name, []*language.SelectionSet{op.SelectionSet}) {
		r := &root{key: g.key, name: g.nodes[0].Name.Value, nodes: g.nodes}
		switch r.name {
		case "__typename":
			r.kind = rootTypename
		case "__schema", "__type":
			r.kind = rootIntrospection
		default:
			r.field = rt.Field(r.name)
			switch {
			case r.field == nil:
				r.kind = rootUnknown
			case r.field.Read != nil:
				r.kind = rootRead
				p.reads++
				t := s.Type(r.field.Type.NamedType())
				r.proj = x.projection(t, g.nodes)
				r.stmt, r.err = x.plan(r)
			case r.field.Function != nil:
				r.kind = rootMutation
				r.mut = x.planMutation(r)
			default:
				r.kind = rootUnknown
			}
		}
		p.roots = append(p.roots, r)
	}
	p.sorted = sortedRoots(p.roots)
	return p, nil
}

type fieldGroup struct {
	key   string
	nodes []*language.Field
}

// collect is graphql-core's collect_fields: fields grouped by response key
// in first-seen order, fragments expanded, @skip/@include applied.
func (x *Execution) collect(typeName string, sets []*language.SelectionSet) []fieldGroup {
	var groups []fieldGroup
	index := map[string]int{}
	visited := map[string]bool{}
	var walk func(set *language.SelectionSet)
	walk = func(set *language.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *language.Field:
				if !x.include(sel.Directives) {
					continue
				}
				key := sel.Name.Value
				if sel.Alias.Value != "" {
					key = sel.Alias.Value
				}
				if i, ok := index[key]; ok {
					groups[i].nodes = append(groups[i].nodes, sel)
					continue
				}
				index[key] = len(groups)
				groups = append(groups, fieldGroup{key: key, nodes: []*language.Field{sel}})
			case *language.InlineFragment:
				if !x.include(sel.Directives) || (sel.TypeCondition != nil && !x.applies(sel.TypeCondition.Name.Value, typeName)) {
					continue
				}
				walk(sel.SelectionSet)
			case *language.FragmentSpread:
				name := sel.Name.Value
				if !x.include(sel.Directives) || visited[name] {
					continue
				}
				visited[name] = true
				f := x.doc.Fragments[name]
				if f == nil || !x.applies(f.TypeCondition.Name.Value, typeName) {
					continue
				}
				walk(f.SelectionSet)
			}
		}
	}
	for _, set := range sets {
		walk(set)
	}
	return groups
}

func (x *Execution) applies(condition, typeName string) bool {
	if condition == typeName {
		return true
	}
	if t := x.e.s.Type(condition); t != nil {
		for _, m := range t.PossibleTypes {
			if m == typeName {
				return true
			}
		}
	}
	return false
}

// include applies @skip(if:) and @include(if:).
func (x *Execution) include(dirs []language.Directive) bool {
	for _, d := range dirs {
		name := d.Name.Value
		if name != "skip" && name != "include" {
			continue
		}
		var cond bool
		for _, a := range d.Arguments {
			if a.Name.Value != "if" {
				continue
			}
			switch v := a.Value.(type) {
			case *language.BooleanValue:
				cond = v.Value
			case *language.Variable:
				if val, ok := x.vars[v.Name.Value]; ok && val.Kind == pyjson.Bool {
					cond = val.Bool
				}
			}
		}
		if name == "skip" && cond || name == "include" && !cond {
			return false
		}
	}
	return true
}

// projection builds the row rewrite for object type t selected by nodes:
// v1's untyped rewrite, or the typed one (typed.go) whose fields carry
// their checks and their field group (for the locations of errors).
func (x *Execution) projection(t *schema.Type, nodes []*language.Field) *rowjson.Node {
	newNode := rowjson.NewCheckedNode
	if x.e.v1 {
		newNode = rowjson.NewNode
	}
	if t == nil {
		return newNode("", nil)
	}
	sets := make([]*language.SelectionSet, 0, len(nodes))
	for _, n := range nodes {
		sets = append(sets, n.SelectionSet)
	}
	var fields []rowjson.Field
	groups := x.collect(t.Name, sets)
	for i := range groups {
		g := &groups[i]
		f := t.Field(g.nodes[0].Name.Value)
		if f == nil {
			continue // __typename (always injected), or unknown in production
		}
		rf := rowjson.Field{JSONKey: f.JSONKey, OutKey: g.key}
		if ct := x.e.s.Type(f.Type.NamedType()); ct != nil && ct.Kind == schema.KindObject {
			rf.Child = x.projection(ct, g.nodes)
		}
		if !x.e.v1 {
			rf.Check, rf.Site = x.e.check(f), g
		}
		fields = append(fields, rf)
	}
	return newNode(t.Name, fields)
}

// plan coerces a read's arguments and plans its statement.
func (x *Execution) plan(r *root) (*plan.Statement, error) {
	s := x.e.s
	node := r.nodes[0]
	rd := &plan.Read{Binding: r.field.Read, V1: x.e.v1}
	var varEqs []int // for each equality, the index+1 in varNames, or 0
	var varNames []string
	for _, a := range r.field.Args {
		var lit language.Value
		for _, na := range node.Arguments {
			if na.Name.Value == a.Name {
				lit = na.Value
			}
		}
		if lit == nil {
			continue
		}
		vr, isVar := lit.(*language.Variable)
		if isVar {
			r.varArgs++
		}
		v, err := x.e.co.Literal(lit, a.Type, x.vars)
		if err == coerce.ErrUndefined {
			continue
		}
		if err != nil {
			return nil, clientErrorf("Argument '%s' has invalid value %s.", a.Name, language.PrintValue(lit))
		}
		if err := x.refuseNUL(a.Name, &v); err != nil {
			return nil, err
		}
		switch a.Name {
		case "where":
			if r.field.Read.HasWhere {
				rd.Where, rd.WhereType = &v, s.Type(a.Type.NamedType())
				continue
			}
		case "orderBy":
			if r.field.Read.HasOrderBy {
				rd.OrderBy, rd.OrderByType = &v, s.Type(a.Type.NamedType())
				continue
			}
		case "limit", "offset":
			if r.field.Read.HasLimit && v.Kind == pyjson.Int {
				n, err := strconv.ParseInt(v.Num, 10, 64)
				if err != nil {
					return nil, clientErrorf("Argument '%s' has invalid value %s.", a.Name, language.PrintValue(lit))
				}
				if n < 0 && !x.e.v1 {
					// v1 sends it and shows PostgreSQL's "LIMIT must not
					// be negative"; the argument's own error by default.
					return nil, clientErrorf("Argument '%s' has invalid value %d: it must not be negative.", a.Name, n)
				}
				if a.Name == "limit" {
					rd.Limit = &n
				} else {
					rd.Offset = &n
				}
				continue
			}
			if v.Kind == pyjson.Null {
				continue
			}
		}
		if a.Column != "" {
			rd.Equalities = append(rd.Equalities, plan.Equality{Column: a.Column, Value: v})
			ref := 0
			if isVar && bindableKind(v.Kind) {
				varNames = append(varNames, vr.Name.Value)
				ref = len(varNames)
			}
			varEqs = append(varEqs, ref)
		}
	}
	if !x.e.v1 && !x.e.wholeDocuments {
		rd.Columns = x.columnsOnly(r)
	}
	r.eqs = rd.Equalities
	if x.event != nil {
		rd.Equalities = append(slices.Clip(rd.Equalities), *x.event)
		varEqs = append(varEqs, 0)
	}
	st, err := plan.Build(s, rd)
	if err != nil || len(varNames) == 0 {
		return st, err
	}
	// Build numbers the where parameters first, then one per non-null
	// equality, then the scopes. Each bind is checked against the text
	// Build wrote, so a change of that order shares nothing rather than
	// binding the wrong parameter.
	nonNull := 0
	for _, eq := range rd.Equalities {
		if eq.Value.Kind != pyjson.Null {
			nonNull++
		}
	}
	idx := len(st.Params) - len(r.field.Read.Scopes) - nonNull
	for i, eq := range rd.Equalities {
		if eq.Value.Kind == pyjson.Null {
			continue
		}
		if ref := varEqs[i]; ref > 0 {
			if idx < 0 || idx >= len(st.Params) || st.Params[idx].Context != "" || st.Params[idx].Null || st.Params[idx].Text != plan.ParamText(&eq.Value) {
				r.binds = nil
				return st, nil
			}
			r.binds = append(r.binds, paramBind{index: idx, variable: varNames[ref-1]})
		}
		idx++
	}
	return st, nil
}

// columnScalars are the types whose value a column of the matching
// PostgreSQL type renders in JSON exactly as the document does (a DateTime
// column would not: timestamptz text is not the document's ISO string).
var columnScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true, "UUID": true}

// columnsOnly returns the view columns that hold every field a read's
// selection asks for, when there are such columns for all of them: fields
// of the read's own view declared with @column (whose contract is that the
// column holds exactly the document's value): scalars, and nested objects
// whose column holds the embedded document (a jsonb, which the row rewrite
// then projects like data's), plus __typename. Otherwise (a list, a field
// without a column, a read of another view) it returns nil and the read
// takes the whole document.
func (x *Execution) columnsOnly(r *root) []plan.Column {
	s := x.e.s
	t := s.Type(r.field.Type.NamedType())
	if t == nil || t.View == "" || t.View != r.field.Read.View {
		return nil
	}
	sets := make([]*language.SelectionSet, 0, len(r.nodes))
	for _, n := range r.nodes {
		sets = append(sets, n.SelectionSet)
	}
	var cols []plan.Column
	seen := map[string]bool{}
	for _, g := range x.collect(t.Name, sets) {
		name := g.nodes[0].Name.Value
		if name == "__typename" {
			continue
		}
		f := t.Field(name)
		if f == nil || f.Column == "" || f.Type.IsList() {
			return nil
		}
		if !columnScalars[f.Type.NamedType()] {
			if ft := s.Type(f.Type.NamedType()); ft == nil || ft.Kind != schema.KindObject {
				return nil
			}
		}
		if !seen[f.JSONKey] {
			seen[f.JSONKey] = true
			cols = append(cols, plan.Column{JSONKey: f.JSONKey, Name: f.Column})
		}
	}
	return cols
}

// bindableKind: values of these kinds make an equality "column = $n"
// whatever the value; null makes "column IS NULL", and a list or object
// is not a value a column equality is shared for.
func bindableKind(k pyjson.Kind) bool {
	switch k {
	case pyjson.String, pyjson.Int, pyjson.Float, pyjson.Bool:
		return true
	}
	return false
}
