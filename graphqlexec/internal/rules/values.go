package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// value visits a literal: TypeInfo's input types, the variable usages,
// ValuesOfCorrectTypeRule and UniqueInputFieldNamesRule.
func (w *walker) value(v language.Value) {
	w.steps++
	switch v := v.(type) {
	case *language.Variable:
		if w.curUsages != nil {
			*w.curUsages = append(*w.curUsages, usage{v: v, typ: w.inputType(), hasDefault: top(w.defaults)})
		}
	case *language.ListValue:
		lt := nullable(w.inputType())
		item := lt
		if lt != nil && lt.List {
			item = lt.OfType
		}
		w.inputs = append(w.inputs, w.inputRef(item))
		w.defaults = append(w.defaults, false)
		if w.full && w.valuesSkip == nil {
			if pt := nullable(w.parentInputType()); pt == nil || !pt.List {
				w.checkLiteral(v)
				w.valuesSkip = v
			}
		}
		for _, item := range v.Values {
			w.value(item)
		}
		if w.valuesSkip == v {
			w.valuesSkip = nil
		}
		pop(&w.inputs)
		pop(&w.defaults)
	case *language.ObjectValue:
		if w.full {
			if w.valuesSkip == nil {
				if t := w.m.typeOf(w.inputType()); t == nil || t.kind != schema.KindInputObject {
					w.checkLiteral(v)
					w.valuesSkip = v
				} else {
					for _, f := range t.inputList {
						if f.Type.NonNull && f.DefaultValue == nil && !hasObjectField(v.Fields, f.Name) {
							w.report(fmt.Sprintf("Field '%s.%s' of required type '%s' was not provided.", t.name, f.Name, f.Type), v.Pos)
						}
					}
				}
			}
			w.inputNames = append(w.inputNames, nil)
		}
		for i := range v.Fields {
			w.objectField(&v.Fields[i])
		}
		if w.full {
			pop(&w.inputNames)
			if w.valuesSkip == v {
				w.valuesSkip = nil
			}
		}
	case *language.NullValue:
		if w.full && w.valuesSkip == nil {
			if t := w.inputType(); t != nil && t.NonNull {
				w.report(fmt.Sprintf("Expected value of type '%s', found null.", t), v.Pos)
			}
		}
	default:
		if w.full && w.valuesSkip == nil {
			w.checkLiteral(v)
		}
	}
}

func hasObjectField(fields []language.ObjectField, name string) bool {
	for _, f := range fields {
		if f.Name.Value == name {
			return true
		}
	}
	return false
}

func (w *walker) objectField(f *language.ObjectField) {
	var def *schema.InputValue
	ot := w.m.typeOf(w.inputType())
	if ot != nil && ot.kind == schema.KindInputObject {
		def = ot.inputFields[f.Name.Value]
	}
	var t *schema.TypeRef
	if def != nil {
		t = w.inputRef(def.Type)
		if _, obj := f.Value.(*language.ObjectValue); obj && w.m.notLiteral && ot.where && def.Name == "NOT" && def.Type.NamedType() == "JSON" {
			t = w.inputRef(&schema.TypeRef{Named: ot.name})
		}
	}
	w.inputs = append(w.inputs, t)
	w.defaults = append(w.defaults, def != nil && def.DefaultValue != nil)
	if w.full {
		// ValuesOfCorrectTypeRule: a field the input object does not have.
		if w.valuesSkip == nil && t == nil {
			if pt := w.m.typeOf(w.parentInputType()); pt != nil && pt.kind == schema.KindInputObject {
				w.report(fmt.Sprintf("Field '%s' is not defined by type '%s'.", f.Name.Value, pt.name)+
					gqlerr.DidYouMean(gqlerr.SuggestionList(f.Name.Value, pt.inputNames)), f.Pos)
			}
		}
		// UniqueInputFieldNamesRule.
		if n := len(w.inputNames); n > 0 {
			known := w.inputNames[n-1]
			if known == nil {
				known = map[string]int{}
				w.inputNames[n-1] = known
			}
			if first, ok := known[f.Name.Value]; ok {
				w.report(fmt.Sprintf("There can be only one input field named '%s'.", f.Name.Value), first, f.Name.Pos)
			} else {
				known[f.Name.Value] = f.Name.Pos
			}
		}
	}
	w.value(f.Value)
	pop(&w.inputs)
	pop(&w.defaults)
}

// checkLiteral is graphql-core's is_valid_value_node: the literal against
// the leaf type its position expects (parse_literal's errors).
func (w *walker) checkLiteral(v language.Value) {
	loc := w.inputType()
	if loc == nil {
		return
	}
	t := w.m.typeOf(loc)
	if !t.leaf() {
		w.report(fmt.Sprintf("Expected value of type '%s', found %s.", loc, language.PrintValue(v)), v.Position())
		return
	}
	if t.kind == schema.KindEnum {
		printed := language.PrintValue(v)
		hint := gqlerr.DidYouMeanWhat("the enum value", gqlerr.SuggestionList(printed, t.enumNames))
		if ev, ok := v.(*language.EnumValue); ok {
			if !t.enumValues[ev.Value] {
				w.report(fmt.Sprintf("Value '%s' does not exist in '%s' enum.%s", printed, t.name, hint), ev.Pos)
			}
			return
		}
		w.report(fmt.Sprintf("Enum '%s' cannot represent non-enum value: %s.%s", t.name, printed, hint), v.Position())
		return
	}
	if msg, ok := standardLiteral(t.name, v); ok {
		if msg != "" {
			w.report(msg, v.Position())
		}
		return
	}
	// FraiseQL's scalars raise GraphQLError without a node from
	// parse_literal, which graphql-core reports as raised: no location.
	if err := schema.ParseScalarLiteral(t.name, v); err != nil {
		w.report(err.Error())
	}
}

// standardLiteral is graphql-core 3.2's parse_literal of a specified
// scalar: ok is false for other scalars, msg empty when v is accepted.
func standardLiteral(scalar string, v language.Value) (msg string, ok bool) {
	bad := func(prefix string) (string, bool) { return prefix + language.PrintValue(v), true }
	switch scalar {
	case "Int":
		iv, isInt := v.(*language.IntValue)
		if !isInt {
			return bad("Int cannot represent non-integer value: ")
		}
		if !int32Literal(iv.Value) {
			return bad("Int cannot represent non 32-bit signed integer value: ")
		}
	case "Float":
		switch v.(type) {
		case *language.IntValue, *language.FloatValue:
		default:
			return bad("Float cannot represent non numeric value: ")
		}
	case "String":
		if _, isStr := v.(*language.StringValue); !isStr {
			return bad("String cannot represent a non string value: ")
		}
	case "Boolean":
		if _, isBool := v.(*language.BooleanValue); !isBool {
			return bad("Boolean cannot represent a non boolean value: ")
		}
	case "ID":
		switch v.(type) {
		case *language.StringValue, *language.IntValue:
		default:
			return bad("ID cannot represent a non-string and non-integer value: ")
		}
	default:
		return "", false
	}
	return "", true
}

// int32Literal reports whether an IntValue's digits fit GraphQL's Int
// (Python's int() has no size limit, so any length is compared exactly).
func int32Literal(s string) bool {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
	limit := "2147483647"
	if neg {
		limit = "2147483648"
	}
	if len(digits) != len(limit) {
		return len(digits) < len(limit)
	}
	return digits <= limit
}

func sortNatural(s []string) { slices.SortStableFunc(s, gqlerr.NaturalCompare) }
