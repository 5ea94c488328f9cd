package execute

import (
	"slices"
	"strings"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/coerce"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/gqlerr"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/mutation"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/rowjson"
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
	// entity is the success type's entity field (nil when it has none);
	// set in the default mode, where projectResult completes the result.
	entity *schema.Field
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
	if !x.e.v1 {
		// The result object is built whole and then completed with the
		// selection (projectResult), as a GraphQL executor does: only what
		// was selected, under its response key, the entity written as a
		// read writes a row (quirks 12a and 12c).
		mp.entity = entity
		_ = errT
		return mp
	}
	var succGroups []fieldGroup
	mp.cfg.SuccessFields, succGroups = x.fragmentFields(fn.Success, r.nodes)
	mp.cfg.ErrorFields, _ = x.fragmentFields(fn.Error, r.nodes)
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
		key  string
		obj  pyjson.Value
		proj *projected // the default mode's result (obj then unused)
		err  *gqlerr.Error
		errs []*gqlerr.Error // completion errors of a result that has data
	}
	appendPart := func(out []byte, pt *part) []byte {
		if pt.proj != nil {
			return pt.proj.appendJSON(out)
		}
		return mutation.AppendJSON(out, &pt.obj)
	}
	parts := make([]part, 0, len(p.roots))
	failed := false
	// With a response bound, the results are measured as they come: the
	// one that takes the body past it is a field error, and the root
	// fields after it are not run (each answers the same error), so
	// aliased calls of a function returning large objects cannot build an
	// unbounded answer.
	var scratch []byte
	size, over := 0, false
	for _, r := range p.roots {
		switch r.kind {
		case rootTypename:
			parts = append(parts, part{key: r.key, obj: gqlerr.Str(x.e.s.Mutation)})
		case rootMutation:
			if over {
				parts = append(parts, part{key: r.key, obj: nullValue, err: x.fieldError(r, x.message(x.sizeError()))})
				continue
			}
			obj, proj, err := x.runMutation(r)
			if ce, ok := err.(*completionErrors); ok {
				parts = append(parts, part{key: r.key, proj: ce.proj, errs: ce.errs})
				failed = true
				continue
			}
			if err != nil {
				parts = append(parts, part{key: r.key, obj: nullValue, err: x.fieldError(r, x.message(err))})
				failed = true
				continue
			}
			if x.e.maxOut > 0 {
				pt := part{obj: obj, proj: proj}
				scratch = appendPart(scratch[:0], &pt)
				if size += len(r.key) + len(scratch) + 4; size > x.e.maxOut {
					parts = append(parts, part{key: r.key, obj: nullValue, err: x.fieldError(r, x.message(x.sizeError()))})
					failed, over = true, true
					continue
				}
			}
			if len(p.roots) == 1 {
				if proj != nil {
					// The response key: an alias is kept (v1 writes the
					// field's name, quirk 1).
					out := append(x.dst(512), `{"data":{`...)
					out = appendKey(out, r.key)
					out = proj.appendJSON(out)
					return Response{Body: append(out, "}}"...)}
				}
				return Response{Body: mutation.AppendResponse(x.dst(512), r.field.Name, &obj)}
			}
			parts = append(parts, part{key: r.key, obj: obj, proj: proj})
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
			out = appendPart(out, &parts[i])
		}
		return Response{Body: append(out, "}}"...)}
	}
	var errs []*gqlerr.Error
	for _, pt := range parts {
		if pt.err != nil {
			errs = append(errs, pt.err)
		}
		errs = append(errs, pt.errs...)
	}
	if !x.e.v1 {
		// The data as a success writes it (results from their stored
		// bytes, numbers exactly as stored), then the errors.
		out := append(x.dst(512), `{"data":{`...)
		for i, pt := range parts {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendKey(out, pt.key)
			out = appendPart(out, &parts[i])
		}
		return x.dictAfterData(append(out, '}'), errs)
	}
	data := pyjson.Value{Kind: pyjson.Object}
	for _, pt := range parts {
		data.Members = append(data.Members, pyjson.Member{Key: pt.key, Value: pt.obj})
	}
	return x.dict(&data, errs)
}

// runMutation coerces the input, calls the function and builds the result
// object.
func (x *Execution) runMutation(r *root) (pyjson.Value, *projected, error) {
	mp := r.mut
	input, err := x.mutationInput(r, mp)
	if err != nil {
		return nullValue, nil, err
	}
	fn := r.field.Function
	args := make([]any, 0, len(fn.ContextArgs)+1)
	for _, name := range fn.ContextArgs {
		v, err := x.contextValue(name)
		if err != nil {
			return nullValue, nil, err
		}
		if v == nil {
			// v1 looks the key up in the GraphQL context and raises
			// when it is missing.
			return nullValue, nil, clientErrorf("Required context parameter '%s' not found in GraphQL context", name)
		}
		args = append(args, v)
	}
	args = append(args, input)
	rows, err := x.query(mp.sql, args)
	if err != nil {
		return nullValue, nil, x.refusedInput(mp.arg.Name, err)
	}
	defer rows.Close()
	var res *mutation.Result
	if rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return nullValue, nil, errMutationRow
		}
		if res, err = mutation.Parse(raw[0], mp.entityType); err != nil {
			return nullValue, nil, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nullValue, nil, x.refusedInput(mp.arg.Name, err)
	}
	if res == nil {
		res = mutation.NoResult()
	}
	obj := mutation.Object(res, &mp.cfg)
	if x.e.v1 {
		return obj, nil, nil
	}
	proj, err := x.projectResult(r, res, obj)
	return nullValue, proj, err
}

// projected is a result completed with its selection: the object, whose
// members that are completed documents are written from their bytes
// (raws, by response key) so numbers keep their exact stored form.
type projected struct {
	obj  pyjson.Value
	raws map[string][]byte
}

// appendJSON writes the object, members in their (sorted) order.
func (p *projected) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i := range p.obj.Members {
		m := &p.obj.Members[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = rowjson.AppendString(dst, m.Key)
		dst = append(dst, ':')
		if raw, ok := p.raws[m.Key]; ok {
			dst = append(dst, raw...)
		} else {
			dst = mutation.AppendJSON(dst, &m.Value)
		}
	}
	return append(dst, '}')
}

// projectResult completes the result object full (v1's whole object for
// res) with the selection of root r: the fields selected on the result's
// type, under their response keys (aliases), __typename first as v1
// writes it; the entity and other object fields read from the function's
// document and written as a read writes a row of their type (projected,
// aliases, __typename in every object, values checked against the
// declared types); lists of errors projected on their selection. A value
// that does not complete is a *completionErrors carrying the field errors
// with the object (the field's data stays, with nulls where they failed).
func (x *Execution) projectResult(r *root, res *mutation.Result, full pyjson.Value) (*projected, error) {
	tn := ""
	if v := full.Get("__typename"); v != nil {
		tn = v.Str
	}
	t := x.e.s.Type(tn)
	out := pyjson.Value{Kind: pyjson.Object, Members: []pyjson.Member{{Key: "__typename", Value: gqlerr.Str(tn)}}}
	p := &projected{raws: map[string][]byte{}}
	if t == nil {
		p.obj = out
		return p, nil
	}
	var ferrs []rowjson.FieldError
	for _, g := range x.collect(tn, selectionSets(r)) {
		name := g.nodes[0].Name.Value
		if name == "__typename" {
			setMember(&out, g.key, gqlerr.Str(tn))
			continue
		}
		f := t.Field(name)
		if f == nil {
			continue
		}
		ct := x.e.s.Type(f.Type.NamedType())
		if ct != nil && ct.Kind == schema.KindObject && ct.Name != "Error" {
			raw := x.resultDocument(r, res, t, f)
			b, errs, err := x.completeDocument(raw, ct, g)
			if err != nil {
				return nil, err
			}
			rowjson.PrefixErrors(errs, 0, g.key, 0)
			ferrs = append(ferrs, errs...)
			setMember(&out, g.key, nullValue)
			p.raws[g.key] = b
			continue
		}
		v := full.Get(schema.CamelCase(f.JSONKey))
		if v == nil {
			setMember(&out, g.key, nullValue)
			continue
		}
		if ct != nil && ct.Kind == schema.KindObject {
			setMember(&out, g.key, x.projectPlain(*v, ct, g.nodes))
			continue
		}
		setMember(&out, g.key, *v)
	}
	// Keys byte-sorted, the transform's form (AppendJSON sorts too; the
	// dict path of a result with field errors writes them as they are).
	slices.SortStableFunc(out.Members, func(a, b pyjson.Member) int { return strings.Compare(a.Key, b.Key) })
	p.obj = out
	if len(ferrs) > 0 {
		rowjson.PrefixErrors(ferrs, 0, r.key, 0)
		ce := &completionErrors{proj: p}
		for i := range ferrs {
			ce.errs = append(ce.errs, x.completionError(&ferrs[i]))
		}
		return p, ce
	}
	return p, nil
}

// completionErrors is a mutation result whose entity did not complete
// with its declared types: the object, with nulls where fields failed,
// and the field errors to report with it.
type completionErrors struct {
	proj *projected
	errs []*gqlerr.Error
}

func (e *completionErrors) Error() string { return "mutation result does not complete" }

// resultDocument is the stored document behind object field f of result
// type t: the entity itself for the success type's entity field (or the
// entity's member of that key when the function wrapped it), else the
// entity's member named by f's JSON key (v1 copies a wrapper's members,
// e.g. conflict_user on an error type). nil when there is none.
func (x *Execution) resultDocument(r *root, res *mutation.Result, t *schema.Type, f *schema.Field) *pyjson.Value {
	if res.Entity.Kind != pyjson.Object && res.Entity.Kind != pyjson.Array {
		return nil
	}
	if t.Role == schema.RoleSuccess && f == r.mut.entity {
		if res.Entity.Kind == pyjson.Object {
			if w := res.Entity.Get(f.JSONKey); w != nil {
				return w
			}
		}
		return &res.Entity
	}
	if res.Entity.Kind == pyjson.Object {
		return res.Entity.Get(f.JSONKey)
	}
	return nil
}

// completeDocument writes a stored document (or a list of them) of object
// type ct as a read writes a row, selected by g; the field errors have
// paths relative to the value.
func (x *Execution) completeDocument(raw *pyjson.Value, ct *schema.Type, g fieldGroup) ([]byte, []rowjson.FieldError, error) {
	if raw == nil || raw.Kind == pyjson.Null {
		return []byte("null"), nil, nil
	}
	node := x.projection(ct, g.nodes)
	one := func(out []byte, doc *pyjson.Value) ([]byte, []rowjson.FieldError, error) {
		if doc.Kind != pyjson.Object {
			return append(out, "null"...), nil, nil
		}
		out, errs, nulled, err := rowjson.AppendRowChecked(out, appendStored(nil, doc), node, nil)
		if err != nil {
			return nil, nil, err
		}
		if nulled {
			out = append(out, "null"...)
		}
		return out, errs, nil
	}
	if raw.Kind != pyjson.Array {
		return one(nil, raw)
	}
	out := []byte{'['}
	var all []rowjson.FieldError
	for i := range raw.Items {
		if i > 0 {
			out = append(out, ',')
		}
		var errs []rowjson.FieldError
		var err error
		if out, errs, err = one(out, &raw.Items[i]); err != nil {
			return nil, nil, err
		}
		rowjson.PrefixErrors(errs, 0, i, i)
		all = append(all, errs...)
	}
	return append(out, ']'), all, nil
}

// projectPlain keeps, of an object (or each object of a list) of type t
// that is not a stored document (the error list's Error objects), the
// fields nodes select, under their response keys; __typename only when
// selected, as v1 writes these objects.
func (x *Execution) projectPlain(v pyjson.Value, t *schema.Type, nodes []*language.Field) pyjson.Value {
	switch v.Kind {
	case pyjson.Array:
		out := pyjson.Value{Kind: pyjson.Array, Items: make([]pyjson.Value, len(v.Items))}
		for i := range v.Items {
			out.Items[i] = x.projectPlain(v.Items[i], t, nodes)
		}
		return out
	case pyjson.Object:
	default:
		return v
	}
	sets := make([]*language.SelectionSet, 0, len(nodes))
	for _, n := range nodes {
		sets = append(sets, n.SelectionSet)
	}
	out := pyjson.Value{Kind: pyjson.Object}
	for _, g := range x.collect(t.Name, sets) {
		name := g.nodes[0].Name.Value
		if name == "__typename" {
			setMember(&out, g.key, gqlerr.Str(t.Name))
			continue
		}
		f := t.Field(name)
		if f == nil {
			continue
		}
		fv := v.Get(name)
		if fv == nil {
			fv = v.Get(f.JSONKey)
		}
		if fv == nil {
			setMember(&out, g.key, nullValue)
			continue
		}
		if ct := x.e.s.Type(f.Type.NamedType()); ct != nil && ct.Kind == schema.KindObject {
			setMember(&out, g.key, x.projectPlain(*fv, ct, g.nodes))
			continue
		}
		setMember(&out, g.key, *fv)
	}
	return out
}

// setMember sets key in object o (a later value replaces an earlier one).
func setMember(o *pyjson.Value, key string, v pyjson.Value) {
	if p := o.Get(key); p != nil {
		*p = v
		return
	}
	o.Members = append(o.Members, pyjson.Member{Key: key, Value: v})
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
	if err := x.refuseNUL(mp.arg.Name, &v); err != nil {
		return "", err
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

// appendStored writes a decoded stored document back as JSON text with
// each number's literal as PostgreSQL printed it (pyjson keeps it), so
// that completing it gives the bytes a read of the same document gives
// (pyjson's encoders would print floats as Python does: digits beyond
// float64 lost, 1e-05 for 0.00001).
func appendStored(dst []byte, v *pyjson.Value) []byte {
	switch v.Kind {
	case pyjson.Bool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case pyjson.Int, pyjson.Float:
		if v.Num == "NaN" || v.Num == "Infinity" || v.Num == "-Infinity" {
			return append(dst, "null"...) // not JSON; jsonb never holds one
		}
		return append(dst, v.Num...)
	case pyjson.String:
		return rowjson.AppendString(dst, v.Str)
	case pyjson.Array:
		dst = append(dst, '[')
		for i := range v.Items {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendStored(dst, &v.Items[i])
		}
		return append(dst, ']')
	case pyjson.Object:
		dst = append(dst, '{')
		for i := range v.Members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = rowjson.AppendString(dst, v.Members[i].Key)
			dst = append(dst, ':')
			dst = appendStored(dst, &v.Members[i].Value)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// refuseNUL refuses, by default, an argument holding a string with the
// character U+0000, before any SQL runs: PostgreSQL's text and jsonb cannot
// store it, and its refusal ("invalid byte sequence for encoding \"UTF8\":
// 0x00", "unsupported Unicode escape sequence") is the database's words
// for the client's input. v1.9.7 sends it and shows PostgreSQL's text
// (--quirks v1.9.7 still does).
func (x *Execution) refuseNUL(arg string, v *pyjson.Value) error {
	if x.e.v1 || !hasNUL(v) {
		return nil
	}
	return clientErrorf("Argument '%s' has invalid value: a string holds the character U+0000, which PostgreSQL text cannot store.", arg)
}

func hasNUL(v *pyjson.Value) bool {
	switch v.Kind {
	case pyjson.String:
		return strings.IndexByte(v.Str, 0) >= 0
	case pyjson.Array:
		for i := range v.Items {
			if hasNUL(&v.Items[i]) {
				return true
			}
		}
	case pyjson.Object:
		for i := range v.Members {
			m := &v.Members[i]
			if strings.IndexByte(m.Key, 0) >= 0 || hasNUL(&m.Value) {
				return true
			}
		}
	}
	return false
}
