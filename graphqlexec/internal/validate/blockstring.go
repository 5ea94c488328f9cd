package validate

import (
	"bytes"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/visitor"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/literal"
)

// graphql-go v0.8.1 computes a block string's value with the first line
// dedented too ("""multi\n  line""" gives "lti\nline"), where the spec and
// graphql-core leave the first line alone. Values are what resolvers and
// filters receive and what error messages print, so after parsing each
// block string's value is computed again from its source text with the
// spec's BlockStringValue. Only documents holding `"""` pay for the walk.
func fixBlockStrings(doc *ast.Document, body []byte) {
	if !bytes.Contains(body, []byte(`"""`)) {
		return
	}
	visitor.Visit(doc, &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.StringValue: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			sv, ok := p.Node.(*ast.StringValue)
			if ok && sv.Loc != nil {
				if raw, ok := blockStringRaw(body, sv.Loc.Start); ok {
					sv.Value = blockStringValue(raw)
				}
			}
			return visitor.ActionNoChange, nil
		}},
	}}, nil)
}

// blockStringRaw returns the text between the quotes of the block string
// starting at offset, with \""" unescaped.
func blockStringRaw(body []byte, offset int) (string, bool) {
	if offset < 0 || offset+3 > len(body) || string(body[offset:offset+3]) != `"""` {
		return "", false
	}
	var b strings.Builder
	for i := offset + 3; i < len(body); i++ {
		switch {
		case bytes.HasPrefix(body[i:], []byte(`\"""`)):
			b.WriteString(`"""`)
			i += 3
		case bytes.HasPrefix(body[i:], []byte(`"""`)):
			return b.String(), true
		default:
			b.WriteByte(body[i])
		}
	}
	return "", false
}

// blockStringValue is the spec's BlockStringValue (graphql-core's
// dedent_block_string_lines): the common indentation of the lines after
// the first is removed, then leading and trailing blank lines.
func blockStringValue(raw string) string {
	lines := literal.SplitLines(raw)
	common, first, last := -1, -1, -1
	for i, l := range lines {
		indent := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent == len(l) {
			continue
		}
		if first < 0 {
			first = i
		}
		last = i
		if i > 0 && (common < 0 || indent < common) {
			common = indent
		}
	}
	if first < 0 {
		return ""
	}
	out := make([]string, 0, last-first+1)
	for i := first; i <= last; i++ {
		l := lines[i]
		if i > 0 && common > 0 {
			l = l[min(common, len(l)):]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
