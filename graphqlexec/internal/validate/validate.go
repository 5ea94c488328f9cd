package validate

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/visitor"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// maxValidationErrors is graphql-core 3.2's validate() default max_errors,
// which v1 keeps: on the 101st error validation stops and the list ends
// with tooManyErrors. Stopping also bounds our cost, as every error costs
// graphql-go and reword far more than a node does.
const (
	maxValidationErrors = 100
	tooManyErrors       = "Too many validation errors, error limit reached. Validation aborted."
)

// abortValidation is the panic that stops graphql-go's validator (it has no
// way to stop a walk from a rule); validateFull recovers it. graphql-go's
// validation neither recovers panics nor holds locks or goroutines.
type abortValidation struct{}

// validateFull runs graphql-core's specified rules (graphql-go's where
// they agree, ours where they do not; see rules.go) and gives each error
// graphql-core's words and character-counted locations (development,
// introspection allowed).
func (e *Validator) validateFull(doc *ast.Document, body []byte) []*gqlerr.Error {
	var vctx *graphql.ValidationContext
	// The first rule watches the error count at every node entered or
	// left, so the walk stops one node after the error limit is passed.
	watch := func(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		vctx = ctx
		check := func(visitor.VisitFuncParams) (string, any) {
			if len(ctx.Errors()) > maxValidationErrors {
				panic(abortValidation{})
			}
			return visitor.ActionNoChange, nil
		}
		return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{Enter: check, Leave: check}}
	}
	errs := func() (errs []gqlerrors.FormattedError) {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(abortValidation); !ok {
					panic(r)
				}
				errs = vctx.Errors()
			}
		}()
		return graphql.ValidateDocument(e.s.GraphQL(), doc, append([]graphql.ValidationRuleFn{watch}, e.rules(doc, body)...)).Errors
	}()
	if len(errs) == 0 {
		return nil
	}
	out := make([]*gqlerr.Error, 0, min(len(errs), maxValidationErrors+1))
	loc := gqlerr.NewLocator(body)
	for _, fe := range errs[:min(len(errs), maxValidationErrors)] {
		out = append(out, e.reword(fe, loc))
	}
	return capErrors(out, len(errs))
}

// capErrors appends graphql-core's abort error when more than the limit
// were found (found counts them).
func capErrors(out []*gqlerr.Error, found int) []*gqlerr.Error {
	if found > maxValidationErrors {
		out = append(out[:maxValidationErrors], &gqlerr.Error{Message: tooManyErrors})
	}
	return out
}

func (e *Validator) reword(fe gqlerrors.FormattedError, loc *gqlerr.Locator) *gqlerr.Error {
	ge := &gqlerr.Error{}
	if msg, ok := strings.CutPrefix(fe.Message, coreMarker); ok {
		ge.Message = msg
	} else {
		ge.Message = e.rewordMessage(fe.Message)
	}
	// graphql-go counts columns in bytes, graphql-core in characters: the
	// locations are computed again from the nodes' offsets.
	var orig *gqlerrors.Error
	if errors.As(fe.OriginalError(), &orig) && len(orig.Positions) == len(fe.Locations) {
		for _, pos := range orig.Positions {
			ge.Locations = append(ge.Locations, loc.At(pos))
		}
		return ge
	}
	for _, l := range fe.Locations {
		ge.Locations = append(ge.Locations, gqlerr.Location{Line: l.Line, Column: l.Column})
	}
	return ge
}

// A rewording rule: graphql-go's message pattern and graphql-core's text.
type rewordRule struct {
	re  *regexp.Regexp
	fn  func(e *Validator, m []string) string
	eg  string // an example graphql-go message (tests)
	out string // graphql-core's text for the example
}

var rewordRules = []rewordRule{
	{re: regexp.MustCompile(`^Cannot query field "([^"]*)" on type "([^"]*)"\.`),
		fn: func(e *Validator, m []string) string {
			t := e.s.Type(m[2])
			if t == nil {
				return fmt.Sprintf("Cannot query field '%s' on type '%s'.", m[1], m[2])
			}
			// graphql-core suggests the possible types that have the field
			// (abstract types), else the fields with a close name.
			var types, names []string
			for _, pt := range t.PossibleTypes {
				if ot := e.s.Type(pt); ot != nil && ot.Field(m[1]) != nil {
					types = append(types, pt)
				}
			}
			if len(types) > 0 {
				slices.SortStableFunc(types, gqlerr.NaturalCompare)
				return fmt.Sprintf("Cannot query field '%s' on type '%s'.%s", m[1], m[2], gqlerr.DidYouMeanWhat("to use an inline fragment on", types))
			}
			for _, f := range t.Fields {
				names = append(names, f.Name)
			}
			return fmt.Sprintf("Cannot query field '%s' on type '%s'.%s", m[1], m[2], gqlerr.DidYouMean(gqlerr.SuggestionList(m[1], names)))
		},
		eg: `Cannot query field "nope" on type "User". Did you mean "role"?`, out: `Cannot query field 'nope' on type 'User'. Did you mean 'role'?`},
	{re: regexp.MustCompile(`^Directive "@([^"]*)" argument "([^"]*)" of type "([^"]*)" is required but not provided\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Directive '@%s' argument '%s' of type '%s' is required, but it was not provided.", m[1], m[2], m[3])
		},
		eg: `Directive "@skip" argument "if" of type "Boolean!" is required but not provided.`, out: `Directive '@skip' argument 'if' of type 'Boolean!' is required, but it was not provided.`},
	{re: regexp.MustCompile(`^Directive "([^"]*)" may not be used on ([A-Z_]+)\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Directive '@%s' may not be used on %s.", m[1], strings.ToLower(strings.ReplaceAll(m[2], "_", " ")))
		},
		eg: `Directive "skip" may not be used on FRAGMENT_DEFINITION.`, out: `Directive '@skip' may not be used on fragment definition.`},
	{re: regexp.MustCompile(`^There can only be one variable named "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("There can be only one variable named '$%s'.", m[1])
		},
		eg: `There can only be one variable named "n".`, out: `There can be only one variable named '$n'.`},
	{re: regexp.MustCompile(`^Cannot spread fragment "([^"]*)" within itself(?: via (.*))?\.$`),
		fn: func(_ *Validator, m []string) string {
			if m[2] == "" {
				return fmt.Sprintf("Cannot spread fragment '%s' within itself.", m[1])
			}
			via := strings.Split(m[2], ", ")
			for i := range via {
				via[i] = "'" + via[i] + "'"
			}
			return fmt.Sprintf("Cannot spread fragment '%s' within itself via %s.", m[1], strings.Join(via, ", "))
		},
		eg: `Cannot spread fragment "F" within itself via G, H.`, out: `Cannot spread fragment 'F' within itself via 'G', 'H'.`},
	{re: regexp.MustCompile(`^Fields "([^"]*)" conflict because (.*)\. Use different aliases on the fields to fetch both if this was intentional\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Fields '%s' conflict because %s. Use different aliases on the fields to fetch both if this was intentional.", m[1], conflictReason(m[2]))
		},
		eg:  `Fields "a" conflict because subfields "b" conflict because they return conflicting types String and [Int]! and subfields "c" conflict because x and y are different fields. Use different aliases on the fields to fetch both if this was intentional.`,
		out: `Fields 'a' conflict because subfields 'b' conflict because they return conflicting types 'String' and '[Int]!' and subfields 'c' conflict because 'x' and 'y' are different fields. Use different aliases on the fields to fetch both if this was intentional.`},
	{re: regexp.MustCompile(`^Field "([^"]*)" argument "([^"]*)" of type "([^"]*)" is required but not provided\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Field '%s' argument '%s' of type '%s' is required, but it was not provided.", m[1], m[2], m[3])
		},
		eg: `Field "createUser" argument "input" of type "CreateUserInput!" is required but not provided.`, out: `Field 'createUser' argument 'input' of type 'CreateUserInput!' is required, but it was not provided.`},
	{re: regexp.MustCompile(`^Unknown argument "([^"]*)" on field "([^"]*)" of type "([^"]*)"\.`),
		fn: func(e *Validator, m []string) string {
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
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Field '%s' must not have a selection since type '%s' has no subfields.", m[1], m[2])
		},
		eg: `Field "id" of type "UUID" must not have a sub selection.`, out: `Field 'id' must not have a selection since type 'UUID' has no subfields.`},
	{re: regexp.MustCompile(`^Field "([^"]*)" of type "([^"]*)" must have a sub selection\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Field '%s' of type '%s' must have a selection of subfields. Did you mean '%s { ... }'?", m[1], m[2], m[1])
		},
		eg: `Field "profile" of type "Profile" must have a sub selection.`, out: `Field 'profile' of type 'Profile' must have a selection of subfields. Did you mean 'profile { ... }'?`},
	{re: regexp.MustCompile(`^Variable "\$([^"]*)" is never used in operation "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Variable '$%s' is never used in operation '%s'.", m[1], m[2])
		},
		eg: `Variable "$x" is never used in operation "Q".`, out: `Variable '$x' is never used in operation 'Q'.`},
	{re: regexp.MustCompile(`^Variable "\$([^"]*)" is not defined by operation "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Variable '$%s' is not defined by operation '%s'.", m[1], m[2])
		},
		eg: `Variable "$x" is not defined by operation "Q".`, out: `Variable '$x' is not defined by operation 'Q'.`},
	{re: regexp.MustCompile(`^Variable "\$([^"]*)" of type "([^"]*)" used in position expecting type "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Variable '$%s' of type '%s' used in position expecting type '%s'.", m[1], m[2], m[3])
		},
		eg: `Variable "$id" of type "String" used in position expecting type "UUID".`, out: `Variable '$id' of type 'String' used in position expecting type 'UUID'.`},
	{re: regexp.MustCompile(`^There can only be one operation named "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("There can be only one operation named '%s'.", m[1])
		},
		eg: `There can only be one operation named "A".`, out: `There can be only one operation named 'A'.`},
	{re: regexp.MustCompile(`^There can only be one fragment named "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("There can be only one fragment named '%s'.", m[1])
		},
		eg: `There can only be one fragment named "F".`, out: `There can be only one fragment named 'F'.`},
	{re: regexp.MustCompile(`^Unknown directive "([^"]*)"\.$`),
		fn: func(_ *Validator, m []string) string { return fmt.Sprintf("Unknown directive '@%s'.", m[1]) },
		eg: `Unknown directive "foo".`, out: `Unknown directive '@foo'.`},
	{re: regexp.MustCompile(`^Unknown type "([^"]*)"\.`),
		fn: func(e *Validator, m []string) string {
			var names []string
			for _, t := range e.s.Types {
				names = append(names, t.Name)
			}
			return fmt.Sprintf("Unknown type '%s'.%s", m[1], gqlerr.DidYouMean(gqlerr.SuggestionList(m[1], names)))
		},
		eg: `Unknown type "Usr".`, out: `Unknown type 'Usr'. Did you mean 'User'?`},
	{re: regexp.MustCompile(`^Argument "([^"]*)" has invalid value (.*)\.\n`),
		fn: func(_ *Validator, m []string) string {
			return fmt.Sprintf("Argument '%s' has invalid value %s.", m[1], m[2])
		},
		eg: "Argument \"limit\" has invalid value \"x\".\nExpected type \"Int\", found \"x\".", out: `Argument 'limit' has invalid value "x".`},
}

var (
	subfieldsRe = regexp.MustCompile(`subfields "([^"]*)"`)
	typesRe     = regexp.MustCompile(`conflicting types (\S+) and (\S+)`)
	fieldsRe    = regexp.MustCompile(`(\S+) and (\S+) are different fields`)
)

// conflictReason quotes graphql-go's field-merge reasons as graphql-core's
// reason_message does (names and types hold no spaces).
func conflictReason(r string) string {
	r = subfieldsRe.ReplaceAllString(r, "subfields '$1'")
	r = typesRe.ReplaceAllString(r, "conflicting types '$1' and '$2'")
	return fieldsRe.ReplaceAllString(r, "'$1' and '$2' are different fields")
}

// rewordMessage maps one graphql-go message; messages without a rule keep
// their text with graphql-core's single quotes.
func (e *Validator) rewordMessage(msg string) string {
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
func (e *Validator) introspectionErrors(doc *ast.Document, body []byte) []*gqlerr.Error {
	var errs []*gqlerr.Error
	loc := gqlerr.NewLocator(body)
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
				if strings.HasPrefix(named, "__") && len(errs) <= maxValidationErrors {
					errs = append(errs, &gqlerr.Error{
						Message:   fmt.Sprintf("GraphQL introspection has been disabled, but the requested query contained the field '%s'.", sel.Name.Value),
						Locations: []gqlerr.Location{loc.At(sel.Loc.Start)},
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
	return capErrors(errs, len(errs))
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
	var ge *gqlerrors.Error
	if errors.As(err, &ge) && len(ge.Positions) == 1 && !strings.HasPrefix(m[3], "Unexpected empty IN") {
		// graphql-go counts columns in bytes, graphql-core in characters.
		l := gqlerr.LocationAt(body, ge.Positions[0])
		line, col = l.Line, l.Column
		if desc == "Unexpected $" {
			// A variable where a constant is expected (a default value).
			if name := nameAt(body, ge.Positions[0]+1); name != "" {
				desc = "Unexpected variable '$" + name + "' in constant value"
			}
		}
	}
	desc = tokenRe.ReplaceAllStringFunc(desc, coreToken)
	desc = charRe.ReplaceAllStringFunc(desc, coreChar)
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
var tokenRe = regexp.MustCompile(`(Unexpected|found|Expected) (EOF|Name "[^"]*"|\.\.\.|[!$&()\[\]{}:=@|])`)

// graphql-go quotes a character of a lexical error as "x" or "\u0007";
// graphql-core as 'x' (and '"') or U+0007, after a colon.
var charRe = regexp.MustCompile(`^(Unexpected character|Invalid character|Invalid character within String|Invalid number, [a-z0-9 ]+:) "(\\u[0-9A-F]{4}|.)"\.?$`)

func coreChar(s string) string {
	m := charRe.FindStringSubmatch(s)
	head, ch := m[1], m[2]
	if !strings.HasSuffix(head, ":") {
		head += ":"
	}
	if strings.HasPrefix(ch, `\u`) {
		return head + " U+" + ch[2:]
	}
	return head + " '" + ch + "'"
}

// nameAt returns the GraphQL Name starting at offset, or "".
func nameAt(body []byte, offset int) string {
	end := offset
	for end < len(body) {
		c := body[end]
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || end > offset && c >= '0' && c <= '9' {
			end++
			continue
		}
		break
	}
	return string(body[min(offset, end):end])
}

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
