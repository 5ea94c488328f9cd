package rules

import (
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// model is the declaration as the rules read it: every type and directive
// indexed once, when the Validator is built. It reads only the model's
// exported fields, so a *schema.Schema built in a test is indexed the same
// way as a loaded one.
type model struct {
	types     map[string]*typeDef
	typeNames []string // introspection order (graphql-core's type_map order)
	dirs      map[string]*dirDef
	dirNames  []string

	query, mutation, subscription *typeDef

	// graphql-core's meta fields: __schema and __type on the query root,
	// __typename on every composite type.
	schemaField, typeField, typenameField *schema.Field

	// notLiteral: Options.NotLiteral.
	notLiteral bool
}

type typeDef struct {
	name        string
	kind        schema.TypeKind
	fields      map[string]*schema.Field
	fieldNames  []string
	inputFields map[string]*schema.InputValue
	inputNames  []string
	where       bool // a generated <T>WhereInput
	inputList   []*schema.InputValue
	enumValues  map[string]bool
	enumNames   []string
	possible    []string // union (and interface) members
	possibleSet map[string]bool
}

type dirDef struct {
	name       string
	locations  map[string]bool // graphql-core's DirectiveLocation values ("field", …)
	args       map[string]*schema.InputValue
	argNames   []string
	argList    []*schema.InputValue
	repeatable bool
}

func (t *typeDef) composite() bool {
	return t != nil && (t.kind == schema.KindObject || t.kind == schema.KindInterface || t.kind == schema.KindUnion)
}

func (t *typeDef) leaf() bool {
	return t != nil && (t.kind == schema.KindScalar || t.kind == schema.KindEnum)
}

func (t *typeDef) input() bool {
	return t != nil && (t.kind == schema.KindScalar || t.kind == schema.KindEnum || t.kind == schema.KindInputObject)
}

func (t *typeDef) abstract() bool {
	return t != nil && (t.kind == schema.KindInterface || t.kind == schema.KindUnion)
}

// locationNames maps the declaration's DirectiveLocation spellings to
// graphql-core's values, which its messages print.
var locationNames = map[string]string{
	"QUERY": "query", "MUTATION": "mutation", "SUBSCRIPTION": "subscription",
	"FIELD": "field", "FRAGMENT_DEFINITION": "fragment definition",
	"FRAGMENT_SPREAD": "fragment spread", "VARIABLE_DEFINITION": "variable definition",
	"INLINE_FRAGMENT": "inline fragment", "SCHEMA": "schema", "SCALAR": "scalar",
	"OBJECT": "object", "FIELD_DEFINITION": "field definition",
	"ARGUMENT_DEFINITION": "argument definition", "INTERFACE": "interface",
	"UNION": "union", "ENUM": "enum", "ENUM_VALUE": "enum value",
	"INPUT_OBJECT": "input object", "INPUT_FIELD_DEFINITION": "input field definition",
}

func named(n string) *schema.TypeRef { return &schema.TypeRef{Named: n} }

func nonNull(t *schema.TypeRef) *schema.TypeRef { return &schema.TypeRef{NonNull: true, OfType: t} }

func newModel(s *schema.Schema) *model {
	m := &model{types: map[string]*typeDef{}, dirs: map[string]*dirDef{}}
	for _, t := range s.Types {
		td := &typeDef{name: t.Name, kind: t.Kind, where: t.Generated == schema.GeneratedWhere}
		switch t.Kind {
		case schema.KindObject, schema.KindInterface:
			td.fields = make(map[string]*schema.Field, len(t.Fields))
			for _, f := range t.Fields {
				td.fields[f.Name] = f
				td.fieldNames = append(td.fieldNames, f.Name)
			}
		case schema.KindInputObject:
			td.inputFields = make(map[string]*schema.InputValue, len(t.InputFields))
			for _, f := range t.InputFields {
				td.inputFields[f.Name] = f
				td.inputNames = append(td.inputNames, f.Name)
			}
			td.inputList = t.InputFields
		case schema.KindEnum:
			td.enumValues = make(map[string]bool, len(t.EnumValues))
			for _, v := range t.EnumValues {
				td.enumValues[v.Name] = true
				td.enumNames = append(td.enumNames, v.Name)
			}
		}
		if t.Kind == schema.KindUnion || t.Kind == schema.KindInterface {
			td.possible = t.PossibleTypes
			td.possibleSet = make(map[string]bool, len(t.PossibleTypes))
			for _, p := range t.PossibleTypes {
				td.possibleSet[p] = true
			}
		}
		if _, dup := m.types[t.Name]; !dup {
			m.typeNames = append(m.typeNames, t.Name)
		}
		m.types[t.Name] = td
	}
	for _, d := range s.Directives {
		dd := &dirDef{name: d.Name, locations: map[string]bool{}, args: map[string]*schema.InputValue{}, repeatable: d.IsRepeatable, argList: d.Args}
		for _, l := range d.Locations {
			if v, ok := locationNames[l]; ok {
				dd.locations[v] = true
			}
		}
		for _, a := range d.Args {
			dd.args[a.Name] = a
			dd.argNames = append(dd.argNames, a.Name)
		}
		m.dirs[d.Name] = dd
		m.dirNames = append(m.dirNames, d.Name)
	}
	m.query = m.types[s.Query]
	if s.Mutation != "" {
		m.mutation = m.types[s.Mutation]
	}
	if s.Subscription != "" {
		m.subscription = m.types[s.Subscription]
	}
	m.schemaField = &schema.Field{Name: "__schema", Type: nonNull(named("__Schema"))}
	m.typeField = &schema.Field{Name: "__type", Type: named("__Type"),
		Args: []*schema.InputValue{{Name: "name", Type: nonNull(named("String"))}}}
	m.typenameField = &schema.Field{Name: "__typename", Type: nonNull(named("String"))}
	return m
}

// fieldDef is graphql-core's get_field_def: the meta fields first, then
// the parent's own fields (objects and interfaces only).
func (m *model) fieldDef(parent *typeDef, name string) *schema.Field {
	switch {
	case parent == nil:
		return nil
	case name == "__schema" && parent == m.query:
		return m.schemaField
	case name == "__type" && parent == m.query:
		return m.typeField
	case name == "__typename" && parent.composite():
		return m.typenameField
	}
	return parent.fields[name]
}

// typeOf resolves a reference's named type (nil when unknown).
func (m *model) typeOf(r *schema.TypeRef) *typeDef {
	if r == nil {
		return nil
	}
	return m.types[r.NamedType()]
}

// isSubType is graphql-core's schema.is_sub_type(abstract, maybe_sub).
func (m *model) isSubType(abstract, sub *typeDef) bool {
	return abstract != nil && sub != nil && abstract.possibleSet[sub.name]
}

// overlap is graphql-core's do_types_overlap.
func (m *model) overlap(a, b *typeDef) bool {
	if a == b {
		return true
	}
	switch {
	case a.abstract() && b.abstract():
		for _, p := range a.possible {
			if b.possibleSet[p] {
				return true
			}
		}
		return false
	case a.abstract():
		return a.possibleSet[b.name]
	case b.abstract():
		return b.possibleSet[a.name]
	}
	return false
}

// subType is graphql-core's is_type_sub_type_of.
func (m *model) subType(sub, super *schema.TypeRef) bool {
	switch {
	case super.NonNull:
		return sub.NonNull && m.subType(sub.OfType, super.OfType)
	case sub.NonNull:
		return m.subType(sub.OfType, super)
	case super.List:
		return sub.List && m.subType(sub.OfType, super.OfType)
	case sub.List:
		return false
	}
	if sub.Named == super.Named {
		return true
	}
	st := m.types[super.Named]
	return st.abstract() && st.possibleSet[sub.Named]
}

// introspectionTypes are graphql-core's introspection_types.
var introspectionTypes = map[string]bool{
	"__Schema": true, "__Directive": true, "__DirectiveLocation": true, "__Type": true,
	"__Field": true, "__InputValue": true, "__EnumValue": true, "__TypeKind": true,
}

// standardTypes are graphql-core's specified scalars and introspection
// types (KnownTypeNamesRule's standard_type_names).
var standardTypes = map[string]bool{
	"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true,
	"__Schema": true, "__Directive": true, "__DirectiveLocation": true, "__Type": true,
	"__Field": true, "__InputValue": true, "__EnumValue": true, "__TypeKind": true,
}
