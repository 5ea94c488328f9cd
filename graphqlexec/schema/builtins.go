package schema

import (
	_ "embed"
	"fmt"
	"sort"
	"sync"

	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/literal"
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
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: builtinSDL, Name: "builtins.graphql"})})
	if err != nil {
		panic(fmt.Sprintf("schema: builtins.graphql does not parse: %v", err))
	}
	// A loader in its plain form converts the nodes; builtins skip the
	// user-facing checks (reserved names, directive rules).
	l := &loader{file: "builtins.graphql", src: builtinSDL, lines: lineStarts(builtinSDL)}
	set := &builtinSet{types: map[string]*Type{}}
	for _, def := range doc.Definitions {
		switch d := def.(type) {
		case *ast.DirectiveDefinition:
			dir := &Directive{Name: d.Name.Value, Description: l.desc(d.Description)}
			for _, loc := range d.Locations {
				dir.Locations = append(dir.Locations, loc.Value)
			}
			for _, a := range d.Arguments {
				dir.Args = append(dir.Args, l.builtinInput(a))
			}
			set.directives = append(set.directives, dir)
		case *ast.ScalarDefinition:
			set.types[d.Name.Value] = &Type{Name: d.Name.Value, Kind: KindScalar, Description: l.desc(d.Description), Builtin: true}
		case *ast.EnumDefinition:
			t := &Type{Name: d.Name.Value, Kind: KindEnum, Description: l.desc(d.Description), Builtin: true}
			for _, v := range d.Values {
				t.EnumValues = append(t.EnumValues, &EnumValue{Name: v.Name.Value, Description: l.desc(v.Description), Stored: v.Name.Value})
			}
			set.types[t.Name] = t
		case *ast.ObjectDefinition:
			t := &Type{Name: d.Name.Value, Kind: KindObject, Description: l.desc(d.Description), Builtin: true, fieldIndex: map[string]*Field{}}
			for _, fd := range d.Fields {
				f := &Field{Name: fd.Name.Value, Description: l.desc(fd.Description), Type: l.typeRef(fd.Type), JSONKey: SnakeCase(fd.Name.Value)}
				for _, a := range fd.Arguments {
					f.Args = append(f.Args, l.builtinInput(a))
				}
				t.Fields = append(t.Fields, f)
				t.fieldIndex[f.Name] = f
			}
			set.types[t.Name] = t
		case *ast.InputObjectDefinition:
			t := &Type{Name: d.Name.Value, Kind: KindInputObject, Description: l.desc(d.Description), Builtin: true,
				Generated: GeneratedFilter, inputIndex: map[string]*InputValue{}}
			for _, fd := range d.Fields {
				iv := l.builtinInput(fd)
				t.InputFields = append(t.InputFields, iv)
				t.inputIndex[iv.Name] = iv
			}
			set.types[t.Name] = t
		default:
			panic(fmt.Sprintf("schema: unexpected %s in builtins.graphql", def.GetKind()))
		}
	}
	return set
})

func (l *loader) builtinInput(d *ast.InputValueDefinition) *InputValue {
	iv := &InputValue{Name: d.Name.Value, Description: l.desc(d.Description), Type: l.typeRef(d.Type), JSONKey: SnakeCase(d.Name.Value)}
	if d.DefaultValue != nil {
		s := literal.Print(d.DefaultValue, nil)
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
