package literal

import (
	"github.com/graphql-go/graphql/language/ast"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// UsesVariable reports whether v (our AST) is or holds a variable.
func UsesVariable(v language.Value) bool {
	switch v := v.(type) {
	case *language.Variable:
		return true
	case *language.ListValue:
		for _, item := range v.Values {
			if UsesVariable(item) {
				return true
			}
		}
	case *language.ObjectValue:
		for i := range v.Fields {
			if UsesVariable(v.Fields[i].Value) {
				return true
			}
		}
	}
	return false
}

// Legacy gives a literal of our AST the form the declaration model's
// schema.ParseScalarLiteral still reads: graphql-go's AST, with the null
// literal as the EnumValue "null" (the form graphql-go's parser gave it
// after the old front end's repair) and every node at offset 0. It goes
// when the declaration loader reads our AST (the schema-loader switch).
func Legacy(v language.Value) ast.Value {
	switch v := v.(type) {
	case *language.Variable:
		return &ast.Variable{Kind: "Variable", Name: &ast.Name{Kind: "Name", Value: v.Name.Value}}
	case *language.IntValue:
		return &ast.IntValue{Kind: "IntValue", Value: v.Value}
	case *language.FloatValue:
		return &ast.FloatValue{Kind: "FloatValue", Value: v.Value}
	case *language.StringValue:
		return &ast.StringValue{Kind: "StringValue", Value: v.Value}
	case *language.BooleanValue:
		return &ast.BooleanValue{Kind: "BooleanValue", Value: v.Value}
	case *language.EnumValue:
		return &ast.EnumValue{Kind: "EnumValue", Value: v.Value}
	case *language.ListValue:
		out := &ast.ListValue{Kind: "ListValue", Values: make([]ast.Value, len(v.Values))}
		for i, item := range v.Values {
			out.Values[i] = Legacy(item)
		}
		return out
	case *language.ObjectValue:
		out := &ast.ObjectValue{Kind: "ObjectValue", Fields: make([]*ast.ObjectField, len(v.Fields))}
		for i := range v.Fields {
			f := &v.Fields[i]
			out.Fields[i] = &ast.ObjectField{Kind: "ObjectField", Name: &ast.Name{Kind: "Name", Value: f.Name.Value}, Value: Legacy(f.Value)}
		}
		return out
	}
	return &ast.EnumValue{Kind: "EnumValue", Value: "null"}
}
