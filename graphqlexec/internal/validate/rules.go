package validate

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/kinds"
	"github.com/graphql-go/graphql/language/location"
	"github.com/graphql-go/graphql/language/visitor"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/literal"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
)

// This file holds the validation rule list in graphql-core 3.2's order and
// the rules whose graphql-go counterparts report differently (not only in
// other words): ValuesOfCorrectType (graphql-go's ArgumentsOfCorrectType
// and DefaultValuesOfCorrectType report one message per argument, graphql-
// core one per offending value, at the value), ExecutableDefinitions and
// UniqueDirectivesPerLocation (missing from graphql-go). They run inside
// graphql-go's validator, in its one parallel walk with its TypeInfo, so
// errors come out in graphql-core's order: by position in the walk, then
// by rule. UniqueOperationNames, UniqueInputFieldNames,
// PossibleFragmentSpreads and VariablesInAllowedPosition are ours too, for
// the graphql-go differences their comments name.

// coreMarker starts the message of an error that a rule of ours reported
// already in graphql-core's words; reword strips it and leaves the text
// alone. No graphql-go message starts with a NUL byte.
const coreMarker = "\x00"

// rules returns graphql-core's specified_rules for doc, in its order.
// SingleFieldSubscriptionsRule is absent: it only speaks when the schema
// has a subscription type, which the graphql-go schema never has.
func (e *Validator) rules(doc *ast.Document, body []byte) []graphql.ValidationRuleFn {
	rules := []graphql.ValidationRuleFn{
		executableDefinitionsRule,
		uniqueOperationNamesRule,
		graphql.LoneAnonymousOperationRule,
		graphql.KnownTypeNamesRule,
		graphql.FragmentsOnCompositeTypesRule,
		graphql.VariablesAreInputTypesRule,
		graphql.ScalarLeafsRule,
		graphql.FieldsOnCorrectTypeRule,
		graphql.UniqueFragmentNamesRule,
		graphql.KnownFragmentNamesRule,
		graphql.NoUnusedFragmentsRule,
		e.possibleFragmentSpreadsRule,
		graphql.NoFragmentCyclesRule,
		graphql.UniqueVariableNamesRule,
		graphql.NoUndefinedVariablesRule,
		graphql.NoUnusedVariablesRule,
		graphql.KnownDirectivesRule,
		uniqueDirectivesPerLocationRule,
		graphql.KnownArgumentNamesRule,
		graphql.UniqueArgumentNamesRule,
		e.valuesRule(body),
		graphql.ProvidedNonNullArgumentsRule,
		e.variablesInAllowedPositionRule,
	}
	// graphql-go's OverlappingFieldsCanBeMerged recurses without end on a
	// fragment cycle (F spreads G spreads F) and overflows the stack, which
	// kills the process. NoFragmentCycles reports the cycle; the overlap
	// check is left out for such documents.
	if !hasFragmentCycle(doc) {
		rules = append(rules, graphql.OverlappingFieldsCanBeMergedRule)
	}
	return append(rules, uniqueInputFieldNamesRule)
}

// coreError reports an error of ours. It builds the error itself rather
// than with gqlerrors.NewError, which computes locations by compiling and
// running a regular expression over the source; reword computes them from
// Positions (Locations only has to be as long).
func coreError(ctx *graphql.ValidationContext, msg string, nodes ...ast.Node) {
	err := &gqlerrors.Error{Message: coreMarker + msg, Nodes: nodes}
	for _, n := range nodes {
		if loc := n.GetLoc(); loc != nil {
			err.Positions = append(err.Positions, loc.Start)
		}
	}
	err.Locations = make([]location.SourceLocation, len(err.Positions))
	ctx.ReportError(err)
}

// executableDefinitionsRule is graphql-core's ExecutableDefinitionsRule.
func executableDefinitionsRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.Document: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			doc, _ := p.Node.(*ast.Document)
			if doc == nil {
				return visitor.ActionSkip, nil
			}
			for _, def := range doc.Definitions {
				var name string
				switch def := def.(type) {
				case *ast.OperationDefinition, *ast.FragmentDefinition:
					continue
				case *ast.SchemaDefinition:
					coreError(ctx, "The schema definition is not executable.", def)
					continue
				case *ast.TypeExtensionDefinition:
					if def.Definition != nil && def.Definition.Name != nil {
						name = def.Definition.Name.Value
					}
				case interface{ GetName() *ast.Name }:
					if n := def.GetName(); n != nil {
						name = n.Value
					}
				}
				coreError(ctx, fmt.Sprintf("The '%s' definition is not executable.", name), def)
			}
			return visitor.ActionSkip, nil
		}},
	}}}
}

// uniqueDirectivesPerLocationRule is graphql-core's
// UniqueDirectivesPerLocationRule for executable documents (every
// directive of the schema is non-repeatable).
func uniqueDirectivesPerLocationRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	check := func(dirs []*ast.Directive) {
		seen := map[string]*ast.Directive{}
		for _, d := range dirs {
			if d.Name == nil || ctx.Schema().Directive(d.Name.Value) == nil {
				continue
			}
			if first, ok := seen[d.Name.Value]; ok {
				coreError(ctx, fmt.Sprintf("The directive '@%s' can only be used once at this location.", d.Name.Value), first, d)
				continue
			}
			seen[d.Name.Value] = d
		}
	}
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{
		Enter: func(p visitor.VisitFuncParams) (string, any) {
			switch n := p.Node.(type) {
			case *ast.OperationDefinition:
				check(n.Directives)
			case *ast.Field:
				check(n.Directives)
			case *ast.FragmentSpread:
				check(n.Directives)
			case *ast.InlineFragment:
				check(n.Directives)
			case *ast.FragmentDefinition:
				check(n.Directives)
			}
			return visitor.ActionNoChange, nil
		},
	}}
}

// hasFragmentCycle reports whether some fragment spreads itself, directly
// or through others.
func hasFragmentCycle(doc *ast.Document) bool {
	spreads := map[string][]string{}
	for _, def := range doc.Definitions {
		f, ok := def.(*ast.FragmentDefinition)
		if !ok || f.Name == nil {
			continue
		}
		var walk func(set *ast.SelectionSet)
		walk = func(set *ast.SelectionSet) {
			if set == nil {
				return
			}
			for _, sel := range set.Selections {
				switch sel := sel.(type) {
				case *ast.FragmentSpread:
					if sel.Name != nil {
						spreads[f.Name.Value] = append(spreads[f.Name.Value], sel.Name.Value)
					}
				case *ast.Field:
					walk(sel.SelectionSet)
				case *ast.InlineFragment:
					walk(sel.SelectionSet)
				}
			}
		}
		walk(f.SelectionSet)
	}
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var cyclic func(name string) bool
	cyclic = func(name string) bool {
		switch state[name] {
		case open:
			return true
		case done:
			return false
		}
		state[name] = open
		for _, next := range spreads[name] {
			if cyclic(next) {
				return true
			}
		}
		state[name] = done
		return false
	}
	for name := range spreads {
		if cyclic(name) {
			return true
		}
	}
	return false
}

// valuesRule is graphql-core 3.2's ValuesOfCorrectTypeRule. It keeps its
// own copy of graphql-core's TypeInfo input-type stack (graphql-go's
// differs: inside a list given where no list is expected it knows no
// type, graphql-core keeps the expected type), in the model's type
// references: nil where graphql-core's is None.
func (e *Validator) valuesRule(body []byte) graphql.ValidationRuleFn {
	return func(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
		r := &valuesRule{e: e, ctx: ctx, body: body}
		return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
			kinds.VariableDefinition: {
				Enter: func(p visitor.VisitFuncParams) (string, any) {
					vd := p.Node.(*ast.VariableDefinition)
					r.push(e.inputRef(TypeRefOf(vd.Type)))
					return visitor.ActionNoChange, nil
				},
				Leave: r.leave,
			},
			kinds.Argument: {
				Enter: func(p visitor.VisitFuncParams) (string, any) {
					var ref *schema.TypeRef
					if a := ctx.Argument(); a != nil {
						ref = e.inputRef(refOfGo(a.Type))
					}
					r.push(ref)
					return visitor.ActionNoChange, nil
				},
				Leave: r.leave,
			},
			kinds.ListValue: {
				Enter: func(p visitor.VisitFuncParams) (string, any) {
					parent := r.top()
					item := nullable(parent)
					if item != nil && item.List {
						item = item.OfType
					}
					r.push(e.inputRef(item))
					if t := nullable(parent); t == nil || !t.List {
						r.checkLeaf(p.Node.(ast.Value))
						r.pop() // a skipped node is not left
						return visitor.ActionSkip, nil
					}
					return visitor.ActionNoChange, nil
				},
				Leave: r.leave,
			},
			kinds.ObjectValue: {
				Enter: func(p visitor.VisitFuncParams) (string, any) {
					ov := p.Node.(*ast.ObjectValue)
					t := r.named(r.top())
					if t == nil || t.Kind != schema.KindInputObject {
						r.checkLeaf(ov)
						return visitor.ActionSkip, nil
					}
					for _, f := range t.InputFields {
						if !f.Type.NonNull || f.DefaultValue != nil {
							continue
						}
						given := false
						for _, of := range ov.Fields {
							given = given || of.Name.Value == f.Name
						}
						if !given {
							coreError(ctx, fmt.Sprintf("Field '%s.%s' of required type '%s' was not provided.", t.Name, f.Name, f.Type), ov)
						}
					}
					return visitor.ActionNoChange, nil
				},
			},
			kinds.ObjectField: {
				Enter: func(p visitor.VisitFuncParams) (string, any) {
					of := p.Node.(*ast.ObjectField)
					parent := r.named(r.top())
					var ref *schema.TypeRef
					if parent != nil && parent.Kind == schema.KindInputObject {
						if f := parent.InputField(of.Name.Value); f != nil {
							ref = e.inputRef(f.Type)
						}
					}
					r.push(ref)
					if ref == nil && parent != nil && parent.Kind == schema.KindInputObject {
						names := make([]string, len(parent.InputFields))
						for i, f := range parent.InputFields {
							names[i] = f.Name
						}
						coreError(ctx, fmt.Sprintf("Field '%s' is not defined by type '%s'.%s", of.Name.Value, parent.Name,
							gqlerr.DidYouMean(gqlerr.SuggestionList(of.Name.Value, names))), of)
					}
					return visitor.ActionNoChange, nil
				},
				Leave: r.leave,
			},
			kinds.EnumValue:    {Enter: r.enterLeaf},
			kinds.IntValue:     {Enter: r.enterLeaf},
			kinds.FloatValue:   {Enter: r.enterLeaf},
			kinds.StringValue:  {Enter: r.enterLeaf},
			kinds.BooleanValue: {Enter: r.enterLeaf},
		}}}
	}
}

type valuesRule struct {
	e     *Validator
	ctx   *graphql.ValidationContext
	body  []byte
	stack []*schema.TypeRef
}

func (r *valuesRule) push(t *schema.TypeRef) { r.stack = append(r.stack, t) }
func (r *valuesRule) pop() {
	if len(r.stack) > 0 {
		r.stack = r.stack[:len(r.stack)-1]
	}
}

func (r *valuesRule) leave(visitor.VisitFuncParams) (string, any) {
	r.pop()
	return visitor.ActionNoChange, nil
}

func (r *valuesRule) top() *schema.TypeRef {
	if len(r.stack) == 0 {
		return nil
	}
	return r.stack[len(r.stack)-1]
}

func (r *valuesRule) named(t *schema.TypeRef) *schema.Type {
	if t == nil {
		return nil
	}
	return r.e.s.Type(t.NamedType())
}

func nullable(t *schema.TypeRef) *schema.TypeRef {
	if t != nil && t.NonNull {
		return t.OfType
	}
	return t
}

// inputRef is t when it names an input type (graphql-core's is_input_type),
// else nil.
func (e *Validator) inputRef(t *schema.TypeRef) *schema.TypeRef {
	if t == nil {
		return nil
	}
	nt := e.s.Type(t.NamedType())
	if nt == nil {
		return nil
	}
	switch nt.Kind {
	case schema.KindScalar, schema.KindEnum, schema.KindInputObject:
		return t
	}
	return nil
}

// refOfGo converts a graphql-go type to a model reference.
func refOfGo(t graphql.Type) *schema.TypeRef {
	switch t := t.(type) {
	case *graphql.NonNull:
		return &schema.TypeRef{NonNull: true, OfType: refOfGo(t.OfType)}
	case *graphql.List:
		return &schema.TypeRef{List: true, OfType: refOfGo(t.OfType)}
	case nil:
		return nil
	}
	return &schema.TypeRef{Named: t.Name()}
}

func (r *valuesRule) enterLeaf(p visitor.VisitFuncParams) (string, any) {
	v := p.Node.(ast.Value)
	if isNull(v) {
		if t := r.top(); t != nil && t.NonNull {
			coreError(r.ctx, fmt.Sprintf("Expected value of type '%s', found null.", t), v)
		}
		return visitor.ActionNoChange, nil
	}
	r.checkLeaf(v)
	return visitor.ActionNoChange, nil
}

// checkLeaf is graphql-core's is_valid_value_node: the literal against the
// scalar or enum the position expects.
func (r *valuesRule) checkLeaf(v ast.Value) {
	loc := r.top()
	if loc == nil {
		return
	}
	t := r.named(loc)
	printed := literal.Print(v, r.body)
	switch {
	case t == nil:
		return
	case t.Kind == schema.KindEnum:
		names := make([]string, len(t.EnumValues))
		for i, ev := range t.EnumValues {
			names[i] = ev.Name
		}
		hint := gqlerr.DidYouMeanWhat("the enum value", gqlerr.SuggestionList(printed, names))
		if ev, ok := v.(*ast.EnumValue); ok {
			for _, name := range names {
				if name == ev.Value {
					return
				}
			}
			coreError(r.ctx, fmt.Sprintf("Value '%s' does not exist in '%s' enum.%s", printed, t.Name, hint), v)
			return
		}
		coreError(r.ctx, fmt.Sprintf("Enum '%s' cannot represent non-enum value: %s.%s", t.Name, printed, hint), v)
	case t.Kind != schema.KindScalar:
		coreError(r.ctx, fmt.Sprintf("Expected value of type '%s', found %s.", loc, printed), v)
	default:
		if msg, ok := standardLiteralError(t.Name, v, printed); ok {
			if msg != "" {
				coreError(r.ctx, msg, v)
			}
			return
		}
		// FraiseQL's scalars raise GraphQLError without a node from
		// parse_literal; graphql-core reports it as raised: no location.
		if err := schema.ParseScalarLiteral(t.Name, v); err != nil {
			coreError(r.ctx, err.Error())
		}
	}
}

// standardLiteralError is graphql-core 3.2's parse_literal of a specified
// scalar; ok is false for other scalars, msg empty when v is accepted.
func standardLiteralError(scalar string, v ast.Value, printed string) (msg string, ok bool) {
	switch scalar {
	case "Int":
		iv, isInt := v.(*ast.IntValue)
		if !isInt {
			return "Int cannot represent non-integer value: " + printed, true
		}
		if !int32Literal(iv.Value) {
			return "Int cannot represent non 32-bit signed integer value: " + printed, true
		}
	case "Float":
		switch v.(type) {
		case *ast.IntValue, *ast.FloatValue:
		default:
			return "Float cannot represent non numeric value: " + printed, true
		}
	case "String":
		if _, isStr := v.(*ast.StringValue); !isStr {
			return "String cannot represent a non string value: " + printed, true
		}
	case "Boolean":
		if _, isBool := v.(*ast.BooleanValue); !isBool {
			return "Boolean cannot represent a non boolean value: " + printed, true
		}
	case "ID":
		switch v.(type) {
		case *ast.StringValue, *ast.IntValue:
		default:
			return "ID cannot represent a non-string and non-integer value: " + printed, true
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

// uniqueOperationNamesRule is graphql-core's UniqueOperationNamesRule
// (graphql-go also reports two anonymous operations, under the name "").
func uniqueOperationNamesRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	known := map[string]*ast.Name{}
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.OperationDefinition: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			op := p.Node.(*ast.OperationDefinition)
			if op.Name == nil {
				return visitor.ActionSkip, nil
			}
			if first, ok := known[op.Name.Value]; ok {
				coreError(ctx, fmt.Sprintf("There can be only one operation named '%s'.", op.Name.Value), first, op.Name)
			} else {
				known[op.Name.Value] = op.Name
			}
			return visitor.ActionSkip, nil
		}},
		kinds.FragmentDefinition: {Kind: func(visitor.VisitFuncParams) (string, any) { return visitor.ActionSkip, nil }},
	}}}
}

// uniqueInputFieldNamesRule is graphql-core's UniqueInputFieldNamesRule
// (graphql-go's misses duplicates inside nested objects).
func uniqueInputFieldNamesRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	var stack []map[string]*ast.Name
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.ObjectValue: {
			Enter: func(visitor.VisitFuncParams) (string, any) {
				stack = append(stack, map[string]*ast.Name{})
				return visitor.ActionNoChange, nil
			},
			Leave: func(visitor.VisitFuncParams) (string, any) {
				stack = stack[:len(stack)-1]
				return visitor.ActionNoChange, nil
			},
		},
		kinds.ObjectField: {Enter: func(p visitor.VisitFuncParams) (string, any) {
			of := p.Node.(*ast.ObjectField)
			if len(stack) == 0 || of.Name == nil {
				return visitor.ActionNoChange, nil
			}
			known := stack[len(stack)-1]
			if first, ok := known[of.Name.Value]; ok {
				coreError(ctx, fmt.Sprintf("There can be only one input field named '%s'.", of.Name.Value), first, of.Name)
			} else {
				known[of.Name.Value] = of.Name
			}
			return visitor.ActionNoChange, nil
		}},
	}}}
}

// possibleFragmentSpreadsRule is graphql-core's PossibleFragmentSpreadsRule
// over the model (graphql-go's also judges non-composite fragment types and
// takes an inline fragment without a type condition for the field's list
// type).
func (e *Validator) possibleFragmentSpreadsRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	composite := func(name string) *schema.Type {
		t := e.s.Type(name)
		if t == nil {
			return nil
		}
		switch t.Kind {
		case schema.KindObject, schema.KindUnion, schema.KindInterface:
			return t
		}
		return nil
	}
	parent := func() *schema.Type {
		if p := ctx.ParentType(); p != nil {
			return composite(p.Name())
		}
		return nil
	}
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.InlineFragment: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			n := p.Node.(*ast.InlineFragment)
			if n.TypeCondition == nil {
				return visitor.ActionNoChange, nil // its type is the parent's
			}
			frag, par := composite(n.TypeCondition.Name.Value), parent()
			if frag != nil && par != nil && !e.overlap(frag, par) {
				coreError(ctx, fmt.Sprintf("Fragment cannot be spread here as objects of type '%s' can never be of type '%s'.", par.Name, frag.Name), n)
			}
			return visitor.ActionNoChange, nil
		}},
		kinds.FragmentSpread: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			n := p.Node.(*ast.FragmentSpread)
			def := ctx.Fragment(n.Name.Value)
			if def == nil || def.TypeCondition == nil {
				return visitor.ActionNoChange, nil
			}
			frag, par := composite(def.TypeCondition.Name.Value), parent()
			if frag != nil && par != nil && !e.overlap(frag, par) {
				coreError(ctx, fmt.Sprintf("Fragment '%s' cannot be spread here as objects of type '%s' can never be of type '%s'.", n.Name.Value, par.Name, frag.Name), n)
			}
			return visitor.ActionNoChange, nil
		}},
	}}}
}

// overlap is graphql-core's do_types_overlap.
func (e *Validator) overlap(a, b *schema.Type) bool {
	if a.Name == b.Name {
		return true
	}
	abstract := func(t *schema.Type) bool { return t.Kind == schema.KindUnion || t.Kind == schema.KindInterface }
	has := func(t *schema.Type, name string) bool {
		for _, m := range t.PossibleTypes {
			if m == name {
				return true
			}
		}
		return false
	}
	switch {
	case abstract(a) && abstract(b):
		for _, m := range a.PossibleTypes {
			if has(b, m) {
				return true
			}
		}
		return false
	case abstract(a):
		return has(a, b.Name)
	case abstract(b):
		return has(b, a.Name)
	}
	return false
}

// variablesInAllowedPositionRule is graphql-core's
// VariablesInAllowedPositionRule: graphql-go takes a `null` default for a
// non-null one (it has no null literal; ours is an EnumValue).
func (e *Validator) variablesInAllowedPositionRule(ctx *graphql.ValidationContext) *graphql.ValidationRuleInstance {
	var defs map[string]*ast.VariableDefinition
	return &graphql.ValidationRuleInstance{VisitorOpts: &visitor.VisitorOptions{KindFuncMap: map[string]visitor.NamedVisitFuncs{
		kinds.OperationDefinition: {
			Enter: func(visitor.VisitFuncParams) (string, any) {
				defs = map[string]*ast.VariableDefinition{}
				return visitor.ActionNoChange, nil
			},
			Leave: func(p visitor.VisitFuncParams) (string, any) {
				op := p.Node.(*ast.OperationDefinition)
				for _, u := range ctx.RecursiveVariableUsages(op) {
					if u.Node == nil || u.Node.Name == nil || u.Type == nil {
						continue
					}
					vd := defs[u.Node.Name.Value]
					if vd == nil {
						continue
					}
					varType := TypeRefOf(vd.Type)
					if e.s.Type(varType.NamedType()) == nil {
						continue
					}
					loc := refOfGo(u.Type)
					if !e.allowedVariableUsage(varType, vd.DefaultValue, loc) {
						coreError(ctx, fmt.Sprintf("Variable '$%s' of type '%s' used in position expecting type '%s'.", u.Node.Name.Value, varType, loc), vd, u.Node)
					}
				}
				return visitor.ActionNoChange, nil
			},
		},
		kinds.VariableDefinition: {Kind: func(p visitor.VisitFuncParams) (string, any) {
			vd := p.Node.(*ast.VariableDefinition)
			if vd.Variable != nil && vd.Variable.Name != nil {
				defs[vd.Variable.Name.Value] = vd
			}
			return visitor.ActionNoChange, nil
		}},
	}}}
}

// allowedVariableUsage is graphql-core's allowed_variable_usage; no
// argument or input field of a served schema has a default value.
func (e *Validator) allowedVariableUsage(varType *schema.TypeRef, varDefault ast.Value, loc *schema.TypeRef) bool {
	if loc.NonNull && !varType.NonNull {
		if varDefault == nil || isNull(varDefault) {
			return false
		}
		return e.subType(varType, loc.OfType)
	}
	return e.subType(varType, loc)
}

// subType is graphql-core's is_type_sub_type_of.
func (e *Validator) subType(sub, super *schema.TypeRef) bool {
	switch {
	case super.NonNull:
		return sub.NonNull && e.subType(sub.OfType, super.OfType)
	case sub.NonNull:
		return e.subType(sub.OfType, super)
	case super.List:
		return sub.List && e.subType(sub.OfType, super.OfType)
	case sub.List:
		return false
	}
	if sub.Named == super.Named {
		return true
	}
	st := e.s.Type(super.Named)
	if st == nil || st.Kind != schema.KindUnion && st.Kind != schema.KindInterface {
		return false
	}
	for _, m := range st.PossibleTypes {
		if m == sub.Named {
			return true
		}
	}
	return false
}
