package rules

import "github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

// typeSystem walks a type-system definition or extension of an executable
// document. ExecutableDefinitionsRule has refused it already; graphql-core
// still visits it with every rule, so the rules that speak there (known
// type names with the SDL exemptions, known directives at their SDL
// locations, directive arguments and their values, unique directives per
// type) do here too.
func (w *walker) typeSystem(d language.Definition) {
	switch d := d.(type) {
	case *language.SchemaDefinition:
		if w.schemaDirs == nil {
			w.schemaDirs = map[string]int{}
		}
		w.uniqueAt(d.Directives, w.schemaDirs)
		w.directives(d.Directives, "schema")
		for i := range d.OperationTypes {
			w.namedType(&d.OperationTypes[i].Type, true)
		}
	case *language.ScalarTypeDefinition:
		w.uniqueAt(d.Directives, w.typeDirectives(d.Name.Value))
		w.directives(d.Directives, "scalar")
	case *language.ObjectTypeDefinition:
		w.uniqueAt(d.Directives, w.typeDirectives(d.Name.Value))
		w.sdlNamed(d.Interfaces)
		w.directives(d.Directives, "object")
		w.fieldDefinitions(d.Fields)
	case *language.InterfaceTypeDefinition:
		w.uniqueAt(d.Directives, w.typeDirectives(d.Name.Value))
		w.sdlNamed(d.Interfaces)
		w.directives(d.Directives, "interface")
		w.fieldDefinitions(d.Fields)
	case *language.UnionTypeDefinition:
		w.uniqueAt(d.Directives, w.typeDirectives(d.Name.Value))
		w.directives(d.Directives, "union")
		w.sdlNamed(d.Types)
	case *language.EnumTypeDefinition:
		w.uniqueAt(d.Directives, w.typeDirectives(d.Name.Value))
		w.directives(d.Directives, "enum")
		for i := range d.Values {
			w.uniqueAt(d.Values[i].Directives, nil)
			w.directives(d.Values[i].Directives, "enum value")
		}
	case *language.InputObjectTypeDefinition:
		w.uniqueAt(d.Directives, w.typeDirectives(d.Name.Value))
		w.directives(d.Directives, "input object")
		// graphql-core names the location from the definition's kind, so
		// the fields of an extension count as argument definitions.
		loc := "input field definition"
		if d.Extend {
			loc = "argument definition"
		}
		w.inputValueDefinitions(d.Fields, loc)
	case *language.DirectiveDefinition:
		w.inputValueDefinitions(d.Arguments, "argument definition")
	}
}

func (w *walker) typeDirectives(name string) map[string]int {
	if !w.full {
		return nil
	}
	if w.typeDirs == nil {
		w.typeDirs = map[string]map[string]int{}
	}
	m := w.typeDirs[name]
	if m == nil {
		m = map[string]int{}
		w.typeDirs[name] = m
	}
	return m
}

// uniqueAt is UniqueDirectivesPerLocationRule when a node is entered.
func (w *walker) uniqueAt(ds []language.Directive, seen map[string]int) {
	if w.full {
		w.uniqueDirectives(ds, seen)
	}
}

func (w *walker) sdlNamed(ts []language.NamedType) {
	for i := range ts {
		w.namedType(&ts[i], true)
	}
}

func (w *walker) fieldDefinitions(fs []language.FieldDefinition) {
	for i := range fs {
		f := &fs[i]
		w.uniqueAt(f.Directives, nil)
		w.inputValueDefinitions(f.Arguments, "argument definition")
		w.typeRef(f.Type, true)
		w.directives(f.Directives, "field definition")
	}
}

func (w *walker) inputValueDefinitions(vs []language.InputValueDefinition, location string) {
	for i := range vs {
		v := &vs[i]
		w.uniqueAt(v.Directives, nil)
		w.typeRef(v.Type, true)
		if v.DefaultValue != nil {
			w.value(v.DefaultValue)
		}
		w.directives(v.Directives, location)
	}
}
