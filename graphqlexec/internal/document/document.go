package document

import (
	"errors"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// Document is a parsed request document that passed the limits.
type Document struct {
	// Body is the query text; error locations are read from it.
	Body []byte
	// AST is the parsed document (internal/language); its Source is the
	// query text too.
	AST *language.Document
	// Fragments are the fragment definitions by name (the last of a name,
	// as graphql-core's execution keeps it).
	Fragments map[string]*language.FragmentDefinition
}

// Parse parses query within the limits l and measures the tree. The error
// is graphql-core's syntax error or a limit's error; the Document is nil
// then. Parse does not check l's byte limit (see SizeError).
func Parse(query string, l *Limits) (*Document, *gqlerr.Error) {
	doc, err := language.Parse(query, language.Options{MaxTokens: l.tokens, MaxDepth: l.nesting})
	if err != nil {
		var se *language.SyntaxError
		if !errors.As(err, &se) {
			return nil, &gqlerr.Error{Message: err.Error()}
		}
		return nil, &gqlerr.Error{Message: se.Error(), Locations: []gqlerr.Location{{Line: se.Line, Column: se.Column}}}
	}
	d := &Document{Body: []byte(query), AST: doc, Fragments: map[string]*language.FragmentDefinition{}}
	for _, def := range doc.Definitions {
		if f, ok := def.(*language.FragmentDefinition); ok {
			d.Fragments[f.Name.Value] = f
		}
	}
	if gerr := l.check(doc, d.Fragments, d.Body); gerr != nil {
		return nil, gerr
	}
	return d, nil
}

// MaxBytes is the byte limit: a longer query is answered with SizeError
// before it is looked up, hashed or parsed.
func (l *Limits) MaxBytes() int { return l.bytes }

// TypeRefOf converts a variable definition's type to a model reference.
func TypeRefOf(t language.Type) *schema.TypeRef {
	switch t := t.(type) {
	case *language.NonNullType:
		return &schema.TypeRef{NonNull: true, OfType: TypeRefOf(t.Type)}
	case *language.ListType:
		return &schema.TypeRef{List: true, OfType: TypeRefOf(t.Type)}
	case *language.NamedType:
		return &schema.TypeRef{Named: t.Name.Value}
	}
	return &schema.TypeRef{Named: ""}
}
