package language

// Inspect walks the tree under node depth first, in graphql-core's visiting
// order (QUERY_DOCUMENT_KEYS: a field's alias, name, arguments, directives,
// selection set; and so on), calling f for every node: the pointer types
// of ast.go plus *Name, *Argument, *Directive, *VariableDefinition,
// *ObjectField, *OperationTypeDefinition, *FieldDefinition,
// *InputValueDefinition and *EnumValueDefinition. Absent optional nodes
// (no alias, no selection set) are not visited. When f returns false the
// node's children are skipped. Recursion is bounded by the parser's depth
// limit for parsed documents. The differential corpus checks the order
// against graphql-core's visit().
func Inspect(node any, f func(node any) bool) { Walk(node, f, nil) }

// Walk is Inspect with a leave callback (may be nil), called after a
// node's children for every node whose enter returned true: the
// enter/leave pairs graphql-core's visitors and validation rules use.
func Walk(node any, enter func(node any) bool, leave func(node any)) {
	if node == nil || !enter(node) {
		return
	}
	if leave != nil {
		defer leave(node)
	}
	f := func(n any) { Walk(n, enter, leave) }
	name := func(n *Name) {
		if n.Value != "" {
			f(n)
		}
	}
	desc := func(d *StringValue) {
		if d != nil {
			f(d)
		}
	}
	directives := func(ds []Directive) {
		for i := range ds {
			f(&ds[i])
		}
	}
	args := func(as []Argument) {
		for i := range as {
			f(&as[i])
		}
	}
	named := func(ts []NamedType) {
		for i := range ts {
			f(&ts[i])
		}
	}
	inputs := func(vs []InputValueDefinition) {
		for i := range vs {
			f(&vs[i])
		}
	}
	fieldDefs := func(fs []FieldDefinition) {
		for i := range fs {
			f(&fs[i])
		}
	}
	switch n := node.(type) {
	case *Document:
		for _, d := range n.Definitions {
			f(d)
		}
	case *OperationDefinition:
		name(&n.Name)
		for i := range n.VariableDefinitions {
			f(&n.VariableDefinitions[i])
		}
		directives(n.Directives)
		f(n.SelectionSet)
	case *VariableDefinition:
		f(&n.Variable)
		f(n.Type)
		if n.DefaultValue != nil {
			f(n.DefaultValue)
		}
		directives(n.Directives)
	case *Variable:
		name(&n.Name)
	case *SelectionSet:
		for _, s := range n.Selections {
			f(s)
		}
	case *Field:
		name(&n.Alias)
		name(&n.Name)
		args(n.Arguments)
		directives(n.Directives)
		if n.SelectionSet != nil {
			f(n.SelectionSet)
		}
	case *Argument:
		name(&n.Name)
		f(n.Value)
	case *FragmentSpread:
		name(&n.Name)
		directives(n.Directives)
	case *InlineFragment:
		if n.TypeCondition != nil {
			f(n.TypeCondition)
		}
		directives(n.Directives)
		f(n.SelectionSet)
	case *FragmentDefinition:
		name(&n.Name)
		f(&n.TypeCondition)
		directives(n.Directives)
		f(n.SelectionSet)
	case *ListValue:
		for _, v := range n.Values {
			f(v)
		}
	case *ObjectValue:
		for i := range n.Fields {
			f(&n.Fields[i])
		}
	case *ObjectField:
		name(&n.Name)
		f(n.Value)
	case *Directive:
		name(&n.Name)
		args(n.Arguments)
	case *NamedType:
		name(&n.Name)
	case *ListType:
		f(n.Type)
	case *NonNullType:
		f(n.Type)
	case *SchemaDefinition:
		desc(n.Description)
		directives(n.Directives)
		for i := range n.OperationTypes {
			f(&n.OperationTypes[i])
		}
	case *OperationTypeDefinition:
		f(&n.Type)
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
		f(n.Type)
		directives(n.Directives)
	case *InputValueDefinition:
		desc(n.Description)
		name(&n.Name)
		f(n.Type)
		if n.DefaultValue != nil {
			f(n.DefaultValue)
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
			f(&n.Values[i])
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
			f(&n.Locations[i])
		}
	}
}
