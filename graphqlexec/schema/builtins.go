package schema

import (
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// builtins.graphql holds the types and directives every schema starts from,
// with the exact descriptions graphql-core 3.2.8 and FraiseQL v1.9.7 show in
// introspection. gen/builtins.py regenerates it.
//
//go:embed builtins.graphql
var builtinGenerated []byte

// builtins_more.graphql, written by hand, adds FraiseQL's scalars the v1.9.7
// goldens do not record (Date, Time, Decimal) and their filters.
//
//go:embed builtins_more.graphql
var builtinMore []byte

var builtinSDL = append(append(append([]byte{}, builtinGenerated...), '\n'), builtinMore...)

// builtinSet is the parsed builtins.graphql. Its *Type values are shared by
// every loaded schema, which is safe because nothing mutates them.
type builtinSet struct {
	types      map[string]*Type
	directives []*Directive
}

// scalarFilters maps a scalar to the filter input FraiseQL v1 generates for
// a field of that scalar in a <T>WhereInput. Scalars missing here (ID,
// JSON) get no filter field: v1's choice for them is not recorded in the
// goldens, and guessing would publish a different schema.
var scalarFilters = map[string]string{
	"String":   "StringFilter",
	"Int":      "IntFilter",
	"Float":    "FloatFilter",
	"Boolean":  "BooleanFilter",
	"UUID":     "UUIDFilter",
	"DateTime": "DateTimeFilter",
	"Date":     "DateFilter",
	"Time":     "TimeFilter",
	"Decimal":  "DecimalFilter",
}

var builtins = sync.OnceValue(func() *builtinSet {
	doc, err := language.Parse(string(builtinSDL), parseOptions)
	if err != nil {
		panic(fmt.Sprintf("schema: builtins.graphql does not parse: %v", err))
	}
	// A loader in its plain form converts the nodes; builtins skip the
	// user-facing checks (reserved names, directive rules).
	l := &loader{file: "builtins.graphql", src: builtinSDL, lines: lineStarts(builtinSDL)}
	set := &builtinSet{types: map[string]*Type{}}
	for _, def := range doc.Definitions {
		switch d := def.(type) {
		case *language.DirectiveDefinition:
			dir := &Directive{Name: d.Name.Value, Description: l.desc(d.Description)}
			for _, loc := range d.Locations {
				dir.Locations = append(dir.Locations, loc.Value)
			}
			for i := range d.Arguments {
				dir.Args = append(dir.Args, l.builtinInput(&d.Arguments[i]))
			}
			set.directives = append(set.directives, dir)
		case *language.ScalarTypeDefinition:
			set.types[d.Name.Value] = &Type{Name: d.Name.Value, Kind: KindScalar, Description: l.desc(d.Description), Builtin: true}
		case *language.EnumTypeDefinition:
			t := &Type{Name: d.Name.Value, Kind: KindEnum, Description: l.desc(d.Description), Builtin: true}
			for _, v := range d.Values {
				t.EnumValues = append(t.EnumValues, &EnumValue{Name: v.Name.Value, Description: l.desc(v.Description), Stored: v.Name.Value})
			}
			set.types[t.Name] = t
		case *language.ObjectTypeDefinition:
			t := &Type{Name: d.Name.Value, Kind: KindObject, Description: l.desc(d.Description), Builtin: true, fieldIndex: map[string]*Field{}}
			for i := range d.Fields {
				fd := &d.Fields[i]
				f := &Field{Name: fd.Name.Value, Description: l.desc(fd.Description), Type: l.typeRef(fd.Type), JSONKey: SnakeCase(fd.Name.Value)}
				for j := range fd.Arguments {
					f.Args = append(f.Args, l.builtinInput(&fd.Arguments[j]))
				}
				t.Fields = append(t.Fields, f)
				t.fieldIndex[f.Name] = f
			}
			set.types[t.Name] = t
		case *language.InputObjectTypeDefinition:
			t := &Type{Name: d.Name.Value, Kind: KindInputObject, Description: l.desc(d.Description), Builtin: true,
				Generated: GeneratedFilter, inputIndex: map[string]*InputValue{}}
			for i := range d.Fields {
				iv := l.builtinInput(&d.Fields[i])
				t.InputFields = append(t.InputFields, iv)
				t.inputIndex[iv.Name] = iv
			}
			set.types[t.Name] = t
		default:
			panic(fmt.Sprintf("schema: unexpected %T in builtins.graphql", def))
		}
	}
	return set
})

func (l *loader) builtinInput(d *language.InputValueDefinition) *InputValue {
	iv := &InputValue{Name: d.Name.Value, Description: l.desc(d.Description), Type: l.typeRef(d.Type), JSONKey: SnakeCase(d.Name.Value)}
	if d.DefaultValue != nil {
		s := printDefault(d.DefaultValue)
		iv.DefaultValue, iv.DefaultLiteral = &s, d.DefaultValue
	}
	return iv
}

// scalarNames lists the scalars a declaration may use, for messages.
func scalarNames() []string {
	var names []string
	for name, t := range builtins().types {
		if t.Kind == KindScalar {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
