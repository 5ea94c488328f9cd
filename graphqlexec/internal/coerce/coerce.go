package coerce

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// Coercer coerces one declaration's variables and argument literals.
// It is safe for concurrent use.
type Coercer struct {
	s *schema.Schema
	// notLiteral: the NOT field of a generated where input takes an
	// object literal, read as that where input (see WithNotLiteral).
	notLiteral bool
}

// New returns the coercer of s.
func New(s *schema.Schema) *Coercer { return &Coercer{s: s} }

// WithNotLiteral returns a coercer that reads an object literal given to
// the NOT field of a generated <T>WhereInput (typed JSON, v1's published
// type) as a <T>WhereInput, the value a variable would carry. v1.9.7
// refuses it (JSON takes only a string literal); the default mode accepts
// it, with rules.Options.NotLiteral validating it first.
func (e *Coercer) WithNotLiteral() *Coercer { return &Coercer{s: e.s, notLiteral: true} }

var nullValue = pyjson.Value{Kind: pyjson.Null}

// Variables implements graphql-core's coerce_variable_values for
// one operation. The result maps names to coerced values; absent
// variables without a default are not in the map.
func (e *Coercer) Variables(op *language.OperationDefinition, body []byte, vars *pyjson.Value) (map[string]pyjson.Value, []*gqlerr.Error) {
	out := map[string]pyjson.Value{}
	var errs []*gqlerr.Error
	// Both the definitions and the variables object can be long (a
	// document of thousands of definitions, a body of a million members):
	// lookups go through a map beyond a few members, and locations through
	// one Locator, so the work stays linear.
	get := vars.Get
	if vars != nil && vars.Kind == pyjson.Object && len(vars.Members) > 16 && len(op.VariableDefinitions) > 1 {
		index := make(map[string]*pyjson.Value, len(vars.Members))
		for i := range vars.Members {
			if _, dup := index[vars.Members[i].Key]; !dup { // Get's answer: the first
				index[vars.Members[i].Key] = &vars.Members[i].Value
			}
		}
		get = func(name string) *pyjson.Value { return index[name] }
	}
	var locator *gqlerr.Locator
	for _, vd := range op.VariableDefinitions {
		name := vd.Variable.Name.Value
		ref := document.TypeRefOf(vd.Type)
		loc := func() []gqlerr.Location {
			if locator == nil {
				locator = gqlerr.NewLocator(body)
			}
			return []gqlerr.Location{locator.At(vd.Pos)}
		}
		given := get(name)
		if given == nil {
			if vd.DefaultValue != nil {
				v, err := e.Literal(vd.DefaultValue, ref, nil)
				if err == nil {
					out[name] = v
				}
				continue
			}
			if ref.NonNull {
				errs = append(errs, &gqlerr.Error{Message: fmt.Sprintf("Variable '$%s' of required type '%s' was not provided.", name, ref), Locations: loc()})
			}
			continue
		}
		if given.Kind == pyjson.Null && ref.NonNull {
			errs = append(errs, &gqlerr.Error{Message: fmt.Sprintf("Variable '$%s' of non-null type '%s' must not be null.", name, ref), Locations: loc()})
			continue
		}
		v, path, msg := e.input(given, ref, nil)
		if msg != "" {
			at := ""
			if len(path) > 0 {
				at = " at '" + name + pathText(path) + "'"
			}
			errs = append(errs, &gqlerr.Error{Message: fmt.Sprintf("Variable '$%s' got invalid value %s%s; %s", name, pyjson.Repr(given), at, msg), Locations: loc()})
			continue
		}
		out[name] = v
	}
	return out, errs
}

func pathText(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(p) + "]")
		case string:
			b.WriteString("." + p)
		}
	}
	return b.String()
}

// input is graphql-core's coerce_input_value for a JSON value. On
// failure it returns the path of the bad part and the message.
func (e *Coercer) input(v *pyjson.Value, ref *schema.TypeRef, path []any) (pyjson.Value, []any, string) {
	if ref.NonNull {
		if v.Kind == pyjson.Null {
			return nullValue, path, fmt.Sprintf("Expected non-nullable type '%s' not to be null.", ref)
		}
		return e.input(v, ref.OfType, path)
	}
	if v.Kind == pyjson.Null {
		return nullValue, nil, ""
	}
	if ref.List {
		if v.Kind != pyjson.Array {
			item, p, msg := e.input(v, ref.OfType, path)
			if msg != "" {
				return nullValue, p, msg
			}
			return pyjson.Value{Kind: pyjson.Array, Items: []pyjson.Value{item}}, nil, ""
		}
		out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, 0, len(v.Items))}
		for i := range v.Items {
			item, p, msg := e.input(&v.Items[i], ref.OfType, append(path, i))
			if msg != "" {
				return nullValue, p, msg
			}
			out.Items = append(out.Items, item)
		}
		return out, nil, ""
	}
	t := e.s.Type(ref.Named)
	if t == nil {
		return nullValue, path, fmt.Sprintf("Unknown type '%s'.", ref.Named)
	}
	switch t.Kind {
	case schema.KindInputObject:
		if v.Kind != pyjson.Object {
			return nullValue, path, fmt.Sprintf("Expected type '%s' to be a dict.", t.Name)
		}
		out := pyjson.Value{Kind: pyjson.Object}
		for _, f := range t.InputFields {
			fv := v.Get(f.Name)
			if fv == nil {
				if f.Type.NonNull && f.DefaultValue == nil {
					return nullValue, path, fmt.Sprintf("Field '%s' of required type '%s' was not provided.", f.Name, f.Type)
				}
				continue
			}
			c, p, msg := e.input(fv, f.Type, append(path, f.Name))
			if msg != "" {
				return nullValue, p, msg
			}
			out.Members = append(out.Members, pyjson.Member{Key: f.Name, Value: c})
		}
		for _, m := range v.Members {
			if t.InputField(m.Key) == nil {
				names := make([]string, len(t.InputFields))
				for i, f := range t.InputFields {
					names[i] = f.Name
				}
				return nullValue, path, fmt.Sprintf("Field '%s' is not defined by type '%s'.%s", m.Key, t.Name, gqlerr.DidYouMean(gqlerr.SuggestionList(m.Key, names)))
			}
		}
		return out, nil, ""
	case schema.KindEnum:
		if v.Kind == pyjson.String {
			for _, ev := range t.EnumValues {
				if ev.Name == v.Str {
					// The value a resolver gets: what the database holds
					// (@stored(value:)), the name when not declared.
					return gqlerr.Str(ev.Stored), nil, ""
				}
			}
			names := make([]string, len(t.EnumValues))
			for i, ev := range t.EnumValues {
				names[i] = ev.Name
			}
			return nullValue, path, fmt.Sprintf("Value '%s' does not exist in '%s' enum.%s", v.Str, t.Name, gqlerr.DidYouMean(gqlerr.SuggestionList(v.Str, names)))
		}
		return nullValue, path, fmt.Sprintf("Enum '%s' cannot represent non-string value: %s.", t.Name, pyjson.Repr(v))
	}
	if err := schema.ParseScalarValue(t.Name, v); err != nil {
		return nullValue, path, err.Error()
	}
	return normalizeScalar(t.Name, *v), nil, ""
}

// normalizeScalar gives a scalar the form str() of graphql-core's parsed
// value has: floats as Python floats, UUIDs canonical, IDs as text.
func normalizeScalar(scalar string, v pyjson.Value) pyjson.Value {
	switch scalar {
	case "Float":
		f, _ := strconv.ParseFloat(v.Num, 64)
		return pyjson.Value{Kind: pyjson.Float, Num: pyjson.FloatRepr(f)}
	case "ID":
		if v.Kind == pyjson.Int {
			return pyjson.Value{Kind: pyjson.String, Str: v.Num}
		}
	case "UUID":
		if v.Kind == pyjson.String {
			return pyjson.Value{Kind: pyjson.String, Str: canonicalUUID(v.Str)}
		}
	}
	return v
}

// canonicalUUID renders a UUID as Python's str(uuid.UUID(s)): lower-case,
// hyphenated. Text that is not a UUID is returned unchanged (the scalar
// already refused it).
func canonicalUUID(s string) string {
	h := strings.ToLower(s)
	h = strings.TrimPrefix(strings.TrimPrefix(h, "urn:"), "uuid:")
	h = strings.Trim(strings.ReplaceAll(h, "-", ""), "{}")
	if len(h) != 32 {
		return s
	}
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// LiteralError is an argument literal graphql-core's execution would reject
// (only reachable in production, where validation is skipped).
type LiteralError struct{ msg string }

func (e *LiteralError) Error() string { return e.msg }

// Literal is graphql-core's value_from_ast: a literal (with
// variables already coerced) to a value of type ref.
func (e *Coercer) Literal(v language.Value, ref *schema.TypeRef, vars map[string]pyjson.Value) (pyjson.Value, error) {
	if vr, ok := v.(*language.Variable); ok {
		val, ok := vars[vr.Name.Value]
		if !ok {
			return nullValue, ErrUndefined
		}
		if ref.NonNull && val.Kind == pyjson.Null {
			return nullValue, &LiteralError{"null for non-null"}
		}
		return val, nil
	}
	if _, null := v.(*language.NullValue); null {
		// graphql-core's value_from_ast: null is None, and Undefined
		// (invalid) for a non-null type.
		if ref.NonNull {
			return nullValue, &LiteralError{"null for non-null"}
		}
		return nullValue, nil
	}
	if ref.NonNull {
		return e.Literal(v, ref.OfType, vars)
	}
	if ref.List {
		lv, ok := v.(*language.ListValue)
		if !ok {
			item, err := e.Literal(v, ref.OfType, vars)
			if err != nil {
				return nullValue, err
			}
			return pyjson.Value{Kind: pyjson.Array, Items: []pyjson.Value{item}}, nil
		}
		out := pyjson.Value{Kind: pyjson.Array}
		for _, item := range lv.Values {
			c, err := e.Literal(item, ref.OfType, vars)
			if err == ErrUndefined {
				c, err = nullValue, nil
			}
			if err != nil {
				return nullValue, err
			}
			out.Items = append(out.Items, c)
		}
		return out, nil
	}
	t := e.s.Type(ref.Named)
	if t == nil {
		return nullValue, &LiteralError{"unknown type"}
	}
	switch t.Kind {
	case schema.KindInputObject:
		ov, ok := v.(*language.ObjectValue)
		if !ok {
			return nullValue, &LiteralError{"not an object"}
		}
		out := pyjson.Value{Kind: pyjson.Object}
		for _, f := range t.InputFields {
			var fv language.Value
			for _, of := range ov.Fields {
				if of.Name.Value == f.Name {
					fv = of.Value
				}
			}
			if fv == nil {
				if f.Type.NonNull && f.DefaultValue == nil {
					return nullValue, &LiteralError{"missing field"}
				}
				continue
			}
			ft := f.Type
			if _, obj := fv.(*language.ObjectValue); obj && e.notLiteral && t.WhereNot(f) {
				ft = &schema.TypeRef{Named: t.Name}
			}
			c, err := e.Literal(fv, ft, vars)
			if err == ErrUndefined {
				continue
			}
			if err != nil {
				return nullValue, err
			}
			out.Members = append(out.Members, pyjson.Member{Key: f.Name, Value: c})
		}
		for _, of := range ov.Fields {
			if t.InputField(of.Name.Value) == nil {
				return nullValue, &LiteralError{"unknown field"}
			}
		}
		return out, nil
	case schema.KindEnum:
		ev, ok := v.(*language.EnumValue)
		if !ok {
			return nullValue, &LiteralError{"not an enum"}
		}
		for _, x := range t.EnumValues {
			if x.Name == ev.Value {
				return gqlerr.Str(x.Stored), nil
			}
		}
		return nullValue, &LiteralError{"unknown enum value"}
	}
	if err := schema.ParseScalarLiteral(t.Name, v); err != nil {
		return nullValue, err
	}
	switch v := v.(type) {
	case *language.IntValue:
		if t.Name == "Float" {
			return normalizeScalar("Float", pyjson.Value{Kind: pyjson.Int, Num: v.Value}), nil
		}
		if t.Name == "ID" || t.Name == "String" {
			return gqlerr.Str(v.Value), nil
		}
		return pyjson.Value{Kind: pyjson.Int, Num: v.Value}, nil
	case *language.FloatValue:
		return normalizeScalar("Float", pyjson.Value{Kind: pyjson.Float, Num: v.Value}), nil
	case *language.StringValue:
		if t.Name == "JSON" {
			j, err := pyjson.Decode([]byte(v.Value))
			if err != nil {
				return nullValue, &LiteralError{err.Error()}
			}
			return j, nil
		}
		return normalizeScalar(t.Name, gqlerr.Str(v.Value)), nil
	case *language.BooleanValue:
		return pyjson.Value{Kind: pyjson.Bool, Bool: v.Value}, nil
	}
	return nullValue, &LiteralError{"unsupported literal"}
}

type undefinedError struct{}

func (undefinedError) Error() string { return "undefined" }

// ErrUndefined is graphql-core's Undefined: a variable that was not given.
var ErrUndefined error = undefinedError{}
