package introspect

import (
	"errors"
	"fmt"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Resolve answers a root __schema or __type(name:) field from
// the model, the way graphql-core 3.2.8 executes its introspection types:
// keys in selection order with aliases applied, fields merged across
// fragments and inline fragments (graphql-core's collect_fields), @skip and
// @include honoured, includeDeprecated filtering. fragments are the
// document's fragment definitions by name; vars are the coerced variable
// values (bool for Boolean, string for String; pyjson values are accepted
// too). The document must have passed validation: an unknown field is an
// error here, not a GraphQL error.
//
// The result is the field's value only; the caller places it under the
// field's response key. __type with an unknown name gives null. budget,
// when not nil, bounds the answer's size while it is built (ErrTooLarge).
func Resolve(s *schema.Schema, field *language.Field, fragments map[string]*language.FragmentDefinition, vars map[string]any, budget *Budget) (pyjson.Value, error) {
	r := &introspector{s: s, fragments: fragments, vars: vars, budget: budget}
	switch field.Name.Value {
	case "__schema":
		return r.object(meta{kind: metaSchema}, []*language.Field{field})
	case "__type":
		name, _ := r.argString(field, "name")
		t := s.Type(name)
		if t == nil {
			return pyjson.Value{Kind: pyjson.Null}, nil
		}
		return r.object(meta{kind: metaType, typ: t}, []*language.Field{field})
	}
	return pyjson.Value{}, fmt.Errorf("introspect: %q is not an introspection root field", field.Name.Value)
}

// Budget bounds answers while they are built: Left is the bytes they may
// still take as JSON text, estimated from each member's key and string
// value plus its punctuation (a lower bound of the bytes written). Several
// answers of one response share one Budget.
type Budget struct{ Left int }

// ErrTooLarge is Resolve's error when the answer would take more than its
// Budget: aliases repeating a nested __schema selection multiply the
// declaration's size, so the document's limits alone do not bound it.
var ErrTooLarge = errors.New("introspect: the answer exceeds the response size limit")

// spend charges one member to the budget.
func (r *introspector) spend(key string, v *pyjson.Value) error {
	if r.budget == nil {
		return nil
	}
	n := len(key) + 4 // "key":, and a comma
	switch v.Kind {
	case pyjson.String:
		n += len(v.Str) + 2
	case pyjson.Object, pyjson.Array:
		n += 2 // its members are charged as they are built
	default:
		n += 4
	}
	r.budget.Left -= n
	if r.budget.Left < 0 {
		return ErrTooLarge
	}
	return nil
}

type metaKind int

const (
	metaSchema metaKind = iota
	metaType
	metaField
	metaInputValue
	metaEnumValue
	metaDirective
)

var metaTypeNames = [...]string{"__Schema", "__Type", "__Field", "__InputValue", "__EnumValue", "__Directive"}

// meta is one introspection object: the schema, a type (named, or a list /
// non-null wrapper given by ref), a field, an input value, an enum value or
// a directive.
type meta struct {
	kind metaKind
	typ  *schema.Type
	ref  *schema.TypeRef // wrapper types: List or NonNull set
	fld  *schema.Field
	iv   *schema.InputValue
	ev   *schema.EnumValue
	dir  *schema.Directive
}

type introspector struct {
	s         *schema.Schema
	fragments map[string]*language.FragmentDefinition
	vars      map[string]any
	budget    *Budget
}

func str(s string) pyjson.Value { return pyjson.Value{Kind: pyjson.String, Str: s} }

func strOrNull(s *string) pyjson.Value {
	if s == nil {
		return pyjson.Value{Kind: pyjson.Null}
	}
	return str(*s)
}

func boolean(b bool) pyjson.Value { return pyjson.Value{Kind: pyjson.Bool, Bool: b} }

var null = pyjson.Value{Kind: pyjson.Null}

// fieldGroup is the field nodes sharing one response key, in first-seen
// order, as graphql-core's collect_fields groups them.
type fieldGroup struct {
	key   string
	nodes []*language.Field
}

// object resolves the merged sub-selections of nodes on one meta object.
func (r *introspector) object(m meta, nodes []*language.Field) (pyjson.Value, error) {
	typeName := metaTypeNames[m.kind]
	var groups []*fieldGroup
	index := map[string]*fieldGroup{}
	visited := map[string]bool{}
	for _, n := range nodes {
		if n.SelectionSet != nil {
			r.collect(typeName, n.SelectionSet, &groups, index, visited)
		}
	}
	out := pyjson.Value{Kind: pyjson.Object, Members: make([]pyjson.Member, 0, len(groups))}
	for _, g := range groups {
		v, err := r.field(m, g.nodes)
		if err != nil {
			return pyjson.Value{}, err
		}
		if err := r.spend(g.key, &v); err != nil {
			return pyjson.Value{}, err
		}
		out.Members = append(out.Members, pyjson.Member{Key: g.key, Value: v})
	}
	return out, nil
}

func (r *introspector) collect(typeName string, set *language.SelectionSet, groups *[]*fieldGroup, index map[string]*fieldGroup, visited map[string]bool) {
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *language.Field:
			if !r.include(sel.Directives) {
				continue
			}
			key := sel.Name.Value
			if sel.Alias.Value != "" {
				key = sel.Alias.Value
			}
			g := index[key]
			if g == nil {
				g = &fieldGroup{key: key}
				index[key] = g
				*groups = append(*groups, g)
			}
			g.nodes = append(g.nodes, sel)
		case *language.InlineFragment:
			if !r.include(sel.Directives) {
				continue
			}
			if sel.TypeCondition != nil && sel.TypeCondition.Name.Value != typeName {
				continue
			}
			r.collect(typeName, sel.SelectionSet, groups, index, visited)
		case *language.FragmentSpread:
			name := sel.Name.Value
			if visited[name] || !r.include(sel.Directives) {
				continue
			}
			visited[name] = true
			frag := r.fragments[name]
			if frag == nil || frag.TypeCondition.Name.Value != typeName {
				continue
			}
			r.collect(typeName, frag.SelectionSet, groups, index, visited)
		}
	}
}

// include applies @skip(if:) and @include(if:).
func (r *introspector) include(dirs []language.Directive) bool {
	for _, d := range dirs {
		var want bool
		switch d.Name.Value {
		case "skip":
			want = false
		case "include":
			want = true
		default:
			continue
		}
		for _, a := range d.Arguments {
			if a.Name.Value == "if" {
				if v, _ := r.boolValue(a.Value); v != want {
					return false
				}
			}
		}
	}
	return true
}

func (r *introspector) boolValue(v language.Value) (bool, bool) {
	switch v := v.(type) {
	case *language.BooleanValue:
		return v.Value, true
	case *language.Variable:
		switch x := r.vars[v.Name.Value].(type) {
		case bool:
			return x, true
		case pyjson.Value:
			return x.Bool, x.Kind == pyjson.Bool
		case *pyjson.Value:
			return x != nil && x.Bool, x != nil && x.Kind == pyjson.Bool
		}
	}
	return false, false
}

func (r *introspector) argString(f *language.Field, name string) (string, bool) {
	for _, a := range f.Arguments {
		if a.Name.Value != name {
			continue
		}
		switch v := a.Value.(type) {
		case *language.StringValue:
			return v.Value, true
		case *language.Variable:
			switch x := r.vars[v.Name.Value].(type) {
			case string:
				return x, true
			case pyjson.Value:
				return x.Str, x.Kind == pyjson.String
			case *pyjson.Value:
				return x.Str, x != nil && x.Kind == pyjson.String
			}
		}
	}
	return "", false
}

// includeDeprecated reads the argument of fields/args/enumValues/
// inputFields; its default is false.
func (r *introspector) includeDeprecated(f *language.Field) bool {
	for _, a := range f.Arguments {
		if a.Name.Value == "includeDeprecated" {
			v, _ := r.boolValue(a.Value)
			return v
		}
	}
	return false
}

func (r *introspector) list(items []meta, nodes []*language.Field) (pyjson.Value, error) {
	out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, 0, len(items))}
	for _, m := range items {
		v, err := r.object(m, nodes)
		if err != nil {
			return pyjson.Value{}, err
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

func (r *introspector) typeMeta(ref *schema.TypeRef) meta {
	if ref.Named != "" {
		return meta{kind: metaType, typ: r.s.Type(ref.Named)}
	}
	return meta{kind: metaType, ref: ref}
}

func (r *introspector) typeByName(name string, nodes []*language.Field) (pyjson.Value, error) {
	if name == "" || r.s.Type(name) == nil {
		return null, nil
	}
	return r.object(meta{kind: metaType, typ: r.s.Type(name)}, nodes)
}

func (r *introspector) inputValues(ivs []*schema.InputValue, node *language.Field, nodes []*language.Field) (pyjson.Value, error) {
	all := r.includeDeprecated(node)
	items := make([]meta, 0, len(ivs))
	for _, iv := range ivs {
		if all || iv.Deprecation == nil {
			items = append(items, meta{kind: metaInputValue, iv: iv})
		}
	}
	return r.list(items, nodes)
}

// field resolves one response key of a meta object.
func (r *introspector) field(m meta, nodes []*language.Field) (pyjson.Value, error) {
	node := nodes[0]
	name := node.Name.Value
	if name == "__typename" {
		return str(metaTypeNames[m.kind]), nil
	}
	switch m.kind {
	case metaSchema:
		switch name {
		case "description":
			return null, nil
		case "types":
			items := make([]meta, len(r.s.Types))
			for i, t := range r.s.Types {
				items[i] = meta{kind: metaType, typ: t}
			}
			return r.list(items, nodes)
		case "queryType":
			return r.typeByName(r.s.Query, nodes)
		case "mutationType":
			return r.typeByName(r.s.Mutation, nodes)
		case "subscriptionType":
			return r.typeByName(r.s.Subscription, nodes)
		case "directives":
			items := make([]meta, len(r.s.Directives))
			for i, d := range r.s.Directives {
				items[i] = meta{kind: metaDirective, dir: d}
			}
			return r.list(items, nodes)
		}
	case metaType:
		return r.typeField(m, name, node, nodes)
	case metaField:
		f := m.fld
		switch name {
		case "name":
			return str(f.Name), nil
		case "description":
			return strOrNull(f.Description), nil
		case "args":
			return r.inputValues(f.Args, node, nodes)
		case "type":
			return r.object(r.typeMeta(f.Type), nodes)
		case "isDeprecated":
			return boolean(f.Deprecation != nil), nil
		case "deprecationReason":
			return strOrNull(f.Deprecation), nil
		}
	case metaInputValue:
		iv := m.iv
		switch name {
		case "name":
			return str(iv.Name), nil
		case "description":
			return strOrNull(iv.Description), nil
		case "type":
			return r.object(r.typeMeta(iv.Type), nodes)
		case "defaultValue":
			return strOrNull(iv.DefaultValue), nil
		case "isDeprecated":
			return boolean(iv.Deprecation != nil), nil
		case "deprecationReason":
			return strOrNull(iv.Deprecation), nil
		}
	case metaEnumValue:
		ev := m.ev
		switch name {
		case "name":
			return str(ev.Name), nil
		case "description":
			return strOrNull(ev.Description), nil
		case "isDeprecated":
			return boolean(ev.Deprecation != nil), nil
		case "deprecationReason":
			return strOrNull(ev.Deprecation), nil
		}
	case metaDirective:
		d := m.dir
		switch name {
		case "name":
			return str(d.Name), nil
		case "description":
			return strOrNull(d.Description), nil
		case "isRepeatable":
			return boolean(d.IsRepeatable), nil
		case "locations":
			out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(d.Locations))}
			for i, l := range d.Locations {
				out.Items[i] = str(l)
			}
			return out, nil
		case "args":
			return r.inputValues(d.Args, node, nodes)
		}
	}
	return pyjson.Value{}, fmt.Errorf("schema: %s has no field %q", metaTypeNames[m.kind], name)
}

func (r *introspector) typeField(m meta, name string, node *language.Field, nodes []*language.Field) (pyjson.Value, error) {
	if m.ref != nil { // a list or non-null wrapper
		switch name {
		case "kind":
			if m.ref.List {
				return str("LIST"), nil
			}
			return str("NON_NULL"), nil
		case "ofType":
			return r.object(r.typeMeta(m.ref.OfType), nodes)
		case "name", "description", "specifiedByURL", "fields", "interfaces",
			"possibleTypes", "enumValues", "inputFields", "isOneOf":
			return null, nil
		}
		return pyjson.Value{}, fmt.Errorf("schema: __Type has no field %q", name)
	}
	t := m.typ
	switch name {
	case "kind":
		return str(t.Kind.String()), nil
	case "name":
		return str(t.Name), nil
	case "description":
		return strOrNull(t.Description), nil
	case "specifiedByURL", "ofType":
		return null, nil
	case "fields":
		if t.Kind != schema.KindObject && t.Kind != schema.KindInterface {
			return null, nil
		}
		all := r.includeDeprecated(node)
		items := make([]meta, 0, len(t.Fields))
		for _, f := range t.Fields {
			if all || f.Deprecation == nil {
				items = append(items, meta{kind: metaField, fld: f})
			}
		}
		return r.list(items, nodes)
	case "interfaces":
		if t.Kind != schema.KindObject && t.Kind != schema.KindInterface {
			return null, nil
		}
		return pyjson.Value{Kind: pyjson.Array, Items: []pyjson.Value{}}, nil
	case "possibleTypes":
		if t.Kind != schema.KindUnion {
			return null, nil
		}
		items := make([]meta, 0, len(t.PossibleTypes))
		for _, p := range t.PossibleTypes {
			items = append(items, meta{kind: metaType, typ: r.s.Type(p)})
		}
		return r.list(items, nodes)
	case "enumValues":
		if t.Kind != schema.KindEnum {
			return null, nil
		}
		all := r.includeDeprecated(node)
		items := make([]meta, 0, len(t.EnumValues))
		for _, ev := range t.EnumValues {
			if all || ev.Deprecation == nil {
				items = append(items, meta{kind: metaEnumValue, ev: ev})
			}
		}
		return r.list(items, nodes)
	case "inputFields":
		if t.Kind != schema.KindInputObject {
			return null, nil
		}
		return r.inputValues(t.InputFields, node, nodes)
	case "isOneOf":
		if t.Kind != schema.KindInputObject {
			return null, nil
		}
		return boolean(false), nil
	}
	return pyjson.Value{}, fmt.Errorf("schema: __Type has no field %q", name)
}
