package execute

import (
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/mutation"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

// mutationPlan is what a mutation root field needs at run time, built
// with the prepared operation (so cached with it when it has no
// variables).
type mutationPlan struct {
	sql   string // SELECT row_to_json(schema.fn($1, …, $n::jsonb))
	arg   *schema.InputValue
	input *schema.Type
	cfg   mutation.Config
	// entityType is the entity field's type, v1's entity_type for a row in
	// the "simple format" (no status).
	entityType string
}

// planMutation builds the call and the result shape of a @function field.
func (x *Execution) planMutation(r *root) *mutationPlan {
	s := x.e.s
	fn := r.field.Function
	mp := &mutationPlan{cfg: mutation.Config{SuccessType: fn.Success, ErrorType: fn.Error,
		// v1.9.7 reports any status outside its taxonomy as a success.
		UnknownStatusIsError: !x.e.v1}}
	for _, a := range r.field.Args {
		if a.Name == fn.InputArg {
			mp.arg = a
			mp.input = s.Type(a.Type.NamedType())
		}
	}
	sql := make([]byte, 0, 64)
	sql = append(sql, "SELECT row_to_json("...)
	sql = append(sql, fn.Schema...)
	sql = append(sql, '.')
	sql = append(sql, fn.Name...)
	sql = append(sql, '(')
	n := 0
	for range fn.ContextArgs {
		n++
		sql = append(sql, '$')
		sql = appendInt(sql, n)
		sql = append(sql, ", "...)
	}
	sql = append(sql, '$')
	sql = appendInt(sql, n+1)
	sql = append(sql, "::jsonb))"...)
	mp.sql = string(sql)

	succ, errT := s.Type(fn.Success), s.Type(fn.Error)
	var entity *schema.Field
	if succ != nil {
		for _, f := range succ.Fields {
			if t := s.Type(f.Type.NamedType()); !f.Auto && t != nil && t.Kind == schema.KindObject {
				entity = f
				break
			}
		}
	}
	if entity != nil {
		mp.cfg.EntityKey = entity.JSONKey
		mp.entityType = entity.Type.NamedType()
	}
	var succGroups []fieldGroup
	mp.cfg.SuccessFields, succGroups = x.fragmentFields(fn.Success, r.nodes)
	mp.cfg.ErrorFields, _ = x.fragmentFields(fn.Error, r.nodes)
	if mp.cfg.ErrorFields == nil && !x.e.v1 {
		// Without an "... on XError" selection the client selected nothing
		// of an error result but __typename; v1.9.7 then copies every key
		// of the returned entity (quirk 12).
		mp.cfg.ErrorFields, mp.cfg.OmitCode = []string{}, true
	}
	if entity != nil {
		for _, g := range succGroups {
			if g.nodes[0].Name.Value == entity.Name {
				mp.cfg.Entity = x.entitySelection(s.Type(entity.Type.NamedType()), g.nodes)
			}
		}
	}
	_ = errT
	return mp
}

func appendInt(dst []byte, n int) []byte {
	if n >= 10 {
		dst = appendInt(dst, n/10)
	}
	return append(dst, byte('0'+n%10))
}

// fragmentFields returns the names of the fields selected on typeName
// through fragments whose type condition is typeName (v1 reads its
// success_type_fields and error_type_fields from the "... on Type"
// selections), with their groups; nil when no fragment names the type, and
// v1 then filters nothing.
func (x *Execution) fragmentFields(typeName string, nodes []*language.Field) ([]string, []fieldGroup) {
	var sets []*language.SelectionSet
	for _, n := range nodes {
		if n.SelectionSet == nil {
			continue
		}
		for _, sel := range n.SelectionSet.Selections {
			switch sel := sel.(type) {
			case *language.InlineFragment:
				if sel.TypeCondition != nil && sel.TypeCondition.Name.Value == typeName && x.include(sel.Directives) {
					sets = append(sets, sel.SelectionSet)
				}
			case *language.FragmentSpread:
				if f := x.doc.Fragments[sel.Name.Value]; f != nil && f.TypeCondition.Name.Value == typeName && x.include(sel.Directives) {
					sets = append(sets, f.SelectionSet)
				}
			}
		}
	}
	if sets == nil {
		return nil, nil
	}
	groups := x.collect(typeName, sets)
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		names = append(names, g.nodes[0].Name.Value)
	}
	return names, groups
}

// entitySelection is the selection v1 filters an entity with: field names
// (aliases are not applied) and, for fields with a sub-selection, theirs.
func (x *Execution) entitySelection(t *schema.Type, nodes []*language.Field) *mutation.Selection {
	if t == nil {
		return nil
	}
	var sets []*language.SelectionSet
	for _, n := range nodes {
		if n.SelectionSet != nil {
			sets = append(sets, n.SelectionSet)
		}
	}
	sel := &mutation.Selection{}
	for _, g := range x.collect(t.Name, sets) {
		name := g.nodes[0].Name.Value
		sel.Fields = append(sel.Fields, name)
		if g.nodes[0].SelectionSet == nil {
			continue
		}
		f := t.Field(name)
		if f == nil {
			continue
		}
		if sub := x.entitySelection(x.e.s.Type(f.Type.NamedType()), g.nodes); sub != nil {
			if sel.Nested == nil {
				sel.Nested = map[string]*mutation.Selection{}
			}
			sel.Nested[name] = sub
		}
	}
	return sel
}

// mutation answers a mutation operation. Root fields run one after the
// other, each function call in a transaction of its own (a single
// statement, or one batch with its session variables). A lone mutation
// field answers v1's Rust bytes {"data":{"<field>":…}}; a failure is a
// field error on the dict path, as graphql-core reports a resolver
// exception.
func (x *Execution) mutation(p *prepared) Response {
	type part struct {
		key string
		obj pyjson.Value
		err *gqlerr.Error
	}
	parts := make([]part, 0, len(p.roots))
	failed := false
	for _, r := range p.roots {
		switch r.kind {
		case rootTypename:
			parts = append(parts, part{key: r.key, obj: gqlerr.Str(x.e.s.Mutation)})
		case rootMutation:
			obj, err := x.runMutation(r)
			if err != nil {
				parts = append(parts, part{key: r.key, obj: nullValue, err: x.fieldError(r, x.message(err))})
				failed = true
				continue
			}
			if len(p.roots) == 1 {
				return Response{Body: mutation.AppendResponse(x.dst(512), r.field.Name, &obj)}
			}
			parts = append(parts, part{key: r.key, obj: obj})
		}
	}
	if !failed {
		// Several root fields: no recording shows v1 here; answer every
		// field under its response key, in order, in the transform's
		// byte format.
		out := append(x.dst(512), `{"data":{`...)
		for i, pt := range parts {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendKey(out, pt.key)
			out = mutation.AppendJSON(out, &pt.obj)
		}
		return Response{Body: append(out, "}}"...)}
	}
	data := pyjson.Value{Kind: pyjson.Object}
	var errs []*gqlerr.Error
	for _, pt := range parts {
		data.Members = append(data.Members, pyjson.Member{Key: pt.key, Value: pt.obj})
		if pt.err != nil {
			errs = append(errs, pt.err)
		}
	}
	return x.dict(&data, errs)
}

// runMutation coerces the input, calls the function and builds the result
// object.
func (x *Execution) runMutation(r *root) (pyjson.Value, error) {
	mp := r.mut
	input, err := x.mutationInput(r, mp)
	if err != nil {
		return nullValue, err
	}
	fn := r.field.Function
	args := make([]any, 0, len(fn.ContextArgs)+1)
	for _, name := range fn.ContextArgs {
		v, err := x.contextValue(name)
		if err != nil {
			return nullValue, err
		}
		if v == nil {
			// v1 looks the key up in the GraphQL context and raises
			// when it is missing.
			return nullValue, clientErrorf("Required context parameter '%s' not found in GraphQL context", name)
		}
		args = append(args, v)
	}
	args = append(args, input)
	rows, err := x.query(mp.sql, args)
	if err != nil {
		return nullValue, err
	}
	defer rows.Close()
	var res *mutation.Result
	if rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return nullValue, errMutationRow
		}
		if res, err = mutation.Parse(raw[0], mp.entityType); err != nil {
			return nullValue, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nullValue, err
	}
	if res == nil {
		res = mutation.NoResult()
	}
	return mutation.Object(res, &mp.cfg), nil
}

var errMutationRow = &internalError{"mutation row has more than one column"}

// internalError is a failure a client only sees as internalMessage.
type internalError struct{ msg string }

func (e *internalError) Error() string { return e.msg }

// mutationInput coerces the input argument as graphql-core's execution
// does (production skips validation, so these checks are the only ones
// there) and serializes it as v1 sends it.
func (x *Execution) mutationInput(r *root, mp *mutationPlan) (string, error) {
	if mp.arg == nil || mp.input == nil {
		return "", &internalError{"mutation without input argument"}
	}
	var lit language.Value
	for _, a := range r.nodes[0].Arguments {
		if a.Name.Value == mp.arg.Name {
			lit = a.Value
		}
	}
	if lit == nil {
		if mp.arg.Type.NonNull {
			return "", clientErrorf("Argument '%s' of required type '%s' was not provided.", mp.arg.Name, mp.arg.Type)
		}
		return "null", nil
	}
	v, err := x.e.co.Literal(lit, mp.arg.Type, x.vars)
	if err == coerce.ErrUndefined {
		if mp.arg.Type.NonNull {
			return "", clientErrorf("Argument '%s' of required type '%s' was provided the variable '$%s' which was not provided a runtime value.", mp.arg.Name, mp.arg.Type, lit.(*language.Variable).Name.Value)
		}
		return "null", nil
	}
	if err != nil {
		return "", clientErrorf("Argument '%s' has invalid value %s.", mp.arg.Name, language.PrintValue(lit))
	}
	if v.Kind == pyjson.Null {
		return "null", nil
	}
	full, err := x.inputObject(&v, mp.input)
	if err != nil {
		return "", err
	}
	return string(AppendJSONB(nil, &full)), nil
}

// inputObject turns a coerced input object (GraphQL names, given fields
// only) into the dict v1 sends: every field of the input type under its
// snake_case key, an omitted field as its default or null (v1's input
// classes default them to None), nested input objects alike.
func (x *Execution) inputObject(v *pyjson.Value, t *schema.Type) (pyjson.Value, error) {
	out := pyjson.Value{Kind: pyjson.Object, Members: make([]pyjson.Member, 0, len(t.InputFields))}
	for _, f := range t.InputFields {
		key := f.JSONKey
		if key == "" {
			key = schema.SnakeCase(f.Name)
		}
		fv := v.Get(f.Name)
		var val pyjson.Value
		switch {
		case fv != nil:
			val = *fv
		case f.DefaultLiteral != nil:
			var err error
			if val, err = x.e.co.Literal(f.DefaultLiteral, f.Type, nil); err != nil {
				return nullValue, &internalError{"bad default value"}
			}
		default:
			val = nullValue
		}
		var err error
		if val, err = x.inputValue(&val, f.Type); err != nil {
			return nullValue, err
		}
		out.Members = append(out.Members, pyjson.Member{Key: key, Value: val})
	}
	return out, nil
}

// inputValue recurses into lists and nested input objects.
func (x *Execution) inputValue(v *pyjson.Value, ref *schema.TypeRef) (pyjson.Value, error) {
	if v.Kind == pyjson.Null {
		return *v, nil
	}
	if ref.NonNull {
		return x.inputValue(v, ref.OfType)
	}
	if ref.List {
		if v.Kind != pyjson.Array {
			return *v, nil
		}
		out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(v.Items))}
		for i := range v.Items {
			c, err := x.inputValue(&v.Items[i], ref.OfType)
			if err != nil {
				return nullValue, err
			}
			out.Items[i] = c
		}
		return out, nil
	}
	if t := x.e.s.Type(ref.Named); t != nil && t.Kind == schema.KindInputObject && v.Kind == pyjson.Object {
		return x.inputObject(v, t)
	}
	return *v, nil
}
