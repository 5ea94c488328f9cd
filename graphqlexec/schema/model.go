package schema

import "github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

// This file is the schema model: what the declaration file (docs/schema.md)
// loads into, and what the planner, the introspection renderer and the
// validator read. Everything here is immutable once Load returns, so one
// *Schema is shared by every request without locks.

// TypeKind is the GraphQL kind of a named type, as introspection names it.
type TypeKind int

const (
	KindScalar TypeKind = iota
	KindObject
	KindInterface
	KindUnion
	KindEnum
	KindInputObject
)

// String returns the introspection spelling (SCALAR, OBJECT, …).
func (k TypeKind) String() string {
	switch k {
	case KindScalar:
		return "SCALAR"
	case KindObject:
		return "OBJECT"
	case KindInterface:
		return "INTERFACE"
	case KindUnion:
		return "UNION"
	case KindEnum:
		return "ENUM"
	case KindInputObject:
		return "INPUT_OBJECT"
	}
	return "UNKNOWN"
}

// TypeRef is a possibly wrapped reference to a named type: exactly one of
// Named, or OfType with List or NonNull set.
type TypeRef struct {
	Named   string   // set for a named type
	List    bool     // [OfType]
	NonNull bool     // OfType!
	OfType  *TypeRef // wrapped type for List and NonNull
}

// NamedType returns the innermost named type's name.
func (r *TypeRef) NamedType() string {
	for r.Named == "" {
		r = r.OfType
	}
	return r.Named
}

// IsList reports whether the reference is a list once NonNull is unwrapped.
func (r *TypeRef) IsList() bool {
	if r.NonNull {
		return r.OfType.IsList()
	}
	return r.List
}

// String renders the reference in SDL notation ([User!]!).
func (r *TypeRef) String() string {
	switch {
	case r.Named != "":
		return r.Named
	case r.List:
		return "[" + r.OfType.String() + "]"
	default:
		return r.OfType.String() + "!"
	}
}

// Location is a position in the declaration file, for error messages.
type Location struct {
	File   string
	Line   int
	Column int
}

// Type is a named type: an object bound to a view, an embedded object, a
// scalar, an enum, an input object (declared or generated), or a union.
type Type struct {
	Name        string
	Kind        TypeKind
	Description *string // nil when the declaration has none
	Loc         Location

	// Object types.
	Fields     []*Field
	fieldIndex map[string]*Field
	// View binding (@view). Empty View means an embedded object: it is only
	// ever read from its parent's JSON document.
	View       string
	DataColumn string // the JSONB column holding the document; "data" by default
	// Mutation result role (@success / @error on the type).
	Role ResultRole

	// Union types: member names in declaration order.
	PossibleTypes []string

	// Enum types.
	EnumValues []*EnumValue

	// Input object types (declared or generated).
	InputFields []*InputValue
	inputIndex  map[string]*InputValue
	// Generated says which generator made this input type (where filter,
	// order-by, …); GeneratedFor names the object type it was derived from.
	Generated    GeneratedKind
	GeneratedFor string

	// Builtin marks types that come with every schema (standard and
	// FraiseQL scalars, Error, OrderDirection, the filters, introspection
	// types). Built-in *Type values are shared between schemas.
	Builtin bool
}

// Field returns the object field with the given GraphQL name, or nil.
func (t *Type) Field(name string) *Field { return t.fieldIndex[name] }

// WhereNot reports whether f is the NOT field of a generated <T>WhereInput
// (typed JSON, v1's published type), which the default mode also lets take
// an object literal read as t.
func (t *Type) WhereNot(f *InputValue) bool {
	return t.Generated == GeneratedWhere && f.Name == "NOT" && f.Type.NamedType() == "JSON"
}

// InputField returns the input field with the given name, or nil.
func (t *Type) InputField(name string) *InputValue { return t.inputIndex[name] }

// ResultRole marks mutation result types.
type ResultRole int

const (
	RoleNone ResultRole = iota
	RoleSuccess
	RoleError
)

// GeneratedKind tells which built-in generator produced an input type.
type GeneratedKind int

const (
	NotGenerated     GeneratedKind = iota
	GeneratedWhere                 // <Type>WhereInput
	GeneratedFilter                // StringFilter, IntFilter, … (per scalar kind)
	GeneratedOrderBy               // <Type>OrderByInput
)

// Field is a field of an object type.
type Field struct {
	Name        string // GraphQL name (camelCase)
	Description *string
	Type        *TypeRef
	Args        []*InputValue
	Deprecation *string // reason; nil when not deprecated
	Loc         Location

	// JSONKey is the key of this field in the stored JSON document
	// (snake_case of Name unless @jsonb(key:) says otherwise).
	JSONKey string
	// Auto marks fields added by @success/@error (status, message, …).
	Auto bool
	// Column is the view column that holds this field's value too
	// (@column(name:) on a scalar field of a @view type): where and orderBy
	// on the field compare the column, so PostgreSQL can use the base
	// table's index. Empty: the value is only in the JSON document.
	Column string

	// Root query fields bound to a view (@read).
	Read *ReadBinding
	// Root mutation fields bound to a function (@function).
	Function *FunctionBinding
	// Root subscription fields bound to change events (@subscribe). Such a
	// field also has a Read: the single read of its view that each event
	// runs, with the event's id compared with Subscribe.IDColumn.
	Subscribe *SubscribeBinding
}

// InputValue is an argument or an input object field.
type InputValue struct {
	Name         string
	Description  *string
	Type         *TypeRef
	DefaultValue *string // GraphQL literal as introspection prints it; nil when none
	// DefaultLiteral is the default's parsed literal (nil when none), which
	// execution coerces when an input field is omitted.
	DefaultLiteral language.Value
	Loc            Location
	// Column is the view column a root-field argument compares with
	// (column equality, like v1's find(**kwargs)); empty for where, orderBy,
	// limit, offset and for input object fields.
	Column string
	// JSONKey is the snake_case key this input field is sent as (mutation
	// inputs are passed to the function with snake_case keys). For fields
	// of a generated <T>WhereInput or <T>OrderByInput it is the JSON key of
	// the object field of the same name (the planner's key mapping).
	JSONKey string
	// Deprecation is the @deprecated reason; nil when not deprecated.
	Deprecation *string
	// Source is, for a field of a generated <T>WhereInput or
	// <T>OrderByInput, the object field it filters or orders on (its
	// declared type types the comparison); nil otherwise.
	Source *Field
}

// EnumValue is one value of an enum type.
type EnumValue struct {
	Name        string
	Description *string
	Deprecation *string
	// Stored is the value the documents, columns and functions hold for
	// this enum value (@stored(value:)); the name when not declared. Inputs
	// are sent as it, and by default a stored value is served as its name.
	Stored string
}

// EnumStored returns the stored value of the enum value named name ("" and
// false when t has none of that name).
func (t *Type) EnumStored(name string) (string, bool) {
	for _, ev := range t.EnumValues {
		if ev.Name == name {
			return ev.Stored, true
		}
	}
	return "", false
}

// ReadBinding binds a root query field to a view read.
type ReadBinding struct {
	View       string // quoted as an identifier when rendered
	DataColumn string
	Single     bool // the field returns one object (LIMIT 1, null on miss)
	// Scopes are column equalities with per-request context values, added
	// after the user's where (v1 order), e.g. "tenant_id" = <context tenant_id>.
	Scopes []Scope
	// Auto arguments generated for list reads.
	HasWhere, HasOrderBy, HasLimit, HasOffset bool
}

// Scope is one column = context value condition.
type Scope struct {
	Column  string
	Context string // name of a ContextValue
}

// FunctionBinding binds a root mutation field to a PostgreSQL function that
// returns FraiseQL v1's 8-column mutation_response.
type FunctionBinding struct {
	Schema string // "public" by default
	Name   string
	// ContextArgs are context value names passed as leading positional
	// arguments, in order, before the JSONB input.
	ContextArgs []string
	Success     string // success type name
	Error       string // error type name
	InputArg    string // name of the argument carrying the input object ("input")
}

// SubscribeBinding binds a root subscription field to the change events of
// an entity (sent by the shipped NOTIFY trigger, subscriptions/sql). For
// each event of Entity with one of Operations, the field's Read runs under
// the subscriber's context with IDColumn = the event's id added to the
// field's arguments (column equalities and where), and the subscriber gets
// the row when the read finds one.
type SubscribeBinding struct {
	// Entity is the entity name the trigger was installed with
	// (fraiseql_notify_install's second argument); the return type's name
	// by default.
	Entity string
	// IDColumn is the view column the event's id is compared with ("id").
	IDColumn string
	// Operations are the row operations that fire: "INSERT", "UPDATE" (both
	// by default). DELETE is not one: a deleted row cannot be read back.
	Operations []string
}

// ContextValue is a per-request value the server computes (from the
// authenticated user's claims, or a default) and uses for scopes, mutation
// context arguments and PostgreSQL session variables.
type ContextValue struct {
	Name    string
	Claim   string  // claim of the authenticated user's token; empty for none
	Default *string // used when there is no user or no such claim; nil: no value
	PgType  string  // SQL type the value is bound as ("uuid", "text", …)
	// SessionVariable, when set ("app.tenant_id"), is also set with
	// set_config(…, true) in the transaction of every statement of a
	// request that has a value for it, for row level security policies.
	SessionVariable string
	Loc             Location
}

// Directive is a directive definition as introspection shows it.
type Directive struct {
	Name         string
	Description  *string
	Locations    []string
	Args         []*InputValue
	IsRepeatable bool
}

// Schema is a loaded declaration: the ordered type model plus the bindings.
type Schema struct {
	// File is the declaration file it was loaded from (for messages).
	File string
	// Types in the order introspection lists them (graphql-core's collection
	// order, see docs/schema.md), introspection types included.
	Types     []*Type
	typeIndex map[string]*Type
	// Root operation type names; Mutation and Subscription may be empty.
	Query, Mutation, Subscription string
	// Contexts are the declared per-request context values.
	Contexts []*ContextValue
	// Directives in introspection order (include, skip, deprecated,
	// specifiedBy, oneOf).
	Directives []*Directive
}

// Type returns the named type, or nil.
func (s *Schema) Type(name string) *Type { return s.typeIndex[name] }

// Context returns the declared context value with that name, or nil.
func (s *Schema) Context(name string) *ContextValue {
	for _, c := range s.Contexts {
		if c.Name == name {
			return c
		}
	}
	return nil
}
