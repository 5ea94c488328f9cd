package graphqlexec

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// validateFull runs graphql-go's specified rules and rewords each error as
// graphql-core 3.2 words it (development, introspection allowed).
func (e *Engine) validateFull(doc *ast.Document) []*gqlerr.Error {
	res := graphql.ValidateDocument(e.s.GraphQL(), doc, graphql.SpecifiedRules)
	if res.IsValid {
		return nil
	}
	out := make([]*gqlerr.Error, 0, len(res.Errors))
	for _, fe := range res.Errors {
		out = append(out, e.reword(fe))
	}
	return out
}

func (e *Engine) reword(fe gqlerrors.FormattedError) *gqlerr.Error {
	ge := &gqlerr.Error{Message: e.rewordMessage(fe.Message)}
	for _, l := range fe.Locations {
		ge.Locations = append(ge.Locations, gqlerr.Location{Line: l.Line, Column: l.Column})
	}
	return ge
}

// A rewording rule: graphql-go's message pattern and graphql-core's text.
type rewordRule struct {
	re  *regexp.Regexp
	fn  func(e *Engine, m []string) string
	eg  string // an example graphql-go message (tests)
	out string // graphql-core's text for the example
}

var rewordRules = []rewordRule{
	{re: regexp.MustCompile(`^Cannot query field "([^"]*)" on type "([^"]*)"\.`),
		fn: func(e *Engine, m []string) string {
			var names []string
			if t := e.s.Type(m[2]); t != nil {
				for _, f := range t.Fields {
					names = append(names, f.Name)
				}
			}
			return fmt.Sprintf("Cannot query field '%s' on type '%s'.%s", m[1], m[2], gqlerr.DidYouMean(gqlerr.SuggestionList(m[1], names)))
		},
		eg: `Cannot query field "nope" on type "User". Did you mean "role"?`, out: `Cannot query field 'nope' on type 'User'. Did you mean 'role'?`},
	{re: regexp.MustCompile(`^Field "([^"]*)" argument "([^"]*)" of type "([^"]*)" is required but not provided\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Field '%s' argument '%s' of type '%s' is required, but it was not provided.", m[1], m[2], m[3])
		},
		eg: `Field "createUser" argument "input" of type "CreateUserInput!" is required but not provided.`, out: `Field 'createUser' argument 'input' of type 'CreateUserInput!' is required, but it was not provided.`},
	{re: regexp.MustCompile(`^Unknown argument "([^"]*)" on field "([^"]*)" of type "([^"]*)"\.`),
		fn: func(e *Engine, m []string) string {
			var names []string
			if t := e.s.Type(m[3]); t != nil {
				if f := t.Field(m[2]); f != nil {
					for _, a := range f.Args {
						names = append(names, a.Name)
					}
				}
			}
			return fmt.Sprintf("Unknown argument '%s' on field '%s.%s'.%s", m[1], m[3], m[2], gqlerr.DidYouMean(gqlerr.SuggestionList(m[1], names)))
		},
		eg: `Unknown argument "limt" on field "users" of type "Query".`, out: `Unknown argument 'limt' on field 'Query.users'. Did you mean 'limit'?`},
	{re: regexp.MustCompile(`^Field "([^"]*)" of type "([^"]*)" must not have a sub selection\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Field '%s' must not have a selection since type '%s' has no subfields.", m[1], m[2])
		},
		eg: `Field "id" of type "UUID" must not have a sub selection.`, out: `Field 'id' must not have a selection since type 'UUID' has no subfields.`},
	{re: regexp.MustCompile(`^Field "([^"]*)" of type "([^"]*)" must have a sub selection\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Field '%s' of type '%s' must have a selection of subfields. Did you mean '%s { ... }'?", m[1], m[2], m[1])
		},
		eg: `Field "profile" of type "Profile" must have a sub selection.`, out: `Field 'profile' of type 'Profile' must have a selection of subfields. Did you mean 'profile { ... }'?`},
	{re: regexp.MustCompile(`^Variable "\$([^"]*)" is never used in operation "([^"]*)"\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Variable '$%s' is never used in operation '%s'.", m[1], m[2])
		},
		eg: `Variable "$x" is never used in operation "Q".`, out: `Variable '$x' is never used in operation 'Q'.`},
	{re: regexp.MustCompile(`^Variable "\$([^"]*)" is not defined by operation "([^"]*)"\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Variable '$%s' is not defined by operation '%s'.", m[1], m[2])
		},
		eg: `Variable "$x" is not defined by operation "Q".`, out: `Variable '$x' is not defined by operation 'Q'.`},
	{re: regexp.MustCompile(`^Variable "\$([^"]*)" of type "([^"]*)" used in position expecting type "([^"]*)"\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Variable '$%s' of type '%s' used in position expecting type '%s'.", m[1], m[2], m[3])
		},
		eg: `Variable "$id" of type "String" used in position expecting type "UUID".`, out: `Variable '$id' of type 'String' used in position expecting type 'UUID'.`},
	{re: regexp.MustCompile(`^There can only be one operation named "([^"]*)"\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("There can be only one operation named '%s'.", m[1])
		},
		eg: `There can only be one operation named "A".`, out: `There can be only one operation named 'A'.`},
	{re: regexp.MustCompile(`^There can only be one fragment named "([^"]*)"\.$`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("There can be only one fragment named '%s'.", m[1])
		},
		eg: `There can only be one fragment named "F".`, out: `There can be only one fragment named 'F'.`},
	{re: regexp.MustCompile(`^Unknown directive "([^"]*)"\.$`),
		fn: func(_ *Engine, m []string) string { return fmt.Sprintf("Unknown directive '@%s'.", m[1]) },
		eg: `Unknown directive "foo".`, out: `Unknown directive '@foo'.`},
	{re: regexp.MustCompile(`^Unknown type "([^"]*)"\.`),
		fn: func(e *Engine, m []string) string {
			var names []string
			for _, t := range e.s.Types {
				names = append(names, t.Name)
			}
			return fmt.Sprintf("Unknown type '%s'.%s", m[1], gqlerr.DidYouMean(gqlerr.SuggestionList(m[1], names)))
		},
		eg: `Unknown type "Usr".`, out: `Unknown type 'Usr'. Did you mean 'User'?`},
	{re: regexp.MustCompile(`^Argument "([^"]*)" has invalid value (.*)\.\n`),
		fn: func(_ *Engine, m []string) string {
			return fmt.Sprintf("Argument '%s' has invalid value %s.", m[1], m[2])
		},
		eg: "Argument \"limit\" has invalid value \"x\".\nExpected type \"Int\", found \"x\".", out: `Argument 'limit' has invalid value "x".`},
}

// rewordMessage maps one graphql-go message; messages without a rule keep
// their text with graphql-core's single quotes.
func (e *Engine) rewordMessage(msg string) string {
	for _, r := range rewordRules {
		if m := r.re.FindStringSubmatch(msg); m != nil {
			return r.fn(e, m)
		}
	}
	return strings.ReplaceAll(msg, `"`, `'`)
}

// introspectionErrors is graphql-core's NoSchemaIntrospectionCustomRule,
// the only rule v1 runs when introspection is blocked: one error per field
// whose (named) type is an introspection type, in document order. Fields
// the schema does not know are skipped with their selections, as
// graphql-core's TypeInfo leaves their type unknown.
func (e *Engine) introspectionErrors(doc *ast.Document, body []byte) []*gqlerr.Error {
	var errs []*gqlerr.Error
	var walk func(parent *schema.Type, set *ast.SelectionSet)
	walk = func(parent *schema.Type, set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				if parent == nil {
					continue
				}
				var named string
				switch name := sel.Name.Value; {
				case name == "__schema":
					named = "__Schema"
				case name == "__type":
					named = "__Type"
				case name == "__typename":
					named = "String"
				default:
					f := parent.Field(name)
					if f == nil {
						continue
					}
					named = f.Type.NamedType()
				}
				if strings.HasPrefix(named, "__") {
					errs = append(errs, &gqlerr.Error{
						Message:   fmt.Sprintf("GraphQL introspection has been disabled, but the requested query contained the field '%s'.", sel.Name.Value),
						Locations: []gqlerr.Location{gqlerr.LocationAt(body, sel.Loc.Start)},
					})
				}
				walk(e.s.Type(named), sel.SelectionSet)
			case *ast.InlineFragment:
				t := parent
				if sel.TypeCondition != nil {
					t = e.s.Type(sel.TypeCondition.Name.Value)
				}
				walk(t, sel.SelectionSet)
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			root := e.s.Query
			switch d.Operation {
			case ast.OperationTypeMutation:
				root = e.s.Mutation
			case ast.OperationTypeSubscription:
				root = e.s.Subscription
			}
			walk(e.s.Type(root), d.SelectionSet)
		case *ast.FragmentDefinition:
			walk(e.s.Type(d.TypeCondition.Name.Value), d.SelectionSet)
		}
	}
	return errs
}

// syntaxError turns graphql-go's parse error into graphql-core's message
// ("Syntax Error: Expected Name, found <EOF>.") and location.
var syntaxRe = regexp.MustCompile(`^Syntax Error [^(]*\((\d+):(\d+)\) (.*?)\n`)

func syntaxError(err error, body []byte) *gqlerr.Error {
	msg := err.Error()
	m := syntaxRe.FindStringSubmatch(msg + "\n")
	if m == nil {
		return &gqlerr.Error{Message: "Syntax Error: " + msg}
	}
	var line, col int
	fmt.Sscan(m[1], &line)
	fmt.Sscan(m[2], &col)
	desc := m[3]
	if strings.HasPrefix(desc, "Unexpected empty IN {}") {
		// graphql-go reports an empty selection set at its "{"; graphql-core
		// expects a Name and finds the "}".
		desc = "Expected Name, found }"
		if i := bytes.IndexByte(body[min(offsetOf(body, line, col), len(body)):], '}'); i >= 0 {
			l := gqlerr.LocationAt(body, offsetOf(body, line, col)+i)
			line, col = l.Line, l.Column
		}
	}
	desc = tokenRe.ReplaceAllStringFunc(desc, coreToken)
	if !strings.HasSuffix(desc, ".") {
		desc += "."
	}
	return &gqlerr.Error{Message: "Syntax Error: " + desc, Locations: []gqlerr.Location{{Line: line, Column: col}}}
}

// offsetOf turns a 1-based line and column back into an offset (columns in
// characters; ASCII assumed past the line start, as graphql-go counts).
func offsetOf(body []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(body); off++ {
		if body[off] == '\n' {
			l++
		}
	}
	return off + col - 1
}

// graphql-go describes tokens as EOF, { and Name "x"; graphql-core as
// <EOF>, '{' and Name 'x'.
var tokenRe = regexp.MustCompile(`(Unexpected|found) (EOF|Name "[^"]*"|\.\.\.|[!$&()\[\]{}:=@|])`)

func coreToken(s string) string {
	word, tok, _ := strings.Cut(s, " ")
	switch {
	case tok == "EOF":
		tok = "<EOF>"
	case strings.HasPrefix(tok, "Name "):
		tok = "Name '" + strings.Trim(tok[5:], `"`) + "'"
	default:
		tok = "'" + tok + "'"
	}
	return word + " " + tok
}
