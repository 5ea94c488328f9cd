package language

import (
	"strings"
	"unicode/utf8"
)

// Print renders a node as graphql-core 3.2's print_ast does: a
// *Document, any Definition, Selection, Value or Type, or a
// *SelectionSet. Documents print their definitions separated by a blank
// line, without a final newline. Like print_ast it re-indents nested
// blocks by copying them, so printing a document costs its size times its
// nesting (bounded by the parser's depth limit); literals print in linear
// time.
func Print(node any) string {
	switch n := node.(type) {
	case *Document:
		parts := make([]string, len(n.Definitions))
		for i, d := range n.Definitions {
			parts[i] = printDefinition(d)
		}
		return join(parts, "\n\n")
	case Definition:
		return printDefinition(n)
	case *SelectionSet:
		return printSelectionSet(n)
	case Selection:
		return printSelection(n)
	case Value:
		return PrintValue(n)
	case Type:
		return printType(n)
	}
	return ""
}

// PrintValue renders a literal as print_ast does ("{a: [1, 2], b: \"x\"}"):
// the one literal printer of the engine.
func PrintValue(v Value) string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

func writeValue(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case *Variable:
		b.WriteByte('$')
		b.WriteString(v.Name.Value)
	case *IntValue:
		b.WriteString(v.Value)
	case *FloatValue:
		b.WriteString(v.Value)
	case *StringValue:
		if v.Block {
			b.WriteString(printBlockString(v.Value))
		} else {
			writeString(b, v.Value)
		}
	case *BooleanValue:
		if v.Value {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case *NullValue:
		b.WriteString("null")
	case *EnumValue:
		b.WriteString(v.Value)
	case *ListValue:
		b.WriteByte('[')
		for i, x := range v.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			writeValue(b, x)
		}
		b.WriteByte(']')
	case *ObjectValue:
		b.WriteByte('{')
		for i, f := range v.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name.Value)
			b.WriteString(": ")
			writeValue(b, f.Value)
		}
		b.WriteByte('}')
	}
}

const hexDigits = "0123456789ABCDEF"

// writeString is graphql-core's print_string: quotes, with \" \\ and the
// C0 and C1 controls escaped (\b \t \n \f \r by name, others as \u00XX).
func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		size := 1
		switch {
		case c == '"':
			esc = `\"`
		case c == '\\':
			esc = `\\`
		case c == '\b':
			esc = `\b`
		case c == '\t':
			esc = `\t`
		case c == '\n':
			esc = `\n`
		case c == '\f':
			esc = `\f`
		case c == '\r':
			esc = `\r`
		case c < 0x20 || c == 0x7f:
			esc = `\u00` + string(hexDigits[c>>4]) + string(hexDigits[c&15])
		case c >= utf8.RuneSelf:
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			if r >= 0x80 && r <= 0x9f {
				esc = `\u00` + string(hexDigits[r>>4]) + string(hexDigits[r&15])
			}
		}
		if esc != "" {
			b.WriteString(s[start:i])
			b.WriteString(esc)
			start = i + size
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// The helpers of print_ast: join skips empty parts, wrap is empty for an
// empty middle, indent indents every line, block is an indented {...}.

func join(parts []string, sep string) string {
	var b strings.Builder
	for _, s := range parts {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	return b.String()
}

func wrap(start, s, end string) string {
	if s == "" {
		return ""
	}
	return start + s + end
}

func indent(s string) string { return wrap("  ", strings.ReplaceAll(s, "\n", "\n  "), "") }

func block(parts []string) string { return wrap("{\n", indent(join(parts, "\n")), "\n}") }

func hasMultiline(parts []string) bool {
	for _, s := range parts {
		if strings.Contains(s, "\n") {
			return true
		}
	}
	return false
}

func mapJoin[T any](xs []T, sep string, f func(*T) string) string {
	parts := make([]string, len(xs))
	for i := range xs {
		parts[i] = f(&xs[i])
	}
	return join(parts, sep)
}

func mapStrings[T any](xs []T, f func(*T) string) []string {
	parts := make([]string, len(xs))
	for i := range xs {
		parts[i] = f(&xs[i])
	}
	return parts
}

func printDirectives(ds []Directive) string {
	return mapJoin(ds, " ", func(d *Directive) string {
		return "@" + d.Name.Value + wrap("(", printArgs(d.Arguments, ", "), ")")
	})
}

func printArgs(as []Argument, sep string) string {
	return mapJoin(as, sep, func(a *Argument) string { return a.Name.Value + ": " + PrintValue(a.Value) })
}

func printType(t Type) string {
	switch t := t.(type) {
	case *NamedType:
		return t.Name.Value
	case *ListType:
		return "[" + printType(t.Type) + "]"
	case *NonNullType:
		return printType(t.Type) + "!"
	}
	return ""
}

func printSelectionSet(s *SelectionSet) string {
	if s == nil {
		return ""
	}
	parts := make([]string, len(s.Selections))
	for i, sel := range s.Selections {
		parts[i] = printSelection(sel)
	}
	return block(parts)
}

// maxLineLength is print_ast's limit before a field's arguments go on
// lines of their own.
const maxLineLength = 80

func printSelection(s Selection) string {
	switch s := s.(type) {
	case *Field:
		prefix := wrap("", s.Alias.Value, ": ") + s.Name.Value
		argsLine := prefix + wrap("(", printArgs(s.Arguments, ", "), ")")
		if utf8.RuneCountInString(argsLine) > maxLineLength {
			argsLine = prefix + wrap("(\n", indent(printArgs(s.Arguments, "\n")), "\n)")
		}
		return join([]string{argsLine, printDirectives(s.Directives), printSelectionSet(s.SelectionSet)}, " ")
	case *FragmentSpread:
		return "..." + s.Name.Value + wrap(" ", printDirectives(s.Directives), "")
	case *InlineFragment:
		tc := ""
		if s.TypeCondition != nil {
			tc = "on " + s.TypeCondition.Name.Value
		}
		return join([]string{"...", tc, printDirectives(s.Directives), printSelectionSet(s.SelectionSet)}, " ")
	}
	return ""
}

func printDescription(d *StringValue) string {
	if d == nil {
		return ""
	}
	return wrap("", PrintValue(d), "\n")
}

func extendPrefix(extend bool, keyword string) string {
	if extend {
		return "extend " + keyword
	}
	return keyword
}

func printInputValue(v *InputValueDefinition) string {
	dv := ""
	if v.DefaultValue != nil {
		dv = "= " + PrintValue(v.DefaultValue)
	}
	return printDescription(v.Description) + join([]string{
		v.Name.Value + ": " + printType(v.Type), dv, printDirectives(v.Directives)}, " ")
}

func printArgDefs(args []InputValueDefinition) string {
	parts := mapStrings(args, printInputValue)
	if hasMultiline(parts) {
		return wrap("(\n", indent(join(parts, "\n")), "\n)")
	}
	return wrap("(", join(parts, ", "), ")")
}

func printFieldDef(f *FieldDefinition) string {
	return printDescription(f.Description) + f.Name.Value + printArgDefs(f.Arguments) + ": " +
		printType(f.Type) + wrap(" ", printDirectives(f.Directives), "")
}

func printNamedTypes(ts []NamedType, sep string) string {
	return mapJoin(ts, sep, func(t *NamedType) string { return t.Name.Value })
}

func printDefinition(d Definition) string {
	switch d := d.(type) {
	case *OperationDefinition:
		varDefs := wrap("(", mapJoin(d.VariableDefinitions, ", ", printVariableDefinition), ")")
		prefix := join([]string{d.Operation.String(), join([]string{d.Name.Value, varDefs}, ""), printDirectives(d.Directives)}, " ")
		if prefix == "query" {
			return printSelectionSet(d.SelectionSet)
		}
		return prefix + " " + printSelectionSet(d.SelectionSet)
	case *FragmentDefinition:
		return "fragment " + d.Name.Value + " on " + d.TypeCondition.Name.Value + " " +
			wrap("", printDirectives(d.Directives), " ") + printSelectionSet(d.SelectionSet)
	case *SchemaDefinition:
		ops := mapStrings(d.OperationTypes, func(o *OperationTypeDefinition) string {
			return o.Operation.String() + ": " + o.Type.Name.Value
		})
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "schema"), printDirectives(d.Directives), block(ops)}, " ")
	case *ScalarTypeDefinition:
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "scalar"), d.Name.Value, printDirectives(d.Directives)}, " ")
	case *ObjectTypeDefinition:
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "type"), d.Name.Value,
			wrap("implements ", printNamedTypes(d.Interfaces, " & "), ""), printDirectives(d.Directives),
			block(mapStrings(d.Fields, printFieldDef))}, " ")
	case *InterfaceTypeDefinition:
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "interface"), d.Name.Value,
			wrap("implements ", printNamedTypes(d.Interfaces, " & "), ""), printDirectives(d.Directives),
			block(mapStrings(d.Fields, printFieldDef))}, " ")
	case *UnionTypeDefinition:
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "union"), d.Name.Value,
			printDirectives(d.Directives), wrap("= ", printNamedTypes(d.Types, " | "), "")}, " ")
	case *EnumTypeDefinition:
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "enum"), d.Name.Value,
			printDirectives(d.Directives), block(mapStrings(d.Values, func(v *EnumValueDefinition) string {
				return printDescription(v.Description) + join([]string{v.Name.Value, printDirectives(v.Directives)}, " ")
			}))}, " ")
	case *InputObjectTypeDefinition:
		return printDescription(d.Description) + join([]string{extendPrefix(d.Extend, "input"), d.Name.Value,
			printDirectives(d.Directives), block(mapStrings(d.Fields, printInputValue))}, " ")
	case *DirectiveDefinition:
		rep := ""
		if d.Repeatable {
			rep = " repeatable"
		}
		return printDescription(d.Description) + "directive @" + d.Name.Value + printArgDefs(d.Arguments) + rep +
			" on " + mapJoin(d.Locations, " | ", func(n *Name) string { return n.Value })
	}
	return ""
}

func printVariableDefinition(v *VariableDefinition) string {
	s := "$" + v.Variable.Name.Value + ": " + printType(v.Type)
	if v.DefaultValue != nil {
		s += " = " + PrintValue(v.DefaultValue)
	}
	return s + wrap(" ", printDirectives(v.Directives), "")
}
