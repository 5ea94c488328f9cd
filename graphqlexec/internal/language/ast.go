package language

// The AST. Every node keeps Pos, the byte offset of its first token in
// Document.Source (graphql-core's loc.start); Position turns it into the
// line and column an error reports. Optional names are the zero Name
// (Value ""), optional nodes nil. Lists are nil when empty.
//
// The parser allocates nodes in blocks and lists in shared backing arrays
// (a small document costs about ten allocations, a large one about one per
// few hundred nodes). Every list has len == cap, so appending to one copies
// it rather than writing into a neighbour; a parsed document is meant to be
// shared read-only (the document cache), so callers copy before changing.

// Name is a GraphQL name; its Value is a substring of the source.
type Name struct {
	Pos   int
	Value string
}

// Document is a parsed document.
type Document struct {
	Source      string
	Definitions []Definition
}

// Definition is *OperationDefinition, *FragmentDefinition or one of the
// type-system definitions and extensions.
type Definition interface {
	Position() int
	definition()
}

// Selection is *Field, *FragmentSpread or *InlineFragment.
type Selection interface {
	Position() int
	selection()
}

// Value is a literal: *Variable, *IntValue, *FloatValue, *StringValue,
// *BooleanValue, *NullValue, *EnumValue, *ListValue or *ObjectValue.
type Value interface {
	Position() int
	value()
}

// Type is a type reference: *NamedType, *ListType or *NonNullType.
type Type interface {
	Position() int
	typeRef()
}

// OperationType is query, mutation or subscription.
type OperationType uint8

const (
	Query OperationType = iota
	Mutation
	Subscription
)

func (o OperationType) String() string {
	switch o {
	case Mutation:
		return "mutation"
	case Subscription:
		return "subscription"
	}
	return "query"
}

// OperationDefinition is an operation; the shorthand "{ ... }" is an
// anonymous query.
type OperationDefinition struct {
	Pos                 int
	Operation           OperationType
	Name                Name
	VariableDefinitions []VariableDefinition
	Directives          []Directive
	SelectionSet        *SelectionSet
}

// VariableDefinition is "$name: Type = default @directives".
type VariableDefinition struct {
	Pos          int
	Variable     Variable
	Type         Type
	DefaultValue Value // nil when absent
	Directives   []Directive
}

// SelectionSet is "{ selections }".
type SelectionSet struct {
	Pos        int
	Selections []Selection
}

// Field is "alias: name(arguments) @directives { ... }".
type Field struct {
	Pos          int
	Alias        Name // Value "" when there is no alias
	Name         Name
	Arguments    []Argument
	Directives   []Directive
	SelectionSet *SelectionSet // nil for a leaf
}

// ResponseName is the alias if there is one, else the name.
func (f *Field) ResponseName() string {
	if f.Alias.Value != "" {
		return f.Alias.Value
	}
	return f.Name.Value
}

// Argument is "name: value".
type Argument struct {
	Pos   int
	Name  Name
	Value Value
}

// FragmentSpread is "...Name @directives".
type FragmentSpread struct {
	Pos        int
	Name       Name
	Directives []Directive
}

// InlineFragment is "... on Type @directives { ... }".
type InlineFragment struct {
	Pos           int
	TypeCondition *NamedType // nil without "on Type"
	Directives    []Directive
	SelectionSet  *SelectionSet
}

// FragmentDefinition is "fragment Name on Type @directives { ... }".
type FragmentDefinition struct {
	Pos           int
	Name          Name
	TypeCondition NamedType
	Directives    []Directive
	SelectionSet  *SelectionSet
}

// Directive is "@name(arguments)".
type Directive struct {
	Pos       int
	Name      Name
	Arguments []Argument
}

// Variable is "$name".
type Variable struct {
	Pos  int
	Name Name
}

// IntValue keeps the literal's text.
type IntValue struct {
	Pos   int
	Value string
}

// FloatValue keeps the literal's text.
type FloatValue struct {
	Pos   int
	Value string
}

// StringValue holds the decoded value; Block is true for """...""".
type StringValue struct {
	Pos   int
	Value string
	Block bool
}

// BooleanValue is true or false.
type BooleanValue struct {
	Pos   int
	Value bool
}

// NullValue is null.
type NullValue struct{ Pos int }

// EnumValue is a name other than true, false and null.
type EnumValue struct {
	Pos   int
	Value string
}

// ListValue is "[values]".
type ListValue struct {
	Pos    int
	Values []Value
}

// ObjectValue is "{fields}".
type ObjectValue struct {
	Pos    int
	Fields []ObjectField
}

// ObjectField is "name: value" inside an object literal.
type ObjectField struct {
	Pos   int
	Name  Name
	Value Value
}

// NamedType is a type name.
type NamedType struct {
	Pos  int
	Name Name
}

// ListType is "[Type]".
type ListType struct {
	Pos  int
	Type Type
}

// NonNullType is "Type!"; its Type is never a *NonNullType.
type NonNullType struct {
	Pos  int
	Type Type
}

// Type-system definitions. Each type definition also represents its
// extension ("extend type ..."), with Extend set and no Description.

// SchemaDefinition is "schema @directives { query: Q ... }".
type SchemaDefinition struct {
	Pos            int
	Extend         bool
	Description    *StringValue
	Directives     []Directive
	OperationTypes []OperationTypeDefinition
}

// OperationTypeDefinition is "query: Type" in a schema definition.
type OperationTypeDefinition struct {
	Pos       int
	Operation OperationType
	Type      NamedType
}

// ScalarTypeDefinition is "scalar Name @directives".
type ScalarTypeDefinition struct {
	Pos         int
	Extend      bool
	Description *StringValue
	Name        Name
	Directives  []Directive
}

// ObjectTypeDefinition is "type Name implements I & J @directives { fields }".
type ObjectTypeDefinition struct {
	Pos         int
	Extend      bool
	Description *StringValue
	Name        Name
	Interfaces  []NamedType
	Directives  []Directive
	Fields      []FieldDefinition
}

// InterfaceTypeDefinition is "interface Name implements I @directives { fields }".
type InterfaceTypeDefinition struct {
	Pos         int
	Extend      bool
	Description *StringValue
	Name        Name
	Interfaces  []NamedType
	Directives  []Directive
	Fields      []FieldDefinition
}

// UnionTypeDefinition is "union Name @directives = A | B".
type UnionTypeDefinition struct {
	Pos         int
	Extend      bool
	Description *StringValue
	Name        Name
	Directives  []Directive
	Types       []NamedType
}

// EnumTypeDefinition is "enum Name @directives { VALUES }".
type EnumTypeDefinition struct {
	Pos         int
	Extend      bool
	Description *StringValue
	Name        Name
	Directives  []Directive
	Values      []EnumValueDefinition
}

// EnumValueDefinition is one enum value.
type EnumValueDefinition struct {
	Pos         int
	Description *StringValue
	Name        Name
	Directives  []Directive
}

// InputObjectTypeDefinition is "input Name @directives { fields }".
type InputObjectTypeDefinition struct {
	Pos         int
	Extend      bool
	Description *StringValue
	Name        Name
	Directives  []Directive
	Fields      []InputValueDefinition
}

// FieldDefinition is "name(arguments): Type @directives".
type FieldDefinition struct {
	Pos         int
	Description *StringValue
	Name        Name
	Arguments   []InputValueDefinition
	Type        Type
	Directives  []Directive
}

// InputValueDefinition is an argument or input field definition:
// "name: Type = default @directives".
type InputValueDefinition struct {
	Pos          int
	Description  *StringValue
	Name         Name
	Type         Type
	DefaultValue Value // nil when absent
	Directives   []Directive
}

// DirectiveDefinition is "directive @name(arguments) repeatable on A | B".
type DirectiveDefinition struct {
	Pos         int
	Description *StringValue
	Name        Name
	Arguments   []InputValueDefinition
	Repeatable  bool
	Locations   []Name
}

func (n *OperationDefinition) Position() int       { return n.Pos }
func (n *FragmentDefinition) Position() int        { return n.Pos }
func (n *SchemaDefinition) Position() int          { return n.Pos }
func (n *ScalarTypeDefinition) Position() int      { return n.Pos }
func (n *ObjectTypeDefinition) Position() int      { return n.Pos }
func (n *InterfaceTypeDefinition) Position() int   { return n.Pos }
func (n *UnionTypeDefinition) Position() int       { return n.Pos }
func (n *EnumTypeDefinition) Position() int        { return n.Pos }
func (n *InputObjectTypeDefinition) Position() int { return n.Pos }
func (n *DirectiveDefinition) Position() int       { return n.Pos }
func (n *Field) Position() int                     { return n.Pos }
func (n *FragmentSpread) Position() int            { return n.Pos }
func (n *InlineFragment) Position() int            { return n.Pos }
func (n *Variable) Position() int                  { return n.Pos }
func (n *IntValue) Position() int                  { return n.Pos }
func (n *FloatValue) Position() int                { return n.Pos }
func (n *StringValue) Position() int               { return n.Pos }
func (n *BooleanValue) Position() int              { return n.Pos }
func (n *NullValue) Position() int                 { return n.Pos }
func (n *EnumValue) Position() int                 { return n.Pos }
func (n *ListValue) Position() int                 { return n.Pos }
func (n *ObjectValue) Position() int               { return n.Pos }
func (n *NamedType) Position() int                 { return n.Pos }
func (n *ListType) Position() int                  { return n.Pos }
func (n *NonNullType) Position() int               { return n.Pos }

func (*OperationDefinition) definition()       {}
func (*FragmentDefinition) definition()        {}
func (*SchemaDefinition) definition()          {}
func (*ScalarTypeDefinition) definition()      {}
func (*ObjectTypeDefinition) definition()      {}
func (*InterfaceTypeDefinition) definition()   {}
func (*UnionTypeDefinition) definition()       {}
func (*EnumTypeDefinition) definition()        {}
func (*InputObjectTypeDefinition) definition() {}
func (*DirectiveDefinition) definition()       {}
func (*Field) selection()                      {}
func (*FragmentSpread) selection()             {}
func (*InlineFragment) selection()             {}
func (*Variable) value()                       {}
func (*IntValue) value()                       {}
func (*FloatValue) value()                     {}
func (*StringValue) value()                    {}
func (*BooleanValue) value()                   {}
func (*NullValue) value()                      {}
func (*EnumValue) value()                      {}
func (*ListValue) value()                      {}
func (*ObjectValue) value()                    {}
func (*NamedType) typeRef()                    {}
func (*ListType) typeRef()                     {}
func (*NonNullType) typeRef()                  {}
