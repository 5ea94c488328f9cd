// Package literal is the declaration loader's side of value literals while
// the loader (package schema) parses with graphql-go: Print is
// graphql-core 3.2's print_ast of a graphql-go value (the defaultValue
// introspection shows, the loader's scalar messages), HasVariable answers
// whether one holds a variable, and Legacy hands a literal of our AST
// (internal/language, which the request path reads and whose PrintValue
// prints its literals) to the loader's scalar checks in graphql-go's form.
// It goes with the loader's switch to internal/language.
//
// What it must never do: change a value's meaning (strings are escaped
// with print_string's rules, block strings keep print_block_string's
// layout) or depend on the schema, SQL or the response body.
//
// Security defaults: none needed; it only reads the tree it is given, and
// recursion follows the value's nesting, which the front end's limits bound.
package literal

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
)

// Print is graphql-core's print_ast of a value node. body, the document's
// text, tells a block string (graphql-go's StringValue does not record it)
// from a quoted one; without it (nil) every string prints quoted, as
// print_ast(ast_from_value(…)) prints a default value. The null literal
// (an EnumValue "null" after the front end's repair), a nil value and
// any other node print as null.
func Print(v ast.Value, body []byte) string {
	var b strings.Builder
	writeLiteral(&b, v, body)
	return b.String()
}

// HasVariable reports whether v is or holds a variable.
func HasVariable(v ast.Value) bool {
	switch v := v.(type) {
	case *ast.Variable:
		return true
	case *ast.ListValue:
		for _, item := range v.Values {
			if HasVariable(item) {
				return true
			}
		}
	case *ast.ObjectValue:
		for _, f := range v.Fields {
			if HasVariable(f.Value) {
				return true
			}
		}
	}
	return false
}

func writeLiteral(b *strings.Builder, v ast.Value, body []byte) {
	switch v := v.(type) {
	case *ast.Variable:
		b.WriteString("$" + v.Name.Value)
	case *ast.IntValue:
		b.WriteString(v.Value)
	case *ast.FloatValue:
		b.WriteString(v.Value)
	case *ast.BooleanValue:
		if v.Value {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case *ast.EnumValue:
		b.WriteString(v.Value) // "null" for the null literal
	case *ast.StringValue:
		if v.Loc != nil && v.Loc.Start >= 0 && v.Loc.Start+3 <= len(body) && string(body[v.Loc.Start:v.Loc.Start+3]) == `"""` {
			b.WriteString(printBlockString(v.Value))
		} else {
			b.WriteString(printString(v.Value))
		}
	case *ast.ListValue:
		b.WriteByte('[')
		for i, item := range v.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			writeLiteral(b, item, body)
		}
		b.WriteByte(']')
	case *ast.ObjectValue:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name.Value + ": ")
			writeLiteral(b, f.Value, body)
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

// printString is graphql-core's print_string: `"` and `\` escaped, C0 and
// C1 controls as \uXXXX (upper-case hex) but for \b \t \n \f \r.
func printString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// printBlockString is graphql-core 3.2's print_block_string (minimize off).
func printBlockString(value string) string {
	escaped := strings.ReplaceAll(value, `"""`, `\"""`)
	lines := SplitLines(escaped)
	single := len(lines) == 1
	forceLeading := len(lines) > 1
	for _, l := range lines[min(1, len(lines)):] {
		if l != "" && l[0] != ' ' && l[0] != '\t' {
			forceLeading = false
		}
	}
	trailingTriple := strings.HasSuffix(escaped, `\"""`)
	trailingQuote := strings.HasSuffix(value, `"`) && !trailingTriple
	trailingSlash := strings.HasSuffix(value, `\`)
	forceTrailing := trailingQuote || trailingSlash
	multi := !single || len([]rune(value)) > 70 || forceTrailing || forceLeading || trailingTriple
	skipLeading := single && value != "" && (value[0] == ' ' || value[0] == '\t')
	before, after := "", ""
	if multi && !skipLeading || forceLeading {
		before = "\n"
	}
	if multi || forceTrailing {
		after = "\n"
	}
	return `"""` + before + escaped + after + `"""`
}

// SplitLines is Python's str.splitlines() for the line breaks a GraphQL
// block string can hold, or [""] for the empty string.
func SplitLines(s string) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return out
}
