package language

// Inspect walks the tree under node depth first, in graphql-core's visiting
// order (QUERY_DOCUMENT_KEYS: a field's alias, name, arguments, directives,
// selection set; and so on), calling f for every node: the pointer types
// of ast.go plus *Name, *Argument, *Directive, *VariableDefinition,
// *ObjectField, *OperationTypeDefinition, *FieldDefinition,
// *InputValueDefinition and *EnumValueDefinition. Absent optional nodes
// (no alias, no selection set) are not visited. When f returns false the
// node's children are skipped. Recursion is bounded by the parser's depth
// limit for parsed documents.
func Inspect(node any, f func(node any) bool) {
	if node == nil || !f(node) {
		return
	}
	name := func(n *Name) {
		if n.Value != "" {
			Inspect(n, f)
		}
	}
	desc := func(d *StringValue) {
		if d != nil {
			Inspect(d, f)
		}
	}
	directives := func(ds []Directive) {
		for i := range ds {
			Inspect(&ds[i], f)
		}
	}
	args := func(as []Argument) {
		for i := range as {
			Inspect(&as[i], f)
		}
	}
	named := func(ts []NamedType) {
		for i := range ts {
			Inspect(&ts[i], f)
		}
	}
	inputs := func(vs []InputValueDefinition) {
		for i := range vs {
			Inspect(&vs[i], f)
		}
	}
	fieldDefs := func(fs []FieldDefinition) {
		for i := range fs {
			Inspect(&fs[i], f)
		}
	}
	switch n := node.(type) {
	case *Document:
		for _, d := range n.Definitions {
			Inspect(d, f)
		}
	case *OperationDefinition:
		name(&n.Name)
		for i := range n.VariableDefinitions {
			Inspect(&n.VariableDefinitions[i], f)
		}
		directives(n.Directives)
		Inspect(n.SelectionSet, f)
	case *VariableDefinition:
		Inspect(&n.Variable, f)
		Inspect(n.Type, f)
		if n.DefaultValue != nil {
			Inspect(n.DefaultValue, f)
		}
		directives(n.Directives)
	case *Variable:
		name(&n.Name)
	case *SelectionSet:
		for _, s := range n.Selections {
			Inspect(s, f)
		}
	case *Field:
		name(&n.Alias)
		name(&n.Name)
		args(n.Arguments)
		directives(n.Directives)
		if n.SelectionSet != nil {
			Inspect(n.SelectionSet, f)
		}
	case *Argument:
		name(&n.Name)
		Inspect(n.Value, f)
	case *FragmentSpread:
		name(&n.Name)
		directives(n.Directives)
	case *InlineFragment:
		if n.TypeCondition != nil {
			Inspect(n.TypeCondition, f)
		}
		directives(n.Directives)
		Inspect(n.SelectionSet, f)
	case *FragmentDefinition:
		name(&n.Name)
		Inspect(&n.TypeCondition, f)
		directives(n.Directives)
		Inspect(n.SelectionSet, f)
	case *ListValue:
		for _, v := range n.Values {
			Inspect(v, f)
		}
	case *ObjectValue:
		for i := range n.Fields {
			Inspect(&n.Fields[i], f)
		}
	case *ObjectField:
		name(&n.Name)
		Inspect(n.Value, f)
	case *Directive:
		name(&n.Name)
		args(n.Arguments)
	case *NamedType:
		name(&n.Name)
	case *ListType:
		Inspect(n.Type, f)
	case *NonNullType:
		Inspect(n.Type, f)
	case *SchemaDefinition:
		desc(n.Description)
		directives(n.Directives)
		for i := range n.OperationTypes {
			Inspect(&n.OperationTypes[i], f)
		}
	case *OperationTypeDefinition:
		Inspect(&n.Type, f)
	case *ScalarTypeDefinition:
		desc(n.Description)
		name(&n.Name)
		directives(n.Directives)
	case *ObjectTypeDefinition:
		desc(n.Description)
		name(&n.Name)
		named(n.Interfaces)
		directives(n.Directives)
		fieldDefs(n.Fields)
	case *InterfaceTypeDefinition:
		desc(n.Description)
		name(&n.Name)
		named(n.Interfaces)
		directives(n.Directives)
		fieldDefs(n.Fields)
	case *FieldDefinition:
		desc(n.Description)
		name(&n.Name)
		inputs(n.Arguments)
		Inspect(n.Type, f)
		directives(n.Directives)
	case *InputValueDefinition:
		desc(n.Description)
		name(&n.Name)
		Inspect(n.Type, f)
		if n.DefaultValue != nil {
			Inspect(n.DefaultValue, f)
		}
		directives(n.Directives)
	case *UnionTypeDefinition:
		desc(n.Description)
		name(&n.Name)
		directives(n.Directives)
		named(n.Types)
	case *EnumTypeDefinition:
		desc(n.Description)
		name(&n.Name)
		directives(n.Directives)
		for i := range n.Values {
			Inspect(&n.Values[i], f)
		}
	case *EnumValueDefinition:
		desc(n.Description)
		name(&n.Name)
		directives(n.Directives)
	case *InputObjectTypeDefinition:
		desc(n.Description)
		name(&n.Name)
		directives(n.Directives)
		inputs(n.Fields)
	case *DirectiveDefinition:
		desc(n.Description)
		name(&n.Name)
		inputs(n.Arguments)
		for i := range n.Locations {
			Inspect(&n.Locations[i], f)
		}
	}
}
