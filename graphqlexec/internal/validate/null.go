package validate

import (
	"bytes"
	"errors"

	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/lexer"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
	"github.com/graphql-go/graphql/language/visitor"
)

// The null literal.
//
// graphql-go v0.8.1's parser has no null literal: parseValueLiteral refuses
// the name `null` and its AST has no NullValue, while graphql-core (and the
// GraphQL spec) accept `user(id: null)` and `{age: {eq: null}}`. We do not
// fork the parser. Instead, on a cache miss only:
//
//  1. graphql-go's own lexer lists the Name tokens spelled `null` (strings,
//     block strings and comments are its business, not ours);
//  2. each is replaced by nullPlaceholder, a Name of the same length, so
//     every offset, line and column of the document stays exact, and the
//     copy is parsed: where a value is expected the placeholder becomes an
//     *ast.EnumValue, elsewhere (a field, argument or fragment named
//     `null`) an ordinary Name;
//  3. each EnumValue that starts at a replaced offset gets the Value "null".
//     Replacements that did not become values are put back and the original
//     spelling is parsed again (a field may be called `null`).
//
// So a null literal is an *ast.EnumValue whose Value is "null" (isNull).
// That can never be confused with an enum value or a name the client
// wrote: graphql-go's parser never produces an EnumValue "null" from a
// document (the very refusal we work around), the spec forbids an enum
// value named null, and a Name spelled null elsewhere keeps its meaning.
// The printer then prints `null`, as graphql-core's print_ast does, so
// error texts and field-merging comparisons see the real literal.
//
// Downstream, validation (valuesRule) reports graphql-core's
// "Expected value of type 'T!', found null." for a non-null position and
// accepts it elsewhere; coerceLiteral turns it into a JSON null, which the
// planner treats exactly like a null variable value (a null where filter or
// operator is ignored, as v1's where normalization drops None values; a
// null column argument is `IS NULL`).

// nullPlaceholder is a Name as long as "null".
const nullPlaceholder = "n_ll"

// isNull reports whether v is a null literal (see above).
func isNull(v ast.Value) bool {
	ev, ok := v.(*ast.EnumValue)
	return ok && ev.Value == "null"
}

// parseDocument parses a request document, accepting null literals and
// giving block strings their spec value (blockstring.go).
func parseDocument(body []byte) (*ast.Document, error) {
	doc, err := parseNulls(body)
	if err == nil {
		fixBlockStrings(doc, body)
	}
	return doc, err
}

func parseNulls(body []byte) (*ast.Document, error) {
	if !bytes.Contains(body, []byte("null")) {
		return parse(body)
	}
	offsets := nullNames(body)
	if len(offsets) == 0 {
		return parse(body)
	}
	sub := bytes.Clone(body)
	for _, off := range offsets {
		copy(sub[off:], nullPlaceholder)
	}
	for range 2 {
		doc, err := parse(sub)
		if err != nil {
			return nil, restoreSyntaxError(err, sub, offsets)
		}
		left := markNulls(doc, offsets)
		if len(left) == 0 {
			return doc, nil
		}
		for _, off := range left {
			copy(sub[off:], "null")
		}
		offsets = subtract(offsets, left)
	}
	// Unreachable in practice: a Name that was not a value the first time
	// is not one the second time. Fall back to graphql-go's own answer.
	return parse(body)
}

// parse parses with NoSource: the nodes keep their offsets but not the
// source. graphql-go computes an error's locations from its nodes' source,
// compiling a regular expression and matching it over the whole body for
// every error (O(errors × bytes): 2,400 unused variables in a 28 KB
// document took 2.5 s); without a source that costs nothing, and reword
// computes graphql-core's locations from the offsets anyway. Syntax errors
// take the source from the lexer, not from nodes, and are unaffected.
func parse(body []byte) (*ast.Document, error) {
	return parser.Parse(parser.ParseParams{
		Source:  source.NewSource(&source.Source{Body: body, Name: "GraphQL request"}),
		Options: parser.ParseOptions{NoSource: true},
	})
}

// nullNames returns the byte offsets of the Name tokens spelled `null`.
// graphql-go reports a Name's start in characters counted from the end of
// the previous token; a token whose bytes at that offset are not "null"
// (after a comment with non-ASCII text) is left alone, and the lexing
// stops there, as graphql-go's own positions are unreliable past it.
func nullNames(body []byte) []int {
	var out []int
	next := lexer.Lex(source.NewSource(&source.Source{Body: body}))
	for {
		tok, err := next(0)
		if err != nil || tok.Kind == lexer.EOF {
			return out
		}
		if tok.Kind != lexer.NAME || tok.Value != "null" {
			continue
		}
		if tok.Start < 0 || tok.Start+4 > len(body) || string(body[tok.Start:tok.Start+4]) != "null" {
			return out
		}
		out = append(out, tok.Start)
	}
}

// markNulls gives the EnumValues at the replaced offsets the Value "null"
// and returns the offsets that did not become values.
func markNulls(doc *ast.Document, offsets []int) []int {
	found := make(map[int]bool, len(offsets))
	for _, off := range offsets {
		found[off] = false
	}
	visitor.Visit(doc, &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.EnumValue: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			ev, ok := p.Node.(*ast.EnumValue)
			if !ok || ev.Loc == nil {
				return visitor.ActionNoChange, nil
			}
			if seen, ok := found[ev.Loc.Start]; ok && !seen && ev.Value == nullPlaceholder {
				ev.Value = "null"
				found[ev.Loc.Start] = true
			}
			return visitor.ActionNoChange, nil
		}},
	}}, nil)
	var left []int
	for _, off := range offsets {
		if !found[off] {
			left = append(left, off)
		}
	}
	return left
}

// subtract returns all without drop; both are ascending (document order),
// so one merge pass does it (a document can hold thousands of nulls).
func subtract(all, drop []int) []int {
	out := all[:0:0]
	j := 0
	for _, a := range all {
		for j < len(drop) && drop[j] < a {
			j++
		}
		if j < len(drop) && drop[j] == a {
			continue
		}
		out = append(out, a)
	}
	return out
}

// restoreSyntaxError spells the placeholder back as null when the syntax
// error points at a replaced token (graphql-core would name the token
// `null` there: "Expected ':', found Name 'null'.").
func restoreSyntaxError(err error, sub []byte, offsets []int) error {
	var ge *gqlerrors.Error
	if !errors.As(err, &ge) || len(ge.Positions) != 1 {
		return err
	}
	for _, off := range offsets {
		if ge.Positions[0] == off {
			msg := bytes.Replace([]byte(ge.Message), []byte(`Name "`+nullPlaceholder+`"`), []byte(`Name "null"`), 1)
			return gqlerrors.NewError(string(msg), nil, "", ge.Source, ge.Positions, nil)
		}
	}
	return err
}
