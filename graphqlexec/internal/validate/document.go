package validate

import (
	"github.com/graphql-go/graphql/language/ast"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Document is a parsed request document that passed the limits.
type Document struct {
	// Body is the query text; error locations and block strings are read
	// from it.
	Body []byte
	// AST is graphql-go's tree, with null literals as EnumValue "null"
	// (IsNull) and block strings holding their spec value.
	AST *ast.Document
	// Fragments are the fragment definitions by name.
	Fragments map[string]*ast.FragmentDefinition
}

// Parse measures body against l, parses it and measures the tree. The
// error is graphql-core's syntax error or a limit's error; the Document is
// nil then. Parse does not check l's byte limit (see SizeError).
func Parse(body []byte, l *Limits) (*Document, *gqlerr.Error) {
	if gerr := l.scan(body); gerr != nil {
		return nil, gerr
	}
	doc, err := parseDocument(body)
	if err != nil {
		return nil, syntaxError(err, body)
	}
	d := &Document{Body: body, AST: doc, Fragments: map[string]*ast.FragmentDefinition{}}
	for _, def := range doc.Definitions {
		if f, ok := def.(*ast.FragmentDefinition); ok {
			d.Fragments[f.Name.Value] = f
		}
	}
	if gerr := l.check(doc, d.Fragments, body); gerr != nil {
		return nil, gerr
	}
	return d, nil
}

// MaxBytes is the byte limit: a longer query is answered with SizeError
// before it is looked up, hashed or parsed.
func (l *Limits) MaxBytes() int { return l.bytes }

// Validator checks documents against one declaration. It is safe for
// concurrent use.
type Validator struct {
	s *schema.Schema
}

// NewValidator builds the validator of s; s's graphql-go form is built
// here, so a declaration graphql-go cannot represent fails at start.
func NewValidator(s *schema.Schema) *Validator {
	_ = s.GraphQL()
	return &Validator{s: s}
}

// Validate runs graphql-core 3.2's specified rules on d.
func (e *Validator) Validate(d *Document) []*gqlerr.Error {
	return e.validateFull(d.AST, d.Body)
}

// Introspection runs only graphql-core's NoSchemaIntrospectionCustomRule
// on d, as v1 does when introspection is blocked.
func (e *Validator) Introspection(d *Document) []*gqlerr.Error {
	return e.introspectionErrors(d.AST, d.Body)
}

// IsNull reports whether v is the null literal (parsed as EnumValue "null").
func IsNull(v ast.Value) bool { return isNull(v) }

// TypeRefOf converts a variable definition's type to a model reference.
func TypeRefOf(t ast.Type) *schema.TypeRef {
	switch t := t.(type) {
	case *ast.NonNull:
		return &schema.TypeRef{NonNull: true, OfType: TypeRefOf(t.Type)}
	case *ast.List:
		return &schema.TypeRef{List: true, OfType: TypeRefOf(t.Type)}
	case *ast.Named:
		return &schema.TypeRef{Named: t.Name.Value}
	}
	return &schema.TypeRef{Named: ""}
}
