package schema

import (
	"fmt"
	"sync"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// GraphQL returns a graphql-go schema with the same types, fields,
// arguments, input fields, unions, enums and scalars, for
// graphql.ValidateDocument. It is built once per Schema. Nothing on it ever
// resolves: execution and introspection are answered from the model
// (graphql-go would list fields alphabetically and word errors its own way).
func (s *Schema) GraphQL() *graphql.Schema {
	s.gqlOnce.Do(func() { s.gql, s.gqlErr = s.buildGraphQL() })
	if s.gqlErr != nil {
		// Load checked everything graphql-go checks; reaching this is a bug.
		panic(fmt.Sprintf("schema: graphql-go rejected a loaded schema: %v", s.gqlErr))
	}
	return s.gql
}

// gqlState is embedded in Schema to cache the graphql-go schema.
type gqlState struct {
	gqlOnce sync.Once
	gql     *graphql.Schema
	gqlErr  error
}

func (s *Schema) buildGraphQL() (*graphql.Schema, error) {
	b := &gqlBuilder{s: s, done: map[string]graphql.Type{}}
	var types []graphql.Type
	for _, t := range s.Types {
		if isIntrospectionType(t.Name) {
			continue
		}
		types = append(types, b.namedOf(t.Name))
	}
	cfg := graphql.SchemaConfig{Query: b.namedOf(s.Query).(*graphql.Object), Types: types}
	if s.Mutation != "" {
		cfg.Mutation = b.namedOf(s.Mutation).(*graphql.Object)
	}
	if s.Subscription != "" {
		cfg.Subscription = b.namedOf(s.Subscription).(*graphql.Object)
	}
	gs, err := graphql.NewSchema(cfg)
	if err != nil {
		return nil, err
	}
	return &gs, nil
}

type gqlBuilder struct {
	s    *Schema
	done map[string]graphql.Type // built types by name
}

func (b *gqlBuilder) ref(r *TypeRef) graphql.Type {
	switch {
	case r.Named != "":
		return b.namedOf(r.Named)
	case r.List:
		return graphql.NewList(b.ref(r.OfType))
	default:
		return graphql.NewNonNull(b.ref(r.OfType))
	}
}

// namedOf builds (once) the graphql-go type for a named model type.
func (b *gqlBuilder) namedOf(name string) graphql.Type {
	if t, ok := b.done[name]; ok {
		return t
	}
	t := b.s.Type(name)
	var out graphql.Type
	switch t.Kind {
	case KindScalar:
		out = b.scalar(t)
	case KindEnum:
		values := graphql.EnumValueConfigMap{}
		for _, v := range t.EnumValues {
			cfg := &graphql.EnumValueConfig{Value: v.Name}
			if v.Deprecation != nil {
				cfg.DeprecationReason = *v.Deprecation
			}
			values[v.Name] = cfg
		}
		out = graphql.NewEnum(graphql.EnumConfig{Name: t.Name, Values: values})
	case KindObject:
		// Fields are a thunk so that cycles (Post.author → User → …) work.
		out = graphql.NewObject(graphql.ObjectConfig{Name: t.Name, Fields: graphql.FieldsThunk(func() graphql.Fields {
			fields := graphql.Fields{}
			for _, f := range t.Fields {
				args := graphql.FieldConfigArgument{}
				for _, a := range f.Args {
					args[a.Name] = &graphql.ArgumentConfig{Type: b.ref(a.Type)}
				}
				fields[f.Name] = &graphql.Field{Type: b.ref(f.Type).(graphql.Output), Args: args}
			}
			return fields
		})})
	case KindInputObject:
		out = graphql.NewInputObject(graphql.InputObjectConfig{Name: t.Name, Fields: graphql.InputObjectConfigFieldMapThunk(func() graphql.InputObjectConfigFieldMap {
			fields := graphql.InputObjectConfigFieldMap{}
			for _, f := range t.InputFields {
				fields[f.Name] = &graphql.InputObjectFieldConfig{Type: b.ref(f.Type).(graphql.Input)}
			}
			return fields
		})})
	case KindUnion:
		var members []*graphql.Object
		for _, m := range t.PossibleTypes {
			members = append(members, b.namedOf(m).(*graphql.Object))
		}
		out = graphql.NewUnion(graphql.UnionConfig{Name: t.Name, Types: members,
			// Never called: execution is ours. graphql-go requires one.
			ResolveType: func(graphql.ResolveTypeParams) *graphql.Object { return nil }})
	}
	b.done[name] = out
	return out
}

// scalar maps the standard scalars to graphql-go's and gives FraiseQL's
// scalars literal checks that accept what v1 accepts, so the validator
// flags the same literals.
func (b *gqlBuilder) scalar(t *Type) graphql.Type {
	switch t.Name {
	case "String":
		return graphql.String
	case "Int":
		return graphql.Int
	case "Float":
		return graphql.Float
	case "Boolean":
		return graphql.Boolean
	case "ID":
		return graphql.ID
	}
	name := t.Name
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:      name,
		Serialize: func(v any) any { return v },
		// Variable values are checked by the executor (ParseScalarValue)
		// with v1's messages; the validator never sees them.
		ParseValue: func(v any) any { return v },
		ParseLiteral: func(v ast.Value) any {
			if ParseScalarLiteral(name, v) != nil {
				return nil // graphql-go reports nil as an invalid value
			}
			if v.GetKind() == "NullValue" {
				return nil
			}
			return v
		},
	})
}
